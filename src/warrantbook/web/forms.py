"""A form for every command a role may give: its fields, and how the typed text becomes the event's data.

A form only gathers text; the data it builds goes through the same codec and the same decide as the API
and the CLI, so a form holds no rule. The compact notations (transfer pieces HOLDER=20%, basket items
ISSUER=QUANTITY, tranches SHARES@PRICE, the cap) are read by app.parsers, the readers the CLI uses too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.app import commands, parsers
from warrantbook.core import events as ev
from warrantbook.core.codec import encode, event_to_data
from warrantbook.core.errors import BadInput
from warrantbook.core.state import BookState, OptionState
from warrantbook.core.terms import Expiration, PaymentMethod, Terms, Venue


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"  # text, number, date, select, checkbox, lines, checkboxes, textarea
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    default: str = ""


@dataclass(frozen=True)
class Ctx:
    """What a form may prefill from: the state now, the option or party the page is about, the day."""

    state: BookState
    today: date
    option: OptionState | None = None
    company: str = ""
    holder: str = ""
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    kind: str
    scope: str  # "option", "company", "holder"
    title: str
    clause: str
    fields: tuple[Field, ...]
    build: Callable[[dict[str, Any], Ctx], dict[str, Any]]
    prefill: Callable[[Ctx], dict[str, str]] | None = None
    intro: str = ""

    def all_fields(self) -> tuple[Field, ...]:
        return (*self.fields, ON, NOTE)


ON = Field("on", "Effective date", "date", True, help="The day it takes effect (YYYY-MM-DD).")
NOTE = Field("note", "Note", "text", help="Free text kept with the event.")


def _choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(m.value), str(m.value)) for m in enum)


def _lines(text: Any) -> list[str]:
    return [x.strip() for x in str(text or "").splitlines() if x.strip()]


def _address(text: Any, name: str, required: bool = False) -> dict[str, Any] | None:
    lines = _lines(text)
    if not lines:
        if required:
            raise BadInput(f"{name}: at least one line", field=name)
        return None
    return {"lines": lines}


def _opt(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """The named fields that were filled in, as typed (numbers stay text: the codec reads them exactly)."""
    return {n: values[n] for n in names if values.get(n) not in (None, "")}


def _flags(values: dict[str, Any], *names: str) -> dict[str, bool]:
    return {n: bool(values.get(n)) for n in names}


def _list(text: Any) -> list[str]:
    return [x.strip() for x in str(text or "").replace("\n", ",").split(",") if x.strip()]


# ---------------------------------------------------------------- option commands


def _exercise_notice(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    data = _opt(v, "method", "channel", "cash", "cancel_shares", "stock_shares", "stated_fmv", "tranche")
    shares = str(v.get("shares") or "").strip()
    if shares.lower() not in ("", "max"):
        data["shares"] = shares
    elif v.get("method") != PaymentMethod.CASHLESS.value:
        raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
    if v.get("deliver_to"):
        data["deliver_to"] = {"name": v["deliver_to"], "address": _address(v.get("deliver_address"), "deliver_address")}
    return data


def _open_notices(c: Ctx) -> tuple[tuple[str, str], ...]:
    o = c.option
    return tuple((p.notice.id, f"{p.notice.id} of {p.notice.on}") for p in o.pending) if o else ()


def _deliveries(c: Ctx) -> tuple[tuple[str, str], ...]:
    o = c.option
    return tuple((d.notice, f"{d.notice} (due {d.delivery_due})") for d in o.deliveries_due) if o else ()


def _notice_pick(c: Ctx) -> dict[str, str]:
    o = c.option
    return {"notice": o.pending[0].notice.id} if o and o.pending else {}


def _delivery(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    data = _opt(v, "notice", "issued_in_name", "cash_paid")
    data["certificates"] = _list(v.get("certificates"))
    data.update(_flags(v, "book_entry", "transfer_taxes_paid"))
    return data


def _transfer_request(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    pieces = parsers.pieces(v.get("pieces"))
    if not pieces:
        raise BadInput("pieces: one line per transferee, HOLDER=PERCENT% or HOLDER=SHARES", field="pieces", clause="§7")
    return {"pieces": encode(pieces), **_opt(v, "witnessed_by"),
            **_flags(v, "endorsement_signed", "original_surrendered", "opinion_received", "transfer_taxes_paid")}


def _transfer_registration(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    return {**_opt(v, "request"), "new_options": _list(v.get("new_options"))}


def _pending_replacement(c: Ctx) -> dict[str, str]:
    o = c.option
    return {"request": o.pending_replacement.id} if o and o.pending_replacement else {}


def _trustee(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    return {**_opt(v, "name"), "principal_office": _address(v.get("principal_office"), "principal_office", True),
            **_flags(v, "bank_or_trust_company")}


def _notice_sent(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    return {**_opt(v, "subject", "addressee", "mail_class", "tracking", "regarding", "recipient_role"),
            "address": _address(v.get("address"), "address", True)}


def _notice_prefill(c: Ctx) -> dict[str, str]:
    o = c.option
    if o is None:
        return {}
    last = c.state.last_address(o.holder, o.option_no)
    out = {"addressee": o.holder}
    if last is not None:
        out = {"addressee": last[0], "address": "\n".join(last[1].lines)}
    due = o.certificates_due
    if due:
        out["regarding"] = due[0].event
        out["subject"] = "certificate as to adjustments (§5)"
    return out


def _amendment(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    o = c.option
    assert o is not None
    terms: Terms = o.terms
    if v.get("expiration"):
        day = parsers.day(v["expiration"], "expiration")
        terms = replace(terms, expiration=Expiration(day, f"amendment of {v.get('on') or c.today}"))
    if v.get("no_cap") or v.get("cap") or v.get("waiver_days"):
        base = terms.cap
        waiver = parsers.whole(v.get("waiver_days"), "waiver_days")
        terms = replace(terms, cap=parsers.cap(bool(v.get("no_cap")), v.get("cap") or None, waiver, False, None,
                                               base.void_on_default if base else True, base))
    delivery_days = parsers.whole(v.get("delivery_days"), "delivery_days")
    if delivery_days is not None:
        terms = replace(terms, delivery_days=delivery_days)
    if terms == o.terms:
        raise BadInput("terms: no change given (expiration, cap, waiver days or delivery days)", field="expiration", clause="§14")
    signed = list(v.get("signed_by") or [])
    return {"terms": encode(terms, keep_defaults=True), "binds": [f"holder:{o.holder}", f"company:{o.company}"], "signed_by": signed}


def _amend_choices(c: Ctx) -> tuple[tuple[str, str], ...]:
    o = c.option
    if o is None:
        return ()
    return ((f"holder:{o.holder}", f"the holder (holder:{o.holder})"), (f"company:{o.company}", f"the company (company:{o.company})"))


def _acks(c: Ctx) -> dict[str, str]:
    o = c.option
    return {"request": o.acknowledgments_due[0]} if o and o.acknowledgments_due else {}


def _correction(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    return _opt(v, "corrects", "reason")


# ---------------------------------------------------------------- company commands


def _issue(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    on = str(v.get("on") or c.today.isoformat())
    for name in ("option_no", "holder", "shares", "exercise_price"):
        if not v.get(name):
            raise BadInput(f"{name}: required", field=name, clause="§1.1")
    cap = None if v.get("no_cap") else encode(parsers.cap(False, v.get("cap") or None, None, False, None, True, None), keep_defaults=True)
    terms: dict[str, Any] = {"company": c.company, "issue_date": on, "option_no": v["option_no"],
                             "tranches": [{"shares": v["shares"], "exercise_price": v["exercise_price"]}], "cap": cap}
    if v.get("expiration"):
        terms["expiration"] = {"on": v["expiration"], "source": "stated in the terms"}
    if v.get("delivery_days"):
        terms["delivery_days"] = v["delivery_days"]
    return {"option_no": v["option_no"], "holder": v["holder"], "terms": terms}


def _holders(c: Ctx) -> tuple[tuple[str, str], ...]:
    return tuple((h.id, f"{h.name} ({h.id})") for h in c.state.holders.values())


def _companies(c: Ctx) -> tuple[tuple[str, str], ...]:
    return tuple((cid, f"{cs.name} ({cid})") for cid, cs in c.state.companies.items())


def _reorganization(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    basket = parsers.basket(v.get("securities"), v.get("cash") or None, v.get("properties"))
    return {**_opt(v, "transaction", "successor"), "basket": encode(basket), "continues": not v.get("ends")}


def _agent(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    functions = list(v.get("functions") or [])
    return {**_opt(v, "name"), "office": _address(v.get("office"), "office", True), "functions": functions}


def _holder_registration(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    holder: dict[str, Any] = {"id": v.get("holder_id") or c.holder, "name": v.get("name") or ""}
    address = _address(v.get("address"), "address")
    if address:
        holder["address"] = address
    if v.get("group"):
        holder["group"] = v["group"]
    return {"holder": holder}


def _company_registration(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
    company: dict[str, Any] = {"id": c.company, "name": v.get("name") or "", "state": v.get("state") or ""}
    office = _address(v.get("office"), "office")
    if office:
        company["office"] = office
    if v.get("par_value"):
        company["par_value"] = v["par_value"]
    return {"company": company}


def _company_prefill(c: Ctx) -> dict[str, str]:
    cs = c.state.companies.get(c.company)
    if cs is None:
        return {}
    co = cs.company
    return {"name": co.name, "state": co.state, "office": "\n".join(co.office.lines) if co.office else "",
            "par_value": str(co.par_value) if co.par_value is not None else ""}


def _simple(*names: str, flags: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> Callable[[dict[str, Any], Ctx], dict[str, Any]]:
    def build(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
        data = {**_opt(v, *names), **_flags(v, *flags)}
        for n in lists:
            data[n] = _list(v.get(n))
        return data

    return build


# ---------------------------------------------------------------- prefill: what the ledger already knows


def _figure(value: Fraction | None) -> str:
    from warrantbook.core.numbers import to_text

    return "" if value is None else to_text(value)


def _payment_prefill(c: Ctx) -> dict[str, str]:
    """The open notice, and the cash it leaves due (its quote less what was paid; §2.2(a))."""
    from warrantbook.core.engine import determination_date, exercise_quote, request_of
    from warrantbook.core.errors import WarrantbookError

    o = c.option
    if o is None or not o.pending:
        return {}
    p = o.pending[0]
    out = {"notice": p.notice.id}
    try:
        q = exercise_quote(c.state, o.option_no, request_of(p.notice, p.ratio), p.notice.on, check_status=False,
                           determination=determination_date(o, p.notice, p.notice.on))
    except WarrantbookError:
        return out
    due = q.cash_due - p.cash_paid
    if due > 0:
        out["cash"] = _figure(due)
    return out


def _company_fact(name: str) -> Callable[[Ctx], dict[str, str]]:
    """The company's latest count as the starting value (shares outstanding, authorized)."""
    def prefill(c: Ctx) -> dict[str, str]:
        cs = c.state.companies.get(c.company)
        if cs is None:
            return {}
        value = cs.outstanding_on(c.today) if name == "outstanding" else cs.authorized_on(c.today)
        return {"shares": _figure(value)} if value is not None else {}
    return prefill


