"""The plain-text book: validation with lines, exact numbers, and an exact round trip."""

from __future__ import annotations

import re
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import AGREEMENT, make_book, needs_shared
from warrantbook.book.io import dumps, load, loads
from warrantbook.core.codec import encode
from warrantbook.core.decide import replay
from warrantbook.core.errors import BookErrors
from warrantbook.seed import HEADER, seed_life

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "seed-option.yaml"


def test_example_book_is_the_seed_life_written_out() -> None:
    _state, events = replay(seed_life())
    assert EXAMPLE.read_text(encoding="utf-8") == dumps(events, HEADER)


def test_export_import_export_is_identical() -> None:
    book = load(EXAMPLE)
    text = dumps(list(book.events), HEADER)
    again = loads(text)
    assert dumps(list(again.events), HEADER) == text
    assert [encode(e) for e in again.events] == [encode(e) for e in book.events]


@settings(max_examples=40, deadline=None)
@given(price=st.fractions(min_value=F(1, 10**9), max_value=F(5), max_denominator=10**9),
       shares=st.integers(min_value=1, max_value=10**12),
       note=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_valid_book_round_trips(price: F, shares: int, note: str) -> None:
    """Exact numbers (including ones with no finite decimal) and arbitrary text survive export and import."""
    from datetime import date

    from warrantbook.core import events as ev
    from warrantbook.core.terms import Venue

    base = list(make_book().events)
    extra = [ev.Quote(id="q", on=date(2006, 1, 3), actor="system", company="atg", venue=Venue.OTCBB, bid=price, ask=price * 2, note=note),
             ev.SharesOutstanding(id="o", on=date(2006, 1, 3), actor="company:atg", company="atg", shares=F(shares), source=note)]
    text = dumps(base + extra)
    again = loads(text)
    assert [encode(e) for e in again.events] == [encode(e) for e in base + extra]
    assert dumps(list(again.events)) == text


@pytest.mark.parametrize("note", ["null", "~", "", "true", "0.1", "yes", "- x", "a: b", "#x", "\x85", "a\u2028b", "tab\there", " lead"])
def test_text_that_looks_like_something_else_stays_text(note: str) -> None:
    from datetime import date

    from warrantbook.core import events as ev

    base = list(make_book().events) + [ev.SharesOutstanding(id="o", on=date(2006, 1, 3), company="atg", shares=F(1), source=note)]
    again = loads(dumps(base))
    assert again.events[-1].source == note  # type: ignore[attr-defined]


def test_numbers_are_never_floats() -> None:
    book = make_book()
    price = book.state.options["ATG-1"].exercise_price
    assert isinstance(price, F) and price == F(1, 100_000)


def test_every_problem_is_reported_with_its_line() -> None:
    text = """warrantbook: 1
events:
  - {id: a, on: 2005-09-07, type: company, actor: company:a, company: {id: a, name: A, state: Nevada}}
  - {id: b, on: 2005-09-07, type: nonsense}
  - {id: c, on: not-a-date, type: listing, company: a, venue: otcbb}
  - {id: a, on: 2005-09-08, type: listing, company: a, venue: otcbb}
  - {id: e, on: 2005-09-08, type: outstanding, company: a, shares: "1.5"}
"""
    with pytest.raises(BookErrors) as info:
        loads(text)
    lines = [e.line for e in info.value.errors]
    assert lines == [4, 5, 6, 7]
    assert "unknown event type" in str(info.value.errors[0])
    assert "already used on line 3" in str(info.value.errors[2])


def test_computed_events_cannot_be_written_in_a_book() -> None:
    with pytest.raises(BookErrors) as info:
        make_book("""
    - {id: x, on: 2006-01-03, type: exercise, option_no: ATG-1, notice: n, tranche: 0, shares_exercised: 1, shares_issued: 1,
       whole_shares: 1, fraction: 0, cash_in_lieu: 0, cash_in_lieu_paid: 0, aggregate_exercise_price: 0, delivery_due: 2006-01-06,
       holder: gssf, company: atg}
    """)
    assert "computed" in str(info.value.errors[0])


@needs_shared()
def test_seed_terms_carry_the_agreements_figures() -> None:
    """The seed's share number, price, par value, cap, notice period, delivery period and issue date are the text's."""
    text = re.sub(r"\s+", " ", AGREEMENT.read_text(encoding="utf-8"))
    from warrantbook.core.terms import seed_terms

    terms = seed_terms()
    assert f"{int(terms.shares):,}" in text  # 140,250,000
    assert "$0.00001" in text and terms.tranches[0].exercise_price == F("0.00001")
    assert "par value $0.001" in text
    assert terms.cap is not None and f"{terms.cap.percent * 100}%".replace("499/100", "4.99") in text
    assert f"{terms.cap.waiver_notice_days} days prior notice" in text
    assert "three (3) business days" in text and terms.delivery_days == 3
    assert "Issue Date: September 7, 2005" in text and terms.issue_date.isoformat() == "2005-09-07"
    assert "Expiration Date" in text and "Expiration Date\" means" not in text and terms.expiration.on is None
