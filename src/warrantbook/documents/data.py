"""What each document says: figures gathered from the engine and formatted as text, nothing computed twice.

Every figure comes from a core function called here (`exercise_quote` for an exercise, `adjust` for a §4
event, `split_remaining` for a transfer, the fold for balances, `cap_summary` for §10) or from an event the
engine decided (`ExerciseEffected`). The templates receive only text, lists and yes/no flags: they format,
they never compute.

A document describes the book as it stood when its event happened: `Ledger.before(id)` and
`Ledger.through(id)` fold the events up to that point, so a certificate made today for a 2006 split shows
the 2006 figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar

from warrantbook.core import events as ev
from warrantbook.core.decide import determination_date, exercise_quote, request_of
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace
from warrantbook.core.numbers import fmt, money
from warrantbook.core.rules.adjustment import adjust, ratio
from warrantbook.core.rules.exercise import ExerciseResult
from warrantbook.core.rules.transfer import split_remaining
from warrantbook.core.state import BookState, OptionState, fold, ordered
from warrantbook.core.summary import cap_summary
from warrantbook.core.terms import Address, PaymentMethod
from warrantbook.describe import describe

KINDS = ("exercise-notice", "transfer-form", "adjustment-certificate", "option-certificate", "notice", "acknowledgment",
         "delivery-statement")
REGISTER = "notice-register"  # the §13 register of notices: `doc notice --register`

E = TypeVar("E", bound=ev.Event)

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(day: date) -> str:
    """September 7, 2005: the same text on every machine, whatever its locale."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def shares(value: Fraction) -> str:
    return fmt(value)


def percent(value: Fraction) -> str:
    """A fraction of one as a percentage: 1/5 -> 20%."""
    return fmt(value * 100) + "%"


def lines(address: Address | None) -> list[str]:
    return list(address.lines) if address is not None else []


def steps(trace: Trace) -> list[dict[str, str]]:
    """A derivation as numbered lines, each with its clause (core.explain writes them)."""
    return [{"clause": s.clause, "text": s.as_text().split("] ", 1)[1]} for s in trace.steps]


@dataclass(frozen=True, slots=True)
class Document:
    """One document's content: which kind, what it records, and the text its template prints."""

    kind: str
    title: str
    option_no: str
    regarding: str  # the event the document records ("" for a register)
    dated: date
    fields: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "option": self.option_no, "regarding": self.regarding,
                "dated": long_date(self.dated), **self.fields}


@dataclass(frozen=True, slots=True)
class Signatory:
    """Who signs for the company, when known; blank lines to sign by hand otherwise."""

    name: str = ""
    title: str = ""


UNSIGNED = Signatory()


class Ledger:
    """A source's events in the one documented order, with the state before or after any of them."""

    def __init__(self, events: list[ev.Event]):
        self.state = fold(events)
        corrected = self.state.corrections
        self._ordered = [e for e in ordered(events) if e.id not in corrected]
        self._position = {e.id: i for i, e in enumerate(self._ordered)}

    def event(self, event_id: str, *types: type[ev.Event]) -> ev.Event:
        e = self.state.by_id.get(event_id)
        if e is None:
            raise BadInput(f"event: no event {event_id!r} in this source", field="event")
        correction = self.state.corrections.get(event_id)
        if correction is not None:
            raise BadInput(f"event: {event_id!r} was corrected by {correction.id!r} ({correction.reason}); it has no effect and "
                           "gets no document", field="event")
        if types and not isinstance(e, types):
            wanted = " or ".join(repr(t.kind) for t in types)
            raise BadInput(f"event: {event_id!r} is a {e.kind!r} event; this document is made from a {wanted} event", field="event")
        return e

    def before(self, event_id: str) -> BookState:
        return fold(self._ordered[: self._position[event_id]])

    def through(self, event_id: str) -> BookState:
        return fold(self._ordered[: self._position[event_id] + 1])

    def as_of(self, day: date) -> BookState:
        return fold(self._ordered, day)

    def all(self, kind: type[E], **where: Any) -> list[E]:
        """Events of one type in order, each matching every `field=value` given."""
        return [e for e in self._ordered if isinstance(e, kind) and all(getattr(e, k) == v for k, v in where.items())]

    def latest(self, kind: type[E], option_no: str, what: str, **where: Any) -> E:
        found = self.all(kind, option_no=option_no, **where)
        if not found:
            raise BadInput(f"event: option {option_no} has no {what} to make this document from; give --event", field="event")
        return found[-1]


# ---------------------------------------------------------------- parties


def own_address(state: BookState, holder_id: str) -> Address | None:
    """The address this holder itself last furnished (registration or §13 notice); never another's."""
    for _day, who, address in reversed(state.addresses):
        if who == holder_id:
            return address
    holder = state.holders.get(holder_id)
    return holder.address if holder else None


def holder_name(state: BookState, holder_id: str) -> str:
    holder = state.holders.get(holder_id)
    return holder.name if holder else holder_id


def notice_address(state: BookState, option: OptionState) -> dict[str, Any]:
    """§13: where the company writes to the holder, and why there."""
    found = state.last_address(option.holder, option.option_no)
    if found is None:
        return {"name": holder_name(state, option.holder), "lines": [], "basis": "no holder of this option has furnished an address (§13)",
                "fallback": False}
    who, address = found
    furnished = next((d for d, w, a in reversed(state.addresses) if w == who and a == address), None)
    since = f" on {long_date(furnished)}" if furnished else ""
    if who == option.holder:
        basis = f"the address the holder last furnished in writing{since} (§13)"
    else:
        basis = (f"the holder has furnished no address; under §13 the notice goes to the last holder of this option who furnished one, "
                 f"{holder_name(state, who)}{since}")
    return {"name": holder_name(state, who), "lines": lines(address), "basis": basis, "fallback": who != option.holder}


