"""§2 exercise: cash, stock, cashless and combinations; whole shares, cash in lieu, delivery (§2.1).

Each row's expected figures are worked by hand from the formulas of §2.2 (given in the row's comment), not
taken from the code under test.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, exercise_quote
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.state import fold
from warrantbook.core.terms import PaymentMethod as M

ON = date(2006, 3, 15)  # a Wednesday; +3 banking days = Monday 2006-03-20
NO_CAP = {"outstanding": F(10**12), "owned": F(0)}  # a cap that cannot bite, to isolate §2


def quote(req: ExerciseRequest, fmv: str | None = "0.05", **kw):  # type: ignore[no-untyped-def]
    state = make_book().state
    trace = Trace()
    result = exercise_quote(state, "ATG-1", req, ON, fmv=F(fmv) if fmv else None, trace=trace, **{**NO_CAP, **kw})
    return result, trace


@pytest.mark.parametrize(
    ("clause", "req", "fmv", "issued", "cash_due", "stock_due", "cancelled", "balance_drop"),
    [
        # §2.2(a)(i) cash: 1,000,000 x $0.00001 = $10.00
        ("§2.2(a)(i)", ExerciseRequest(F(1_000_000), M.CASH), "0.05", F(1_000_000), F(10), F(0), F(0), F(1_000_000)),
        # §2.2(a)(i) cash owed is rounded UP to the cent: 333 x 0.00001 = 0.00333 -> $0.01
        ("§2.2(a)(i)", ExerciseRequest(F(333), M.CASH), "0.05", F(333), F("0.01"), F(0), F(0), F(333)),
        # §2.2(a)(ii) stock: $10 / $0.03 = 333.33 -> 334 whole shares delivered as payment
        ("§2.2(a)(ii)", ExerciseRequest(F(1_000_000), M.STOCK), "0.03", F(1_000_000), F(0), F(334), F(0), F(1_000_000)),
        # §2.2(b) cashless: X = 1,000,000 x (0.05 - 0.00001) / 0.05 = 999,800
        ("§2.2(b)", ExerciseRequest(F(1_000_000), M.CASHLESS), "0.05", F(999_800), F(0), F(0), F(200), F(1_000_000)),
        # §2.2(a)(iv) combination, N = 1,000,000 purchased with $5 cash: W = ceil((10 - 5) / 0.04999) = 101,
        # cash due = (N + W) x B - W x A = 10.00101 - 5.05 = 4.95101 -> $4.96; balance falls by N + W
        ("§2.2(a)(iv)", ExerciseRequest(F(1_000_000), M.COMBINATION, cash=F(5)), "0.05", F(1_000_000), F("4.96"), F(0), F(101), F(1_000_101)),
        # combination stating W = 200 (cancelled at A): cash due = 1,000,200 x 0.00001 - 200 x 0.05 = 0.002 -> $0.01
        ("§2.2(a)(iv)", ExerciseRequest(F(1_000_000), M.COMBINATION, cancel_shares=F(200)), "0.05", F(1_000_000), F("0.01"), F(0), F(200), F(1_000_200)),
    ],
)
def test_payment_methods(clause: str, req: ExerciseRequest, fmv: str, issued: F, cash_due: F, stock_due: F,
                         cancelled: F, balance_drop: F) -> None:
    result, trace = quote(req, fmv)
    assert result.shares_issued == issued, clause
    assert result.cash_due == cash_due, clause
    assert result.stock_due == stock_due, clause
    assert result.option_shares_cancelled == cancelled, clause
    assert result.shares_exercised == balance_drop, clause
    assert result.remaining_after == F(140_250_000) - balance_drop
    assert result.delivery_due == date(2006, 3, 20)
    assert any(s.clause.startswith(clause.split("(")[0]) for s in trace.steps)


def test_cashless_fraction_paid_in_cash_at_fmv() -> None:
    """§2.1: X = 50,000,000 x (0.0248 - 0.00001) / 0.0248 = 49,979,838.709677...; 0.709677 x 0.0248 = $0.0176 -> $0.02."""
    result, _ = quote(ExerciseRequest(F(50_000_000), M.CASHLESS), "0.0248")
    exact_x = F(50_000_000) * (F("0.0248") - F("0.00001")) / F("0.0248")
    assert result.shares_issued == exact_x
    assert result.whole_shares == 49_979_838
    assert result.fraction == exact_x - 49_979_838
    assert result.cash_in_lieu == result.fraction * F("0.0248")
    assert result.cash_in_lieu_paid == F("0.02")


def test_cash_in_lieu_under_half_a_cent_pays_nothing_but_is_shown() -> None:
    """A fraction worth $0.004 rounds to $0.00 paid; the exact amount stays in the result."""
    result, _ = quote(ExerciseRequest(F(3), M.CASHLESS), "0.05")
    # X = 3 x 0.04999 / 0.05 = 2.9994 -> 2 shares, 0.9994 x 0.05 = $0.04997 -> $0.05
    assert (result.whole_shares, result.cash_in_lieu_paid) == (F(2), F("0.05"))
    result, _ = quote(ExerciseRequest(F(1), M.CASHLESS), "0.004")
    # X = (0.004 - 0.00001) / 0.004 = 0.9975 -> 0 shares, 0.9975 x 0.004 = $0.00399 -> $0.00
    assert (result.whole_shares, result.cash_in_lieu, result.cash_in_lieu_paid) == (F(0), F("0.00399"), F(0))


@pytest.mark.parametrize("fmv", ["0.00001", "0.000005"])
def test_cashless_refused_unless_fmv_exceeds_price(fmv: str) -> None:
    with pytest.raises(Refusal) as info:
        quote(ExerciseRequest(F(1000), M.CASHLESS), fmv)
    assert info.value.clause == "§2.2(b)"


def test_cash_exercise_proceeds_without_fmv_cashless_waits() -> None:
    """§1.2(c): stock not traded and no agreed value: cash goes ahead, cashless must wait."""
    state = make_book("""
    - {id: nt, on: 2006-01-01, type: listing, actor: company:atg, company: atg, venue: not-traded}
    """).state
    ok = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH), ON, **NO_CAP)
    assert ok.fair_market_value is None and ok.cash_due == F("0.01")
    with pytest.raises(Refusal) as info:
        exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASHLESS), ON, **NO_CAP)
    assert info.value.clause == "§1.2(c)"


@pytest.mark.parametrize(
    ("shares", "error", "field"),
    [
        (F(0), BadInput, "shares"),
        (F(-5), BadInput, "shares"),
        (F(1, 2), BadInput, "shares"),
        (F(140_250_001), Refusal, "shares"),
    ],
)
def test_bad_share_counts(shares: F, error: type, field: str) -> None:
    with pytest.raises(error) as info:
        quote(ExerciseRequest(shares, M.CASH))
    assert info.value.field == field


def test_cashless_maximum_is_every_remaining_share() -> None:
    result, _ = quote(ExerciseRequest(None, M.CASHLESS), "0.05")
    assert result.shares_exercised == F(140_250_000)
    assert result.shares_issued == F(140_250_000) * F("0.04999") / F("0.05")
    assert result.remaining_after == 0


def test_method_not_in_terms_is_refused() -> None:
    preamble_no_cashless = PREAMBLE.replace(
        'tranches: [{shares: 140250000, exercise_price: "0.00001"}]}',
        'tranches: [{shares: 140250000, exercise_price: "0.00001"}], payment_methods: [cash, stock]}')
    state = make_book(preamble=preamble_no_cashless).state
    with pytest.raises(Refusal) as info:
        exercise_quote(state, "ATG-1", ExerciseRequest(F(10), M.CASHLESS), ON, fmv=F("0.05"), **NO_CAP)
    assert info.value.clause == "§2.2(a)"


def test_explanation_lets_a_user_check_by_hand() -> None:
    result, trace = quote(ExerciseRequest(F(1_000_000), M.CASHLESS), "0.05")
    steps = {s.label: s for s in trace.steps}
    x = steps["shares issued (X)"]
    inputs = dict(x.inputs)
    assert inputs["Y"] * (inputs["A"] - inputs["B"]) / inputs["A"] == x.result == result.shares_issued
    assert all(s.clause for s in trace.steps)
    assert [s["clause"] for s in trace.as_json()] == [s.clause for s in trace.steps]


HONOUR = PREAMBLE.replace('exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], readings: {over_cap: honour-to-cap}}')


@pytest.mark.parametrize(
    ("req", "cancelled", "cash_due"),
    [
        # W not stated: N = 60,000,000 is cut to the 49,880,000 allowance (4.99% x 1,200,000,000 - 10,000,000); W is worked
        # for the cut N: ceil((49,880,000 x 0.00001 - 100) / (0.05 - 0.00001)) = ceil(398.8 / 0.04999) = 7,978 (not the
        # 10,003 that paid for 60,000,000); cash due = 49,887,978 x 0.00001 - 7,978 x 0.05 = 498.87978 - 398.9 < 100 -> $99.98
        (ExerciseRequest(F(60_000_000), M.COMBINATION, cash=F(100)), F(7_978), F("99.98")),
        # W stated (20,000), no cash: cut to what the cut N needs, ceil(498.8 / 0.04999) = 9,978, never more than stated;
        # 49,889,978 x 0.00001 = 498.89978 <= 9,978 x 0.05 = 498.90: no cash due
        (ExerciseRequest(F(60_000_000), M.COMBINATION, cancel_shares=F(20_000)), F(9_978), F(0)),
    ],
)
def test_combination_cut_to_the_cap_works_w_again(req: ExerciseRequest, cancelled: F, cash_due: F) -> None:
    """§2.2(a)(iv), §10 (reading: honour to the cap): the option shares cancelled follow the number the cap allows."""
    state = make_book(preamble=HONOUR).state
    r = exercise_quote(state, "ATG-1", req, date(2005, 10, 3), fmv=F("0.05"))
    assert r.shares_issued == 49_880_000
    assert r.option_shares_cancelled == cancelled
    assert r.shares_exercised == 49_880_000 + cancelled
    assert r.cash_due == cash_due


DELIVERED_THAT_DAY = (
    "- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}\n"
    "- {id: sr, on: 2006-03-15, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}\n"
    "- {id: p, on: 2006-03-15, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: \"10\"}\n"
    "- {id: d, on: 2006-03-15, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, book_entry: true}\n")


def test_a_delivery_the_day_the_exercise_is_effected_takes_effect() -> None:
    """§2.1: the exercise is effected at the close of business, so a delivery dated that day comes after it (phase
    after-close) and delivers: nothing stays owed and a second delivery is refused. Before, the delivery sorted intraday,
    before the exercise: decide accepted it (its state held the exercise) but the fold gave it no effect, and the shares
    stayed owed for ever (the book's replay, deciding in order, showed them delivered)."""
    book = make_book(DELIVERED_THAT_DAY)
    for state in (book.state, fold(book.events)):  # the book's replay, and the fold a ledger keeps
        option = state.options["ATG-1"]
        assert [e.id for e in state.events][-2:] == ["n.effected", "d"]
        assert option.deliveries_due == () and option.owed == ()
    with pytest.raises(BadInput, match="no delivery is due"):
        make_book(DELIVERED_THAT_DAY + DELIVERED_THAT_DAY.splitlines(keepends=True)[-1].replace("id: d,", "id: d2,"))


def test_a_refund_the_day_the_exercise_is_effected_takes_effect() -> None:
    """§2.2(a): $15 paid for a $10 price; the $5 overpayment is owed back by the exercise effected at the close, so a
    refund dated that day comes after it (phase after-close) and nothing stays owed. Before, it sorted before the
    exercise: decide accepted it but the fold gave it no effect, and the $5 stayed owed."""
    overpaid = DELIVERED_THAT_DAY.replace('cash: "10"', 'cash: "15"').splitlines(keepends=True)[:3]
    refund = "- {id: r, on: 2006-03-15, type: refund, actor: company:atg, option_no: ATG-1, notice: n, cash: \"5\"}\n"
    book = make_book("".join(overpaid) + refund)
    for state in (book.state, fold(book.events)):
        assert [e.id for e in state.events][-2:] == ["n.effected", "r"]
        assert state.options["ATG-1"].refunds_due == ()



_THAT_DAY = date(2006, 3, 15)


@pytest.mark.parametrize(("kind", "clause"), [("transfer", "§7"), ("replacement", "§8")])
def test_no_transfer_or_replacement_the_day_an_exercise_is_effected(kind: str, clause: str) -> None:
    """§2.1, §7, §8: ATG-1's exercise of 1,000,000 shares is effected at the close of 2006-03-15. A ledger decides in
    recording order, so a transfer (or replacement) recorded after it that day saw the exercise done; but in the ledger's
    order it came first, and the new options carried all 140,250,000 shares, the 1,000,000 exercised too (over-issued).
    It is refused that day; the next day it goes through with the balance."""
    book = make_book("".join(DELIVERED_THAT_DAY.splitlines(keepends=True)[:3]))
    event: ev.Event
    if kind == "transfer":
        event = ev.TransferRequested(id="tr", on=_THAT_DAY, actor="holder:gssf", option_no="ATG-1",
                                     pieces=(ev.TransferPiece(holder="other", shares=F(1000)),), endorsement_signed=True,
                                     original_surrendered=True, opinion_received=True, transfer_taxes_paid=True)
    else:
        event = ev.ReplacementRequested(id="rr", on=_THAT_DAY, actor="holder:gssf", option_no="ATG-1", cause=ev.ReplacementCause.LOST,
                                        evidence="affidavit", indemnity=F(5000))
    with pytest.raises(Refusal) as info:
        decide(book.state, event)
    assert info.value.clause == clause and info.value.field == "on"
    later = dataclasses.replace(event, on=date(2006, 3, 16))
    state = fold([*book.events, *decide(book.state, later)])
    assert [e.id for e in state.events][-2:] == ["n.effected", later.id]
    if kind == "transfer":
        reg = ev.TransferRegistered(id="reg", on=date(2006, 3, 16), actor="company:atg", option_no="ATG-1", request="tr",
                                    new_options=("ATG-2", "ATG-3"))
        state = fold([*state.events, *decide(state, reg)])
        assert sum(state.options[no].remaining for no in ("ATG-2", "ATG-3")) == 140_250_000 - 1_000_000