def _stock_event_prefill(c: Ctx) -> dict[str, str]:
    """§4: shares outstanding before the event, as the ledger counts them today (the check decide makes)."""
    from warrantbook.core.engine import outstanding_on

    return {"outstanding_before": _figure(outstanding_on(c.state, c.company, c.today))} if c.company else {}


def _issue_prefill(c: Ctx) -> dict[str, str]:
    """The holder when the ledger has one, and the next free option number of the company's series."""
    out: dict[str, str] = {}
    if len(c.state.holders) == 1:
        out["holder"] = next(iter(c.state.holders))
    numbers = [no for no, o in c.state.options.items() if o.company == c.company]
    prefix = c.company.upper()
    n = len(numbers) + 1
    while f"{prefix}-{n}" in c.state.options:
        n += 1
    out["option_no"] = f"{prefix}-{n}"
    return out


def _transfer_registration_prefill(c: Ctx) -> dict[str, str]:
    """The pending request, and new option numbers (one per transferee, then the balance) not yet taken."""
    from warrantbook.core.errors import WarrantbookError
    from warrantbook.core.rules.transfer import split_remaining

    o = c.option
    if o is None or o.pending_transfer is None:
        return {}
    out = {"request": o.pending_transfer.id}
    try:
        split = split_remaining(o.remaining, [(p.holder, p.percent, p.shares) for p in o.pending_transfer.pieces])
    except WarrantbookError:
        return out
    count = len(split.pieces) + (1 if split.balance else 0)
    numbers: list[str] = []
    n = 1
    while len(numbers) < count:
        candidate = f"{o.option_no}-T{n}"
        if candidate not in c.state.options:
            numbers.append(candidate)
        n += 1
    out["new_options"] = ", ".join(numbers)
    return out


