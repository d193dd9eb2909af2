"""§3.1 and definition (d): after a reorganization an exercise delivers the basket, item by item, in the quote,
the effected exercise, the §2.1 delivery item, the due view and the delivery statement; §10 and §6 follow the
successor's common stock (definition (b)), never cash."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import events as ev
from warrantbook.core.decide import exercise_quote, reservation
from warrantbook.core.errors import BookErrors, Refusal
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.rules.reorganization import basket_delivery, basket_fmv, cash_paid
from warrantbook.core.summary import open_items, option_summary
from warrantbook.core.terms import BasketCashRounding
from warrantbook.core.terms import PaymentMethod as M
from warrantbook.documents.data import Ledger, Signatory, delivery_statement, exercise_notice

ACQ = """
- {id: acq, on: 2006-01-01, type: company, actor: company:acq, company: {id: acq, name: Acquirer Corp, state: Delaware}}
- {id: acq-list, on: 2006-01-01, type: listing, actor: company:acq, company: acq, venue: exchange}
- {id: acq-out, on: 2006-06-01, type: outstanding, actor: company:acq, company: acq, shares: 2000000}
- {id: acq-auth, on: 2006-06-01, type: authorized, actor: company:acq, company: acq, shares: 3000000}
- {id: acq-own, on: 2006-06-01, type: ownership, actor: holder:gssf, holder: gssf, company: acq, shares: 0}
"""
MERGER = ACQ + """
- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: Acquirer Corp,
   basket: [{item: security, issuer: acq, quantity: "0.002", description: common stock}, {item: cash, quantity: "0.001"},
            {item: property, description: litigation trust unit, quantity: "0.01", unit_value: "0.05"}]}
