"""The first CLI (check, show, quote, demo): JSON shapes, exact strings and the exit codes of cli.md."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

from typer.testing import CliRunner

from warrantbook.cli.main import app

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "seed-option.yaml"
runner = CliRunner()


def run(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_check_ok() -> None:
    code, data = run("check", "--book", str(EXAMPLE))
    assert code == 0 and data["ok"] and data["options"] == 3


def test_show_as_of_dates() -> None:
    code, data = run("show", "--book", str(EXAMPLE), "--as-of", "2006-01-09")
    assert code == 0
    (only,) = data["options"]
    assert only["remaining_shares"] == "140250000" and only["tranches"][0]["exercise_price"] == "0.00001"
    assert only["expiration"]["date"] is None and only["price_below_par"] is True
    code, data = run("show", "--book", str(EXAMPLE), "--as-of", "2006-12-31", "--option", "ATG-3")
    (atg3,) = data["options"]
    assert atg3["remaining_shares"] == "184400000" and atg3["tranches"][0]["exercise_price"] == "0.000005"
    assert atg3["cap"]["in_force"] is False and atg3["cap"]["void_from"] == "2006-09-16"
    assert atg3["parent"] == "ATG-1"


def test_quote_json_has_the_promised_fields_as_strings() -> None:
    code, data = run("quote", "--book", str(EXAMPLE), "--option", "ATG-3", "--shares", "10000000", "--method", "cashless", "--on", "2006-10-02")
    assert code == 0
    for key in ("shares_issued", "cash_in_lieu", "fair_market_value", "aggregate_exercise_price", "delivery_due"):
        assert isinstance(data[key], str), key
    assert data["cap_allowance"] is None and "void from 2006-09-16" in data["explanation"][1]["formula"]
    # FMV: mean of the 2006-03-31 OTCBB bid and ask in the example book (independently read from it below)
    import yaml

    raw = yaml.safe_load(EXAMPLE.read_text())
    q = next(e for e in raw["events"] if e["id"] == "q-2006-09-29")
    a = (F(str(q["bid"])) + F(str(q["ask"]))) / 2
    x = F(10_000_000) * (a - F("0.000005")) / a
    assert F(data["fair_market_value"]) == a
    assert F(data["shares_issued_exact"]) == x and F(data["shares_issued"]) == int(x)
    assert data["delivery_due"] == "2006-10-05"
    assert all("clause" in step for step in data["explanation"])


def test_quote_cap_allowance_counts_shares_issued_since_the_fact() -> None:
    """ATG-2's holder owns nothing; outstanding = 2,400,000,000 after the split + 49,989,919 issued on 2006-03-15."""
    code, data = run("quote", "--book", str(EXAMPLE), "--option", "ATG-2", "--shares", "1000", "--on", "2006-10-02", "--owned", "0")
    assert code == 0
    assert F(data["cap_allowance"]) == int(F("0.0499") * (2_400_000_000 + 49_989_919))


def test_quote_refusal_exit_1_with_clause() -> None:
    code, data = run("quote", "--book", str(EXAMPLE), "--option", "ATG-3", "--shares", "999999999", "--on", "2006-10-02")
    assert code == 1 and data["clause"] == "§1.1" and data["field"] == "shares"


def test_bad_input_exit_2_names_field() -> None:
    code, data = run("quote", "--book", str(EXAMPLE), "--option", "ATG-3", "--shares", "1.5", "--on", "2006-10-02")
    assert code == 2 and data["field"] == "shares"
    code, data = run("show", "--book", str(EXAMPLE), "--as-of", "tomorrow")
    assert code == 2 and data["field"] == "as_of"


def test_check_reports_every_problem_with_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text().replace("shares: 50000000", "shares: fifty").replace("venue: otcbb", "venue: moon", 1)
    bad.write_text(text)
    code, data = run("check", "--book", str(bad))
    assert code == 2 and len(data["problems"]) >= 2 and all(p["line"] for p in data["problems"])


def test_option_may_be_left_out_only_with_one_active(tmp_path: Path) -> None:
    code, data = run("quote", "--book", str(EXAMPLE), "--shares", "10", "--on", "2006-12-01")
    assert code == 2 and data["field"] == "option"


def test_demo_json_walks_the_illustrative_life(tmp_path: Path) -> None:
    out = tmp_path / "book.yaml"
    code, data = run("demo", "--out", str(out))
    assert code == 0 and out.exists()
    kinds = [s["type"] for s in data["steps"]]
    for kind in ("stock-event", "exercise-notice", "exercise", "transfer-registration", "waiver-notice"):
        assert kind in kinds
    assert out.read_text() == EXAMPLE.read_text()


def test_help_has_examples() -> None:
    for command in ("check", "show", "quote", "demo"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.stdout
