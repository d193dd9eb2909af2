"""decide(state, event) -> events: the agreement's gatekeeper.

A proposed event (what someone asks to record) is checked against the state and the agreement: first who
gave it (clauses/parties.py, from events.GIVEN_BY), then every condition its clause module lists. Every
problem is reported, not only the first. A kind with no declared checks is refused, never allowed by default.
The answer is the event with whatever it entails (an exercise effected when surrender and payment are
complete), or a refusal citing the section. Nothing is recorded here: the shells append what this returns.
"""

from __future__ import annotations

from collections.abc import Callable

from warrantbook.core import events as ev
from warrantbook.core.clauses import CHECKS
from warrantbook.core.clauses.exercise import EFFECTED, effected_id
from warrantbook.core.clauses.parties import check_authority
from warrantbook.core.engine import cap_limit, determination_date, exercise_quote, fmv_source, outstanding_on, request_of, reservation
from warrantbook.core.errors import BadInput, Refusal, WarrantbookError, combine
from warrantbook.core.state import BookState

__all__ = ["decide", "replay", "cap_limit", "determination_date", "exercise_quote", "fmv_source", "outstanding_on",
           "request_of", "reservation"]


def decide(state: BookState, e: ev.Event) -> list[ev.Event]:
    """Check `e` against the agreement and the state; return it with what it entails, or raise every problem."""
    if e.id in state.by_id:
        raise BadInput(f"id: an event with id {e.id!r} is already recorded", field="id")
    _check_entailed_name(state, e)
    checks = CHECKS.get(type(e))
    if checks is None:
        raise Refusal("record", f"no check is declared for a {e.kind!r} event; it is refused", field="kind")
    try:
        check_authority(state, e)
    except WarrantbookError as exc:
        if exc.fatal:
            raise
        problems: list[WarrantbookError] = [exc]
    else:
        problems = []
    entailed: list[ev.Event] = []
    for check in checks:
        try:
            out = check(state, e)
        except WarrantbookError as exc:
            problems.append(exc)
            if getattr(exc, "fatal", False):
                break  # nothing further can be checked (the option does not exist, say)
            continue
        if out:
            entailed.extend(out)
    if problems:
        raise combine(problems)
    for x in entailed:  # what the system names (an exercise effected) never takes an id already used, whoever took it first
        if x.id in state.by_id or x.id == e.id:
            raise BadInput(f"id: {e.kind} {e.id!r} entails {x.kind} {x.id!r}, an id already recorded; correct the event that "
                           "holds it first", field="id", clause=x.clause)
    return [e, *entailed]


def _check_entailed_name(state: BookState, e: ev.Event) -> None:
    """§2.1: the exercise effected on a notice is recorded under a name the system gives it (`effected_id`), decided
    later, when surrender and payment are in. A notice whose exercise's name is already taken, or an event taking the
    name of a recorded notice's exercise, would put two events under one id: the ledger's index by id then finds the
    wrong one (a §7 registration naming request `n.effected` found the exercise of notice `n`). Refused."""
    if isinstance(e, ev.ExerciseNoticeReceived) and effected_id(e.id) in state.by_id:
        raise BadInput(f"id: the exercise on this notice would be recorded as {effected_id(e.id)!r}, an id already used; "
                       "give the notice another id", field="id", clause="§2.1")
    if e.id.endswith(EFFECTED) and isinstance(state.by_id.get(e.id[:-len(EFFECTED)]), ev.ExerciseNoticeReceived):
        raise BadInput(f"id: {e.id!r} is the name of the exercise on notice {e.id[:-len(EFFECTED)]!r}, given by the system; "
                       "give this event another id", field="id", clause="§2.1")


def replay(events: list[ev.Event], *, on_error: Callable[[ev.Event, Exception], None] | None = None) -> tuple[BookState, list[ev.Event]]:
    """Decide each user-level event in order against the state so far; the final state and every event.

    Derived events in the input are dropped and recomputed, so a book cannot hold what the agreement forbids.
    A corrected event stays in the record with no effect. With `on_error`, a refused event is reported and
    skipped and the replay goes on (a book shows every problem at once); without it the first one raises.
    """
    from warrantbook.core.state import apply, ordered

    state = BookState(as_of=None)
    ids = {x.id for x in events}
    for x in events:
        if isinstance(x, ev.Correction):
            state.corrections[x.corrects] = x
    out: list[ev.Event] = []
    for e in ordered([x for x in events if not x.derived]):
        try:
            if e.id in state.by_id:
                raise BadInput(f"id: an event with id {e.id!r} is already recorded", field="id")
            if isinstance(e, ev.Correction):
                if e.corrects not in ids:
                    raise BadInput(f"corrects: no event {e.corrects!r}", field="corrects")
                decided: list[ev.Event] = decide(state, e)  # who may correct it is checked like any event
            elif e.id in state.corrections:
                decided = [e]  # apply() records it without effect
            else:
                decided = decide(state, e)
        except (BadInput, Refusal) as exc:
            if on_error is None:
                raise
            on_error(e, exc)
            continue
        for d in decided:
            apply(state, d)
        out.extend(decided)
    return state, out