NOTICE_FIELD = Field("notice", "Exercise notice", "select", True, help="The open exercise notice this concerns.")
FORMS: dict[str, Form] = {f.kind: f for f in [
    Form("exercise-notice", "option", "Exercise notice (Exhibit A)", "§1.1, §2, Exhibit A", (
        Field("shares", "Option shares to exercise (Y)", "number", help="A number of shares, or leave empty (or 'max') with the cashless method for the maximum."),
        Field("method", "Payment", "select", True, _choices(PaymentMethod), default="cash"),
        Field("channel", "Delivered by", "select", True, _choices(ev.Channel), default="original"),
        Field("cash", "Combination: cash paid", "number"), Field("cancel_shares", "Combination: option shares cancelled (W)", "number"),
        Field("stock_shares", "Combination: common shares delivered", "number"),
        Field("stated_fmv", "FMV written on the form", "number"),
        Field("deliver_to", "Certificates in the name of"), Field("deliver_address", "Their address", "lines"),
        Field("tranche", "Price tranche (0 = first)", "number")), _exercise_notice,
        intro="Irrevocable from receipt. The calculator shows what it gives before you file it."),
    Form("surrender", "option", "Surrender for exercise", "§2.1", (
        NOTICE_FIELD, Field("place", "Where", "select", True, (("company", "principal office"), ("agent", "option agent's office (§11)")),
                            default="company")), _simple("notice", "place"), _notice_pick),
    Form("payment", "option", "Payment of the exercise price", "§2.2(a)", (
        NOTICE_FIELD, Field("cash", "Cash", "number"), Field("stock_shares", "Common stock delivered (shares)", "number"),
        Field("instrument", "Instrument", "select", True, tuple((x, x) for x in ("cash", "certified check", "official bank check", "wire")),
              default="wire")), _simple("notice", "cash", "stock_shares", "instrument"), _payment_prefill),
    Form("delivery", "option", "Delivery of shares", "§2.1", (
        Field("notice", "Exercise", "select", True, help="The exercise whose shares are delivered."),
        Field("certificates", "Certificate numbers", help="Comma-separated; or tick book entry."),
        Field("book_entry", "Book entry", "checkbox"), Field("issued_in_name", "Issued in the name of"),
        Field("cash_paid", "Cash in lieu paid", "number"), Field("transfer_taxes_paid", "Holder paid the transfer taxes (other name)", "checkbox")),
        _delivery, lambda c: {"notice": c.option.deliveries_due[0].notice} if c.option and c.option.deliveries_due else {}),
    Form("transfer-request", "option", "Transfer request (Exhibit B)", "§7, Exhibit B", (
        Field("pieces", "Transferees", "lines", True, help="One per line: HOLDER=20% or HOLDER=1000000 (registered holder ids)."),
        Field("endorsement_signed", "Endorsement signed", "checkbox"), Field("witnessed_by", "Witnessed by"),
        Field("original_surrendered", "Original surrendered", "checkbox"), Field("opinion_received", "Legal opinion received", "checkbox"),
        Field("transfer_taxes_paid", "Transfer taxes paid", "checkbox")), _transfer_request),
    Form("transfer-registration", "option", "Register the transfer", "§7, §12", (
        Field("request", "Transfer request", required=True), Field("new_options", "New option numbers", required=True,
                                                                   help="Comma-separated: one per transferee, then the transferor's balance.")),
        _transfer_registration, _transfer_registration_prefill),
    Form("replacement-request", "option", "Replacement request", "§8", (
        Field("cause", "Cause", "select", True, _choices(ev.ReplacementCause)), Field("evidence", "Evidence", required=True),
        Field("indemnity", "Indemnity amount", "number"), Field("indemnity_form", "Indemnity form"),
        Field("original_surrendered", "Mutilated original surrendered", "checkbox")),
        _simple("cause", "evidence", "indemnity", "indemnity_form", flags=("original_surrendered",))),
    Form("replacement", "option", "Issue the replacement", "§8", (
        Field("request", "Replacement request", required=True), Field("new_option", "New option number", required=True)),
        _simple("request", "new_option"), _pending_replacement),
    Form("trustee", "option", "Designate a trustee", "§3.2, §1.4", (
        Field("name", "Bank or trust company", required=True), Field("principal_office", "Principal office", "lines", True),
        Field("bank_or_trust_company", "It is a bank or trust company", "checkbox")), _trustee),
    Form("notice", "option", "Mail a notice", "§13", (
        Field("subject", "Subject", required=True), Field("addressee", "Addressee (holder id)", required=True),
        Field("address", "Address", "lines", True), Field("mail_class", "Mail", "select", True, _choices(ev.MailClass), default="certified"),
        Field("tracking", "Tracking number"), Field("regarding", "Regarding (event id)"),
        Field("recipient_role", "Recipient", "select", True, (("holder", "holder"), ("agent", "option agent")), default="holder")),
        _notice_sent, _notice_prefill),
    Form("amendment", "option", "Amend the terms", "§14", (
        Field("expiration", "New Expiration Date", "date"), Field("cap", "New cap (e.g. 9.99%)", "number"),
        Field("no_cap", "Remove the cap", "checkbox"), Field("waiver_days", "Waiver notice days", "number"),
        Field("delivery_days", "Delivery business days", "number"),
        Field("signed_by", "Signed by", "checkboxes", True, help="Every party the change binds must sign.")), _amendment),
    Form("acknowledgment", "option", "Give the acknowledgment", "§1.3", (Field("request", "Request"),), _simple("request"), _acks),
    Form("correction", "option", "Correct an earlier event", "record", (
        Field("corrects", "Event id", required=True), Field("reason", "Why it is wrong", required=True)), _correction,
        lambda c: {"corrects": c.query.get("corrects", "")}, intro="Nothing is edited: the correction names the event and views show both."),
    # company
    Form("issue", "company", "Issue an option", "§1.1", (
        Field("option_no", "Option number", required=True), Field("holder", "Holder", "select", True),
        Field("shares", "Shares", "number", True), Field("exercise_price", "Exercise price per share", "number", True, default="0.00001"),
        Field("expiration", "Expiration Date (if the terms state one)", "date"), Field("cap", "Cap (§10)", "number", default="4.99%"),
        Field("no_cap", "No cap", "checkbox"), Field("delivery_days", "Delivery business days", "number", default="3")), _issue, _issue_prefill),
    Form("stock-event", "company", "Stock dividend, split or combination", "§4", (
        Field("event", "Event", "select", True, _choices(ev.StockEventKind)),
        Field("outstanding_before", "Outstanding before", "number", True), Field("outstanding_after", "Outstanding after", "number", True),
        Field("consideration", "Consideration received (§5(a))", default="none")),
        _simple("event", "outstanding_before", "outstanding_after", "consideration"), _stock_event_prefill),
    Form("outstanding", "company", "Shares outstanding", "§4, §10", (
        Field("shares", "Shares", "number", True), Field("source", "Source")), _simple("shares", "source"), _company_fact("outstanding")),
    Form("authorized", "company", "Authorized shares", "§6", (
        Field("shares", "Shares", "number", True), Field("source", "Source")), _simple("shares", "source"), _company_fact("authorized")),
    Form("listing", "company", "Where the stock trades", "§1.2", (
        Field("venue", "Venue", "select", True, _choices(Venue)),), _simple("venue")),
    Form("quote", "company", "One day's market data", "§1.2", (
        Field("venue", "Venue", "select", True, _choices(Venue)), Field("close", "Close", "number"), Field("bid", "Bid", "number"),
        Field("ask", "Ask", "number"), Field("source", "Source")), _simple("venue", "close", "bid", "ask", "source")),
    Form("ownership", "company", "Holder's beneficial ownership", "§10", (
        Field("holder", "Holder", "select", True), Field("shares", "Shares", "number", True), Field("source", "Source")),
        _simple("holder", "shares", "source")),
    Form("fmv-agreement", "company", "FMV agreed", "§1.2(c)", (
        Field("value", "Value per share", "number", True), Field("agreed_by", "Agreed by", help="Comma-separated actors, e.g. holder:gssf, company:atg")),
        _simple("value", lists=("agreed_by",))),
    Form("fmv-award", "company", "FMV awarded", "§1.2(c)", (
        Field("value", "Value per share", "number", True), Field("arbitrator", "Arbitrator"), Field("case", "Case number")),
        _simple("value", "arbitrator", "case")),
    Form("liquidation", "company", "Liquidation amount", "§1.2(d)", (
        Field("amount", "Total payable to common", "number", True), Field("source", "Source")), _simple("amount", "source")),
    Form("reorganization", "company", "Reorganization, consolidation or merger", "§3.1", (
        Field("transaction", "Transaction", "select", True, _choices(ev.ReorganizationKind), default="merger"),
        Field("successor", "Successor", required=True), Field("securities", "Securities per share", "lines", help="ISSUER=QUANTITY per line"),
        Field("cash", "Cash per share", "number"), Field("properties", "Property per share", "lines", help="DESCRIPTION=QUANTITY@UNIT_VALUE"),
        Field("ends", "The option does not continue (§3.2)", "checkbox")), _reorganization),
    Form("agent", "company", "Appoint an option agent", "§11", (
        Field("name", "Agent", required=True), Field("office", "Office", "lines", True),
        Field("functions", "Functions", "checkboxes", True, _choices(ev.AgentFunction))), _agent),
    Form("holder", "company", "Register a holder", "preamble", (
        Field("holder_id", "Holder id", required=True), Field("name", "Name", required=True), Field("address", "Address", "lines"),
        Field("group", "Affiliate group (§10)")), _holder_registration),
    Form("company", "company", "Company details", "preamble", (
        Field("name", "Name", required=True), Field("state", "State of incorporation", required=True), Field("office", "Principal office", "lines"),
        Field("par_value", "Par value", "number")), _company_registration, _company_prefill),
]}
HOLDER_FORMS: dict[str, Form] = {f.kind: f for f in [
    Form("address", "holder", "Furnish an address", "§13", (Field("address", "Address", "lines", True),),
         lambda v, c: {"address": _address(v.get("address"), "address", True)}),
    Form("ownership", "holder", "Certify beneficial ownership", "§10", (
        Field("company", "Company", "select", True), Field("shares", "Shares (this option excluded)", "number", True), Field("source", "Source")),
        _simple("company", "shares", "source")),
    Form("fmv-agreement", "holder", "FMV agreed", "§1.2(c)", (
        Field("company", "Company", "select", True), Field("value", "Value per share", "number", True),
        Field("agreed_by", "Agreed by", help="Comma-separated actors, e.g. holder:gssf, company:atg")),
        _simple("company", "value", lists=("agreed_by",))),
    Form("holder", "holder", "Your registration", "preamble", (
        Field("name", "Name", required=True), Field("address", "Address", "lines"), Field("group", "Affiliate group (§10)")),
        _holder_registration, lambda c: _holder_prefill(c)),
]}


