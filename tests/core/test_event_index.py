"""state.EventIndex: a fold's index by id, built from the state's events the first time it is read or changed, and then
the dict the date-order walk would have built: every mapping operation sees the same events, in the same order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from warrantbook.core import events as ev
from warrantbook.core.state import EventIndex, apply, fold
from warrantbook.core.terms import Address, Holder

START = date(2006, 3, 1)


def furnished(eid: str, days: int, street: str) -> ev.AddressFurnished:
    return ev.AddressFurnished(id=eid, on=START + timedelta(days=days), holder="h", address=Address(lines=(street,)))


EVENTS: list[ev.Event] = [ev.HolderRegistered(id="h", on=START, holder=Holder(id="h", name="h")), furnished("a", 2, "2 Street"),
                          furnished("b", 1, "1 Street"), furnished("a", 3, "3 Street")]


@pytest.mark.parametrize(
    ("operation", "want"),
    [
        (lambda i: list(i), ["h", "b", "a"]),  # date order; "a" where the first "a" stood
        (lambda i: i["a"].address.lines, ("3 Street",)),  # the later of two like-named events
        (lambda i: ("b" in i, "z" in i, 3 in i), (True, False, False)),
        (lambda i: (i.get("z"), i.get("z", "none"), i.get("b").id), (None, "none", "b")),
        (len, 3),
        (lambda i: [e.id for e in i.values()], ["h", "b", "a"]),
        (lambda i: list(i.keys()), ["h", "b", "a"]),
        (lambda i: [(k, e.on.day) for k, e in i.items()], [("h", 1), ("b", 2), ("a", 4)]),
        (lambda i: i == {e.id: e for e in sorted(EVENTS, key=lambda e: e.on)}, True),
    ],
    ids=["iter", "getitem", "contains", "get", "len", "values", "keys", "items", "eq"],
)
def test_each_operation_sees_the_date_order_index(operation, want) -> None:  # type: ignore[no-untyped-def]
    index = fold(EVENTS).by_id
    assert isinstance(index, EventIndex) and not index.built
    assert operation(index) == want
    assert index.built


def test_a_missing_id_is_a_key_error_and_changes_build_it_first() -> None:
    index = fold(EVENTS).by_id
    with pytest.raises(KeyError):
        index["z"]
    index = fold(EVENTS).by_id
    index["z"] = furnished("z", 9, "9 Street")  # apply() on a folded state: the fold's events first, then the new one
    assert list(index) == ["h", "b", "a", "z"]
    del index["b"]
    assert list(index) == ["h", "a", "z"]
    assert "not built" in repr(fold(EVENTS).by_id) and "'z'" in repr(index)


def test_applying_to_a_folded_state_indexes_the_fold_then_the_new_event() -> None:
    state = fold(EVENTS[:2])
    apply(state, furnished("c", 5, "5 Street"))
    assert list(state.by_id) == ["h", "a", "c"] and [e.id for e in state.events] == ["h", "a", "c"]
