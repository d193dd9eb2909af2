"""§2 refusals: one row per refusal branch of the exercise checks (clauses/exercise.py); each row fails when its
check is removed (checked by a mutation script, see the branch's report)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import events as ev
from warrantbook.core.decide import decide
from warrantbook.core.errors import BadInput, BookErrors, Refusal
from warrantbook.core.rules.exercise import ExerciseRequest, Limit, compute_exercise
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.terms import OverCapPolicy
from warrantbook.core.terms import PaymentMethod as M

CASH_NOTICE = "- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}\n"
CASHLESS_NOTICE = ("- {id: q, on: 2006-03-14, type: quote, actor: system, company: atg, venue: otcbb, bid: \"0.048\", ask: \"0.052\"}\n"
                   "- {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cashless}\n")
EFFECTED = CASH_NOTICE + (
    "- {id: sr, on: 2006-03-15, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}\n"
    "- {id: p, on: 2006-03-15, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: \"10\"}\n")
CASH_ONLY = PREAMBLE.replace('tranches: [{shares: 140250000, exercise_price: "0.00001"}]}',
                             'tranches: [{shares: 140250000, exercise_price: "0.00001"}], payment_methods: [cash, cashless]}')
NOT_TRADED = "- {id: nt, on: 2006-01-02, type: listing, actor: company:atg, company: atg, venue: not-traded}\n"


def act(kind: str, fields: str, on: str = "2006-03-16", id_: str = "x") -> str:
    return f"- {{id: {id_}, on: {on}, type: {kind}, actor: company:atg, option_no: ATG-1, {fields}}}\n"


def notice(fields: str) -> str:
    return f"- {{id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, {fields}}}\n"


ROWS = [
    # clause, error, field, events, preamble
    ("§2.1", BadInput, "notice", CASH_NOTICE + act("surrender", "notice: nope"), PREAMBLE),  # no such open notice
    ("§2.2(a)", BadInput, "method", notice("shares: 1000, method: combination"), PREAMBLE),  # a combination without parts
    # the cashless maximum is the only unstated number (said before any FMV is looked for: there is no quote here)
    ("Exhibit A", BadInput, "shares", notice("method: stock"), PREAMBLE),
    ("§2.2(a)", Refusal, "method", NOT_TRADED + notice("shares: 1000, method: stock"), CASH_ONLY),  # held, yet the method is barred
    ("§2.1", Refusal, "notice", CASH_NOTICE + act("surrender", "notice: n", id_="s1") + act("surrender", "notice: n", id_="s2"),
     PREAMBLE),  # surrendered twice
    ("§2.2(b)", BadInput, "place", CASH_NOTICE + act("surrender", "notice: n, place: bank"), PREAMBLE),  # no such place
    ("§11", Refusal, "place", CASH_NOTICE + act("surrender", "notice: n, place: agent"), PREAMBLE),  # no exercise agent
    ("§2.2(b)", Refusal, "notice", CASHLESS_NOTICE + act("payment", "notice: n, cash: \"10\""), PREAMBLE),  # cashless is not paid
    ("§2.2(a)", BadInput, "cash", CASH_NOTICE + act("payment", "notice: n, cash: \"0\""), PREAMBLE),  # a payment of nothing
    ("§2.1", BadInput, "notice", CASH_NOTICE + act("delivery", "notice: n, book_entry: true"), PREAMBLE),  # nothing due yet
    ("§2.1", BadInput, "certificates", EFFECTED + act("delivery", "notice: n"), PREAMBLE),  # no certificates, no book entry
    ("§2.1", Refusal, "transfer_taxes_paid", EFFECTED + act("delivery", "notice: n, book_entry: true, issued_in_name: Nominee LLC"),
     PREAMBLE),  # another name without the holder's transfer taxes
]


@pytest.mark.parametrize(("clause", "error", "field", "events", "preamble"), ROWS, ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(ROWS)])
def test_exercise_refusals(clause: str, error: type, field: str, events: str, preamble: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(events, preamble=preamble)
    err = info.value.errors[0]
    assert isinstance(err, error), err
    assert (err.clause, err.field) == (clause, field), err


@pytest.mark.parametrize(
    ("event", "clause"),
    [
        (ev.OptionSurrendered(id="x", on=date(2006, 3, 14), actor="company:atg", option_no="ATG-1", notice="n"), "§2.1"),
        (ev.PaymentReceived(id="x", on=date(2006, 3, 14), actor="company:atg", option_no="ATG-1", notice="n", cash=F(10)), "§2.2(a)"),
    ],
)
def test_back_dated_before_its_notice(event: ev.Event, clause: str) -> None:
    """A surrender or payment dated before its notice (a back-dated entry in the ledger, where the notice is known)."""
    state = make_book(CASH_NOTICE).state
    with pytest.raises(Refusal) as info:
        decide(state, event)
    assert (info.value.clause, info.value.field) == (clause, "on")


# ---------------------------------------------------------------- the computation's own refusals (rules/exercise)

B = F("0.00001")
LOW = F("0.000005")  # an FMV below the exercise price


def compute(req: ExerciseRequest, *, remaining: F = F(140_250_000), fmv: F = F("0.05"), limit: Limit | None = None) -> None:
    compute_exercise(request=req, tranche=0, remaining=remaining, exercise_price=B, fmv=lambda t: Fmv(fmv, "§1.2", "test"),
                     limit=limit, deemed_issued=date(2006, 3, 15), delivery_days=3)


COMPUTE_ROWS = [
    # clause, error, field, request, keyword arguments
    ("§1.1", Refusal, "no shares remain", ExerciseRequest(F(10), M.CASH), {"remaining": F(0)}),  # nothing remains
    ("Exhibit A", BadInput, "shares", ExerciseRequest(None, M.CASH), {}),  # only cashless may leave the number unstated
    ("§10", Refusal, "shares", ExerciseRequest(F(10), M.CASH), {"limit": Limit(F(0), OverCapPolicy.HONOUR_TO_CAP, "test")}),
    # a combination's cash falls short and no option shares can make it up (FMV below the price): the elected payment
    ("§2.2(a)", Refusal, "cash", ExerciseRequest(F(1_000_000), M.COMBINATION, cash=F(1)), {"fmv": LOW}),
    # N + W more than remain
    ("§1.1", Refusal, "shares", ExerciseRequest(F(140_250_000), M.COMBINATION, cancel_shares=F(10)), {}),
    ("§2.2(a)", BadInput, "cash", ExerciseRequest(F(1000), M.COMBINATION, cash=F(-1)), {}),  # negative cash
    ("Exhibit A", BadInput, "cancel_shares", ExerciseRequest(F(1000), M.COMBINATION, cancel_shares=F(1, 2)), {}),  # half a share
    ("§2.2(b)", Refusal, "cancel_shares", ExerciseRequest(F(1000), M.COMBINATION, cancel_shares=F(10)), {"fmv": LOW}),  # A <= B
]


@pytest.mark.parametrize(("clause", "error", "field", "req", "kw"), COMPUTE_ROWS,
                         ids=[f"{r[0]}-{r[2]}-{i}" for i, r in enumerate(COMPUTE_ROWS)])
def test_computation_refusals(clause: str, error: type, field: str, req: ExerciseRequest, kw: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(error) as info:
        compute(req, **kw)
    if " " in field:  # a row that names the message (two branches share a clause and field)
        assert info.value.clause == clause and field in str(info.value), info.value
    else:
        assert (info.value.clause, info.value.field) == (clause, field), info.value


@pytest.mark.parametrize(
    ("events", "field", "text"),
    [
        # §4: counts are whole shares (a successor's stock, so no ledger count is compared)
        ("- {id: acq, on: 2006-01-02, type: company, actor: company:acq, company: {id: acq, name: Acquirer Corp, state: Delaware}}\n"
         "- {id: s, on: 2006-01-10, type: stock-event, actor: company:acq, issuer: acq, event: subdivision, "
         "outstanding_before: \"1.5\", outstanding_after: 3}\n", "outstanding_after", "whole shares"),
        # facts about a company not on the books are refused, naming the field
        ("- {id: s, on: 2006-01-10, type: stock-event, actor: company:zzz, issuer: zzz, event: subdivision, "
         "outstanding_before: 1, outstanding_after: 3}\n", "issuer", "not a registered company"),
        # §6 facts: a whole number of shares
        ("- {id: o, on: 2006-01-10, type: outstanding, actor: company:atg, company: atg, shares: \"1.5\"}\n", "shares", "whole number"),
        ("- {id: o, on: 2006-01-10, type: authorized, actor: company:atg, company: atg, shares: -1}\n", "shares", "whole number"),
    ],
)
def test_fact_refusals(events: str, field: str, text: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(events)
    err = info.value.errors[0]
    assert isinstance(err, BadInput) and err.field == field and text in str(err)


def test_a_delivery_dated_before_its_exercise_is_refused() -> None:
    """§2.1: a ledger decides in recording order, so its state may hold an exercise effected on a later day than a delivery
    recorded after it; that delivery would sort before the exercise and deliver nothing: refused, naming the date."""
    state = make_book(EFFECTED).state
    early = ev.SharesDelivered(id="d", on=date(2006, 3, 14), actor="company:atg", option_no="ATG-1", notice="n", book_entry=True)
    with pytest.raises(Refusal) as info:
        decide(state, early)
    assert info.value.clause == "§2.1" and info.value.field == "on"
    assert decide(state, ev.SharesDelivered(id="d", on=date(2006, 3, 15), actor="company:atg", option_no="ATG-1", notice="n",
                                            book_entry=True))  # the day itself: after the close (events.Phase)
