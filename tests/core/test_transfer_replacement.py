"""§7/§12 transfers in part (Exhibit B) and §8 replacement."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tests.conftest import make_book
from warrantbook.core.errors import BadInput, BookErrors, Refusal
from warrantbook.core.rules.transfer import percent_agrees, split_remaining
from warrantbook.core.state import Status

REQUEST = """
- {{id: t1, on: 2006-06-01, type: transfer-request, actor: holder:gssf, option_no: ATG-1,
   pieces: [{pieces}], endorsement_signed: {signed}, witnessed_by: A. Witness, original_surrendered: {surrendered},
   opinion_received: {opinion}, transfer_taxes_paid: true}}
"""
REGISTER = """
- {{id: t1r, on: 2006-06-05, type: transfer-registration, actor: {actor}, option_no: ATG-1, request: t1, new_options: [{new}]}}
"""


def transfer(pieces: str, new: str = "ATG-2, ATG-3", signed: str = "true", surrendered: str = "true", opinion: str = "true",
             actor: str = "company:atg") -> str:
    return (REQUEST.format(pieces=pieces, signed=signed, surrendered=surrendered, opinion=opinion)
            + REGISTER.format(actor=actor, new=new))


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # by number: 46,100,000 to other; the balance 94,150,000 stays with gssf
        ("{holder: other, shares: 46100000}", {"ATG-2": ("other", 46_100_000), "ATG-3": ("gssf", 94_150_000)}),
        # by percentage only: 1/3 of 140,250,000 = 46,750,000 exactly
        ("{holder: other, percent: \"33.3333333333333%\"}", {"ATG-2": ("other", 46_749_999), "ATG-3": ("gssf", 93_500_001)}),
        # both, agreeing to the written decimals: 20% = 28,050,000
        ("{holder: other, percent: \"20%\", shares: 28050000}", {"ATG-2": ("other", 28_050_000), "ATG-3": ("gssf", 112_200_000)}),
    ],
)
def test_pieces_sum_exactly_to_the_whole(pieces: str, expected: dict[str, tuple[str, int]]) -> None:
    state = make_book(transfer(pieces)).state
    assert state.options["ATG-1"].status is Status.SUPERSEDED
    assert state.options["ATG-1"].children == ("ATG-2", "ATG-3")
    for no, (holder, shares) in expected.items():
        child = state.options[no]
        assert (child.holder, child.remaining) == (holder, shares)
        assert child.parent == "ATG-1" and child.origin == "transfer"
        assert child.issued_on == state.options["ATG-1"].issued_on, "like tenor keeps the issue date"
        assert child.exercise_price == state.options["ATG-1"].exercise_price
    assert sum(state.options[n].remaining for n in expected) == 140_250_000


def test_whole_transfer_needs_no_balance_option() -> None:
    state = make_book(transfer("{holder: other, percent: \"100%\", shares: 140250000}", new="ATG-2")).state
    assert state.options["ATG-2"].remaining == 140_250_000 and state.options["ATG-2"].holder == "other"


@pytest.mark.parametrize(
    ("kwargs", "clause", "fragment"),
    [
        ({"pieces": "{holder: other, percent: \"25%\", shares: 30000000}"}, "Exhibit B", "is not"),
        ({"pieces": "{holder: other, shares: 100000000}, {holder: affiliate, shares: 50000000}"}, "§7", "more than"),
        ({"pieces": "{holder: other, shares: 1000}", "signed": "false"}, "§7", "endorsement"),
        ({"pieces": "{holder: other, shares: 1000}", "surrendered": "false"}, "§7", "surrender"),
        ({"pieces": "{holder: other, shares: 1000}", "opinion": "false"}, "§7", "opinion"),
        ({"pieces": "{holder: other, shares: 1000}", "actor": "holder:gssf"}, "§7", "company"),
    ],
)
def test_transfer_refusals(kwargs: dict[str, str], clause: str, fragment: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(transfer(**kwargs))
    first = info.value.errors[0]
    assert first.clause == clause and fragment in str(first)
    assert first.line is not None


def test_until_registered_transferor_remains_holder() -> None:
    """§12: after the request but before registration, only the transferor may exercise."""
    book = make_book(REQUEST.format(pieces="{holder: other, shares: 1000}", signed="true", surrendered="true", opinion="true"))
    assert book.state.options["ATG-1"].holder == "gssf" and book.state.options["ATG-1"].pending_transfer is not None
    with pytest.raises(BookErrors) as info:
        make_book(REQUEST.format(pieces="{holder: other, shares: 1000}", signed="true", surrendered="true", opinion="true"), """
    - {id: n, on: 2006-06-02, type: exercise-notice, actor: holder:other, option_no: ATG-1, shares: 10, method: cash}
    """)
    assert info.value.errors[0].clause == "§12"


def test_percent_agreement_rule() -> None:
    assert percent_agrees(F(20, 100), F(28_050_000), F(140_250_000))
    assert percent_agrees(F("0.3333"), F(46_750_000), F(140_250_000))  # 33.33% written to 2 places
    assert not percent_agrees(F("0.3333"), F(46_000_000), F(140_250_000))
    with pytest.raises(BadInput):
        split_remaining(F(100), [("x", None, None)])
    with pytest.raises(Refusal):
        split_remaining(F(100), [("x", None, F(60)), ("y", None, F(41))])


REPLACE = """
- {{id: r1, on: 2007-01-05, type: replacement-request, actor: holder:gssf, option_no: ATG-1, cause: {cause},
   evidence: "{evidence}", {extra}}}