def company_party(state: BookState, option: OptionState) -> dict[str, Any]:
    cs = state.companies.get(option.company)
    company = cs.company if cs else None
    agent = cs.agent if cs else None
    return {"name": option.obligor, "state": company.state if company else "", "lines": lines(company.office if company else None),
            "attention": company.attention if company else "Chief Financial Officer",
            "agent": {"name": agent.name, "lines": lines(agent.office), "functions": sorted(f.value for f in agent.functions)}
            if agent else None}


def signature(signatory: Signatory, title: str = "") -> dict[str, str]:
    return {"name": signatory.name, "title": signatory.title or title}


# ---------------------------------------------------------------- Exhibit A: exercise notice


_METHOD = {PaymentMethod.CASH: "cash or certified or official bank check (§2.2(a)(i))",
           PaymentMethod.STOCK: "delivery of Common Stock at Fair Market Value (§2.2(a)(ii))",
           PaymentMethod.CASHLESS: "surrender of the Option under the formula of §2.2(b) (§2.2(a)(iii))",
           PaymentMethod.COMBINATION: "a combination of methods (§2.2(a)(iv))"}


def _fmv_text(result: ExerciseResult) -> str:
    f = result.fair_market_value
    return f"{money(f.value)} ({f.clause}: {f.source})" if f else "not needed for this exercise"


def _cap_text(result: ExerciseResult) -> str:
    if result.limit is None:
        return "no cap limits this exercise (§10)"
    return f"{shares(result.limit.shares)} shares ({result.limit.reason})"


def exercise_notice(ledger: Ledger, event_id: str, made_on: date, signatory: Signatory) -> Document:
    notice = ledger.event(event_id, ev.ExerciseNoticeReceived, ev.ExerciseEffected)
    if isinstance(notice, ev.ExerciseEffected):
        notice = ledger.event(notice.notice, ev.ExerciseNoticeReceived)
    assert isinstance(notice, ev.ExerciseNoticeReceived)
    before = ledger.before(notice.id)
    option = before.option(notice.option_no)
    holder = before.holders[option.holder]
    try:
        result = exercise_quote(before, option.option_no, request_of(notice), notice.on,
                                determination=determination_date(option, notice, notice.on))
    except Refusal as exc:
        # §1.2(c): a notice held for a value is worked with the value that priced it, once there is one
        priced = ledger.all(ev.ExerciseEffected, notice=notice.id)
        if exc.clause != "§1.2(c)":
            raise
        if not priced:
            raise BadInput(f"event: notice {notice.id!r} is held for a §1.2(c) value not yet agreed or awarded; its figures are made "
                           "when the value is recorded", field="event", clause="§1.2(c)") from None
        at = ledger.before(priced[-1].id)
        result = exercise_quote(at, option.option_no, request_of(notice), notice.on,
                                determination=determination_date(option, notice, notice.on), check_status=False, later_value=True)
    method = notice.method
    fmv = result.fair_market_value
    a = money(fmv.value) if fmv else ""
    remaining = option.tranches[result.tranche].shares

    party = company_party(before, option)
    agent = party["agent"]
    if agent and ev.AgentFunction.EXERCISE.value in agent["functions"]:
        to = {"name": agent["name"], "lines": agent["lines"], "attention": f"Option agent of {party['name']} (§11)"}
    else:
        to = {"name": party["name"], "lines": party["lines"], "attention": party["attention"]}

    if notice.shares is None:
        capped = result.shares_exercised < remaining
        max_note = (f"on {long_date(notice.on)} this comes to {shares(result.shares_exercised)} option shares"
                    + (f", held down by §10 to keep the shares issued within the cap allowance of {_cap_text(result)}" if capped
                       else f" (the whole balance; §10 cap allowance: {_cap_text(result)})"))
    else:
        max_note = ""

    cash_amount = notice.cash if method is PaymentMethod.COMBINATION and notice.cash is not None else result.cash_due
    pays_cash = method is PaymentMethod.CASH or (method is PaymentMethod.COMBINATION and cash_amount > 0)
    cancels_portion = (method is PaymentMethod.CASHLESS and notice.shares is not None) or (
        method is PaymentMethod.COMBINATION and result.option_shares_cancelled > 0)
    by_formula = method is PaymentMethod.CASHLESS and notice.shares is None
    pays_stock = result.stock_due > 0

    deliver = notice.deliver_to
    effected = ledger.all(ev.ExerciseEffected, notice=notice.id)
    if effected:
        status = (f"exercise effected at the close of business on {long_date(effected[-1].on)}; delivery due by "
                  f"{long_date(effected[-1].delivery_due)} (§2.1)")
    else:
        status = "not yet effected: awaiting surrender" + ("" if method is PaymentMethod.CASHLESS else " and payment") + " (§2.1)"
    worksheet = [
        ("Exercise price per share (B)", money(result.exercise_price), "§1(c), §4"),
        ("Fair Market Value per share (A)", _fmv_text(result), fmv.clause if fmv else "§1.2"),
        ("Option shares exercised (Y)", shares(result.shares_exercised), "§2.2"),
        ("Shares to issue, exact" + (" (X = Y(A - B) / A)" if method is PaymentMethod.CASHLESS else ""),
         shares(result.shares_issued), "§2.2(b)" if method is PaymentMethod.CASHLESS else "§2.2(a)"),
        ("Whole shares to deliver", shares(result.whole_shares), "§2.1"),
        ("Cash in lieu of the fraction", money(result.cash_in_lieu_paid), "§2.1"),
        ("Aggregate exercise price", money(result.aggregate_exercise_price), "§2.2(a)"),
        ("Cap allowance", _cap_text(result), "§10"),
        ("Option shares remaining after", shares(result.remaining_after), "§1.1"),
    ]
    if result.basket:
        worksheet = _basket_figures(worksheet, result, option.terms.readings.basket_cash.value)
    return Document("exercise-notice", "Notice of Exercise", option.option_no, notice.id, notice.on, {
        "to": to,
        "election": {
            "stated": notice.shares is not None,
            "shares": shares(notice.shares) if notice.shares is not None else "",
            "maximum": notice.shares is None,
            "maximum_note": max_note,
        },
        "price": money(result.exercise_price),
        "payment": {
            "cash": {"on": pays_cash, "amount": money(cash_amount) if pays_cash else ""},
            "portion": {"on": cancels_portion, "shares": shares(result.option_shares_cancelled) if cancels_portion else "",
                        "fmv": a if cancels_portion else ""},
            "formula": {"on": by_formula, "note": (f"comes to {shares(result.option_shares_cancelled)} option shares at a Fair "
                                                   f"Market Value of {a} per share") if by_formula else ""},
            "stock": {"on": pays_stock, "shares": shares(result.stock_due), "fmv": a},
        },
        "method": _METHOD[method],
        "deliver_to": {"name": deliver.name if deliver else holder.name,
                       "lines": lines(deliver.address if deliver and deliver.address else own_address(before, option.holder))},
        "holder": {"name": holder.name, "lines": lines(own_address(before, option.holder))},
        "received": f"{long_date(notice.on)}, {'by fax copy' if notice.channel is ev.Channel.FAX else 'in original'} (§1.1)",
        "effected": status,
        "worksheet": [{"label": k, "value": v, "clause": c} for k, v, c in worksheet],
    })


