"""What a person asks of an option on a date: its state, its cap, its open items, as plain data.

Pure functions over a folded state. The CLI, the API and the pages print these; none computes a figure
of its own. Exact numbers are canonical text (numbers.to_text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core.codec import encode
from warrantbook.core.decide import reservation
from warrantbook.core.events import ExerciseEffected
from warrantbook.core.numbers import to_text
from warrantbook.core.rules.cap import cap_status
from warrantbook.core.state import BookState, OptionState


@dataclass(frozen=True, slots=True)
class OpenItem:
    kind: str
    clause: str
    option_no: str
    text: str
    due: date | None = None
    ref: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "clause": self.clause, "option": self.option_no, "text": self.text,
                "due": self.due.isoformat() if self.due else None, "ref": self.ref}


def open_items(state: BookState, option: OptionState, as_of: date) -> list[OpenItem]:
    items: list[OpenItem] = []
    no = option.option_no
    for p in option.pending:
        missing = []
        if p.surrender is None:
            missing.append("surrender of the option")
        if p.notice.method.value != "cashless":
            missing.append("payment")
        items.append(OpenItem("exercise", "§2.1", no, f"exercise notice {p.notice.id} of {p.notice.on} awaits " + " and ".join(missing),
                              None, p.notice.id))
    for d in option.deliveries_due:
        late = " (LATE)" if as_of > d.delivery_due else ""
        items.append(OpenItem("delivery", "§2.1", no, f"deliver {to_text(d.whole_shares)} shares and ${to_text(d.cash_in_lieu_paid)} "
                              f"cash in lieu for {d.notice}{late}", d.delivery_due, d.notice))
    for c in option.certificates_due:
        items.append(OpenItem("certificate", "§5", no, f"mail the certificate as to adjustments for {c.event} to the "
                              + " and ".join(sorted(c.to)), None, c.event))
    if option.pending_transfer is not None:
        items.append(OpenItem("transfer", "§7, §12", no, f"transfer {option.pending_transfer.id} awaits registration",
                              None, option.pending_transfer.id))
    if option.pending_replacement is not None:
        items.append(OpenItem("replacement", "§8", no, f"replacement {option.pending_replacement.id} awaits the new option",
                              None, option.pending_replacement.id))
    for r in option.acknowledgments_due:
        items.append(OpenItem("acknowledgment", "§1.3", no, f"acknowledge continuing obligations (request {r})", None, r))
    if option.dissolution_delivery_due:
        to = f"the trustee {option.trustee}" if option.trustee else "the holder"
        items.append(OpenItem("dissolution", "§3.2", no, f"deliver the §3.1 consideration to {to}"))
    for claim in option.claims:
        items.append(OpenItem("claim", "§8, §12", no, f"a void instrument was presented ({claim})", None, claim))
    if option.active and option.original_at != "holder":
        items.append(OpenItem("instrument", "§2, §7", no, f"the original instrument is with the {option.original_at}", None))
    return items


def cap_summary(option: OptionState, as_of: date) -> dict[str, Any]:
    cap = option.terms.cap
    if cap is None:
        return {"in_force": False, "reason": "no cap in these terms"}
    status = cap_status(cap, as_of, waiver_received=option.waiver_received, default_since=option.default_since,
                        default_cured=option.default_cured, cure_restores=option.terms.readings.cure_restores_cap)
    return {"percent": to_text(cap.percent), "in_force": status.in_force, "reason": status.reason,
            "void_from": status.void_from.isoformat() if status.void_from else None,
            "hard_ceiling": to_text(cap.hard_ceiling) if cap.hard_ceiling is not None else None, "clause": "§10"}


def exercises_of(state: BookState, option_no: str) -> list[ExerciseEffected]:
    """One option's exercises that took effect (not corrected). A state restored by the ledger keeps its events as
    stored rows and finds them by the option's column (`exercises_of` of store.stored); otherwise the list is read."""
    by_option = getattr(state.events, "exercises_of", None)
    found = by_option(option_no) if by_option is not None else [e for e in state.events if isinstance(e, ExerciseEffected)
                                                                and e.option_no == option_no]
    return [e for e in found if e.id not in state.corrections]


