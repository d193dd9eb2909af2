"""core.commute: every pair it declares commuting gives the same state in both orders, and nothing else is declared.

The projection (store/projection.py) applies an event last, instead of replaying the day, only when core.commute says
its effect commutes with each later one. A wrong declaration would give a state the fold never gives, so each declared
pair of kinds is applied here in both orders on a book where both effects do something (§2.1 notices, surrenders and
payments; §2.1, §6, §10 exercises on options of one cap group; §2.1 deliveries)."""

from __future__ import annotations

import dataclasses
from datetime import date
from fractions import Fraction as F
from typing import Any

import pytest

from tests.store.backends import base_events, cash_notice, payment, surrender
from warrantbook.core import events as ev
from warrantbook.core.commute import ONE_OPTION, OWN_OPTION, commutes
from warrantbook.core.decide import replay
from warrantbook.core.state import BookState, apply
from warrantbook.core.terms import Venue
from warrantbook.store.projection import fork

DAY = date(2006, 3, 1)


def _quote(day: date) -> ev.Quote:
    return ev.Quote(id=f"q-{day}", on=day, actor="company:atg", company="atg", venue=Venue.OTCBB, bid=F("0.024"), ask=F("0.026"))


def _book() -> tuple[BookState, dict[str, ev.Event]]:
    """ATG-1 and ATG-9 (one §10 group) and ATG-5 with open notices; ATG-9's exercise effected but not yet applied, and
    ATG-5's effected and owed; the events each pair below draws from."""
    events = [*base_events(), _quote(date(2006, 2, 28)), _quote(DAY),
              cash_notice("n1", "ATG-1", "gssf", 1_000_000), cash_notice("n9", "ATG-9", "affiliate", 2_000_000),
              cash_notice("n5", "ATG-5", "other", 3_000_000), surrender("s5", "ATG-5", "n5"), payment("p5", "ATG-5", "n5", F(30)),
              surrender("s9", "ATG-9", "n9"), payment("p9", "ATG-9", "n9", F(20))]
    state, decided = replay(events)
    by_id = {e.id: e for e in decided}
    before = [e for e in decided if e.id != "n9.effected"]  # ATG-9's exercise is one of the pair's events
    state, _ = replay([e for e in before if not e.derived] + [by_id["n5.effected"]])
    candidates = {
        "notice ATG-1": cash_notice("n1b", "ATG-1", "gssf", 500_000),
        "surrender ATG-1": surrender("s1", "ATG-1", "n1"),
        "payment ATG-1": payment("p1", "ATG-1", "n1", F(10)),
        "exercise ATG-9": by_id["n9.effected"],
        "delivery ATG-5": ev.SharesDelivered(id="d5", on=DAY, actor="company:atg", option_no="ATG-5", notice="n5", book_entry=True),
    }
    return state, candidates


def _snapshot(state: BookState) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if f.name == "by_id":
            value = dict(value)
        elif f.name == "events":
            value = sorted(e.id for e in value)  # the projection puts the event in its place; the rest must be equal
        elif f.name == "companies":
            value = {k: {slot: getattr(c, slot, None) for slot in type(c).__slots__} for k, c in value.items()}
        out[f.name] = value
    return out


PAIRS = [(a, b) for a in ("notice ATG-1", "surrender ATG-1", "payment ATG-1")
         for b in ("notice ATG-1", "surrender ATG-1", "payment ATG-1", "exercise ATG-9", "delivery ATG-5") if a != b]


@pytest.mark.parametrize(("early", "later"), PAIRS)
def test_a_declared_pair_gives_one_state_in_either_order(early: str, later: str) -> None:
    state, candidates = _book()
    a, b = candidates[early], candidates[later]
    first, second = fork(state), fork(state)
    apply(first, a)
    apply(first, b)
    apply(second, b)
    apply(second, a)
    declared = commutes(a, b)
    assert declared == (a.option_no != b.option_no)  # type: ignore[attr-defined]
    if declared:
        assert _snapshot(first) == _snapshot(second)
        assert _snapshot(first) != _snapshot(state)  # both effects did something


def test_an_exercise_changes_what_a_later_exercise_sees() -> None:
    """§6, §10: two exercises do not commute (each reads the running count the other changes): never declared."""
    _state, candidates = _book()
    x = candidates["exercise ATG-9"]
    assert not commutes(x, x)
    assert type(x) not in OWN_OPTION


@pytest.mark.parametrize("kind", sorted((k for k in ev.REGISTRY.values() if k not in ONE_OPTION), key=lambda k: k.kind))
def test_every_other_kind_commutes_with_nothing(kind: type[ev.Event]) -> None:
    """A §4 event reaches every option of its company, a §7 transfer makes options, a correction undoes an effect:
    any kind not declared is never moved past another event."""
    assert kind not in OWN_OPTION
    fake = object.__new__(kind)
    object.__setattr__(fake, "option_no", "ATG-5") if "option_no" in {f.name for f in dataclasses.fields(kind)} else None
    notice = cash_notice("n", "ATG-1", "gssf", 1)
    assert not commutes(fake, notice)
    assert not commutes(notice, fake)


def test_the_declared_kinds_are_the_reviewed_ones() -> None:
    """Adding a kind here needs its effect read for what it touches (core/commute.py) and a row in PAIRS."""
    assert {k.kind for k in OWN_OPTION} == {"exercise-notice", "surrender", "payment"}
    assert {k.kind for k in ONE_OPTION - OWN_OPTION} == {"exercise", "delivery"}