# ---------------------------------------------------------------- Exhibit B: transferor endorsement


def transfer_form(ledger: Ledger, event_id: str, made_on: date, signatory: Signatory) -> Document:
    request = ledger.event(event_id, ev.TransferRequested, ev.TransferRegistered)
    if isinstance(request, ev.TransferRegistered):
        request = ledger.event(request.request, ev.TransferRequested)
    assert isinstance(request, ev.TransferRequested)
    before = ledger.before(request.id)
    option = before.option(request.option_no)
    remaining = option.remaining
    split = split_remaining(remaining, [(p.holder, p.percent, p.shares) for p in request.pieces])
    registered = ledger.all(ev.TransferRegistered, request=request.id)
    new_numbers = registered[-1].new_options if registered else ()
    names = ledger.state  # transferees may be registered after the request is drafted
    rows = []
    for i, (piece, part) in enumerate(zip(request.pieces, split.pieces)):
        rows.append({
            "name": holder_name(names, piece.holder),
            "lines": lines(piece.address or own_address(names, piece.holder)),
            "percent": percent(piece.percent if piece.percent is not None else part.shares / remaining),
            "shares": shares(part.shares),
            "new_option": new_numbers[i] if i < len(new_numbers) else "",
        })
    holder = before.holders[option.holder]
    company = company_party(before, option)
    balance_option = new_numbers[len(split.pieces)] if split.balance and len(new_numbers) > len(split.pieces) else ""
    return Document("transfer-form", "Transferor Endorsement", option.option_no, request.id, request.on, {
        "company": company["name"],
        "remaining": shares(remaining),
        "transferees": rows,
        "holder": {"name": holder.name, "lines": lines(own_address(before, option.holder))},
        "witness": request.witnessed_by,
        "balance": shares(split.balance),
        "balance_option": balance_option,
        "registered": (f"registered on the Company's books on {long_date(registered[-1].on)} (§7, §12): new options "
                       + ", ".join(new_numbers)) if registered else "not yet registered on the Company's books (§7, §12)",
        "conditions": [
            {"label": "Endorsement signed by the transferor", "done": request.endorsement_signed},
            {"label": "Original Option surrendered", "done": request.original_surrendered},
            {"label": "Opinion of the transferor's counsel received (at the Company's expense)", "done": request.opinion_received},
            {"label": "Transfer taxes paid by the transferor", "done": request.transfer_taxes_paid},
        ],
    })


# ---------------------------------------------------------------- §5: certificate as to adjustments


_EVENT_WORDS = {
    ev.StockEventKind.DIVIDEND_ON_COMMON: ("dividend of Common Stock paid on the Common Stock", "§4(a)"),
    ev.StockEventKind.DIVIDEND_ON_PREFERRED: ("dividend of Common Stock paid on preferred stock", "§4(a)"),
    ev.StockEventKind.SUBDIVISION: ("subdivision (split) of the outstanding Common Stock", "§4(b)"),
    ev.StockEventKind.COMBINATION: ("combination (reverse split) of the outstanding Common Stock", "§4(c)"),
}


def _pick(candidates: list[str], option_no: str | None, what: str) -> str:
    if option_no:
        if option_no not in candidates:
            raise BadInput(f"option: {option_no} is not among the options {what} ({', '.join(candidates) or 'none'})", field="option")
        return option_no
    if len(candidates) != 1:
        raise BadInput(f"option: give --option; {what}: {', '.join(candidates) or 'none'}", field="option")
    return candidates[0]