"""
QUOTE = """
- {id: aq, on: 2006-06-30, type: quote, actor: system, company: acq, venue: exchange, close: "12.50"}
"""
MONDAY = date(2006, 7, 3)  # the last trading day before it is Friday 2006-06-30


def exercise(shares: int, cash: str, nid: str = "n", day: str = "2006-07-03") -> str:
    return f"""
    - {{id: {nid}, on: {day}, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: {shares}, method: cash}}
    - {{id: {nid}s, on: {day}, type: surrender, actor: company:atg, option_no: ATG-1, notice: {nid}}}
    - {{id: {nid}p, on: {day}, type: payment, actor: company:atg, option_no: ATG-1, notice: {nid}, cash: "{cash}"}}
    """


def test_quote_delivers_the_basket_item_by_item() -> None:
    """1,234,567 option shares (cash; 1,234,567 x 0.00001 = $12.35 due):
    acq 2,469.134 -> 2,469 shares and 0.134 x $12.50 = $1.675 -> $1.68; cash 1,234.567 -> $1,234.57 (half up);
    trust units 12,345.67 -> 12,345 and 0.67 x $0.05 = $0.0335 -> $0.03."""
    state = make_book(MERGER, QUOTE).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1_234_567), M.CASH), MONDAY)
    acq, cash, trust = r.basket
    assert (acq.exact, acq.whole, acq.fraction, acq.unit_value) == (F("2469.134"), 2469, F("0.134"), F("12.50"))
    assert (acq.cash_in_lieu, acq.cash_in_lieu_paid) == (F("1.675"), F("1.68"))
    assert (cash.exact, cash.whole, cash.fraction) == (F("1234.567"), F("1234.57"), 0)
    assert (trust.whole, trust.cash_in_lieu, trust.cash_in_lieu_paid) == (12_345, F("0.0335"), F("0.03"))
    assert r.cash_due == F("12.35") and r.shares_issued == 1_234_567
    assert (r.whole_shares, r.fraction) == (0, 0), "no common stock of the company is issued after the merger"
    assert r.cash_in_lieu_paid == F("1.71")


def test_cash_component_follows_the_named_rounding() -> None:
    """Readings.basket_cash: down-cent pays $1,234.56 of the exact $1,234.567 (half-up-cent, the default, $1,234.57)."""
    book = make_book(MERGER, QUOTE, preamble=PREAMBLE.replace(
        'exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], readings: {basket_cash: down-cent}}'))
    r = exercise_quote(book.state, "ATG-1", ExerciseRequest(F(1_234_567), M.CASH), MONDAY)
    assert r.basket[1].whole == F("1234.56")
    assert cash_paid(F("1234.567"), BasketCashRounding.HALF_UP_CENT) == F("1234.57")


def test_effected_exercise_delivery_item_due_view_and_statement_carry_the_basket() -> None:
    book = make_book(MERGER, QUOTE, exercise(1_234_567, "12.35"))
    effected = [e for e in book.events if isinstance(e, ev.ExerciseEffected)]
    assert len(effected) == 1
    x = effected[0]
    assert [d.whole for d in x.basket] == [2469, F("1234.57"), 12_345] and x.whole_shares == 0
    option = book.state.options["ATG-1"]
    assert option.deliveries_due == (x,)
    items = [i for i in open_items(book.state, option, MONDAY) if i.kind == "delivery"]
    assert len(items) == 1
    text = items[0].text
    assert "2469 acq common stock and $1.68 cash in lieu of 0.134" in text and "$1234.57 cash" in text, text
    assert "12345 litigation trust unit" in text
    summary = option_summary(book.state, option, MONDAY)
    assert summary["issued_shares"] == "0" and summary["successor_company"] == "acq"
    doc = delivery_statement(Ledger(list(book.events)), x.id, MONDAY, Signatory("A. Officer", "CFO"))
    rows = {f["label"]: f["value"] for f in doc.payload()["figures"]}
    assert rows["acq common stock: whole units delivered"].startswith("2,469 ")
    assert rows["acq common stock: cash in lieu of 0.134"].startswith("$1.68")
    assert rows["Cash component"].startswith("$1,234.57")
    assert "Whole shares delivered" not in rows
    assert doc.payload()["derivation"], "the statement reproduces the effected figures"
    worksheet = {f["label"]: f["value"] for f in exercise_notice(Ledger(list(book.events)), "n", MONDAY, Signatory())
                 .payload()["worksheet"]}
    assert worksheet["Baskets to issue, exact"] == "1,234,567" and "Whole shares to deliver" not in worksheet
    assert worksheet["Cash component"].startswith("$1,234.57")


def test_successor_common_counts_for_the_cap_and_the_reserve_never_cash() -> None:
    """§10: 4.99% x 2,000,000 acq = 99,800 acq shares = 49,900,000 baskets of 0.002. After delivering 99,800 acq
    shares: 4.99% x 2,099,800 = 104,780 - 99,800 = 4,980 acq shares = 2,490,000 baskets.
    §6: acq reserves ceil(remaining x 0.002) acq shares; atg reserves nothing for the option after the merger."""
    state = make_book(MERGER, QUOTE).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1), M.CASH), MONDAY)
    assert r.limit is not None and r.limit.shares == 49_900_000
    assert reservation(state, "acq", MONDAY).required == 280_500
    assert reservation(state, "atg", MONDAY).required == 0
    state = make_book(MERGER, QUOTE, exercise(49_900_000, "499")).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1), M.CASH), MONDAY)
    assert r.limit is not None and r.limit.shares == 2_490_000
    assert state.owned_on("gssf", "acq", MONDAY) == 99_800
    assert reservation(state, "acq", MONDAY).required == 280_500 - 99_800


def test_a_basket_of_cash_only_has_no_cap_and_no_reserve() -> None:
    state = make_book(ACQ, """
    - {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: Acquirer Corp,
       basket: [{item: cash, quantity: "0.03"}]}
    """).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(100_000_000), M.CASH), MONDAY)
    assert r.limit is None and r.basket[0].whole == F(3_000_000)
    assert reservation(state, "acq", MONDAY).required == 0


@pytest.mark.parametrize(
    ("extra", "clause", "field"),
    [
        # §10: 60,000,000 baskets would deliver 120,000 acq shares; the cap allows 99,800
        ((QUOTE, exercise(60_000_000, "600")), "§10", "shares"),
        # §2.1: cash in lieu of the acq fraction needs acq's §1.2 FMV (no quote recorded)
        ((exercise(1_234_567, "12.35"),), "§1.2(a)", "quote"),
    ],
)
def test_basket_exercise_refusals(extra: tuple[str, ...], clause: str, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(MERGER, *extra)
    err = info.value.errors[0]
    assert (err.clause, err.field) == (clause, field), str(err)


def test_basket_refusals_for_missing_facts() -> None:
    # §3.1, §2.1: a property's fraction needs its recorded value
    no_value = MERGER.replace(', unit_value: "0.05"', "")
    with pytest.raises(Refusal) as info:
        exercise_quote(make_book(no_value, QUOTE).state, "ATG-1", ExerciseRequest(F(1_234_567), M.CASH), MONDAY)
    assert (info.value.clause, info.value.field) == ("§3.1, §2.1", "unit_value")
    # §10 follows acq: without acq's shares outstanding the cap cannot be applied
    no_out = MERGER.replace("- {id: acq-out, on: 2006-06-01, type: outstanding, actor: company:acq, company: acq, shares: 2000000}\n", "")
    with pytest.raises(Refusal) as info:
        exercise_quote(make_book(no_out, QUOTE).state, "ATG-1", ExerciseRequest(F(1_000), M.CASH), MONDAY)
    assert (info.value.clause, info.value.field) == ("§10", "outstanding")


BASKET = ("basket: [{item: security, issuer: acq, quantity: '0.002'}, {item: security, issuer: oth, quantity: '1'}]")
OTH = "- {id: oth, on: 2006-01-01, type: company, actor: company:oth, company: {id: oth, name: Other Issuer, state: Delaware}}\n"


@pytest.mark.parametrize(
    ("event", "clause", "field"),
    [
        # definition (b): two securities and no successor named: §10 and §6 cannot know which to follow
        (f"- {{id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A, {BASKET}}}",
         "§3.1, definition (b)", "successor_company"),
        # the successor named holds no security in the basket
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A,"
         " successor_company: oth, basket: [{item: security, issuer: acq, quantity: '0.002'}]}", "§3.1, definition (b)", "successor_company"),
        # the successor named is not registered
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A,"
         " successor_company: zzz, basket: [{item: security, issuer: acq, quantity: '0.002'}]}", "§3.1", "successor_company"),
        # a security names its issuer
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A,"
         " basket: [{item: security, quantity: '0.002'}]}", "§3.1", "basket[0].issuer"),
        # §3.1: the basket says what a share received
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A, basket: []}",
         "§3.1", "basket"),
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A,"
         " basket: [{item: cash, quantity: '0'}]}", "§3.1", "basket[0].quantity"),
        # definition (a): who now owes the option
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: '',"
         " basket: [{item: cash, quantity: '1'}]}", "§3.1", "successor"),
        # the company must be registered
        ("- {id: m, on: 2006-06-01, type: reorganization, actor: company:zzz, company: zzz, transaction: merger, successor: A,"
         " basket: [{item: cash, quantity: '1'}]}", None, "company"),
    ],
)
def test_reorganization_refusals(event: str, clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(ACQ, OTH, event)
    err = info.value.errors[0]
    problems = getattr(err, "all_problems", None) or [err]
    assert any((p.clause, p.field) == (clause, field) for p in problems), [(p.clause, p.field, str(p)) for p in problems]


def test_named_successor_among_several_securities() -> None:
    state = make_book(ACQ, OTH, f"""
    - {{id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: A,
       successor_company: acq, {BASKET}}}
    """).state
    assert state.options["ATG-1"].successor_company == "acq"
    assert reservation(state, "acq", MONDAY).required == 280_500
    assert reservation(state, "oth", MONDAY).required == 0


# ---------------------------------------------------------------- property: the basket times the option shares

items = st.lists(
    st.tuples(st.sampled_from(["security", "cash", "property"]),
              st.fractions(min_value=F(1, 10_000), max_value=F(50), max_denominator=10_000),
              st.fractions(min_value=F(1, 1000), max_value=F(100), max_denominator=1000)),
    min_size=1, max_size=4)


@given(baskets=st.fractions(min_value=0, max_value=10**9, max_denominator=1000), spec=items,
       rule=st.sampled_from(list(BasketCashRounding)))
def test_basket_delivery_is_the_basket_times_the_shares_within_the_named_rounding(
        baskets: F, spec: list[tuple[str, F, F]], rule: BasketCashRounding) -> None:
    basket = tuple(ev.BasketItem(ev.ItemKind(kind), qty, issuer=f"i{n}" if kind == "security" else "",
                                 description=f"p{n}", unit_value=value if kind == "property" else None)
                   for n, (kind, qty, value) in enumerate(spec))
    values = {f"i{n}": value for n, (_kind, _qty, value) in enumerate(spec)}

    def fmv(issuer: str, trace: object) -> Fmv:
        return Fmv(values[issuer], "§1.2(a)", "test")

    out = basket_delivery(baskets, basket, fmv, rule)
    total = F(0)
    for item, d in zip(basket, out):
        assert d.exact == baskets * item.quantity
        if item.item is ev.ItemKind.CASH:
            if rule is BasketCashRounding.HALF_UP_CENT:
                assert abs(d.whole - d.exact) <= F(1, 200)
            else:
                assert 0 <= d.exact - d.whole < F(1, 100)
            assert (d.whole * 100).denominator == 1
            total += d.whole
            continue
        assert d.whole.denominator == 1 and d.whole + d.fraction == d.exact and 0 <= d.fraction < 1
        assert d.unit_value is None or d.cash_in_lieu == d.fraction * d.unit_value
        assert abs(d.cash_in_lieu_paid - d.cash_in_lieu) <= F(1, 200)
        unit = values[item.issuer] if item.item is ev.ItemKind.SECURITY else item.unit_value
        assert unit is not None
        total += d.whole * unit + d.cash_in_lieu_paid
    # in value: the baskets at the basket's FMV, within a cent per item
    assert abs(total - baskets * basket_fmv(basket, fmv).value) <= F(len(basket), 100)


@settings(max_examples=15, deadline=None)
@given(y=st.integers(min_value=1, max_value=49_900_000))
def test_an_effected_basket_exercise_is_the_basket_times_y(y: int) -> None:
    state = make_book(MERGER, QUOTE).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(y), M.CASH), MONDAY)
    basket = state.options["ATG-1"].basket
    assert basket is not None
    assert len(r.basket) == len(basket)
    for item, d in zip(basket, r.basket):
        assert d.item == item and d.exact == y * item.quantity
        if item.item is ev.ItemKind.CASH:
            assert abs(d.whole - d.exact) <= F(1, 200) and d.fraction == 0  # half-up-cent, the default reading
        else:
            assert d.whole.denominator == 1 and d.whole + d.fraction == d.exact and 0 <= d.fraction < 1
    assert r.cash_in_lieu_paid == sum(d.cash_in_lieu_paid for d in r.basket)


def test_the_basket_of_an_effected_exercise_survives_the_codec_and_old_events_keep_their_text() -> None:
    """ExerciseEffected.basket and Reorganized.successor_company are late fields: left out of the canonical text at
    their defaults (events stored before hash as they did), kept and read back when set."""
    from dataclasses import replace

    from warrantbook.core.codec import encode, event_from_data, event_to_data

    book = make_book(MERGER, QUOTE, exercise(1_234_567, "12.35"))
    x = next(e for e in book.events if isinstance(e, ev.ExerciseEffected))
    assert event_from_data(event_to_data(x)) == x and x.basket
    plain = replace(x, basket=())
    assert "basket" not in encode(plain, keep_defaults=True)
    m = next(e for e in book.events if isinstance(e, ev.Reorganized))
    assert "successor_company" not in encode(m, keep_defaults=True)
    named = replace(m, successor_company="acq")
    assert encode(named, keep_defaults=True)["successor_company"] == "acq" and event_from_data(event_to_data(named)) == named