def exercise_totals(state: BookState, option_no: str) -> tuple[Fraction, Fraction]:
    """(shares exercised, whole shares issued) by one option's exercises that took effect. A state restored by the
    ledger gives them from the totals its snapshot kept (`exercise_totals` of store.stored); otherwise they are summed."""
    kept = getattr(state.events, "exercise_totals", None)
    totals = kept(option_no, state.corrections) if kept is not None else None
    if totals is not None:
        return totals  # type: ignore[no-any-return]
    done = exercises_of(state, option_no)
    return sum((e.shares_exercised for e in done), Fraction(0)), sum((e.whole_shares for e in done), Fraction(0))


def option_summary(state: BookState, option: OptionState, as_of: date, *, exercises: bool = True) -> dict[str, Any]:
    """Everything a person asks of an option on a date; with exercises=False the exercised and issued totals (which
    read the option's exercises) are None: a list of every option does not show them."""
    holder = state.holders.get(option.holder)
    company = state.companies.get(option.company)
    address = state.last_address(option.holder)
    terms = option.terms
    done = exercise_totals(state, option.option_no) if exercises else None
    return {
        "option": option.option_no,
        "number_on_instrument": terms.option_no_on_instrument,
        "status": option.status.value,
        "status_since": option.status_since.isoformat() if option.status_since else None,
        "holder": {"id": option.holder, "name": holder.name if holder else option.holder},
        "company": {"id": option.company, "name": company.name if company else option.company},
        "obligor": option.obligor,
        "issue_date": option.issued_on.isoformat(),
        "remaining_shares": to_text(option.remaining),
        "tranches": [{"shares": to_text(t.shares), "exercise_price": to_text(t.exercise_price)} for t in option.tranches],
        "aggregate_exercise_price": to_text(sum((t.shares * t.exercise_price for t in option.tranches), Fraction(0))),
        "par_value": to_text(company.company.par_value) if company and company.company.par_value is not None else None,
        "price_below_par": bool(company and company.company.par_value is not None
                                and any(t.exercise_price < company.company.par_value for t in option.tranches)),
        "expiration": {"date": terms.expiration.on.isoformat() if terms.expiration.on else None, "source": terms.expiration.source},
        "basket": encode(option.basket) if option.basket is not None else None,
        "cap": cap_summary(option, as_of),
        "parent": option.parent or None,
        "children": list(option.children),
        "origin": option.origin,
        "agent": company.agent.name if company and company.agent else None,
        "trustee": option.trustee or None,
        "notice_address": {"holder": address[0], "address": list(address[1].lines)} if address else None,
        "original_at": option.original_at,
        "exercised_shares": to_text(done[0]) if done is not None else None,
        "issued_shares": to_text(done[1]) if done is not None else None,
        "open_items": [i.as_json() for i in open_items(state, option, as_of)],
        "disputes": encode(terms.disputes, keep_defaults=True),
        "readings": encode(terms.readings, keep_defaults=True),
    }


def reserve_summary(state: BookState, company: str, as_of: date) -> dict[str, Any]:
    r = reservation(state, company, as_of)
    return {"company": company, "required": to_text(r.required),
            "authorized": to_text(r.authorized) if r.authorized is not None else None,
            "outstanding": to_text(r.outstanding) if r.outstanding is not None else None,
            "available": to_text(r.available) if r.available is not None else None,
            "shortfall": to_text(r.shortfall) if r.shortfall is not None else None, "clause": "§6"}


def lineage(state: BookState, option_no: str) -> list[str]:
    """The option, the options it came from (transfer, replacement), then those that came from it (ancestors first)."""
    state.option(option_no)
    chain: list[str] = []
    no: str = option_no
    while no:
        chain.insert(0, no)
        parent = state.options[no].parent
        no = parent if parent in state.options else ""
    todo = list(state.options[option_no].children)
    while todo:
        child = todo.pop(0)
        if child in state.options and child not in chain:
            chain.append(child)
            todo.extend(state.options[child].children)
    return chain