def _basket_text(state: BookState, basket: tuple[ev.BasketItem, ...] | None, company: str) -> str:
    """What one option share delivers, in words."""
    if basket is None:
        return f"one share of Common Stock of {state.companies[company].name if company in state.companies else company}"
    parts = []
    for item in basket:
        if item.item is ev.ItemKind.CASH:
            parts.append(f"{money(item.quantity)} in cash")
        elif item.item is ev.ItemKind.PROPERTY:
            parts.append(f"{fmt(item.quantity)} units of {item.description}"
                         + (f" (valued at {money(item.unit_value)} each)" if item.unit_value is not None else ""))
        else:
            issuer = state.companies[item.issuer].name if item.issuer in state.companies else (item.description or item.issuer)
            noun = "share" if item.quantity == 1 else "shares"
            parts.append(f"{fmt(item.quantity)} {noun} of {issuer}" + (f" ({item.description})" if item.description and
                                                                        item.issuer in state.companies else ""))
    return "; ".join(parts)


def _adjusted_options(state: BookState, e: ev.StockEvent | ev.Reorganized) -> list[str]:
    """The options an event adjusts, as the fold applies it (§3.1, §3.3, §4)."""
    out = []
    for o in state.options.values():
        if not o.active:
            continue
        if isinstance(e, ev.Reorganized):
            hit = o.company == e.company and o.basket is None
        else:
            hit = (o.basket is None and o.company == e.issuer) or (o.basket is not None and any(i.issuer == e.issuer for i in o.basket))
        if hit:
            out.append(o.option_no)
    return out


def adjustment_certificate(ledger: Ledger, event_id: str, option_no: str | None, made_on: date, signatory: Signatory) -> Document:
    e = ledger.event(event_id, ev.StockEvent, ev.Reorganized)
    assert isinstance(e, (ev.StockEvent, ev.Reorganized))
    before = ledger.before(e.id)
    after = ledger.through(e.id)
    no = _pick(_adjusted_options(before, e), option_no, f"{e.id} adjusted")
    option = before.options[no]
    adjusted = after.options[no]
    trace = Trace()
    rows = []
    for i, (t, a) in enumerate(zip(option.tranches, adjusted.tranches)):
        if isinstance(e, ev.StockEvent) and option.basket is None:  # the derivation, by the rule the fold applies
            a = adjust(t.shares, t.exercise_price, e.outstanding_before, e.outstanding_after, option.terms.readings.adjustment, trace)
        rows.append({"tranche": str(i + 1), "shares_before": shares(t.shares), "price_before": money(t.exercise_price),
                     "shares_after": shares(a.shares), "price_after": money(a.exercise_price),
                     "aggregate_before": money(t.shares * t.exercise_price), "aggregate_after": money(a.shares * a.exercise_price)})
    delivers = {"before": _basket_text(before, option.basket, option.company), "after": _basket_text(after, adjusted.basket, option.company)}
    if isinstance(e, ev.StockEvent):
        words, clause = _EVENT_WORDS[e.event]
        issuer = before.companies[e.issuer].name if e.issuer in before.companies else e.issuer
        event = {"words": words if option.basket is None else f"{words} of {issuer}, part of what each option share delivers",
                 "clause": clause if option.basket is None else f"{clause}, §3.3", "effective": long_date(e.on),
                 "ratio": fmt(ratio(e.outstanding_before, e.outstanding_after))}
        consideration = ("None: a stock dividend, subdivision or combination brings the Company no consideration"
                         if e.consideration.strip().lower() in ("", "none") else e.consideration)
        outstanding = (shares(e.outstanding_before), shares(e.outstanding_after))
        reading = option.terms.readings.adjustment.value
    else:
        event = {"words": f"{e.transaction.value.replace('-', ' ')} of {before.companies[e.company].name} (now owed by {e.successor})",
                 "clause": "§3.1", "effective": long_date(e.on), "ratio": ""}
        consideration = (f"None for additional shares: no share was issued or sold. In the {e.transaction.value.replace('-', ' ')}, "
                         f"each share of Common Stock became: {delivers['after']}")
        known = before.companies[e.company].outstanding_on(e.on) if e.company in before.companies else None
        outstanding = (shares(known) if known is not None else "not recorded", "no shares issued: see (a)")
        reading = ""
    mailings = ledger.all(ev.NoticeSent, regarding=e.id, option_no=no)
    to_holder = [m for m in mailings if m.recipient_role == "holder"]
    dated = to_holder[0].on if to_holder else made_on
    then = ledger.as_of(dated)  # addressed as things stood the day it is dated: the address, any agent appointed by then
    later = then.option(no)
    party = company_party(then, later)
    return Document("adjustment-certificate", "Certificate as to Adjustments", no, e.id, dated, {
        "holder": notice_address(then, later),
        "agent": party["agent"],
        "company": party["name"],
        "event": event,
        "consideration": consideration,
        "outstanding_before": outstanding[0],
        "outstanding_after": outstanding[1],
        "rows": rows,
        "delivers": delivers if delivers["before"] != delivers["after"] else None,
        "reading": reading,
        "derivation": steps(trace),
        "mailings": [{"on": long_date(m.on), "to": holder_name(then, m.addressee) if m.recipient_role == "holder" else m.addressee,
                      "role": m.recipient_role, "address": str(m.address), "mail": m.mail_class.value,
                      "tracking": m.tracking or "none recorded"} for m in mailings],
        "signatory": signature(signatory, "Chief Financial Officer"),
    })


# ---------------------------------------------------------------- the option instrument (§1.1, §7, §8)


