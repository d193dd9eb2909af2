"""One bounded number parser for every entry point: the core, the CLI, a book, the API, a form and a CSV upload.

`1e99999999` and `1e-99999` are refused at once (before any arithmetic), a comma that is not a thousands
separator (`0,46`, `1,5`) is refused, `1,000` still reads as one thousand; each refusal names the field.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from warrantbook.core.errors import BadInput, BookErrors
from warrantbook.core.numbers import MAX_DIGITS, exact, to_text

ACCEPT = [
    ("0.00001", Fraction(1, 100000)), ("3/7", Fraction(3, 7)), ("140,250,000", Fraction(140250000)), ("1,000", Fraction(1000)),
    ("1,000.25", Fraction(4001, 4)), ("-1,000", Fraction(-1000)), ("$0.01", Fraction(1, 100)), ("4.99%", Fraction(499, 10000)),
    ("1e-5", Fraction(1, 100000)), ("1E3", Fraction(1000)), (".5", Fraction(1, 2)), ("1_000", Fraction(1000)),
    ("9" * MAX_DIGITS, Fraction(int("9" * MAX_DIGITS))), ("1e-100", Fraction(1, 10**100)), (10**99, Fraction(10**99)),
]
REFUSE = [
    ("1e99999999", "out of range"), ("1e-99999", "out of range"), ("1e101", "out of range"), ("1e-101", "out of range"),
    ("9" * (MAX_DIGITS + 1), "out of range"), ("0." + "0" * MAX_DIGITS + "1", "out of range"), ("1" * 101 + "/3", "out of range"),
    ("0,46", "not a thousands separator"), ("1,5", "not a thousands separator"), ("1,0000", "not a thousands separator"),
    ("1,000,00", "not a thousands separator"), ("0,460", "not a thousands separator"), (",100", "not a thousands separator"),
    ("1.000,5", "after the decimal point"), ("١٢٣", "not an exact number"), ("NaN", "not an exact number"),
    ("Infinity", "not an exact number"), ("1 000", "not an exact number"), ("1/0", "not an exact number"), ("x" * 300, "at most"),
    (10**101, "out of range"),
]


@pytest.mark.parametrize(("text", "value"), ACCEPT, ids=[str(t)[:20] for t, _ in ACCEPT])
def test_accepted(text: object, value: Fraction) -> None:
    assert exact(text, "shares") == value


@pytest.mark.parametrize(("text", "why"), REFUSE, ids=[str(t)[:20] for t, _ in REFUSE])
def test_refused_naming_the_field(text: object, why: str) -> None:
    with pytest.raises(BadInput) as info:
        exact(text, "shares")
    assert info.value.field == "shares" and info.value.message.startswith("shares:") and why in info.value.message


@given(st.fractions(max_denominator=10**30).filter(lambda f: abs(f.numerator) < 10**60))
def test_every_canonical_text_reads_back(value: Fraction) -> None:
    assert exact(to_text(value)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_thousands_read_as_written(n: int) -> None:
    assert exact(f"{n:,}") == n


# ---------------------------------------------------------------- the entry points


def test_cli_refuses_with_exit_2_naming_the_field(tmp_path: Path) -> None:
    from warrantbook.cli.main import app

    runner = CliRunner()
    book = str(tmp_path / "book.yaml")
    assert runner.invoke(app, ["init", "--book", book]).exit_code == 0
    r = runner.invoke(app, ["company", "add", "atg", "--name", "ATG", "--state", "Nevada", "--on", "2006-01-02", "--book", book])
    assert r.exit_code == 0, r.output
    before = Path(book).read_bytes()
    for bad in ("1e99999999", "0,46", "1e-99999"):
        r = runner.invoke(app, ["outstanding", "--shares", bad, "--company", "atg", "--on", "2006-01-03", "--book", book, "--json"])
        assert r.exit_code == 2, r.output
        assert json.loads(r.stdout)["field"] == "shares"
    assert Path(book).read_bytes() == before


def test_a_book_refuses_naming_field_and_line() -> None:
    from warrantbook.book.io import loads

    text = ("warrantbook: 1\nevents:\n- id: c\n  on: 2006-01-02\n  type: company\n  actor: company:atg\n  company:\n    id: atg\n"
            "    name: ATG\n    state: Nevada\n- id: o\n  on: 2006-01-03\n  type: outstanding\n  actor: company:atg\n  company: atg\n"
            "  shares: 1e99999999\n")
    with pytest.raises(BookErrors) as info:
        loads(text)
    [error] = info.value.errors
    assert error.line == 16 and "shares" in (error.field or "") and "out of range" in error.message
