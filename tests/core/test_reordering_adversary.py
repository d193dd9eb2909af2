"""§10, §14, §1.1 with §2.1: opposing counsel's attempts on the refusals of events recorded after others they sort before.

Each row is recorded event by event through `decide` (the ledger's way). A row meant to be refused must be refused
naming its clause; a row meant to be taken must be taken, and a replay in the fold's order then decides the same
exercises with the same figures and the fold holds the replay's state (`_agrees` of test_reordering_cap_expiry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from fractions import Fraction as F

import pytest

from tests.core.test_reordering_cap_expiry import (
    ATG5,
    BEFORE,
    BOTH,
    EXERCISE_DAY,
    HONOUR,
    _agrees,
    _amend,
    _cash_exercise,
    _cashless_max,
    _cure,
    _default,
    _record,
    _start,
    _waiver,
)
from tests.store.backends import payment
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, replay
from warrantbook.core.errors import Refusal
from warrantbook.core.state import fold
from warrantbook.core.terms import Tranche

NEXT = date(2006, 6, 2)
TRANSFERRED = date(2006, 6, 1)
LATER = date(2006, 7, 3)


def _transfer() -> list[ev.Event]:
    """§7: GSSF transfers 1,000 of ATG-1's shares to `other`: ATG-2 (other, 1,000) and ATG-3 (gssf, the rest)."""
    return [ev.TransferRequested(id="tr", on=TRANSFERRED, actor="holder:gssf", option_no="ATG-1",
                                 pieces=(ev.TransferPiece(holder="other", shares=F(1000)),), endorsement_signed=True,
                                 original_surrendered=True, opinion_received=True, transfer_taxes_paid=True),
            ev.TransferRegistered(id="reg", on=TRANSFERRED, actor="company:atg", option_no="ATG-1", request="tr",
                                  new_options=("ATG-2", "ATG-3"))]


def _notice(eid: str, on: date, option: str = "ATG-2") -> ev.DefaultNoticeReceived:
    return ev.DefaultNoticeReceived(id=eid, on=on, actor="holder:gssf", option_no=option)


def _cured(eid: str, on: date, option: str = "ATG-2", actor: str = "holder:gssf") -> ev.DefaultCured:
    return ev.DefaultCured(id=eid, on=on, actor=actor, option_no=option)


def _tenfold(on: date) -> ev.Amended:
    return _amend("a", on, replace(ATG5, tranches=(Tranche(F(100_000_000), F("0.0001")),)), *BOTH)


def _own(on: date) -> ev.BeneficialOwnership:
    return ev.BeneficialOwnership(id="own-2", on=on, actor="holder:gssf", holder="gssf", company="atg", shares=F(40_000_000))


def _withdraw(target: str) -> ev.Correction:
    return ev.Correction(id=f"withdraw-{target}", on=date(2006, 7, 10), actor="holder:gssf", corrects=target, reason="given in error")