def _origin_event(ledger: Ledger, option: OptionState) -> ev.Event:
    found: list[ev.Event]
    if option.origin == "transfer":
        found = [e for e in ledger.all(ev.TransferRegistered) if option.option_no in e.new_options]
    elif option.origin == "replacement":
        found = list(ledger.all(ev.ReplacementIssued, new_option=option.option_no))
    else:
        found = list(ledger.all(ev.OptionIssued, option_no=option.option_no))
    if not found:  # pragma: no cover - every option is created by one of these
        raise BadInput(f"option: no event created option {option.option_no}", field="option")
    return found[0]


def _lineage(state: BookState, ledger: Ledger, option: OptionState) -> list[dict[str, str]]:
    chain = []
    o: OptionState | None = option
    while o is not None:
        made = _origin_event(ledger, o)
        if o.origin == "transfer":
            how = f"issued on the transfer of Option No. {o.parent} registered on {long_date(made.on)} (§7)"
        elif o.origin == "replacement":
            request = state.by_id.get(getattr(made, "request", ""))
            cause = request.cause.value if isinstance(request, ev.ReplacementRequested) else "lost, stolen, destroyed or mutilated"
            how = f"issued on {long_date(made.on)} in place of Option No. {o.parent}, reported {cause} (§8)"
        else:
            how = f"original issue on {long_date(made.on)} (§1.1)"
        chain.append({"option": o.option_no, "holder": holder_name(state, o.holder), "how": how})
        o = state.options.get(o.parent) if o.parent else None
    chain.reverse()
    return chain


def option_certificate(ledger: Ledger, option_no: str, made_on: date, signatory: Signatory) -> Document:
    now = ledger.state.option(option_no)
    made = _origin_event(ledger, now)
    state = ledger.through(made.id)
    option = state.option(option_no)
    terms = option.terms
    cs = state.companies.get(option.company)
    holder = state.holders[option.holder]
    total = option.remaining
    cap = terms.cap
    tenor = ""
    siblings: list[str] = []
    if option.origin == "transfer" and isinstance(made, ev.TransferRegistered):
        tenor = (f"This Option is one of the new options issued under §7 on the transfer of Option No. {option.parent}. It is of like "
                 f"tenor: every term of Option No. {option.parent} applies to it, and its original Issue Date remains "
                 f"{long_date(terms.issue_date)}.")
        siblings = [n for n in made.new_options if n != option_no]
    elif option.origin == "replacement":
        tenor = (f"This Option is issued under §8 in place of Option No. {option.parent}, which is void from {long_date(made.on)}. It is "
                 f"of like tenor: every term of Option No. {option.parent} applies to it, and its original Issue Date remains "
                 f"{long_date(terms.issue_date)}.")
    return Document("option-certificate", "Option", option_no, made.id, made.on, {
        "company": {"name": option.obligor, "state": cs.company.state if cs else ""},
        "holder": {"name": holder.name, "lines": lines(own_address(state, option.holder))},
        "number_note": "" if terms.option_no_on_instrument or option.origin != "issue" else
        "The number of the original instrument was left blank; this is the number the book gives it.",
        "shares": shares(total),
        "tranches": [{"shares": shares(t.shares), "price": money(t.exercise_price)} for t in option.tranches],
        "price": money(option.tranches[0].exercise_price) if len(option.tranches) == 1 else "as set out per tranche below",
        "issue_date": long_date(made.on),
        "original_issue_date": long_date(terms.issue_date),
        "tenor": tenor,
        "legend": terms.legend,
        "terms": [
            {"label": "Exercise", "value": "in whole or in part from the Issue Date, by an Exercise Notice in the form of Exhibit A (§1.1)"},
            {"label": "Expiration Date", "value": long_date(terms.expiration.on) if terms.expiration.on else
             f"none stated ({terms.expiration.source})"},
            {"label": "Payment", "value": "; ".join(_METHOD[m] for m in PaymentMethod if m in terms.payment_methods)},
            {"label": "Delivery", "value": f"within {terms.delivery_days} business days of exercise, at the Company's expense (§2.1)"},
            {"label": "Maximum exercise", "value": (f"{percent(cap.percent)} of the outstanding Common Stock, with the holder's "
                                                    "beneficial ownership (§10)" + (f"; may be waived on {cap.waiver_notice_days} days' "
                                                                                    "notice" if cap.waiver_notice_days else "")
                                                    + ("; void during an Event of Default" if cap.void_on_default else ""))
             if cap else "none"},
            {"label": "Governing law", "value": f"{terms.disputes.governing_law} (§14)"},
        ],
        "lineage": _lineage(state, ledger, option),
        "siblings": siblings,
        "signatory": signature(signatory),
    })


# ---------------------------------------------------------------- §13 notices and their register


def _regarding_text(e: ev.Event) -> str:
    if isinstance(e, ev.StockEvent):
        words, clause = _EVENT_WORDS[e.event]
        return f"a {words} ({clause}), shares outstanding going from {shares(e.outstanding_before)} to {shares(e.outstanding_after)}"
    return describe(e)


