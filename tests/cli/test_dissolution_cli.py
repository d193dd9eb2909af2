"""§3.1, §3.2 on the command line: an asset transfer naming the successor, the dissolution, the due item and
the §3.2 delivery, recorded once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from warrantbook.cli.main import app

runner = CliRunner()


def wb(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.output}"
    return result


def test_dissolution_delivery_from_the_command_line(tmp_path: Path) -> None:
    src = ["--book", str(tmp_path / "book.yaml")]
    on = ["--on", "2005-09-07"]
    wb("init", *src)
    wb("company", "add", "atg", "--name", "American Technologies Group, Inc.", "--state", "Nevada", *on, *src)
    wb("company", "add", "newco", "--name", "NewCo, Inc.", "--state", "Delaware", *on, *src)
    wb("holder", "add", "gssf", "--name", "GSSF Master Fund, L.P.", "--address", "1 Fund Street", "--address", "New York, NY 10022", *on, *src)
    wb("issue", "--option", "ATG-1", "--holder", "gssf", "--shares", "140250000", "--price", "0.00001", "--company", "atg", *on, *src)
    wb("dissolve", "--company", "atg", "--on", "2008-06-30", *src, code=1)  # §3.2: no transfer of the assets yet
    wb("reorganize", "--company", "atg", "--transaction", "asset-transfer", "--successor", "NewCo, Inc.", "--cash", "0.03",
       "--successor-company", "newco", "--on", "2008-01-02", *src, code=2)  # the basket holds no newco security
    wb("reorganize", "--company", "atg", "--transaction", "asset-transfer", "--successor", "NewCo, Inc.", "--cash", "0.03",
       "--on", "2008-01-02", *src)
    wb("dissolve", "--company", "atg", "--on", "2008-06-30", *src)
    due = json.loads(wb("due", "--as-of", "2008-07-01", "--json", *src).stdout)
    item = next(i for i in due["items"] if i["kind"] == "dissolution")
    assert "$4207500 cash" in item["text"] and "$1402.5" in item["text"], item  # 140,250,000 x $0.03; x $0.00001
    short = wb("dissolution-delivery", "--option", "ATG-1", "--price-received", "1402.49", "--on", "2008-07-10", *src, code=1)
    assert "§3.2" in short.output
    wb("dissolution-delivery", "--option", "ATG-1", "--price-received", "1402.50", "--on", "2008-07-10", *src)
    wb("dissolution-delivery", "--option", "ATG-1", "--price-received", "1402.50", "--on", "2008-07-11", *src, code=1)  # once
    due = json.loads(wb("due", "--as-of", "2008-07-12", "--json", *src).stdout)
    assert not [i for i in due["items"] if i["kind"] == "dissolution"]
    assert "Example: warrantbook dissolution-delivery" in wb("dissolution-delivery", "--help").stdout