# (attack, events recorded first, the event recorded last, the clause its refusal names)
REFUSED: list[tuple[str, Callable[[], list[ev.Event]], ev.Event, str]] = [
    ("same day: a default notice dated the day of a cashless maximum (INTRADAY sorts before the CLOSE)",
     lambda: _start(*_cashless_max("n1", EXERCISE_DAY)), _default(EXERCISE_DAY), "§10"),
    ("same day: a cure dated the day of an exercise of 100,000,000 taken in default",
     lambda: _start(_default(BEFORE), *_cash_exercise("n1", "ATG-1", "gssf", 100_000_000, EXERCISE_DAY)), _cure(EXERCISE_DAY), "§10"),
    ("same day: holdings certified (OPENING) the day of a cashless maximum measured on the old holdings",
     lambda: _start(*_cashless_max("n1", EXERCISE_DAY)), _own(EXERCISE_DAY), "§10"),
    ("same day: a tenfold price dated the day of an exercise paid at the old price",
     lambda: _start(*_cash_exercise("n5", "ATG-5", "other", 1_000_000, EXERCISE_DAY)), _tenfold(EXERCISE_DAY), "§14, §2.1"),
    ("§7: a default notice on a child dated before the child's cashless maximum",
     lambda: _start(*_transfer(), *_cashless_max("n3", LATER, "ATG-3")), _default(date(2006, 6, 15), "ATG-3"), "§10"),
    ("§7: the parent's default withdrawn under the child's exercise of 100,000,000 taken with the cap void",
     lambda: _start(_default(BEFORE), *_transfer(), *_cash_exercise("n3", "ATG-3", "gssf", 100_000_000, LATER)),
     _withdraw(f"default-{BEFORE}"), "§10"),
    ("§7: a cure on the child dated before its exercise taken in the parent's default",
     lambda: _start(_default(BEFORE), *_transfer(), *_cash_exercise("n3", "ATG-3", "gssf", 100_000_000, LATER)),
     _cure(date(2006, 6, 20), "ATG-3"), "§10"),
    ("two options of one group: the affiliate's exercise dated before the child ATG-3's cashless maximum",
     lambda: _start(*_transfer(), *_cashless_max("n3", LATER, "ATG-3"),
                    *_cash_exercise("n9", "ATG-9", "affiliate", 40_000_000, date(2006, 6, 20))[:2]),
     payment("n9-p", "ATG-9", "n9", F(400), on=date(2006, 6, 20)), "§10"),
    ("wrong party: a cure by the company alone",
     lambda: _start(_default(BEFORE)), _cured("c", date(2006, 4, 1), "ATG-1", "company:atg"), "§10"),
    ("wrong party: a cure of GSSF's option by its affiliate",
     lambda: _start(_default(BEFORE)), _cured("c", date(2006, 4, 1), "ATG-1", "holder:affiliate"), "§10"),
    ("wrong party: a cure of GSSF's child ATG-3 by the holder of its sibling",
     lambda: _start(_default(BEFORE), *_transfer()), _cured("c", date(2006, 6, 20), "ATG-3", "holder:other"), "§10"),
]


@pytest.mark.parametrize(("why", "first", "last", "clause"), REFUSED, ids=[r[0][:60] for r in REFUSED])
def test_attacks_refused(why: str, first: Callable[[], list[ev.Event]], last: ev.Event, clause: str) -> None:
    recorded = _record(first())
    with pytest.raises(Refusal) as refused:
        decide(fold(recorded), last)
    assert clause in refused.value.clause or clause in str(refused.value)