def notice(ledger: Ledger, event_id: str, made_on: date, signatory: Signatory) -> Document:
    n = ledger.event(event_id, ev.NoticeSent)
    assert isinstance(n, ev.NoticeSent)
    before = ledger.before(n.id)
    option = before.option(n.option_no)
    party = company_party(before, option)
    regarding = before.by_id.get(n.regarding) if n.regarding else None
    if n.recipient_role == "holder":
        basis = notice_address(before, option)["basis"]
        name = holder_name(before, n.addressee)
    else:
        basis = f"a copy for the {n.recipient_role} (§5, §11)"
        name = n.addressee
    enclosures = []
    if isinstance(regarding, ev.StockEvent):
        enclosures.append("Certificate as to Adjustments under §5 for Option No. " + option.option_no)
    return Document("notice", "Notice", option.option_no, n.id, n.on, {
        "company": {"name": party["name"], "lines": party["lines"]},
        "to": {"name": name, "lines": lines(n.address)},
        "subject": n.subject,
        "mail": f"first-class {n.mail_class.value} mail, postage prepaid",
        "tracking": n.tracking or "none recorded",
        "regarding": {"text": _regarding_text(regarding), "clause": regarding.clause, "on": long_date(regarding.on)} if regarding else None,
        "basis": basis,
        "enclosures": enclosures,
        "signatory": signature(signatory),
    })


def notice_register(ledger: Ledger, option_no: str | None, made_on: date, signatory: Signatory) -> Document:
    sent = [n for n in ledger.all(ev.NoticeSent) if option_no is None or n.option_no == option_no]
    state = ledger.state
    return Document(REGISTER, "Register of Notices", option_no or "", "", made_on, {
        "scope": f"Option No. {option_no}" if option_no else "every option in the book",
        "rows": [{"on": n.on.isoformat(), "option": n.option_no,
                  "to": holder_name(state, n.addressee) if n.recipient_role == "holder" else f"{n.addressee} ({n.recipient_role})",
                  "address": str(n.address), "mail": n.mail_class.value, "tracking": n.tracking or "none recorded",
                  "subject": n.subject, "event": n.id} for n in sent],
        "signatory": signature(signatory),
    })


# ---------------------------------------------------------------- §1.3 acknowledgment


def acknowledgment(ledger: Ledger, event_id: str, made_on: date, signatory: Signatory) -> Document:
    e = ledger.event(event_id, ev.AcknowledgmentGiven, ev.AcknowledgmentRequested)
    if isinstance(e, ev.AcknowledgmentRequested):
        answers = ledger.all(ev.AcknowledgmentGiven, request=e.id)
        if not answers:
            raise BadInput(f"event: request {e.id!r} has not been answered; record the company's 'acknowledgment' first", field="event",
                           clause="§1.3")
        e = answers[-1]
    assert isinstance(e, ev.AcknowledgmentGiven)
    state = ledger.through(e.id)
    option = state.option(e.option_no)
    request = state.by_id.get(e.request) if e.request else None
    exercises = [x for x in ledger.all(ev.ExerciseEffected, option_no=option.option_no) if x.on <= e.on]
    last = exercises[-1] if exercises else None
    cap = cap_summary(option, e.on)
    party = company_party(state, option)
    price = (f"at {money(option.tranches[0].exercise_price)} per share" if len(option.tranches) == 1 else
             "; ".join(f"{shares(t.shares)} shares at {money(t.exercise_price)}" for t in option.tranches))
    rights = [
        {"clause": "§1.1, §2", "text": f"to buy the {shares(option.remaining)} shares that remain under the Option ({price})"},
        {"clause": "§3, §4, §5", "text": "to have the shares and the price adjusted on a reorganization or stock event, with a "
                                         "certificate as to each adjustment"},
        {"clause": "§6", "text": "to have the Company keep enough shares reserved for every remaining exercise"},
        {"clause": "§7, §8", "text": "to transfer the Option, in whole or in part, and to have it replaced if lost, stolen, "
                                     "destroyed or mutilated"},
        {"clause": "§9", "text": "the registration rights granted under the Registration Rights Agreement"},
        {"clause": "§10", "text": "the maximum exercise limit stands as follows: " + (cap["reason"] if "reason" in cap else "none")},
        {"clause": "§13", "text": "to receive every notice by first-class registered or certified mail at the address it last furnished"},
    ]
    return Document("acknowledgment", "Acknowledgment of Continuing Obligations", option.option_no, e.id, e.on, {
        "company": party["name"],
        "holder": notice_address(state, option),
        "request": f"the holder's request of {long_date(request.on)}" if request else "the holder's request",
        "exercise": (f"the exercise of {shares(last.shares_exercised)} option shares effected on {long_date(last.on)}"
                     if last else "the exercise of the Option"),
        "remaining": shares(option.remaining),
        "rights": rights,
        "signatory": signature(signatory),
    })


# ---------------------------------------------------------------- §2.1 delivery statement


def _basket_figures(figures: list[tuple[str, str, str]], x: ev.ExerciseEffected | ExerciseResult,
                    rounding: str) -> list[tuple[str, str, str]]:
    """§3.1: after a §3 transaction the exercise delivers baskets: each item's whole units and cash in lieu of its
    fraction, and the cash component, in place of whole shares of common stock."""
    rows: list[tuple[str, str, str]] = []
    for d in x.basket:
        item = d.item
        if item.item is ev.ItemKind.CASH:
            rows.append(("Cash component", f"{money(d.whole)} (exact {money(d.exact)}; {money(item.quantity)} a basket; "
                         f"rounding {rounding})", "§3.1"))
            continue
        name = item.issuer if item.item is ev.ItemKind.SECURITY else (item.description or "property")
        if item.item is ev.ItemKind.SECURITY and item.description:
            name = f"{name} {item.description}"
        rows.append((f"{name}: whole units delivered", f"{shares(d.whole)} (exact {shares(d.exact)}; {shares(item.quantity)} a basket)",
                     "§3.1, §2.1"))
        if d.fraction:
            value = money(d.unit_value) if d.unit_value is not None else "unknown"
            rows.append((f"{name}: cash in lieu of {shares(d.fraction)}", f"{money(d.cash_in_lieu_paid)} (at {value} a unit; "
                         f"exact {money(d.cash_in_lieu)})", "§2.1"))
    out: list[tuple[str, str, str]] = []
    for label, value, clause in figures:
        if label in ("Whole shares delivered", "Fraction not delivered", "Whole shares to deliver"):
            continue
        if label.startswith("Shares issued, exact") or label.startswith("Shares to issue, exact"):
            out.append((label.replace("Shares issued", "Baskets issued").replace("Shares to issue", "Baskets to issue"), value,
                        "§3.1, " + clause))
            out.extend(rows)
            continue
        if label.startswith("Fair Market Value per share"):
            label = label.replace("Fair Market Value per share", "Fair Market Value of one basket")
        if label.startswith("Cash in lieu of the fraction"):
            label = label.replace("Cash in lieu of the fraction", "Cash in lieu of the fractions, in all")
        out.append((label, value, clause))
    return out


