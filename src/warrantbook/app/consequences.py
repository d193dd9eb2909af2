"""What recording an event would do, said before it is recorded: the events in words and their consequences.

`preview(state, event)` decides the event against the state (core.decide: nothing is written) and returns the events
it would record, described, with the consequences people must see before an irrevocable act:
- an exercise notice (§1.1, §2): the quote (shares issued, cash due, the FMV and its §1.2 clause, the delivery date);
- a transfer request (§7, Exhibit B): what leaves the option, what each transferee gets, the transferor's balance;
- a waiver notice (§10): the day the cap falls away (the notice period after receipt);
- any other kind: what the engine entails with it.
A refusal is raised here as it would be on recording (with its section), so the form shows it before any confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.numbers import fmt, money
from warrantbook.core.state import BookState
from warrantbook.describe import describe


@dataclass(frozen=True)
class Consequence:
    clause: str
    text: str

    def as_json(self) -> dict[str, str]:
        return {"clause": self.clause, "text": self.text}


@dataclass(frozen=True)
class Preview:
    """The events that would be recorded (the proposed one first) and what follows from them."""

    events: list[ev.Event]
    consequences: list[Consequence] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"[{e.clause}] {describe(e)}" for e in self.events]

    def as_json(self) -> dict[str, Any]:
        return {"events": [{"kind": e.kind, "clause": e.clause, "on": e.on.isoformat(), "description": describe(e)} for e in self.events],
                "consequences": [c.as_json() for c in self.consequences]}


def preview(state: BookState, event: ev.Event) -> Preview:
    """Decide `event` against `state` without recording it; its consequences in words."""
    from warrantbook.core.decide import decide

    decided = decide(state, event)
    out: list[Consequence] = []
    if isinstance(event, ev.ExerciseNoticeReceived):
        out += _exercise(state, event)
    elif isinstance(event, ev.TransferRequested):
        out += _transfer(state, event)
    elif isinstance(event, ev.WaiverNoticeReceived):
        out += _waiver(state, event)
    elif isinstance(event, ev.SharesDelivered):
        out.append(Consequence("§2.1", "the shares are recorded as delivered for this exercise; only a correction can undo the record"))
    elif isinstance(event, ev.Amended):
        out.append(Consequence("§14", "the new terms govern from the effective date for every party the writing binds"))
    elif isinstance(event, ev.Reorganized):
        out.append(Consequence("§3.1", f"each share of {event.company}'s common stock becomes the basket described; every option of the "
                                       "company delivers it on exercise from then on"
                               + ("" if event.continues else "; the options do not continue: what they are owed is delivered under §3.2")))
    elif isinstance(event, ev.Dissolved):
        out.append(Consequence("§3.2", f"{event.company} is dissolved: its options end, and what each holder is owed is delivered under §3.2"))
    elif isinstance(event, ev.DissolutionDelivered):
        out.append(Consequence("§3.2", f"the delivery owed on option {event.option_no} is recorded as made"))
    elif isinstance(event, (ev.TransferRegistered, ev.ReplacementIssued)):
        out.append(Consequence("§7, §8, §12", f"option {event.option_no} is superseded by the new option(s); it can no longer be exercised"))
    for extra in decided[1:]:
        out.append(Consequence(extra.clause, f"with it: {describe(extra)}"))
    out.append(Consequence("record", "once recorded it stays in the ledger's hash chain; a mistake is corrected by a later correction, "
                                     "never by an edit"))
    return Preview(decided, out)


def _exercise(state: BookState, e: ev.ExerciseNoticeReceived) -> list[Consequence]:
    from warrantbook.core.engine import determination_date, exercise_quote, request_of
    from warrantbook.core.errors import WarrantbookError

    option = state.option(e.option_no)
    out = [Consequence("§1.1", "the notice is irrevocable from receipt: it cannot be withdrawn once recorded")]
    try:
        q = exercise_quote(state, e.option_no, request_of(e), e.on, determination=determination_date(option, e, e.on))
    except WarrantbookError as exc:  # the notice may stand while the figures wait for a fact (an FMV, a count)
        out.append(Consequence(exc.clause or "§2", f"the figures cannot be computed yet: {exc.message}"))
        return out
    fmv = q.fair_market_value
    out.append(Consequence("§2.2", f"{fmt(q.shares_exercised)} option shares exercised by {q.method.value}: "
                                   f"{fmt(q.whole_shares)} shares of common stock issued"
                           + (f", {money(q.cash_in_lieu_paid)} cash in lieu of the fraction" if q.fraction else "")))
    if fmv is not None:
        out.append(Consequence(fmv.clause, f"fair market value {money(fmv.value)} a share ({fmv.source})"))
    out.append(Consequence("§2.2(a)", f"cash due from the holder {money(q.cash_due)} (aggregate exercise price {money(q.aggregate_exercise_price)})"
                           + (f"; {fmt(q.stock_due)} shares of common stock due in payment" if q.stock_due else "")))
    needs = "surrendered and the price paid" if q.cash_due or q.stock_due else "surrendered"
    out.append(Consequence("§2.1", f"nothing is issued until the option is {needs}; done on {q.deemed_issued}, the shares are deemed "
                                   f"issued that day and delivery is due by {q.delivery_due}; {fmt(q.remaining_after)} option shares "
                                   "remain after it"))
    return out


def _transfer(state: BookState, e: ev.TransferRequested) -> list[Consequence]:
    from warrantbook.core.rules.transfer import split_remaining

    option = state.option(e.option_no)
    split = split_remaining(option.remaining, [(p.holder, p.percent, p.shares) for p in e.pieces])
    out = [Consequence("§7", f"{fmt(sum((p.shares for p in split.pieces), start=option.remaining * 0))} of the {fmt(option.remaining)} "
                              f"remaining option shares leave {option.holder}'s option {e.option_no}")]
    for p in split.pieces:
        out.append(Consequence("§7, §12", f"{p.holder} gets a new option of like tenor for {fmt(p.shares)} shares when the transfer is registered"))
    if split.balance:
        out.append(Consequence("§7", f"{option.holder} keeps the balance, {fmt(split.balance)} shares, on a new option of like tenor"))
    out.append(Consequence("§7", f"option {e.option_no} awaits registration: no exercise notice can be given on it meanwhile"))
    return out


def _waiver(state: BookState, e: ev.WaiverNoticeReceived) -> list[Consequence]:
    from warrantbook.core.rules.cap import cap_status

    option = state.option(e.option_no)
    cap = option.terms.cap
    if cap is None or cap.waiver_notice_days is None:
        return []
    status = cap_status(cap, e.on, waiver_received=e.on, default_since=None, default_cured=None, cure_restores=True)
    return [Consequence("§10", f"the {fmt(cap.percent * 100)}% cap on beneficial ownership falls away on {status.void_from}, "
                               f"{cap.waiver_notice_days} days after this notice"
                        + (f"; the hard ceiling of {fmt(cap.hard_ceiling * 100)}% stays" if cap.hard_ceiling else "")),
            Consequence("§10", "the waiver cannot be taken back once given")]
