"""Attacks on the projection (store/projection.py) and core.commute: the state must equal `fold(events)` after every
step, whatever the recording order, corrections, rolls, forks or future-dated events."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.store.backends import base_events, cash_notice
from tests.store.test_projection import snapshot
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, replay
from warrantbook.core.state import fold
from warrantbook.core.terms import Venue
from warrantbook.store import projection
from warrantbook.store.projection import Projection

D1, D2 = date(2006, 3, 1), date(2006, 3, 2)


def _quote(day: date) -> ev.Quote:
    return ev.Quote(id=f"q-{day}", on=day, actor="company:atg", company="atg", venue=Venue.OTCBB, bid=F("0.024"), ask=F("0.026"))


def _start() -> list[ev.Event]:
    _, start = replay([*base_events(), _quote(date(2006, 2, 28)), _quote(D1)])
    return start


def _step(proj: Projection, applied: list[ev.Event], e: ev.Event, *, use_preview: bool = False) -> None:
    decided = decide(proj.state, e)
    built = proj.preview(decided)
    applied += decided
    expected = snapshot(fold(applied))
    if built is not None:
        assert snapshot(built) == expected, e.id
    proj.advance(decided, built if use_preview else None)
    assert snapshot(proj.state) == expected, e.id


@pytest.mark.parametrize("use_preview", [False, True])
def test_a_roll_keeps_a_correction_with_the_event_it_corrects(use_preview: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exhibit A, record: a notice corrected the next day has no effect. When the window rolls into the checkpoint, the
    notice must not be applied there while its correction stays in the window (the checkpoint would keep the notice's
    effect, and every later rebuild from it would show the corrected notice as open)."""
    monkeypatch.setattr(projection, "ROLL", 3)
    start = _start()
    proj = Projection(start)
    applied = list(start)
    steps: list[ev.Event] = [
        cash_notice("n1", "ATG-1", "gssf", 1_000_000, on=D1),
        ev.Correction(id="c1", on=D2, actor="company:atg", corrects="n1", reason="withdrawn", signed_by=("holder:gssf",)),
        ev.SharesOutstanding(id="out-2", on=D2, actor="company:atg", company="atg", shares=F(1_200_000_000)),  # rolls
        _quote(D2),  # lands before the correction (opening): the state is rebuilt from the checkpoint
        cash_notice("n2", "ATG-5", "other", 1_000, on=D2),
    ]
    for e in steps:
        _step(proj, applied, e, use_preview=use_preview)
    assert proj.state.options["ATG-1"].pending == ()