def delivery_statement(ledger: Ledger, event_id: str, made_on: date, signatory: Signatory) -> Document:
    e = ledger.event(event_id, ev.SharesDelivered, ev.ExerciseEffected, ev.ExerciseNoticeReceived)
    notice_id = e.id if isinstance(e, ev.ExerciseNoticeReceived) else getattr(e, "notice")  # noqa: B009
    done = ledger.all(ev.ExerciseEffected, notice=notice_id)
    if not done:
        raise BadInput(f"event: the exercise for notice {notice_id!r} has not been effected yet: nothing is due (§2.1)", field="event",
                       clause="§2.1")
    x = done[-1]
    delivered = ledger.all(ev.SharesDelivered, notice=notice_id)
    d = delivered[-1] if delivered else None
    before = ledger.before(x.id)
    option = before.option(x.option_no)
    notice_event = before.by_id[notice_id]
    assert isinstance(notice_event, ev.ExerciseNoticeReceived)
    trace = Trace()
    held = option.pending_notice(notice_id)  # its §4 ratio since the notice (§2.2(a)); priced by a later §1.2(c) value if held
    result = exercise_quote(before, option.option_no, request_of(notice_event, held.ratio if held else Fraction(1)), x.on,
                            determination=determination_date(option, notice_event, x.on), trace=trace, check_status=False,
                            later_value=True)
    reproduced = (result.shares_issued, result.whole_shares, result.cash_in_lieu_paid, result.basket) == (
        x.shares_issued, x.whole_shares, x.cash_in_lieu_paid, x.basket)
    after = ledger.through(x.id)
    holder = before.holders[option.holder]
    in_name = (d.issued_in_name if d and d.issued_in_name else holder.name)
    other_name = in_name != holder.name
    if notice_event.method is PaymentMethod.CASHLESS:
        paid_by = f"by the cancellation of {shares(x.shares_exercised - x.shares_issued)} option shares (§2.2(b))"
    elif notice_event.method is PaymentMethod.STOCK:
        paid_by = f"by delivering {shares(result.stock_due)} shares of Common Stock (§2.2(a)(ii))"
    elif notice_event.method is PaymentMethod.COMBINATION:
        paid_by = f"by a combination (§2.2(a)(iv)): cash {money(result.cash_due)}, option shares cancelled {shares(result.option_shares_cancelled)}"
    else:
        paid_by = f"in cash, {money(result.cash_due)} (§2.2(a)(i))"
    fmv_text = (_fmv_text(result) if reproduced and result.fair_market_value else
                (money(x.fair_market_value) if x.fair_market_value is not None else "not needed"))
    figures = [
        ("Exercise notice", f"{notice_id}, received {long_date(notice_event.on)}", "§1.1"),
        ("Shares deemed issued", f"at the close of business on {long_date(x.on)}", "§2.1"),
        ("Option shares exercised", shares(x.shares_exercised), "§2.2"),
        ("Shares issued, exact", shares(x.shares_issued), "§2.2"),
        ("Whole shares delivered", shares(x.whole_shares), "§2.1"),
        ("Fraction not delivered", shares(x.fraction), "§2.1"),
        ("Fair Market Value per share", fmv_text, "§1.2"),
        ("Cash in lieu of the fraction, exact", money(x.cash_in_lieu), "§2.1"),
        ("Cash in lieu paid (half a cent rounds up)", money(x.cash_in_lieu_paid), "§2.1"),
        ("Delivery due", long_date(x.delivery_due), "§2.1"),
        ("Option shares remaining after", shares(after.option(x.option_no).remaining), "§1.1"),
    ]
    if x.basket:
        figures = _basket_figures(figures, x, option.terms.readings.basket_cash.value)
    # §2.1, §4, §6: what is owed follows a §4 event after the deemed issue; shares beyond the authorized are not delivered
    at = ledger.before(d.id) if d is not None else ledger.as_of(made_on)
    owed = at.options[x.option_no].owed_on(notice_id) if x.option_no in at.options else None
    if owed is not None and owed.ratio != 1:
        figures.append(("Shares owed after §4 events since the deemed issue", f"{shares(owed.total)} (x {shares(owed.ratio)})", "§2.1, §4"))
    if owed is not None and owed.held:
        figures.append(("Shares beyond the authorized shares, owed and not delivered", shares(owed.held), "§6"))
    if d is None:
        figures.append(("Delivered", "not yet", "§2.1"))
    elif owed is not None and (owed.ratio != 1 or owed.held or owed.delivered):
        figures.append(("Shares delivered now", shares(owed.deliverable), "§2.1, §6"))
    else:
        how = "book entry" if d.book_entry else ("certificate " if len(d.certificates) == 1 else "certificates ") + ", ".join(d.certificates)
        figures += [("Delivered as", how, "§2.1"), ("Issued in the name of", in_name, "§2.1"),
                    ("Delivered on", long_date(d.on) + (" (on time)" if d.on <= x.delivery_due else " (LATE)"), "§2.1"),
                    ("Cash paid in lieu", money(d.cash_paid), "§2.1")]
    costs = [
        {"item": "Issuing and delivering the shares, including any issue taxes", "borne_by": "the Company, at its expense",
         "clause": "§2.1", "status": ""},
        {"item": "Transfer taxes on issuing the shares in a name other than the holder's", "borne_by": "the holder",
         "clause": "§2.1", "status": (("paid" if d and d.transfer_taxes_paid else "not yet paid")
                                     if other_name else "none: issued in the holder's own name")},
        {"item": f"Aggregate exercise price, {money(x.aggregate_exercise_price)}", "borne_by": f"the holder, {paid_by}", "clause": "§2.2",
         "status": ""},
        {"item": "Cash in lieu of the fractional share", "borne_by": f"the Company pays the holder {money(x.cash_in_lieu_paid)}",
         "clause": "§2.1", "status": ""},
    ]
    return Document("delivery-statement", "Statement of Delivery on Exercise", option.option_no, d.id if d else x.id,
                    d.on if d else made_on, {
                        "company": company_party(before, option)["name"],
                        "holder": notice_address(after, after.option(x.option_no)),
                        "delivered": d is not None,
                        "figures": [{"label": k, "value": v, "clause": c} for k, v, c in figures],
                        "costs": costs,
                        "derivation": steps(trace) if reproduced else [],
                        "signatory": signature(signatory),
                    })


