"""What a person asks of an option on a date: its state, its cap, its open items, as plain data.

Pure functions over a folded state. The CLI, the API and the pages print these; none computes a figure
of its own. Exact numbers are canonical text (numbers.to_text).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core.clauses.exercise import lapsed
from warrantbook.core.codec import encode
from warrantbook.core.decide import reservation
from warrantbook.core.engine import determination_date, fmv_pending, request_of
from warrantbook.core.events import BasketDelivery, ExerciseEffected, ItemKind
from warrantbook.core.numbers import to_text
from warrantbook.core.rules.cap import cap_status
from warrantbook.core.rules.exercise import needs_fmv
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
        return {"kind": self.kind, "clause": self.clause, "option": self.option_no or None, "text": self.text,
                "due": self.due.isoformat() if self.due else None, "ref": self.ref}


def open_items(state: BookState, option: OptionState, as_of: date) -> list[OpenItem]:
    items: list[OpenItem] = []
    no = option.option_no
    for p in option.pending:
        if lapsed(state, option, p, as_of):
            items.append(OpenItem("exercise", "§1.1", no, f"exercise notice {p.notice.id} of {p.notice.on} lapsed at the expiration "
                                  f"({option.terms.expiration.describe()}): notice, surrender and payment were not all complete",
                                  None, p.notice.id))
            if p.cash_paid or p.stock_now:
                back = " and ".join(x for x in (f"${to_text(p.cash_paid)}" if p.cash_paid else "",
                                                f"{to_text(p.stock_now)} shares of common stock" if p.stock_now else "") if x)
                items.append(OpenItem("refund", "§1.1, §2.2(a)", no, f"return {back} paid for an exercise that lapsed on {p.notice.id}",
                                      None, p.notice.id))
            continue
        missing = []
        if p.surrender is None:
            missing.append("surrender of the option")
        held = False
        det = determination_date(option, p.notice, as_of)
        if needs_fmv(request_of(p.notice, p.ratio)) and option.active and fmv_pending(state, option, det):
            held = True
            items.append(OpenItem("exercise", "§1.2(c), §2.1", no, f"exercise notice {p.notice.id} of {p.notice.on} is held for the "
                                  f"Fair Market Value as of {det} (stock not publicly traded: agreed by the holder and the company, "
                                  "or awarded); it is priced when the value is recorded", None, p.notice.id))
        if p.notice.method.value != "cashless" and not (held and p.payments):
            missing.append("payment")
        if missing:
            items.append(OpenItem("exercise", "§2.1", no, f"exercise notice {p.notice.id} of {p.notice.on} awaits "
                                  + " and ".join(missing), None, p.notice.id))
    for refund in option.refunds_due:
        back = " and ".join(x for x in (f"${to_text(refund.cash)}" if refund.cash else "",
                                        f"{to_text(refund.stock_shares)} shares of common stock" if refund.stock_shares else "") if x)
        why = "paid beyond the price" if refund.reason == "overpayment" else "paid for an exercise that lapsed"
        items.append(OpenItem("refund", "§2.2(a)", no, f"return {back} {why} on {refund.notice}", None, refund.notice))
    for d in option.deliveries_due:
        late = " (LATE)" if as_of > d.delivery_due else ""
        if d.basket:
            items.append(OpenItem("delivery", "§2.1, §3.1", no, f"deliver {basket_text(d.basket)} for {d.notice}{late}",
                                  d.delivery_due, d.notice))
            continue
        owed = option.owed_on(d.notice)
        shares, beyond, cash = (d.whole_shares, Fraction(0), d.cash_in_lieu_paid) if owed is None else (
            owed.deliverable, owed.held, Fraction(0) if owed.cash_paid else d.cash_in_lieu_paid)
        adjusted = f" (after §4 events since the deemed issue, x {to_text(owed.ratio)})" if owed is not None and owed.ratio != 1 else ""
        if shares > 0 or cash > 0:
            items.append(OpenItem("delivery", "§2.1", no, f"deliver {to_text(shares)} shares{adjusted} and ${to_text(cash)} "
                                  f"cash in lieu for {d.notice}{late}", d.delivery_due, d.notice))
        if beyond > 0:
            items.append(OpenItem("authorized", "§6", no, f"{to_text(beyond)} shares owed on {d.notice} are beyond the company's "
                                  "authorized shares: a breach of §6 until authorized shares are recorded; they are not delivered"
                                  + late, d.delivery_due, d.notice))
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
        ending = option.dissolution
        if ending is None:
            text = f"deliver the §3.1 consideration to {to}"
        elif ending.problem:
            text = f"deliver the §3.1 consideration to {to}; it cannot be quantified yet: {ending.problem}"
        else:
            pays = (f"; the holder pays the aggregate exercise price ${to_text(ending.price_due)}" if ending.price_due else
                    "; the holder pays nothing more")
            text = (f"deliver to {to} what {to_text(ending.option_shares)} option shares would have received ({to_text(ending.baskets)} "
                    f"baskets): {basket_text(ending.items)}{pays} (reading {ending.reading})")
        items.append(OpenItem("dissolution", "§3.2", no, text, None, ending.event if ending else ""))
    for claim in option.claims:
        items.append(OpenItem("claim", "§8, §12", no, f"a void instrument was presented ({claim})", None, claim))
    if option.active and option.original_at != "holder":
        items.append(OpenItem("instrument", "§2, §7", no, f"the original instrument is with the {option.original_at}", None))
    return items


def company_items(state: BookState, company: str, as_of: date) -> list[OpenItem]:
    """§6, the company's covenant: a reserve short of the shares its options may need, and shares outstanding beyond
    the authorized shares (after a stock event, say). Open items for the company, never a refusal."""
    items: list[OpenItem] = []
    r = reservation(state, company, as_of)
    if r.shortfall:
        items.append(OpenItem("reserve", "§6", "", f"{company}: reserve short by {to_text(r.shortfall)} shares (required "
                              f"{to_text(r.required)}, available {to_text(r.available or Fraction(0))})", None, company))
    if r.authorized is not None and r.outstanding is not None and r.outstanding > r.authorized:
        items.append(OpenItem("authorized", "§6", "", f"{company}: {to_text(r.outstanding)} shares outstanding exceed the "
                              f"{to_text(r.authorized)} authorized by {to_text(r.outstanding - r.authorized)}; record authorized "
                              "shares", None, company))
    return items


def basket_text(items: tuple[BasketDelivery, ...]) -> str:
    """§3.1: a basket delivery in words: each item's whole units with its cash in lieu, and the cash."""
    parts = []
    for d in items:
        if d.item.item is ItemKind.CASH:
            parts.append(f"${to_text(d.whole)} cash")
            continue
        name = d.item.issuer if d.item.item is ItemKind.SECURITY else (d.item.description or "property")
        if d.item.item is ItemKind.SECURITY and d.item.description:
            name = f"{name} {d.item.description}"
        lieu = f" and ${to_text(d.cash_in_lieu_paid)} cash in lieu of {to_text(d.fraction)}" if d.fraction else ""
        parts.append(f"{to_text(d.whole)} {name}{lieu}")
    return "; ".join(parts)


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
    address = state.last_address(option.holder, option.option_no)
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
        "successor_company": option.successor_company or None,
        "dissolution": encode(option.dissolution) if option.dissolution is not None else None,
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
        # every reading, those added after the first schema included (the canonical form leaves them out at their defaults)
        "readings": {f.name: encode(getattr(terms.readings, f.name)) for f in dataclasses.fields(terms.readings)},
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
