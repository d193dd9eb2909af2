"""The ledger's cached state is `fold(events)` after every step, whatever order events are recorded in."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from fractions import Fraction as F
from typing import Any

import pytest

from tests.store.backends import base_events, cash_notice, payment, surrender
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, replay
from warrantbook.core.state import BookState, fold
from warrantbook.core.terms import Venue
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


# ---------------------------------------------------------------- a day's exercises recorded in any order

_DAY = date(2006, 3, 1)
_OPTIONS = {"ATG-1": "gssf", "ATG-9": "affiliate", "ATG-5": "other"}


def _day_steps(option: str, surrender_first: bool) -> list[ev.Event]:
    """One option's cash exercise on `_DAY`, as its parties give it (§2.1, §2.2(a)): the notice, then the surrender and
    the payment in either order (the exercise is effected at the close once both are in), then the delivery."""
    n = f"n-{option}"
    notice = cash_notice(n, option, _OPTIONS[option], 1_000_000, on=_DAY)
    pair = [surrender(f"s-{option}", option, n, on=_DAY), payment(f"p-{option}", option, n, F(10), on=_DAY)]
    delivery = ev.SharesDelivered(id=f"d-{option}", on=_DAY, actor="company:atg", option_no=option, notice=n, book_entry=True)
    return [notice, *(pair if surrender_first else pair[::-1]), delivery]


def _interleave(steps: dict[str, list[ev.Event]], order: list[str]) -> list[ev.Event]:
    queues = {k: list(v) for k, v in steps.items()}
    return [queues[k].pop(0) for k in order]


@pytest.mark.parametrize("seed", range(18))
def test_a_days_exercises_in_any_order_give_the_fold(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Surrenders and payments land before the day's earlier exercises of other options (effected at the close): the
    projection applies them last (core.commute) and must still equal a fresh fold after every step, with a §4 split
    or a back-dated fact now and then forcing the replay instead."""
    rng = random.Random(seed)
    steps = {o: _day_steps(o, rng.random() < 0.5) for o in _OPTIONS}
    order = [o for o in _OPTIONS for _ in range(4)]
    rng.shuffle(order)  # each option's own steps stay in their order (notice first, delivery last): `_interleave` pops them
    proposed = _interleave(steps, order)
    quotes = [ev.Quote(id=f"q-{d}", on=d, actor="company:atg", company="atg", venue=Venue.OTCBB, bid=F("0.024"), ask=F("0.026"))
              for d in (date(2006, 2, 28), _DAY)]
    extra: list[ev.Event] = []
    if seed % 3 == 1:  # a §4 event reaches every option of the company, so nothing commutes with it: a split the same
        # morning, or a stock dividend after the close, recorded after the day's surrenders and payments
        kind = ev.StockEventKind.SUBDIVISION if seed % 2 else ev.StockEventKind.DIVIDEND_ON_COMMON
        extra.append(ev.StockEvent(id="split", on=_DAY, actor="company:atg", issuer="atg", event=kind,
                                   outstanding_before=F(1_200_000_000), outstanding_after=F(2_400_000_000)))
    if seed % 3 == 2:
        extra.append(ev.SharesOutstanding(id="late-out", on=date(2006, 2, 15), actor="company:atg", company="atg",
                                          shares=F(1_200_000_000)))
    if extra and extra[0].phase is ev.Phase.AFTER_CLOSE:  # §4, §2.2(a): a surrender or payment of the day recorded after the
        # dividend would sort before it though decided on the basis after it (refused): the dividend follows the day's last one
        last = max(i for i, x in enumerate(proposed) if x.kind in ("surrender", "payment"))
        proposed.insert(last + 1 + rng.randrange(len(proposed) - last), extra[0])
    elif extra:  # early in the day's recording, so that most of the day's acts land before it or after it
        proposed.insert(rng.randrange(len(proposed) // 2), extra[0])
    moved = 0
    real_apply_before = Projection._apply_before

    def counting(self: Projection, e: ev.Event, later: int) -> bool:
        nonlocal moved
        moved += later > 0
        return real_apply_before(self, e, later)

    monkeypatch.setattr(Projection, "_apply_before", counting)
    _, start = replay([*base_events(), *quotes])
    proj = Projection(start)
    applied = list(start)
    for e in proposed:
        if isinstance(e, ev.StockEvent):  # §4: the count before is the ledger's that day (exercises effected so far)
            now = proj.state.companies["atg"].outstanding_on(_DAY)
            e = dataclasses.replace(e, outstanding_before=now, outstanding_after=2 * now)
        decided = decide(proj.state, e)
        preview = proj.preview(decided)
        applied += decided
        expected = fold(applied)
        if preview is not None:
            assert snapshot(preview) == snapshot(expected), (seed, e.id)
        proj.advance(decided, preview if rng.random() < 0.5 else None)
        assert snapshot(proj.state) == snapshot(expected), (seed, e.id)
    assert sum(1 for e in applied if e.kind == "exercise") == 3
    if not extra:
        assert moved > 0 or not _lands_before_an_exercise(proposed), seed  # the path under test was taken


def _lands_before_an_exercise(proposed: list[ev.Event]) -> bool:
    """Whether some surrender or payment was recorded after another option's exercise was effected."""
    done: set[str] = set()
    effected: set[str] = set()
    for e in proposed:
        option = getattr(e, "option_no", "")
        if e.kind in ("surrender", "payment"):
            if effected - {option}:
                return True
            done.add(f"{e.kind}:{option}")
            if {f"surrender:{option}", f"payment:{option}"} <= done:
                effected.add(option)
    return False