# ---------------------------------------------------------------- dispatch


_DEFAULT_EVENT: dict[str, tuple[type[ev.Event], str]] = {
    "exercise-notice": (ev.ExerciseNoticeReceived, "exercise notice"),
    "transfer-form": (ev.TransferRequested, "transfer request"),
    "notice": (ev.NoticeSent, "notice sent"),
    "acknowledgment": (ev.AcknowledgmentGiven, "acknowledgment"),
    "delivery-statement": (ev.ExerciseEffected, "exercise effected"),
}

_BY_EVENT: dict[str, Callable[[Ledger, str, date, Signatory], Document]] = {
    "exercise-notice": exercise_notice, "transfer-form": transfer_form, "notice": notice, "acknowledgment": acknowledgment,
    "delivery-statement": delivery_statement,
}


def _latest_adjustment(ledger: Ledger, option_no: str) -> tuple[str, str]:
    """The last §3 or §4 event that adjusted this option or one it descends from: (event id, that option)."""
    lineage: list[str] = []
    o: OptionState | None = ledger.state.option(option_no)
    while o is not None:
        lineage.append(o.option_no)
        o = ledger.state.options.get(o.parent) if o.parent else None
    events: list[ev.StockEvent | ev.Reorganized] = [e for e in ledger.all(ev.Event) if isinstance(e, (ev.StockEvent, ev.Reorganized))]
    for e in reversed(events):
        hit = [n for n in lineage if n in _adjusted_options(ledger.before(e.id), e)]
        if hit:
            return e.id, hit[0]
    raise BadInput(f"event: no stock event or reorganization has adjusted option {option_no}; give --event", field="event", clause="§5")


def gather(kind: str, ledger: Ledger, *, option_no: str | None = None, event_id: str | None = None, made_on: date,
           signatory: Signatory = UNSIGNED) -> Document:
    """The content of one document of `kind` for an option or an event, as the engine gives it."""
    if kind == REGISTER:
        if option_no:
            ledger.state.option(option_no)
        return notice_register(ledger, option_no, made_on, signatory)
    if kind not in KINDS:
        raise BadInput(f"kind: {kind!r} is not a document kind ({', '.join(KINDS)})", field="kind")
    if option_no:
        ledger.state.option(option_no)
    elif not event_id:  # ../shared/design/cli.md: --option may be left out when one option is active
        active = [o.option_no for o in ledger.state.options.values() if o.active]
        if len(active) != 1:
            raise BadInput(f"option: give --option or --event; the source holds {len(active)} active options "
                           f"({', '.join(active) or 'none'})", field="option")
        option_no = active[0]
    if kind == "option-certificate":
        if event_id:
            made = ledger.event(event_id, ev.OptionIssued, ev.TransferRegistered, ev.ReplacementIssued)
            created = ([made.option_no] if isinstance(made, ev.OptionIssued) else list(made.new_options)
                       if isinstance(made, ev.TransferRegistered) else [getattr(made, "new_option")])  # noqa: B009
            option_no = _pick(created, option_no, f"{event_id} created")
        assert option_no is not None
        return option_certificate(ledger, option_no, made_on, signatory)
    if kind == "adjustment-certificate":
        if not event_id:
            assert option_no is not None
            event_id, option_no = _latest_adjustment(ledger, option_no)
        return adjustment_certificate(ledger, event_id, option_no, made_on, signatory)
    if not event_id:
        assert option_no is not None
        kind_type, what = _DEFAULT_EVENT[kind]
        event_id = ledger.latest(kind_type, option_no, what).id
    doc = _BY_EVENT[kind](ledger, event_id, made_on, signatory)
    if option_no and doc.option_no != option_no:
        raise BadInput(f"option: event {event_id} concerns option {doc.option_no}, not {option_no}", field="option")
    return doc
