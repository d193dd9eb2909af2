"""Which effects commute: two events whose effects give the same state whichever is applied first.

The fold applies a day's events in phase order (events.sort_key), so an event recorded after others of a later
phase sorts before them: a surrender at noon recorded after this afternoon's notices were effected at the close.
The projection (store/projection.py) would then replay the day's later events on a copy of the state. When the
new event's effect commutes with each of those later effects, applying it last gives the fold's state, with the
event moved to its place in the list of events, and nothing is replayed.

The claim is declared per kind, never assumed, from what each effect reads and changes (its footprint):

- `OWN_OPTION`: effects that read and change one option's own value only (`state.options[e.option_no]`): a
  notice opens a pending exercise (§2.1), a surrender or a payment completes one (§2.1, §2.2(a)).
- `ONE_OPTION`: effects that change one option's value and, beside it, only figures no `OWN_OPTION` effect reads:
  the `OWN_OPTION` kinds, an exercise effected (its option, then the company's running count of shares outstanding
  and the holder's holdings for §6 and §10) and a delivery (its option).

An `OWN_OPTION` event commutes with a `ONE_OPTION` event of another option: neither reads what the other changes.
Anything else (a §4 event reaches every option of its company, a §7 transfer makes options, a correction changes
what was applied) commutes with nothing. tests/core/test_commute.py applies every declared pair in both orders.
"""

from __future__ import annotations

from warrantbook.core import events as ev

OWN_OPTION: frozenset[type[ev.Event]] = frozenset({ev.ExerciseNoticeReceived, ev.OptionSurrendered, ev.PaymentReceived})
ONE_OPTION: frozenset[type[ev.Event]] = OWN_OPTION | {ev.ExerciseEffected, ev.SharesDelivered}


def commutes(early: ev.Event, later: ev.Event) -> bool:
    """Whether applying `early` after `later` gives the state applying it before would (see the module's note)."""
    return (type(early) in OWN_OPTION and type(later) in ONE_OPTION
            and early.option_no != later.option_no)  # type: ignore[attr-defined]
