"""app.parsers: the notations people type. One row per refusal branch, each naming the field (and the line for files)
and the section the notation serves; and the readings that succeed, exactly."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from warrantbook.app import parsers
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors
from warrantbook.core.terms import Cap, Venue

REFUSED: list[tuple[str, Any, str, str | None, str]] = [
    # (what, call, field named, clause, words in the message)
    ("tranche without @", lambda: parsers.tranches(["140250000"]), "tranche", "§1.1", "SHARES@PRICE"),
    ("tranche shares not a number", lambda: parsers.tranches(["lots@0.00001"]), "tranche[0].shares", None, "lots"),
    ("tranche price not a number", lambda: parsers.tranches(["1000@cheap"]), "tranche[0].exercise_price", None, "cheap"),
    ("shares without price", lambda: parsers.tranches(None, "1000", None), "price", "§1.1", "go together"),
    ("price without shares", lambda: parsers.tranches(None, None, "0.01"), "shares", "§1.1", "go together"),
    ("cap not a number", lambda: parsers.cap(False, "high", None, False, None, True, None), "cap", None, "high"),
    ("waiver days not whole", lambda: parsers.cap(False, None, "7.5", False, None, True, None), "waiver_days", None, "whole number"),
    ("hard ceiling not a number", lambda: parsers.cap(False, None, None, False, "x%", True, None), "hard_ceiling", None, "x%"),
    ("security without =", lambda: parsers.basket(["newco"], None, None), "security", "§3.1", "ISSUER=QUANTITY"),
    ("security without issuer", lambda: parsers.basket(["=0.5"], None, None), "security", "§3.1", "ISSUER=QUANTITY"),
    ("security quantity not a number", lambda: parsers.basket(["newco=half"], None, None), "security[0].quantity", None, "half"),
    ("basket cash not a number", lambda: parsers.basket(None, "some", None), "cash", None, "some"),
    ("property without @", lambda: parsers.basket(None, None, ["land=1"]), "property", "§3.1", "DESCRIPTION=QUANTITY@UNIT_VALUE"),
    ("property without =", lambda: parsers.basket(None, None, ["land@5"]), "property", "§3.1", "DESCRIPTION=QUANTITY@UNIT_VALUE"),
    ("property unit value not a number", lambda: parsers.basket(None, None, ["land=1@much"]), "property[0].unit_value", None, "much"),
    ("piece without =", lambda: parsers.pieces(["northbridge"]), "piece", "§7", "HOLDER=PERCENT%"),
    ("piece without holder", lambda: parsers.pieces(["=20%"]), "piece", "§7", "HOLDER=PERCENT%"),
    ("piece without amount", lambda: parsers.pieces(["northbridge="]), "piece", "§7", "HOLDER=PERCENT%"),
    ("piece with an empty part", lambda: parsers.pieces(["northbridge=20%,"]), "piece", "§7", "empty part"),
    ("piece percent twice", lambda: parsers.pieces(["northbridge=20%,30%"]), "piece", "§7", "percentage twice"),
    ("piece shares twice", lambda: parsers.pieces(["northbridge=100,200"]), "piece", "§7", "shares twice"),
    ("piece shares with a thousands comma", lambda: parsers.pieces(["northbridge=1,000"]), "piece", "§7", "shares twice"),
    ("piece percent not a number", lambda: parsers.pieces(["northbridge=a%"]), "piece[0].percent", None, "a%"),
    ("piece shares not a number", lambda: parsers.pieces(["northbridge=many"]), "piece[0].shares", None, "many"),
    ("address required", lambda: parsers.address(["  ", ""], "office", required=True), "office", None, "at least one line"),
    ("number with a bad comma", lambda: parsers.number("0,46", "cash"), "cash", None, "0,46"),
    ("number beyond the bounds", lambda: parsers.number("1e99999999", "cash"), "cash", None, ""),
    ("required number missing", lambda: parsers.required_number("", "shares"), "shares", None, "required"),
    ("whole not digits", lambda: parsers.whole("3 days", "delivery_days"), "delivery_days", None, "whole number"),
    ("whole too large", lambda: parsers.whole(10**6, "delivery_days"), "delivery_days", None, "whole number"),
    ("whole a boolean", lambda: parsers.whole(True, "tranche"), "tranche", None, "boolean"),
    ("date not a date", lambda: parsers.day("2006-02-30", "expiration"), "expiration", None, "not a date"),
    ("upload not UTF-8", lambda: parsers.decode_upload(b"\xff\xfe\x00d"), "file", None, "UTF-8"),
]


@pytest.mark.parametrize("what,call,field,clause,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_each_refusal_names_its_field(what: str, call: Any, field: str, clause: str | None, words: str) -> None:
    with pytest.raises(BadInput) as info:
        call()
    assert info.value.field == field, (what, info.value.as_json())
    assert info.value.message.startswith(field.split("[")[0]) or info.value.message.startswith("--"), info.value.message
    if clause is not None:
        assert info.value.clause == clause
    assert words in info.value.message


def test_the_readings_that_succeed_are_exact() -> None:
    t = parsers.tranches(["100@0.00001", "50@1/3"], "7", "0.5")
    assert [(x.shares, x.exercise_price) for x in t] == [(100, Fraction(1, 100000)), (50, Fraction(1, 3)), (7, Fraction(1, 2))]
    cap = parsers.cap(False, "9.99%", "61", False, "19.99%", False, None)
    assert cap == Cap(percent=Fraction(999, 10000), waiver_notice_days=61, hard_ceiling=Fraction(1999, 10000), void_on_default=False)
    assert parsers.cap(True, "9.99%", None, False, None, True, None) is None
    assert parsers.cap(False, None, None, True, None, None, Cap()).waiver_notice_days is None  # type: ignore[union-attr]
    items = parsers.basket(["newco = 0.5"], "0.001", ["land=2@1.25"])
    assert [(i.item, i.quantity, i.issuer, i.unit_value) for i in items] == [
        (ev.ItemKind.SECURITY, Fraction(1, 2), "newco", None), (ev.ItemKind.CASH, Fraction(1, 1000), "", None),
        (ev.ItemKind.PROPERTY, 2, "", Fraction(5, 4))]
    pieces = parsers.pieces("northbridge=20%\nother=1000\nthird=10%,500")
    assert [(p.holder, p.percent, p.shares) for p in pieces] == [("northbridge", Fraction(1, 5), None), ("other", None, 1000),
                                                               ("third", Fraction(1, 10), 500)]
    assert parsers.items("a, b\nc") == ["a", "b", "c"] and parsers.lines("x\n\n y ") == ["x", "y"]
    assert parsers.whole("75", "waiver_days") == 75 and parsers.whole("", "x") is None
    assert parsers.day("2006-07-03", "on") == date(2006, 7, 3) and parsers.number(" ", "x") is None


PRICE_ROWS: list[tuple[str, str, str, str]] = [
    # (what, the row after the header, field named, words) -- each on line 2
    ("not a date", "2006-13-01,otcbb,0.02,,", "date", "not a date"),
    ("unknown venue", "2006-04-07,moon,0.02,,", "venue", "unknown venue"),
    ("close not a number", "2006-04-10,otcbb,abc,,", "close", "abc"),
    ("zero bid", "2006-04-04,otcbb,,0,0.026", "bid", "more than zero"),
    ("negative close", "2006-04-05,otcbb,-0.01,,", "close", "more than zero"),
    ("bid above ask", "2006-04-06,otcbb,,0.03,0.02", "bid", "above ask"),
    ("no price at all", "2006-04-06,otcbb,,0.03,", "close", "a close, or a bid and an ask"),
]


@pytest.mark.parametrize("what,row,field,words", PRICE_ROWS, ids=[r[0] for r in PRICE_ROWS])
def test_each_bad_price_row_names_its_field_and_line(what: str, row: str, field: str, words: str) -> None:
    with pytest.raises(BookErrors) as info:
        parsers.parse_prices(f"date,venue,close,bid,ask\n{row}\n", "atg", "test")
    [problem] = info.value.errors
    assert (problem.field, problem.line, problem.clause) == (field, 2, "§1.2")
    assert words in problem.message


FILE_PROBLEMS: list[tuple[str, str, str, int | None]] = [
    ("empty", "", "file", 1),
    ("missing columns", "date,venue,close\n2006-04-03,otcbb,0.02\n", "header", 1),
    ("a cell too long", "date,venue,close,bid,ask\n" + "x" * 101 + ",otcbb,,,\n", "file", 2),
    ("the same day twice", "date,venue,close,bid,ask\n2006-04-03,otcbb,0.02,,\n2006-04-03,otcbb,0.03,,\n", "date", 3),
    ("more rows than the bound", "date,venue,close,bid,ask\n" + "x\n" * (parsers.MAX_ROWS + 1), "file", parsers.MAX_ROWS + 2),
]


@pytest.mark.parametrize("what,text,field,line", FILE_PROBLEMS, ids=[r[0] for r in FILE_PROBLEMS])
def test_each_file_problem_names_its_field_and_line(what: str, text: str, field: str, line: int | None) -> None:
    with pytest.raises(BookErrors) as info:
        parsers.parse_prices(text, "atg", "test")
    assert (info.value.errors[0].field, info.value.errors[0].line) == (field, line)


def test_a_day_twice_is_caught_even_when_its_first_row_is_bad() -> None:
    text = "date,venue,close,bid,ask\n2007-01-02,otcbb,,0.05,0.04\n2007-01-02,otcbb,,0.05,0.06\n"
    with pytest.raises(BookErrors) as info:
        parsers.parse_prices(text, "atg", "test")
    assert sorted((e.line, e.field) for e in info.value.errors) == [(2, "bid"), (3, "date")]


def test_overlaps_show_recorded_and_file_figures() -> None:
    from warrantbook.core.decide import replay
    from warrantbook.seed import seed_life

    state, _ = replay(seed_life())
    recorded = next(q for q in state.companies["atg"].quotes.values())
    same = f"{recorded.on},{recorded.venue.value},{recorded.close or ''},{recorded.bid or ''},{recorded.ask or ''}"
    new_ask = (recorded.ask or Fraction(1)) * 2
    differs = f"{recorded.on},{recorded.venue.value},{recorded.close or ''},{recorded.bid or ''},{float(new_ask)}"  # float-ok: test text
    quotes, lines = parsers.parse_prices(f"date,venue,close,bid,ask\n{same}\n", "atg", "t")
    [o] = parsers.overlaps(state, "atg", quotes, lines)
    assert o.identical and o.line == 2 and o.venue in Venue
    [err] = parsers.overlap_errors([o])
    assert err.field == "date" and err.line == 2 and "same figures" in err.message
    quotes, lines = parsers.parse_prices(f"date,venue,close,bid,ask\n2099-01-02,otcbb,0.5,,\n{differs}\n", "atg", "t")
    [o] = parsers.overlaps(state, "atg", quotes, lines)
    assert not o.identical and o.line == 3 and o.differences() == {"ask": (recorded.ask, new_ask)}
    [err] = parsers.overlap_errors([o])
    assert "differs" in err.message and "ask recorded" in err.message and err.line == 3
    assert o.as_json()["differs"] == ["ask"]