def _holder_prefill(c: Ctx) -> dict[str, str]:
    h = c.state.holders.get(c.holder)
    if h is None:
        return {}
    return {"name": h.name, "address": "\n".join(h.address.lines) if h.address else "", "group": h.group}


# ---------------------------------------------------------------- forms made from the declarations (app.commands)


def _declared_field(arg: commands.Arg) -> Field:
    kind = "checkbox" if arg.type is bool or arg.read is commands.flag else "text"
    label = arg.help or arg.name.rstrip("_").replace("_", " ").capitalize()
    return Field(arg.name, label, kind, default="" if arg.default in (None, False) else str(arg.default))


def declared_form(cmd: commands.Command) -> Form:
    """A form made from a command's declaration (every declared command without a hand-written form: the waiver, default and
    cure notices, the acknowledgment request, the dissolution, the §3.2 delivery): its fields as typed, read by the declaration itself
    (app.commands.propose), so the event is the one the CLI would record; the route then adds the user's actor."""
    scope = cmd.scope if cmd.scope in ("option", "company", "holder") else "company"

    def build(v: dict[str, Any], c: Ctx) -> dict[str, Any]:
        typed: dict[str, Any] = {a.name: v.get(a.name) for a in cmd.args}
        typed["option" if scope == "option" else scope] = (c.option.option_no if c.option else "") if scope == "option" else (
            c.company if scope == "company" else c.holder)
        on = parsers.day(v.get("on"), "on") or c.today
        data = event_to_data(commands.propose(c.state, cmd.name, typed, on=on))
        return {k: x for k, x in data.items() if k not in ("id", "actor", "type", "on", "note")}

    title = (cmd.summary or cmd.name).split(" (§")[0]
    intro = cmd.help.split("\n\n")[0] if cmd.help else "Recorded as the command line records it (app.commands)."
    return Form(cmd.event_kind, scope, title, cmd.kind.clause, tuple(_declared_field(a) for a in cmd.args), build, intro=intro)


