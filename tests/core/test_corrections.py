"""Corrections: nothing is edited; a correction needs the party the corrected act bound, and irrevocable acts stay so."""

from __future__ import annotations

import pytest

from tests.conftest import make_book
from warrantbook.core.errors import BookErrors

NOTICE = "- {id: n, on: 2006-01-03, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}"
EFFECTED = NOTICE + """
- {id: s, on: 2006-01-03, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2006-01-03, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: '0.01'}
"""
WAIVER = "- {id: w, on: 2006-01-03, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}"


def fix(corrects: str, actor: str, signed: str = "[]") -> str:
    return f"- {{id: fix, on: 2006-01-05, type: correction, actor: {actor}, corrects: {corrects}, reason: wrong, signed_by: {signed}}}"


@pytest.mark.parametrize(
    ("setup", "correction", "clause", "field"),
    [
        # Exhibit A: the holder cannot withdraw its irrevocable notice by a correction alone
        (NOTICE, fix("n", "holder:gssf"), "Exhibit A", "signed_by"),
        # nor can the company erase it alone
        (NOTICE, fix("n", "company:atg"), "Exhibit A", "signed_by"),
        # §2.1: a receipt of payment records the holder's performance: the holder signs its correction too
        (EFFECTED, fix("p", "company:atg"), "§2.1", "signed_by"),
        # another holder cannot correct this holder's certificate
        ("", fix("own", "holder:other"), "record", "actor"),
        # the keeper cannot erase a party's act
        ("", fix("own", "system"), "record", "signed_by"),
        # the company cannot withdraw the holder's waiver notice (interpretations 62)
        (WAIVER, fix("w", "company:atg"), "record", "signed_by"),
    ],
)
def test_a_correction_needs_the_party_the_act_bound(setup: str, correction: str, clause: str, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(setup, correction)
    err = info.value.errors[0]
    assert (err.clause, err.field) == (clause, field), err.message


@pytest.mark.parametrize(
    ("setup", "correction"),
    [
        (NOTICE, fix("n", "holder:gssf", "[company:atg]")),  # both sides: a clerical error they agree on
        (EFFECTED, fix("p", "company:atg", "[holder:gssf]")),
        ("", fix("own", "holder:gssf")),  # the holder corrects its own certificate
        ("", fix("own", "system", "[holder:gssf]")),
        (WAIVER, fix("w", "holder:gssf")),  # the holder withdraws its own waiver notice
    ],
)
def test_signed_by_the_parties_bound_it_stands(setup: str, correction: str) -> None:
    state = make_book(setup, correction).state
    assert "fix" in state.by_id and state.corrections


def test_the_same_event_is_not_corrected_twice_and_a_correction_is_not_corrected() -> None:
    with pytest.raises(BookErrors) as info:
        make_book(fix("own", "holder:gssf"), "- {id: fix2, on: 2006-01-06, type: correction, actor: holder:gssf, corrects: own, reason: again}")
    assert info.value.errors[0].field == "corrects"
    with pytest.raises(BookErrors) as info:
        make_book(fix("own", "holder:gssf"), "- {id: fix2, on: 2006-01-06, type: correction, actor: holder:gssf, corrects: fix, reason: undo}")
    assert info.value.errors[0].field == "corrects"


# §1.1, §7, §8: the event that made an option is not corrected while acts on that option stand (found by an adversary:
# a signed correction of a §8 replacement was taken, and no fold could then apply the new option's notices)
@pytest.mark.parametrize(("made_by", "option"), [("issue-ATG-1", "ATG-1"), ("transfer-1-registered", "ATG-2"), ("replacement-1", "ATG-4")],
                         ids=["issue", "section-7-registration", "section-8-replacement"])
def test_the_event_that_made_an_option_is_not_corrected_under_its_acts(made_by: str, option: str) -> None:
    from datetime import date

    from tests.core.test_fold_groups_attacks import two_lives
    from warrantbook.core import events as ev
    from warrantbook.core.decide import decide
    from warrantbook.core.errors import Refusal
    from warrantbook.core.state import fold, ordered

    life = ordered(two_lives(23))
    state = fold(life)
    everyone = tuple(f"holder:{h}" for h in state.holders)
    fix = ev.Correction(id="fix", on=date(2007, 1, 1), corrects=made_by, reason="recorded in error", actor="company:atg",
                        signed_by=everyone)
    with pytest.raises(Refusal) as info:
        decide(state, fix)
    assert info.value.clause == "§1.1" and info.value.field == "corrects" and "correct that first" in str(info.value)
    assert f"made option {option}" in str(info.value) or "made option ATG-3" in str(info.value)
    # with nothing recorded on what it made, the same correction is taken
    upto = life[: next(i for i, e in enumerate(life) if e.id == made_by) + 1]
    assert [x.id for x in decide(fold(upto), fix)] == ["fix"]
