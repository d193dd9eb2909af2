"""The ledger's cached state is `fold(events)` after every step, whatever order events are recorded in."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from fractions import Fraction as F
from typing import Any

import pytest

from warrantbook.core import events as ev
from warrantbook.core.decide import replay
from warrantbook.core.state import BookState, fold
from warrantbook.seed import seed_life
from warrantbook.store import projection
from warrantbook.store.projection import Projection, fork


def snapshot(state: BookState) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if f.name == "folding":
            continue
        if f.name == "by_id":
            value = dict(value)
        elif f.name == "companies":
            value = {k: {slot: getattr(c, slot, None) for slot in type(c).__slots__} for k, c in value.items()}
        out[f.name] = value
    return out


def _events() -> list[ev.Event]:
    _, decided = replay(seed_life())
    extra: list[ev.Event] = [
        ev.SharesOutstanding(id="future", on=date(2030, 1, 2), actor="company:atg", company="atg", shares=F(3_000_000_000)),
        ev.SharesOutstanding(id="typo", on=date(2006, 2, 1), actor="company:atg", company="atg", shares=F(7)),
        ev.Correction(id="fix-typo", on=date(2006, 2, 2), actor="company:atg", corrects="typo", reason="typo"),
        ev.AuthorizedShares(id="late-fact", on=date(2006, 3, 15), actor="company:atg", company="atg", shares=F(5_000_000_000)),
    ]
    return decided + extra


def _orders() -> list[tuple[str, list[ev.Event]]]:
    events = _events()
    future_first = [e for e in events if e.id == "future"] + [e for e in events if e.id != "future"]
    nearly = list(events)
    rng = random.Random(11)
    for _ in range(40):  # local swaps: same-day phases and neighbours out of order, as real recording is
        i = rng.randrange(len(nearly) - 1)
        nearly[i], nearly[i + 1] = nearly[i + 1], nearly[i]
    return [("as decided", events), ("nearly in order", nearly), ("future-dated first", future_first)]


@pytest.mark.parametrize("roll", [3, 256])
@pytest.mark.parametrize(("name", "order"), _orders(), ids=lambda x: x if isinstance(x, str) else "")
def test_projection_equals_a_fresh_fold_after_every_step(name: str, order: list[ev.Event], roll: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(projection, "ROLL", roll)
    rng = random.Random(len(name) + roll)
    start = rng.randrange(0, 40)
    proj = Projection(order[:start])
    assert snapshot(proj.state) == snapshot(fold(order[:start]))
    i = start
    while i < len(order):
        chunk = order[i:i + rng.randint(1, 4)]
        preview = proj.preview(chunk)
        expected = fold(order[:i + len(chunk)])
        if preview is not None:
            assert snapshot(preview) == snapshot(expected), (name, i)
        proj.advance(chunk, preview if rng.random() < 0.5 else None)
        assert snapshot(proj.state) == snapshot(expected), (name, i)
        i += len(chunk)


def test_a_fork_is_independent() -> None:
    state = fold(_events()[:120])
    before = snapshot(state)
    copy = fork(state)
    for e in _events()[120:]:
        from warrantbook.core.state import apply

        apply(copy, e)
    assert snapshot(state) == before