TAKEN: list[tuple[str, Callable[[], list[ev.Event]], ev.Event]] = [
    ("the next day: a default notice the day after a cashless maximum",
     lambda: _start(*_cashless_max("n1", EXERCISE_DAY)), _default(NEXT)),
    ("the next day: a cure the day after an exercise taken in default",
     lambda: _start(_default(BEFORE), *_cash_exercise("n1", "ATG-1", "gssf", 100_000_000, EXERCISE_DAY)), _cure(NEXT)),
    ("the next day: a tenfold price the day after an exercise",
     lambda: _start(*_cash_exercise("n5", "ATG-5", "other", 1_000_000, EXERCISE_DAY)), _tenfold(NEXT)),
    ("future-dated: a waiver dated 2030 after a cashless maximum",
     lambda: _start(*_cashless_max("n1", EXERCISE_DAY)), _waiver(date(2030, 1, 1))),
    ("two options of one company: another holder's exercise dated before GSSF's stated 40,000,000 (a larger O only helps)",
     lambda: _start(*_cash_exercise("n1", "ATG-1", "gssf", 40_000_000, EXERCISE_DAY),
                    *_cash_exercise("n5", "ATG-5", "other", 50_000_000, date(2006, 5, 1))[:2]),
     payment("n5-p", "ATG-5", "n5", F(500), on=date(2006, 5, 1))),
    ("two options of one group: a waiver and a default of the affiliate's ATG-9 dated before GSSF's cashless maximum",
     lambda: _start(*_cashless_max("n1", EXERCISE_DAY), _waiver(BEFORE, "ATG-9", "affiliate")), _default(BEFORE, "ATG-9", "affiliate")),
    ("§7: the sibling ATG-2's holder cures its own piece of the parent's default",
     lambda: _start(_default(BEFORE), *_transfer(), *_cash_exercise("n3", "ATG-3", "gssf", 100_000_000, LATER)),
     _cured("c", date(2006, 6, 20), "ATG-2", "holder:other")),
    # defect 1 (§10, row 36a): the waiver's check read the cap on the exercise's day from the latest default only, and
    # refused, saying the exercise was "under the cap", one taken with the cap void during an earlier default since cured
    ("an exercise honoured in full during an earlier, cured default; a waiver dated before it",
     lambda: _start(HONOUR, _notice("d1", date(2006, 3, 1)), *_cash_exercise("n2", "ATG-2", "gssf", 60_000_000, date(2006, 3, 15)),
                    _cured("c1", date(2006, 4, 1)), _notice("d2", date(2006, 7, 1))),
     _waiver(date(2005, 12, 1), "ATG-2")),
    # defect 2 (§10): a default noticed the day the previous one was cured: that cure was read as the new default's, so
    # an exercise recorded late in the new default was decided with the cap in force (honour-to-cap: cut to 49,880,000
    # where a replay issues 60,000,000)
    ("an exercise recorded late in a default noticed the day the previous one was cured (honour-to-cap 60,000,000)",
     lambda: _start(HONOUR, _notice("d1", date(2006, 3, 1)), _cured("c1", date(2006, 4, 1)), _notice("d2", date(2006, 4, 1)),
                    _cured("c2", date(2006, 5, 1)), _notice("d3", date(2006, 7, 1)),
                    *_cash_exercise("n2", "ATG-2", "gssf", 60_000_000, date(2006, 4, 10))[:2]),
     payment("n2-p", "ATG-2", "n2", F(600), on=date(2006, 4, 10))),
    ("the same under the default reading: 100,000,000 (refused as over the cap before the fix)",
     lambda: _start(_notice("d1", date(2006, 3, 1), "ATG-1"), _cured("c1", date(2006, 4, 1), "ATG-1"),
                    _notice("d2", date(2006, 4, 1), "ATG-1"), _cured("c2", date(2006, 5, 1), "ATG-1"),
                    _notice("d3", date(2006, 7, 1), "ATG-1"),
                    *_cash_exercise("n1", "ATG-1", "gssf", 100_000_000, date(2006, 4, 10))[:2]),
     payment("n1-p", "ATG-1", "n1", F(1000), on=date(2006, 4, 10))),
]


@pytest.mark.parametrize(("why", "first", "last"), TAKEN, ids=[r[0][:60] for r in TAKEN])
def test_attacks_taken_and_the_fold_agrees(why: str, first: Callable[[], list[ev.Event]], last: ev.Event) -> None:
    recorded = _record(first())
    _agrees([*recorded, *decide(fold(recorded), last)])


def test_a_corrected_exercise_no_longer_blocks_a_waiver_dated_before_it() -> None:
    """§10, records: a cashless maximum cut by the cap, then corrected; a waiver dated before it is taken (the corrected
    exercise no longer stands), and the fold holds the replay's state. (The corrected exercise itself is derived again
    on a replay, now with the cap void: its figures, struck out, differ; nothing counts them.)"""
    undo = ev.Correction(id="undo", on=date(2006, 6, 5), actor="company:atg", corrects="n1.effected", reason="wrong",
                         signed_by=("holder:gssf",))
    recorded = _record(_start(*_cashless_max("n1", EXERCISE_DAY), undo))
    recorded += decide(fold(recorded), _waiver(BEFORE))
    state, _ = replay(recorded)
    folded = fold(recorded)
    for no in ("ATG-1", "ATG-9", "ATG-5"):
        f, o = folded.options[no], state.options[no]
        assert (f.remaining, f.status, f.waiver_received, len(f.pending)) == (o.remaining, o.status, o.waiver_received, len(o.pending))
    assert folded.options["ATG-1"].remaining == 140_250_000
    assert folded.companies["atg"].outstanding == state.companies["atg"].outstanding
