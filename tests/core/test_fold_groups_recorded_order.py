"""Ledgers recorded out of date order against the walk company by company (state.fold, core.commute.company_groups,
which works out each event's part on the events as recorded with their sort keys): an option number made twice (a
re-issue of a number a §7 transfer or a §8 replacement makes, before, on the day of, or after it), recorded first or
last; another company issuing that number; corrections of the event that made an option; each company's events
recorded as one stream merged at random with the others' (events of one date and phase keep their order). Each
asserts `fold` and `fold_in_date_order` agree, whole and as of days of the ledger, and that the index by id is the
documented order's."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.core.test_fold_apply import picture
from tests.core.test_fold_groups import ledger
from tests.core.test_fold_groups_attacks import two_lives
from warrantbook.core import events as ev
from warrantbook.core.commute import company_groups
from warrantbook.core.state import fold, fold_in_date_order, ordered, sort_keys


def _outcome(f, events, as_of):  # type: ignore[no-untyped-def]
    try:
        return picture(f(events, as_of))
    except Exception as error:  # a ledger neither walk can fold: both must fail alike
        return repr(error)


def agree(events: list[ev.Event]) -> None:
    days = sorted({e.on for e in events})
    for as_of in [None, *days[:: max(1, len(days) // 8)], days[-1] + timedelta(days=1)]:
        assert _outcome(fold, events, as_of) == _outcome(fold_in_date_order, events, as_of), as_of
    try:
        state = fold(events)
    except Exception:
        return
    expected = {e.id: e for e in ordered(events)}
    assert list(state.by_id.items()) == list(expected.items())


def recorded_orders(events: list[ev.Event]) -> list[tuple[str, list[ev.Event]]]:
    o = ordered(events)
    key = {id(e): k for e, k in zip(o, sort_keys(o))}
    out = [("date", o), ("reversed", sorted(o, key=lambda e: -key[id(e)])), ("key % 3", sorted(o, key=lambda e: key[id(e)] % 3))]
    groups = company_groups(o)
    if groups is not None:
        out.append(("parts, last first", [e for _, e in sorted(zip(groups, o), key=lambda t: -t[0])]))
    return out


_BASE = ordered(two_lives(0))
_BY = {e.id: e for e in _BASE}
_ISSUE, _Z_ISSUE = _BY["issue-ATG-1"], _BY["z-issue-ATG-1"]


def _correction(target: str, on: date, eid: str) -> ev.Event:
    return ev.Correction(id=eid, on=on, corrects=target, reason="wrong")


_CASES: dict[str, list[ev.Event]] = {}
for _day, _when in ((date(2006, 1, 1), "before"), (date(2006, 6, 5), "the day of"), (date(2006, 7, 1), "after")):
    for _no in ("ATG-3", "ATG-4"):  # made by the §7 transfer of 2006-06-05 and the §8 replacement of 2006-09-05
        _CASES[f"{_no} issued {_when} the transfer"] = [replace(_ISSUE, id=f"re-{_no}", on=_day, option_no=_no)]
    _CASES[f"ztg issues ATG-3 {_when} the transfer"] = [replace(_Z_ISSUE, id="z-re", on=_day, option_no="ATG-3")]
_CASES["the transfer corrected, its numbers issued before it"] = [
    _correction("transfer-1-registered", date(2007, 1, 1), "c1"),
    replace(_ISSUE, id="r2", on=date(2006, 1, 1), option_no="ATG-2"),
    replace(_ISSUE, id="r3", on=date(2006, 1, 1), option_no="ATG-3"),
]
_CASES["a re-issue after the transfer, corrected"] = [replace(_ISSUE, id="r3", on=date(2006, 7, 1), option_no="ATG-3"),
                                                        _correction("r3", date(2007, 1, 1), "c1")]
_CASES["the replacement corrected, its number issued later"] = [_correction("replacement-1", date(2007, 1, 1), "c1"),
                                                                  replace(_ISSUE, id="r4", on=date(2007, 6, 1), option_no="ATG-4")]


@pytest.mark.parametrize("case", list(_CASES))
def test_an_option_number_made_twice_folds_the_same_recorded_in_any_order(case: str) -> None:
    extra = _CASES[case]
    for _name, events in recorded_orders(_BASE + extra):
        agree(events)
        agree([e for e in events if e in extra] + [e for e in events if e not in extra])  # the additions recorded first


_KINDS = ["issue", "holder", "address", "split", "combine", "authorized", "ownership", "report", "notice", "effect", "deliver"]


def _merged(events: list[ev.Event], groups: list[int], rng: random.Random) -> list[ev.Event]:
    """Each part's events in date order, the parts merged at random, then events moved where they still group."""
    streams: dict[int, list[ev.Event]] = {}
    for e, part in zip(events, groups):
        streams.setdefault(part, []).append(e)
    out: list[ev.Event] = []
    while streams:
        part = rng.choice(list(streams))
        out.append(streams[part].pop(0))
        if not streams[part]:
            del streams[part]
    place = {id(e): n for n, e in enumerate(events)}
    for _ in range(40):
        moved = out[:]
        moved.insert(rng.randrange(len(out)), moved.pop(rng.randrange(len(out))))
        keys = sort_keys(moved)
        last: dict[int, int] = {}
        legal = True
        for e, k in zip(moved, keys):  # events of one date and phase keep their order of recording
            if last.get(k, -1) > place[id(e)]:
                legal = False
                break
            last[k] = place[id(e)]
        if legal and company_groups(moved, keys) is not None:
            out = moved
    return out


@pytest.mark.parametrize("seed", range(6))
def test_parts_recorded_as_merged_streams_fold_the_same(seed: int) -> None:
    rng = random.Random(seed)
    done = 0
    while done < 10:
        plan = [(rng.choice(_KINDS), rng.randrange(6), rng.randrange(1, 4), rng.random() < 0.5) for _ in range(rng.randrange(5, 40))]
        events = ordered(ledger(plan))
        groups = company_groups(events)
        if groups is None:
            continue
        recorded = _merged(events, groups, rng)
        assert company_groups(recorded, sort_keys(recorded)) is not None
        agree(recorded)
        done += 1


def test_the_sample_lives_recorded_as_merged_streams_fold_the_same() -> None:
    rng = random.Random(1)
    groups = company_groups(_BASE)
    assert groups is not None
    for _ in range(4):
        recorded = _merged(_BASE, groups, rng)
        assert company_groups(recorded, sort_keys(recorded)) is not None
        agree(recorded)
