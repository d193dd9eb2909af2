"""`warrantbook ocf fact`: the cap-table facts an OCF export asks for, recorded from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from warrantbook.cli.main import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml"
FACTS = [("atg", "formation_date", "1988-05-02"), ("atg", "certificate_prefix", "C-"), ("atg", "votes_per_share", "1"),
         ("atg", "seniority", "1"), ("ATG-1", "purchase_price", "100.00")]


def test_export_reports_missing_facts_until_recorded(tmp_path: Path) -> None:
    runner = CliRunner()
    book = tmp_path / "book.yaml"
    shutil.copy(EXAMPLE, book)
    out = tmp_path / "seed.ocf.zip"
    first = runner.invoke(app, ["ocf", "export", "--book", str(book), "--as-of", "2006-12-31", "--out", str(out), "--json"])
    assert first.exit_code == 2 and not out.exists()
    reported = json.dumps(json.loads(first.stdout))
    for _subject, name, _value in FACTS:
        assert name.split("_")[0] in reported
    for subject, name, value in FACTS:
        r = runner.invoke(app, ["ocf", "fact", "--book", str(book), "--subject", subject, "--name", name, "--value", value,
                                "--on", "2005-09-07", "--source", "illustrative", "--json"])
        assert r.exit_code == 0, r.stdout
        assert json.loads(r.stdout)["recorded"][0]["kind"] == "cap-table-fact"
    second = runner.invoke(app, ["ocf", "export", "--book", str(book), "--as-of", "2006-12-31", "--out", str(out)])
    assert second.exit_code == 0 and out.exists()