- {{id: r1i, on: 2007-01-10, type: replacement, actor: company:atg, option_no: ATG-1, request: r1, new_option: ATG-1R}}
"""


def test_replacement_voids_the_old_and_records_a_claim() -> None:
    book = make_book(REPLACE.format(cause="lost", evidence="affidavit of loss", extra='indemnity: "50000", indemnity_form: indemnity agreement'), """
    - {id: claim, on: 2007-03-01, type: void-presented, actor: company:atg, option_no: ATG-1, presented_by: unknown bearer}
    """)
    state = book.state
    assert state.options["ATG-1"].status is Status.REPLACED
    assert state.options["ATG-1R"].remaining == 140_250_000 and state.options["ATG-1R"].origin == "replacement"
    assert state.options["ATG-1"].claims == ("claim",)
    with pytest.raises(BookErrors) as info:
        make_book(REPLACE.format(cause="lost", evidence="affidavit", extra='indemnity: "50000"'), """
    - {id: n, on: 2007-02-01, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}
    """)
    assert info.value.errors[0].clause == "§8"


@pytest.mark.parametrize(
    ("cause", "evidence", "extra", "field"),
    [
        ("lost", "", 'indemnity: "1"', "evidence"),
        ("stolen", "police report", "indemnity_form: none", "indemnity"),
        ("mutilated", "torn in half", "original_surrendered: false", "original_surrendered"),
    ],
)
def test_replacement_refusals(cause: str, evidence: str, extra: str, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(REPLACE.format(cause=cause, evidence=evidence, extra=extra))
    assert info.value.errors[0].clause == "§8" and info.value.errors[0].field == field


def test_a_piece_cannot_act_before_it_came_into_being() -> None:
    """ATG-2 exists from its registration (2006-06-05), though it keeps the original issue date (like tenor).

    A ledger decides a back-dated event against everything it holds, so the check must not rely on replay order.
    """
    from datetime import date

    from warrantbook.core import events as ev
    from warrantbook.core.decide import decide
    from warrantbook.core.terms import PaymentMethod

    state = make_book(transfer("{holder: other, shares: 46100000}")).state
    late = ev.ExerciseNoticeReceived(id="n", on=date(2006, 6, 2), actor="holder:other", option_no="ATG-2", shares=F(10),
                                     method=PaymentMethod.CASH)
    with pytest.raises(Refusal) as info:
        decide(state, late)
    assert info.value.clause == "§7, §12" and info.value.field == "on"
