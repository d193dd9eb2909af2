"""The views both shells show: list, show, terms, history with lineage, due, reserve, quote, chart.

One implementation each. A view takes the state (or a Reader for the views that read several days or the recorded
entries), the day, and a `Visibility` (which options, companies and events the viewer may see), and returns plain
data: dicts with exact values as canonical number text, as `--json` and the API give them. Nothing here computes
a figure of its own: the figures come from core (core.summary, core.decide's engine functions, the rules).

The CLI passes `Visibility.everything()`; the web builds one from the signed-in user (web.roles.visibility).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.app.source import Entry, Reader
from warrantbook.core import events as ev
from warrantbook.core.codec import encode, event_to_data
from warrantbook.core.decide import cap_limit, determination_date, exercise_quote, fmv_source, outstanding_on
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace
from warrantbook.core.numbers import exact, to_text
from warrantbook.core.rules.exercise import ExerciseRequest, ExerciseResult
from warrantbook.core.state import BookState, OptionState
from warrantbook.core.summary import cap_summary, company_items, open_items, option_summary, reserve_summary
from warrantbook.core.summary import lineage as lineage_of
from warrantbook.core.terms import PaymentMethod
from warrantbook.describe import describe


class NotVisible(BadInput):
    """The viewer may not see this option or company: said alike for "none such" and "not yours" (the web answers 404)."""


@dataclass(frozen=True, slots=True)
class Visibility:
    """What a viewer may see. None for options or companies means every one (the CLI's user, an auditor).

    options       the options whose state and events the viewer sees
    companies     the companies whose facts, open items and reserve the viewer sees
    actor         the overall history also shows what this actor recorded (its own registrations, say)
    every_event   the overall history shows every event, whatever it concerns
    company_items `due` shows the companies' own items (a §6 shortfall)
    reserve       may read the §6 reserve (a company's books)
    """

    options: frozenset[str] | None = None
    companies: frozenset[str] | None = None
    actor: str | None = None
    every_event: bool = True
    company_items: bool = True
    reserve: bool = True

    @classmethod
    def everything(cls) -> Visibility:
        return cls()

    @property
    def all_seeing(self) -> bool:
        return self.options is None and self.companies is None and self.every_event

    def sees_option(self, option_no: str) -> bool:
        return self.options is None or option_no in self.options

    def sees_company(self, company: str) -> bool:
        return self.companies is None or company in self.companies

    def option_numbers(self, state: BookState) -> set[str]:
        return set(state.options) if self.options is None else {n for n in state.options if n in self.options}

    def company_ids(self, state: BookState) -> set[str]:
        return set(state.companies) if self.companies is None else {c for c in state.companies if c in self.companies}


def option_of(state: BookState, vis: Visibility, option_no: str) -> OptionState:
    """The option as of the state's day, when the viewer may see it. The CLI's user hears which options exist; a
    restricted viewer learns nothing about options it may not see."""
    if not vis.sees_option(option_no):
        raise NotVisible(f"option: no option numbered {option_no!r} that you may see", field="option")
    if vis.options is None:
        return state.option(option_no)
    option = state.options.get(option_no)
    if option is None:
        raise BadInput(f"option: no option numbered {option_no!r} has been issued by then", field="option", clause="§1.1")
    return option


def event_json(e: ev.Event) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "clause": e.clause, "on": e.on.isoformat(), "actor": e.actor, "derived": e.derived,
            "description": describe(e), "data": event_to_data(e)}


# ---------------------------------------------------------------- list and show


def current_fmv(state: BookState, option: OptionState, day: date) -> dict[str, Any] | None:
    """The §1.2 FMV for a determination on `day`, as the engine finds it, or None when it cannot be known."""
    try:
        fmv = fmv_source(state, option, day)(None)
    except (Refusal, BadInput):
        return None
    return {"value": to_text(fmv.value), "clause": fmv.clause, "source": fmv.source}


def list_options(state: BookState, vis: Visibility, day: date, *, active_only: bool = False) -> dict[str, Any]:
    """Every option the viewer sees as of `day` (CLI list, GET /api/options): one row each, no exercise totals."""
    rows = []
    for o in state.options.values():
        if (active_only and not o.active) or not vis.sees_option(o.option_no):
            continue
        s = option_summary(state, o, day, exercises=False)  # the list shows no exercise totals: one pass over the options
        rows.append({"option": s["option"], "holder": s["holder"], "company": s["company"], "status": s["status"],
                     "status_since": s["status_since"], "remaining_shares": s["remaining_shares"], "tranches": s["tranches"],
                     "cap": s["cap"], "parent": s["parent"], "children": s["children"], "open_items": len(s["open_items"]),
                     "current_fmv": current_fmv(state, o, day)})
    return {"as_of": day.isoformat(), "options": rows}


def option_view(state: BookState, vis: Visibility, option_no: str, day: date) -> dict[str, Any]:
    """One option's summary as of `day` (GET /api/options/{no}; each item of CLI show)."""
    return option_summary(state, option_of(state, vis, option_no), day)


def show(state: BookState, vis: Visibility, day: date, option_no: str | None = None) -> dict[str, Any]:
    """The summary of one option, or of every option the viewer sees (CLI show)."""
    if option_no:
        return {"as_of": day.isoformat(), "options": [option_view(state, vis, option_no, day)]}
    return {"as_of": day.isoformat(), "options": [option_summary(state, o, day) for o in state.options.values()
                                                  if vis.sees_option(o.option_no)]}


def terms(state: BookState, vis: Visibility, option_no: str) -> dict[str, Any]:
    """The option's terms in force in `state` (as of its day), encoded by the codec (exact numbers as text)."""
    return encode(option_of(state, vis, option_no).terms, keep_defaults=True)  # type: ignore[no-any-return]


# ---------------------------------------------------------------- history


FACTS = (ev.SharesOutstanding, ev.AuthorizedShares, ev.Listed, ev.FmvAgreed, ev.FmvAwarded, ev.LiquidationAmount)
PRICES = (ev.Quote,)


def touches(e: ev.Event, options: set[str], companies: set[str]) -> bool:
    """Does the event concern one of these options (made it, acted on it) or one of these companies' common stock?"""
    no = getattr(e, "option_no", None)
    if isinstance(no, str) and no in options:
        return True
    created = set(getattr(e, "new_options", ()) or ()) | ({getattr(e, "new_option", "")} - {""})
    if created & options:
        return True
    if isinstance(e, ev.StockEvent):
        return e.issuer in companies
    if isinstance(e, (ev.Reorganized, ev.Dissolved, ev.AgentAppointed)):
        return e.company in companies
    return False


def history(entries: Iterable[Entry], now: BookState, vis: Visibility, day: date, option_no: str | None = None,
            facts: bool = False) -> dict[str, Any]:
    """The timeline up to `day` in the agreement's order: who recorded what and when, corrections, and the lineage.

    With an option: its events and those of the options it came from and that came from it (its lineage), the
    company's stock events, and with `facts` the company's facts and prices too. Without: every event the viewer
    may see (its options', its companies' facts, what it recorded itself). `now` is the latest state (the lineage
    as it stands)."""
    seen_options = vis.option_numbers(now)
    lineage: list[str] = []
    if option_no:
        option = option_of(now, vis, option_no)
        lineage = [n for n in lineage_of(now, option_no) if n in seen_options]
        options = set(lineage)
        companies = {option.company}
    else:
        options = seen_options
        companies = vis.company_ids(now)
    everything = [x for x in entries if x.event.on <= day]
    corrected_by = {x.event.corrects: x.event.id for x in everything if isinstance(x.event, ev.Correction)}
    kinds = (FACTS + PRICES if facts else ()) if option_no else FACTS
    chosen: set[str] = set()
    for x in everything:
        e = x.event
        if not option_no and vis.every_event:
            chosen.add(e.id)
            continue
        mine = vis.actor is not None and e.actor == vis.actor and not option_no
        fact = isinstance(e, kinds) and getattr(e, "company", None) in companies
        if mine or fact or touches(e, options, companies):
            chosen.add(e.id)
    chosen |= {x.event.id for x in everything if isinstance(x.event, ev.Correction) and x.event.corrects in chosen}
    picked = sorted((x for x in everything if x.event.id in chosen), key=lambda x: ev.sort_key(x.event, x.seq))
    rows = [{"seq": x.seq, **event_json(x.event), "recorded_at": x.recorded_at, "acted_by": x.acted_by, "hash": x.hash,
             "corrected_by": corrected_by.get(x.event.id), "corrects": getattr(x.event, "corrects", None)} for x in picked]
    lineage_json = [{"option": no, "parent": now.options[no].parent or None, "origin": now.options[no].origin,
                     "children": [c for c in now.options[no].children if c in seen_options], "status": now.options[no].status.value,
                     "holder": now.options[no].holder, "remaining_shares": to_text(now.options[no].remaining)} for no in lineage]
    return {"as_of": day.isoformat(), "option": option_no, "lineage": lineage_json, "events": rows}


# ---------------------------------------------------------------- due and reserve


def due(state: BookState, vis: Visibility, day: date) -> dict[str, Any]:
    """Open items as of `day`: deliveries due, certificates to mail, pending transfers, reserve shortfalls (CLI due)."""
    items: list[dict[str, Any]] = []
    for o in state.options.values():
        if not vis.sees_option(o.option_no):
            continue
        if o.active or o.deliveries_due or o.dissolution_delivery_due or o.refunds_due or o.pending:
            items.extend(i.as_json() for i in open_items(state, o, day))
    if vis.company_items:
        for company in sorted(vis.company_ids(state)):
            items.extend(i.as_json() for i in company_items(state, company, day))
    items.sort(key=lambda i: (i["due"] is None, i["due"] or "", i["option"] or ""))
    return {"as_of": day.isoformat(), "items": items}


def reserve(state: BookState, vis: Visibility, day: date, company: str | None = None) -> dict[str, Any]:
    """The §6 reservation of one company, or of every company the viewer sees, as of `day` (CLI reserve)."""
    if not vis.reserve:
        raise NotVisible("the §6 reserve is the company's books; a holder sees its own options", field="company", clause="§6")
    if company:
        if not vis.sees_company(company):
            raise NotVisible(f"company: no company {company!r} that you may see", field="company")
        if company not in state.companies:
            raise BadInput(f"company: no company {company!r}", field="company")
        chosen = [company]
    else:
        chosen = sorted(vis.company_ids(state))
    return {"as_of": day.isoformat(), "reserve": [reserve_summary(state, c, day) for c in chosen]}


# ---------------------------------------------------------------- quote


def quote_request(shares: str, method: PaymentMethod, *, cash: str | None = None, cancel: str | None = None,
                  stock_shares: str | None = None, tranche: int | None = None) -> ExerciseRequest:
    """An exercise request from the words people type: Y as a number, or 'max' (cashless only) for the maximum."""
    text = shares.strip().lower()
    if text == "max" and method is not PaymentMethod.CASHLESS:
        raise BadInput("shares: 'max' is the cashless maximum: use it with method cashless", field="shares", clause="Exhibit A")
    y = None if text in ("max", "") and method is PaymentMethod.CASHLESS else exact(shares, "shares")
    if y is not None and y <= 0:
        raise BadInput("shares: more than zero, or 'max' for the cashless maximum", field="shares", clause="Exhibit A")

    def num(value: str | None, field: str) -> Fraction | None:
        return None if value is None or not value.strip() else exact(value, field)

    return ExerciseRequest(shares=y, method=method, cash=num(cash, "cash"), cancel_shares=num(cancel, "cancel"),
                           stock_shares=num(stock_shares, "stock_shares"), tranche=tranche)


def quote_json(result: ExerciseResult, trace: Trace) -> dict[str, Any]:
    fmv = result.fair_market_value
    return {
        "method": result.method.value,
        "tranche": result.tranche,
        "exercise_price": to_text(result.exercise_price),
        "shares_exercised": to_text(result.shares_exercised),
        "shares_issued": to_text(result.whole_shares),
        "shares_issued_exact": to_text(result.shares_issued),
        "fraction": to_text(result.fraction),
        "cash_in_lieu": to_text(result.cash_in_lieu_paid),
        "cash_in_lieu_exact": to_text(result.cash_in_lieu),
        "fair_market_value": to_text(fmv.value) if fmv else None,
        "fmv_source": fmv.source if fmv else None,
        "fmv_clause": fmv.clause if fmv else None,
        "aggregate_exercise_price": to_text(result.aggregate_exercise_price),
        "cash_due": to_text(result.cash_due),
        "stock_due": to_text(result.stock_due),
        "option_shares_cancelled": to_text(result.option_shares_cancelled),
        "deemed_issued": result.deemed_issued.isoformat(),
        "delivery_due": result.delivery_due.isoformat(),
        "cap_allowance": to_text(result.limit.shares) if result.limit else None,
        "cap_reason": result.limit.reason if result.limit else "no cap applies",
        "remaining_after": to_text(result.remaining_after),
        "basket": encode(result.basket) if result.basket else None,  # §3.1: what the baskets deliver, item by item
        "explanation": trace.as_json(),
    }


@dataclass(frozen=True, slots=True)
class Quoted:
    """What an exercise on a day would give: the engine's result and its explanation; `as_json()` is the view."""

    option: str
    on: date
    result: ExerciseResult
    trace: Trace

    def as_json(self) -> dict[str, Any]:
        return {"option": self.option, "on": self.on.isoformat(), **quote_json(self.result, self.trace)}


def exercise(state: BookState, vis: Visibility, option_no: str, request: ExerciseRequest, on: date, *, fmv: Fraction | None = None,
             outstanding: Fraction | None = None, owned: Fraction | None = None) -> Quoted:
    """What an exercise on `on` would give: core.decide.exercise_quote with its explanation. `state` is as of `on`."""
    option = option_of(state, vis, option_no)
    trace = Trace()
    det = determination_date(option, None, on)
    result = exercise_quote(state, option_no, request, on, fmv=fmv, outstanding=outstanding, owned=owned, determination=det, trace=trace)
    return Quoted(option_no, on, result, trace)


def quote(state: BookState, vis: Visibility, option_no: str, request: ExerciseRequest, on: date, *, fmv: Fraction | None = None,
          outstanding: Fraction | None = None, owned: Fraction | None = None) -> dict[str, Any]:
    """The quote as plain data (CLI quote --json, GET /api/options/{no}/quote)."""
    return exercise(state, vis, option_no, request, on, fmv=fmv, outstanding=outstanding, owned=owned).as_json()


# ---------------------------------------------------------------- documents


def documents(state: BookState, vis: Visibility, option_no: str | None = None) -> dict[str, Any]:
    """Every document issued (in the order recorded, with its SHA-256) for the options the viewer sees; a document about
    no option (a company's) only to a viewer who sees everything (CLI doc list, GET /api/documents)."""
    if option_no:
        option_of(state, vis, option_no)
    rows = [{"id": d.id, "on": d.on.isoformat(), "kind": d.document, "option": d.option_no or None, "regarding": d.regarding or None,
             "sha256": d.sha256} for d in state.documents
            if (vis.sees_option(d.option_no) if d.option_no else vis.options is None) and (not option_no or d.option_no == option_no)]
    return {"documents": rows}


# ---------------------------------------------------------------- chart


def chart(reader: Reader, vis: Visibility, option_no: str, day: date, now: BookState | None = None) -> dict[str, Any]:
    """Remaining shares, exercise price, cap allowance and shares outstanding at each day something changed.

    Each point is the engine's own answer on that day (the fold as of the day, core.decide.cap_limit for §10,
    the company's outstanding-share facts); nothing is interpolated.
    """
    now = now if now is not None else reader.state()
    option = option_of(now, vis, option_no)
    days = {option.issued_on, day}
    for e in reader.events():
        if e.on > day or isinstance(e, ev.Quote) or e.derived and not isinstance(e, ev.ExerciseEffected):
            continue
        if touches(e, {option_no}, {option.company}) or isinstance(e, (ev.SharesOutstanding, ev.BeneficialOwnership, ev.AuthorizedShares)):
            days.add(e.on)
        if isinstance(e, ev.WaiverNoticeReceived) and e.option_no == option_no and option.terms.cap and option.terms.cap.waiver_notice_days:
            void_from = cap_summary(now.options[option_no], day).get("void_from")
            if void_from and date.fromisoformat(void_from) <= day:
                days.add(date.fromisoformat(void_from))
    points = []
    for d in sorted(days):
        if d > day:
            continue
        state = reader.state(d)
        o = state.options.get(option_no)
        if o is None:
            continue
        allowance: str | None = None
        reason = ""
        try:
            limit = cap_limit(state, o, d)
            allowance = to_text(limit.shares) if limit is not None else None
            reason = limit.reason if limit is not None else "no cap applies"
        except (Refusal, BadInput) as exc:
            reason = exc.message
        out = outstanding_on(state, o.company, d)
        points.append({"on": d.isoformat(), "remaining_shares": to_text(o.remaining), "exercise_price": to_text(o.exercise_price),
                       "cap_allowance": allowance, "cap_reason": reason, "outstanding": to_text(out) if out is not None else None,
                       "status": o.status.value})
    return {"option": option_no, "as_of": day.isoformat(), "points": points}


__all__ = ["FACTS", "PRICES", "NotVisible", "Quoted", "Visibility", "chart", "current_fmv", "documents", "due", "event_json", "exercise", "history",
           "list_options", "option_of", "option_view", "quote", "quote_json", "quote_request", "reserve", "show", "terms", "touches"]