def _declared_forms() -> dict[str, Form]:
    written = {*FORMS, *HOLDER_FORMS}
    return {c.event_kind: declared_form(c) for c in commands.COMMANDS.values() if c.event_kind not in written}


DECLARED_FORMS: dict[str, Form] = _declared_forms()


def form_for(kind: str, scope: str) -> Form | None:
    if scope == "holder":
        f = HOLDER_FORMS.get(kind) or DECLARED_FORMS.get(kind)
        return f if f is not None and f.scope == "holder" else None
    f = FORMS.get(kind) or DECLARED_FORMS.get(kind)
    return f if f is not None and f.scope == scope else None


def forms_in(scope: str) -> list[Form]:
    written = list(HOLDER_FORMS.values()) if scope == "holder" else [f for f in FORMS.values() if f.scope == scope]
    return written + [f for f in DECLARED_FORMS.values() if f.scope == scope]


def choices(form: Form, f: Field, c: Ctx) -> tuple[tuple[str, str], ...]:
    """Select options that depend on the book (open notices, holders, the parties who sign)."""
    if f.choices:
        return f.choices
    if f.name == "notice" and form.kind == "delivery":
        return _deliveries(c)
    if f.name == "notice":
        return _open_notices(c)
    if f.name == "holder":
        return _holders(c)
    if f.name == "company":
        return _companies(c)
    if f.name == "signed_by":
        return _amend_choices(c)
    return ()


def values_of(form: Form, raw: dict[str, Any]) -> dict[str, Any]:
    """The submitted values by field: checkboxes as booleans, multiple choices as lists, text stripped."""
    out: dict[str, Any] = {}
    for f in form.all_fields():
        value = raw.get(f.name)
        if f.type == "checkbox":
            out[f.name] = value not in (None, "", "off", False)
        elif f.type == "checkboxes":
            out[f.name] = [str(x) for x in value] if isinstance(value, list) else ([str(value)] if value else [])
        else:
            out[f.name] = str(value).strip() if value is not None else ""
    return out


def data_of(form: Form, values: dict[str, Any], c: Ctx) -> dict[str, Any]:
    """The event's data (the codec's shape) from the form's values; the route adds type, actor, scope and id."""
    missing = [f for f in form.fields if f.required and f.type not in ("checkbox",) and not values.get(f.name)]
    if missing:
        f = missing[0]
        raise BadInput(f"{f.name}: required ({f.label})", field=f.name)
    data = form.build(values, c)
    data["type"] = form.kind
    data["on"] = values.get("on") or c.today.isoformat()
    if values.get("note"):
        data["note"] = values["note"]
    return data
