"""`warrantbook valuation-input` and `warrantbook close` end to end on a copy of the seed book."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from warrantbook.cli.main import app

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml"
runner = CliRunner()


def wb(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.output}"
    return result


@pytest.fixture
def book(tmp_path: Path) -> list[str]:
    path = tmp_path / "book.yaml"
    shutil.copy(SEED, path)
    return ["--book", str(path)]


def test_record_inputs_then_close(book: list[str], tmp_path: Path) -> None:
    recorded = json.loads(wb("valuation-input", "--company", "atg", "--on", "2006-06-30", "--volatility-window", "60", "--rate", "4.35%",
                             "--term-years", "5", "--source", "Treasury 5-year CMT; 60-day historical volatility", *book, "--json").stdout)
    (event,) = recorded["recorded"]
    assert event["kind"] == "valuation-input" and event["data"]["rate"] == "0.0435" and event["data"]["volatility_window"] == 60
    assert event["description"] == "valuation inputs of atg: volatility from 60 daily returns, rate 4.35%, term 5 years (assumed)"
    out, memo = tmp_path / "close.xlsx", tmp_path / "close.pdf"
    pack = json.loads(wb("close", "--company", "atg", "--period-end", "2006-09-30", "--prior", "2006-06-30", "--out", str(out),
                         "--memo", str(memo), "--net-income", "-125000", *book, "--json").stdout)
    assert pack["audit_head"]["count"] > 200 and len(pack["audit_head"]["hash"]) == 64
    for inst in pack["instruments"]:
        assert inst["inputs"]["volatility_source"].startswith("sample standard deviation of daily log returns")
        assert inst["inputs"]["share_price_source"].startswith("§1.2(b)")
        assert inst["inputs"]["term_basis"] == "assumed"
    assert pack["eps"]["dilution"].startswith("loss period")
    for m in pack["measurements"]:  # every other measurement's inputs are found under its date, with their sources
        assert pack["inputs_by_date"][m["on"]]["volatility_source"]
    assert pack["activity"]["ties"]
    assert out.stat().st_size > 0 and memo.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(memo), "-"], capture_output=True, text=True, check=True).stdout
        assert "Quarter close: American Technologies Group, Inc." in text and pack["audit_head"]["hash"] in text
        assert "Level 3 roll-forward" in text and "ASC 815-40" in text
    people = wb("close", "--company", "atg", "--period-end", "2006-09-30", "--prior", "2006-06-30", *book).stdout
    assert "Fair value at the period end" in people and "ties: True" in people


def test_close_refusals_name_the_field(book: list[str], tmp_path: Path) -> None:
    no_inputs = json.loads(wb("close", "--company", "atg", "--period-end", "2006-09-30", *book, "--json", code=2).stdout)
    assert no_inputs["field"] == "valuation-input"
    for args, field in ((["--out", str(tmp_path / "x.csv")], "out"), (["--memo", str(tmp_path / "x.html")], "memo"),
                        (["--sequencing", "random"], "sequencing"), (["--penny-threshold", "150%"], "penny_threshold"),
                        (["--net-income", "12.345"], "net_income"), (["--prior", "2006-10-31"], "prior"), (["--mc-paths", "10"], "mc_paths")):
        err = json.loads(wb("close", "--company", "atg", "--period-end", "2006-09-30", *args, *book, "--json", code=2).stdout)
        assert err["field"] == field, (args, err)


def test_valuation_input_refused_for_a_holder(book: list[str]) -> None:
    err = json.loads(wb("valuation-input", "--company", "atg", "--on", "2006-06-30", "--volatility", "0.9", "--rate", "0.04",
                        "--source", "x", "--actor", "holder:gssf", *book, "--json", code=1).stdout)
    assert err["field"] == "actor"
    err = json.loads(wb("valuation-input", "--company", "atg", "--on", "2006-06-30", "--volatility", "0.9", "--volatility-window", "20",
                        "--rate", "0.04", "--source", "x", *book, "--json", code=2).stdout)
    assert err["field"] == "volatility"


def test_memo_is_reproducible_and_reads_back(tmp_path: Path) -> None:
    """The same pack gives the same PDF bytes; the text carries the figures the pack computed."""
    from datetime import date

    from tests.accounting.books import seed_close_book
    from tests.accounting.test_close import SHORTFALL
    from warrantbook.accounting.close import build_close
    from warrantbook.accounting.memo import render_memo

    pack = build_close(list(seed_close_book(SHORTFALL).events), "atg", date(2006, 3, 31), date(2005, 12, 31), mc_paths=5_000)
    first, second = render_memo(pack), render_memo(pack)
    assert first == second and first.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "memo.pdf"
        path.write_bytes(first)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert f"{pack.level3['closing']:,}" in text and "ATG-2: liability" in text
        assert "ATG-2 on 2006-02-15: equity → liability" in text


def test_help_examples_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command's help has an example; run in order on the demo's book, each works as printed."""
    import shlex

    monkeypatch.chdir(tmp_path)
    wb("demo", "--out", "my-book.yaml", "--json")
    for command in ("valuation-input", "close"):
        text = " ".join(wb(command, "--help").stdout.split())
        assert "--json" in text
        example = text.split("Example: warrantbook ", 1)[1].split(" Options:")[0]
        args = shlex.split(example)
        wb(*args)
    assert (tmp_path / "close.xlsx").exists() and (tmp_path / "close.pdf").read_bytes().startswith(b"%PDF")


def test_a_transfer_in_the_period_moves_shares_between_options_not_in_or_out(book: list[str]) -> None:
    """The seed's §7 transfer of 2006-06-05 (ATG-1 into ATG-2 and ATG-3): transferred out equals transferred in, the activity
    table ties, and nothing is issued, exercised or expired by it."""
    wb("valuation-input", "--company", "atg", "--on", "2006-03-31", "--volatility", "95%", "--rate", "0.048", "--term-years", "5",
       "--source", "memo", *book)
    pack = json.loads(wb("close", "--company", "atg", "--period-end", "2006-06-30", "--prior", "2006-03-31", *book, "--json").stdout)
    a = pack["activity"]
    assert a["transferred"]["in"] == a["transferred"]["out"] != "0"
    assert (a["issued"]["shares"], a["exercised"]["shares"], a["expired_or_cancelled"]["shares"]) == ("0", "0", "0")
    assert a["outstanding_start"]["shares"] == a["outstanding_end"]["shares"] and a["ties"]
    assert sorted(i["option"] for i in pack["instruments"]) == ["ATG-2", "ATG-3"]


@pytest.mark.parametrize(("option", "value"), [("--rate", "1e99999999"), ("--rate", "4.35%%"), ("--term-years", "9" * 60),
                                               ("--volatility", "0.9e-999999"), ("--rate", "four")])
def test_numbers_are_bounded_before_they_are_made_exact(book: list[str], option: str, value: str) -> None:
    """A huge exponent or digit count is refused at once, naming the field, before any exact arithmetic."""
    args = {"--rate": "0.04", "--volatility": "0.9", "--term-years": "5"}
    args[option] = value
    err = json.loads(wb("valuation-input", "--company", "atg", "--on", "2006-06-30", "--source", "x", *[x for kv in args.items() for x in kv],
                        *book, "--json", code=2).stdout)
    assert err["field"] == option.lstrip("-").replace("-", "_")
