"""The recording commands, one declaration each: the event kind, its fields and how each is read, its defaults.

    COMMANDS["exercise-notice"]  ->  Command(kind=ExerciseNoticeReceived, scope="option", prefix="notice", args=(...))

`propose(state, name, fields, on=, actor=)` turns typed fields into the event (a new id, the default actor from
core.events.GIVEN_BY, the open notice or pending request when none is named); `record(source, name, fields, ...)`
proposes it and hands it to the source, which decides it against the agreement (core.decide) and appends what was
decided, or nothing. Both shells call these: the CLI with its options, the web with a signed-in user's actor. A
command here holds no rule: refusals come from core, with their section.

Adding an event kind: declare it in core/events.py, give it its clause module, add ONE `Command(...)` below (with
`cli=` and `help=`, its command line is generated from it: cli.ledger_common.register_declared), and document it.
Older commands keep a hand-written signature of options (their help texts) over `cli.ledger_common.acts(name)`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import Any

from warrantbook.app import parsers
from warrantbook.app.source import Source
from warrantbook.core import events as ev
from warrantbook.core.audit import Head
from warrantbook.core.errors import BadInput
from warrantbook.core.state import BookState, OptionState
from warrantbook.core.terms import Company, Expiration, Holder, PaymentMethod, Terms, Venue

ROLES = ("holder", "company", "agent", "trustee", "arbitrator", "system")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$")
COMMON = ("option", "company", "holder", "id", "note")  # fields every command may take (its scope, its id, a note)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a command recorded: the decided events (the proposed one first), whether it was a retry of its key, the head."""

    events: list[ev.Event]
    replayed: bool
    head: Head


# ---------------------------------------------------------------- who, which, what id


def actor_of(given: str | None, default: str) -> str:
    """The actor given (checked: role:id with a known role), else the party the agreement expects."""
    actor = given if given not in (None, "") else default
    assert actor is not None
    role, _, ident = actor.partition(":")
    if role not in ROLES or (role != "system" and not ident.strip()):
        raise BadInput(f"actor: {actor!r} is not role:id with a role of {', '.join(ROLES)} (e.g. holder:gssf)", field="actor")
    return actor


def new_id(prefix: str, day: date, given: str | None = None) -> str:
    """The id given (checked), else PREFIX-YYYYMMDD-random."""
    if given not in (None, ""):
        assert given is not None
        if not _ID.match(given):
            raise BadInput(f"id: {given!r} is not a usable id (letters, digits, . _ : -)", field="id")
        return given
    return f"{prefix}-{day:%Y%m%d}-{secrets.token_hex(3)}"


def pick_option(state: BookState, option: str | None) -> str:
    if option:
        state.option(option)
        return option
    active = [o.option_no for o in state.options.values() if o.active]
    if len(active) == 1:
        return active[0]
    raise BadInput(f"--option: required, the source holds {len(active)} active options ({', '.join(active) or 'none'})", field="option")


def _pick_party(registered: Collection[str], given: str | None, what: str, plural: str) -> str:
    """The `what` (company or holder) named, which must be registered; else the only one there is."""
    known = ", ".join(sorted(registered)) or "none"
    if given:
        if given not in registered:
            raise BadInput(f"{what}: no {what} {given!r} (known: {known}); add one with 'warrantbook {what} add'", field=what)
        return given
    if len(registered) == 1:
        return next(iter(registered))
    raise BadInput(f"--{what}: required, the source holds {len(registered)} {plural} ({known})", field=what)


def pick_company(state: BookState, company: str | None) -> str:
    return _pick_party(state.companies.keys(), company, "company", "companies")


def pick_holder(state: BookState, holder: str | None) -> str:
    return _pick_party(state.holders.keys(), holder, "holder", "holders")


@dataclass
class Ctx:
    """One command's state, effective day, the option/company/holder it is about, and every field as typed."""

    state: BookState
    day: date
    fields: Mapping[str, Any]
    option_no: str = ""
    company: str = ""
    holder: str = ""

    def get(self, name: str) -> Any:
        return self.fields.get(name)


# ---------------------------------------------------------------- how a field is read

Reader = Callable[[Any, str, Ctx], Any]


def text(default: str = "") -> Reader:
    def read(value: Any, name: str, c: Ctx) -> Any:
        return default if value is None else str(value)
    return read


def required_text(value: Any, name: str, c: Ctx) -> str:
    if value is None or not str(value).strip():
        raise BadInput(f"{name}: required", field=name)
    return str(value)


def num(default: Fraction | None = None) -> Reader:
    def read(value: Any, name: str, c: Ctx) -> Any:
        got = parsers.number(value, name)
        return default if got is None else got
    return read


def required_num(value: Any, name: str, c: Ctx) -> Fraction:
    return parsers.required_number(value, name)


def flag(value: Any, name: str, c: Ctx) -> bool:
    return bool(value) and value not in ("", "off", "0", "false")


def whole(value: Any, name: str, c: Ctx) -> int | None:
    return parsers.whole(value, name)


def choice(enum: type[Enum], default: Any = None) -> Reader:
    def read(value: Any, name: str, c: Ctx) -> Any:
        if value in (None, ""):
            if default is None:
                raise BadInput(f"{name}: required, one of {', '.join(str(m.value) for m in enum)}", field=name)
            return default
        if isinstance(value, enum):
            return value
        try:
            return enum(str(value).strip())
        except ValueError:
            raise BadInput(f"{name}: {value!r} is not one of {', '.join(str(m.value) for m in enum)}", field=name) from None
    return read


def names(value: Any, name: str, c: Ctx) -> tuple[str, ...]:
    return tuple(parsers.items(value))


def actors(value: Any, name: str, c: Ctx) -> tuple[str, ...]:
    return tuple(actor_of(s, s) for s in parsers.items(value))


def address(required: bool = False) -> Reader:
    def read(value: Any, name: str, c: Ctx) -> Any:
        return parsers.address(value, name, required=required)
    return read


def _open_notice(value: Any, name: str, c: Ctx) -> str:
    """The notice named, else the one open exercise notice of the option (§2.1)."""
    if value:
        return str(value)
    pending = c.state.option(c.option_no).pending
    if len(pending) == 1:
        return pending[0].notice.id
    raise BadInput(f"--notice: required, option {c.option_no} has {len(pending)} open exercise notices "
                   f"({', '.join(p.notice.id for p in pending) or 'none'})", field="notice", clause="§2.1")


def _due_notice(value: Any, name: str, c: Ctx) -> str:
    """The exercise named, else the one whose delivery is due (§2.1)."""
    if value:
        return str(value)
    due = c.state.option(c.option_no).deliveries_due
    if len(due) != 1:
        raise BadInput(f"--notice: required, option {c.option_no} has {len(due)} deliveries due ({', '.join(d.notice for d in due) or 'none'})",
                       field="notice", clause="§2.1")
    return due[0].notice


def _pending(of: Callable[[OptionState], Any], what: str, clause: str) -> Callable[[Any, str, Ctx], str]:
    """The request named, else the option's one pending request of this kind (a §7 transfer, a §8 replacement)."""
    def pick(value: Any, name: str, c: Ctx) -> str:
        if value:
            return str(value)
        pending = of(c.state.option(c.option_no))
        if pending is None:
            raise BadInput(f"--request: option {c.option_no} has no pending {what}", field="request", clause=clause)
        return str(pending.id)
    return pick


_pending_transfer = _pending(lambda o: o.pending_transfer, "transfer", "§7")
_pending_replacement = _pending(lambda o: o.pending_replacement, "replacement request", "§8")


def _outstanding_before(value: Any, name: str, c: Ctx) -> Fraction:
    """Shares outstanding before a §4 event: as typed, else the ledger's count for the day (which §4 checks it against)."""
    from warrantbook.core.engine import outstanding_on

    if value not in (None, ""):
        return parsers.required_number(value, name)
    counted = outstanding_on(c.state, c.company, c.day)
    if counted is None:
        raise BadInput(f"--before: the ledger has no count of {c.company}'s shares outstanding on {c.day}; give it", field="before", clause="§4")
    return counted


def _exercised(value: Any, name: str, c: Ctx) -> Fraction | None:
    """Y of Exhibit A: a number, or 'max' (None) for the cashless maximum; left out only with the cashless method."""
    typed = "" if value is None else str(value).strip()
    if typed.lower() == "max":
        return None
    if not typed:
        if str(getattr(c.get("method"), "value", c.get("method")) or "") != PaymentMethod.CASHLESS.value:
            raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
        return None
    return parsers.required_number(typed, name)


def _delivery(value: Any, name: str, c: Ctx) -> ev.Delivery | None:
    return ev.Delivery(str(value), parsers.address(c.get("deliver_address"), "deliver_address")) if value else None


def _pieces(value: Any, name: str, c: Ctx) -> tuple[ev.TransferPiece, ...]:
    got = parsers.pieces(value)
    if not got:
        raise BadInput("piece: one per transferee, HOLDER=PERCENT% or HOLDER=SHARES", field="piece", clause="§7")
    return got


def _basket(value: Any, name: str, c: Ctx) -> tuple[ev.BasketItem, ...]:
    return parsers.basket(value, c.get("cash"), c.get("prop"))


def _functions(value: Any, name: str, c: Ctx) -> frozenset[ev.AgentFunction]:
    read = choice(ev.AgentFunction)
    got = [read(x, name, c) for x in parsers.items(value)]
    return frozenset(got) if got else frozenset(ev.AgentFunction)


def _not(value: Any, name: str, c: Ctx) -> bool:
    return not flag(value, name, c)


def _methods(value: Any, name: str, c: Ctx) -> frozenset[PaymentMethod]:
    read = choice(PaymentMethod)
    got = [read(x, name, c) for x in parsers.items(value)]
    return frozenset(got) if got else frozenset(PaymentMethod)


# ---------------------------------------------------------------- composite fields: the terms (§1.1, §14)


def _issue_terms(fields: Mapping[str, Any], c: Ctx) -> dict[str, Any]:
    tranches = parsers.tranches(fields.get("tranche"), fields.get("shares"), fields.get("price"))
    if not tranches:
        raise BadInput("give --shares and --price, or --tranche SHARES@PRICE", field="shares", clause="§1.1")
    option = str(fields.get("option") or "")
    if not option:
        raise BadInput("option: required (the new option's number)", field="option", clause="§1.1")
    expiration = parsers.day(fields.get("expiration"), "expiration")
    voids = fields.get("default_voids")
    terms = Terms(company=c.company, issue_date=c.day, tranches=tranches, option_no=option,
                  option_no_on_instrument=flag(fields.get("number_on_instrument"), "number_on_instrument", c),
                  expiration=Expiration(expiration, "stated in the terms") if expiration else Expiration(),
                  cap=parsers.cap(flag(fields.get("no_cap"), "no_cap", c), fields.get("cap"), fields.get("waiver_days"),
                                  flag(fields.get("no_waiver"), "no_waiver", c), fields.get("hard_ceiling"), True if voids is None else bool(voids),
                                  None),
                  delivery_days=parsers.whole(fields.get("delivery_days"), "delivery_days") or 3,
                  payment_methods=_methods(fields.get("method"), "method", c))
    holder = str(fields.get("holder") or "")
    if not holder:
        raise BadInput("holder: required (the registered holder it is issued to)", field="holder", clause="§1.1")
    return {"option_no": option, "holder": holder, "terms": terms}


def _amended_terms(fields: Mapping[str, Any], c: Ctx) -> dict[str, Any]:
    o = c.state.option(c.option_no)
    terms = o.terms
    expiration = parsers.day(fields.get("expiration"), "expiration")
    if expiration is not None:
        terms = replace(terms, expiration=Expiration(expiration, f"amendment of {c.day}"))
    no_cap = flag(fields.get("no_cap"), "no_cap", c)
    if no_cap or any(fields.get(n) not in (None, "") for n in ("cap", "waiver_days", "hard_ceiling")):
        base = terms.cap
        terms = replace(terms, cap=parsers.cap(no_cap, fields.get("cap"), fields.get("waiver_days"), False, fields.get("hard_ceiling"),
                                               base.void_on_default if base else True, base))
    delivery_days = parsers.whole(fields.get("delivery_days"), "delivery_days")
    if delivery_days is not None:
        terms = replace(terms, delivery_days=delivery_days)
    tranches = parsers.tranches(fields.get("tranche"))
    if tranches:
        terms = replace(terms, tranches=tranches)
    if terms == o.terms:
        raise BadInput("amend: no change given (--expiration, --cap, --no-cap, --waiver-days, --hard-ceiling, --delivery-days, --tranche)",
                       field="terms", clause="§14")
    binds = tuple(parsers.items(fields.get("binds"))) or (f"holder:{o.holder}", f"company:{o.company}")
    signed = tuple(parsers.items(fields.get("signed_by")))
    if not signed:
        raise BadInput("signed_by: every party the change binds signs it (§14); give at least one", field="signed_by", clause="§14")
    return {"terms": terms, "binds": binds, "signed_by": signed}


def _company(fields: Mapping[str, Any], c: Ctx) -> dict[str, Any]:
    ident = str(fields.get("company_id") or fields.get("company") or "")
    if not ident:
        raise BadInput("company_id: required (a short id, e.g. atg)", field="company_id")
    return {"company": Company(ident, required_text(fields.get("name"), "name", c), str(fields.get("state") or ""),
                               parsers.address(fields.get("office"), "office"),
                               str(fields.get("attention") or "Chief Financial Officer"), parsers.number(fields.get("par_value"), "par_value"))}


def _holder(fields: Mapping[str, Any], c: Ctx) -> dict[str, Any]:
    ident = str(fields.get("holder_id") or fields.get("holder") or "")
    if not ident:
        raise BadInput("holder_id: required (a short id, e.g. gssf)", field="holder_id")
    return {"holder": Holder(ident, required_text(fields.get("name"), "name", c), parsers.address(fields.get("address")),
                             str(fields.get("group") or ""))}


# ---------------------------------------------------------------- the declarations


@dataclass(frozen=True)
class Arg:
    """One field of a command: its name as typed (the CLI option's parameter), how it is read, the event field it fills."""

    name: str
    read: Reader = field(default_factory=text)
    to: str | None = None  # the event's field when it differs from `name`
    # for a command line generated from the declaration (Command.cli): the option's help, its Python type, its default
    help: str = ""
    type: Any = None  # str | None when not given; bool for a flag; list[str] | None for a repeated option
    default: Any = None

    @property
    def target(self) -> str:
        return self.to or self.name


@dataclass(frozen=True)
class Command:
    """One recording command: the event it proposes, the fields it reads, and where its defaults come from.

    scope: "option" (fields["option"], or the one active option), "company", "holder", "holder+company", or "" (the
    command names its own party). `assemble` builds composite fields (the terms) from several typed fields."""

    name: str
    kind: type[ev.Event]
    scope: str
    prefix: str
    args: tuple[Arg, ...] = ()
    assemble: Callable[[Mapping[str, Any], Ctx], dict[str, Any]] | None = None
    default_actor: Callable[[Ctx], str] | None = None
    irrevocable: bool = False  # the web asks for a confirmation before recording it
    summary: str = ""
    cli: tuple[str, ...] = ()  # the command line generated from this declaration, e.g. ("waiver-notice",) or ("acknowledge", "give")
    help: str = ""  # its help, with an example (cli.md): "Example: warrantbook ..."

    @property
    def event_kind(self) -> str:
        return self.kind.kind

    def field_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.args)


def _arbitrator(c: Ctx) -> str:
    name = str(c.get("arbitrator") or "")
    return f"arbitrator:{name}" if name else ev.default_actor(ev.FmvAwarded)


_PLACE = text("company")
_NOTICE = Arg("notice", _open_notice)

DECLARED: tuple[Command, ...] = (
    # parties and facts
    Command("company-add", ev.CompanyRegistered, "", "company", (Arg("company_id", to=""), Arg("name", to=""), Arg("state", to=""),
            Arg("office", to=""), Arg("attention", to=""), Arg("par_value", to="")), _company, summary="Register a company"),
    Command("holder-add", ev.HolderRegistered, "", "holder", (Arg("holder_id", to=""), Arg("name", to=""), Arg("address", to=""),
            Arg("group", to="")), _holder, summary="Register a holder"),
    Command("agent-appoint", ev.AgentAppointed, "company", "agent", (Arg("name", required_text), Arg("office", address(True)),
            Arg("function", _functions, to="functions")), summary="Appoint an option agent (§11)"),
    Command("address", ev.AddressFurnished, "holder", "address", (Arg("address", address(True)),), summary="Furnish an address (§13)"),
    Command("outstanding", ev.SharesOutstanding, "company", "outstanding", (Arg("shares", required_num), Arg("source_", to="source")),
            summary="Shares outstanding (§4, §10)"),
    Command("authorized", ev.AuthorizedShares, "company", "authorized", (Arg("shares", required_num), Arg("source_", to="source")),
            summary="Authorized shares (§6)"),
    Command("ownership", ev.BeneficialOwnership, "holder+company", "ownership", (Arg("shares", required_num), Arg("source_", to="source")),
            summary="Beneficial ownership (§10)"),
    Command("listing", ev.Listed, "company", "listing", (Arg("venue", choice(Venue)),), summary="Where the stock trades (§1.2)"),
    Command("fmv-agree", ev.FmvAgreed, "company", "fmv-agreement", (Arg("value", required_num), Arg("agreed_by", names)),
            summary="FMV agreed (§1.2(c))"),
    Command("fmv-award", ev.FmvAwarded, "company", "fmv-award", (Arg("value", required_num), Arg("arbitrator"), Arg("case")),
            default_actor=_arbitrator, summary="FMV awarded (§1.2(c))"),
    Command("liquidation", ev.LiquidationAmount, "company", "liquidation", (Arg("amount", required_num), Arg("source_", to="source")),
            summary="Liquidation amount (§1.2(d))"),
    # the option's life
    Command("issue", ev.OptionIssued, "company", "issue", tuple(Arg(n, to="") for n in (
            "shares", "price", "tranche", "expiration", "cap", "no_cap", "waiver_days", "no_waiver", "hard_ceiling", "default_voids",
            "delivery_days", "method", "number_on_instrument")), _issue_terms, summary="Issue an option (§1.1)"),
    Command("exercise-notice", ev.ExerciseNoticeReceived, "option", "notice", (
            Arg("shares", _exercised), Arg("method", choice(PaymentMethod, PaymentMethod.CASH)), Arg("channel", choice(ev.Channel, ev.Channel.ORIGINAL)),
            Arg("cash", num()), Arg("cancel", num(), to="cancel_shares"), Arg("stock_shares", num()), Arg("stated_fmv", num()),
            Arg("deliver_to", _delivery), Arg("deliver_address", to=""), Arg("tranche", whole)), irrevocable=True,
            summary="Exercise notice (Exhibit A)"),
    Command("exercise-surrender", ev.OptionSurrendered, "option", "surrender", (_NOTICE, Arg("place", _PLACE)), summary="Surrender (§2.1)"),
    Command("exercise-pay", ev.PaymentReceived, "option", "payment", (
            Arg("cash", num(Fraction(0))), Arg("stock_shares", num(Fraction(0))), Arg("instrument", text("cash")), _NOTICE),
            summary="Payment (§2.2(a))"),
    Command("deliver", ev.SharesDelivered, "option", "delivery", (
            Arg("certificate", names, to="certificates"), Arg("book_entry", flag), Arg("issued_in_name"), Arg("cash_paid", num(Fraction(0))),
            Arg("transfer_taxes_paid", flag), Arg("notice", _due_notice)), irrevocable=True, summary="Delivery of shares (§2.1)"),
    Command("stock-event", ev.StockEvent, "company", "stock-event", (
            Arg("kind", choice(ev.StockEventKind), to="event"), Arg("after", required_num, to="outstanding_after"),
            Arg("before", _outstanding_before, to="outstanding_before"), Arg("consideration", text("none"))),
            summary="Stock dividend, split or combination (§4)"),
    Command("reorganize", ev.Reorganized, "company", "reorganization", (
            Arg("successor", required_text), Arg("transaction", choice(ev.ReorganizationKind, ev.ReorganizationKind.MERGER)),
            Arg("security", _basket, to="basket"), Arg("cash", to=""), Arg("prop", to=""), Arg("ends", _not, to="continues"),
            Arg("successor_company")), irrevocable=True, summary="Reorganization (§3.1)"),
    Command("dissolve", ev.Dissolved, "company", "dissolution", irrevocable=True, summary="Dissolution (§3.2)", cli=("dissolve",),
            help="Record the company's dissolution after a transfer of its assets (§3.2).\n\n"
                 "Example: warrantbook dissolve --company atg --on 2008-06-30"),
    Command("dissolution-delivery", ev.DissolutionDelivered, "option", "dissolution-delivery", (
            Arg("to_trustee", flag), Arg("price_received", num(Fraction(0))), Arg("description")), irrevocable=True,
            summary="Delivery on dissolution (§3.2)"),
    Command("trustee", ev.TrusteeDesignated, "option", "trustee", (
            Arg("name", required_text), Arg("office", address(True), to="principal_office"), Arg("bank", flag, to="bank_or_trust_company")),
            summary="Designate a trustee (§3.2)"),
    Command("transfer-request", ev.TransferRequested, "option", "transfer", (
            Arg("piece", _pieces, to="pieces"), Arg("endorsed", flag, to="endorsement_signed"), Arg("witness", to="witnessed_by"),
            Arg("original_surrendered", flag), Arg("opinion", flag, to="opinion_received"), Arg("taxes_paid", flag, to="transfer_taxes_paid")),
            irrevocable=True, summary="Transfer request (§7, Exhibit B)"),
    Command("transfer-register", ev.TransferRegistered, "option", "transfer-registration", (
            Arg("new_option", names, to="new_options"), Arg("request", _pending_transfer)), irrevocable=True,
            summary="Register the transfer (§7, §12)"),
    Command("replace-request", ev.ReplacementRequested, "option", "replacement-request", (
            Arg("cause", choice(ev.ReplacementCause)), Arg("evidence"), Arg("indemnity", num()), Arg("indemnity_form"),
            Arg("original_surrendered", flag)), summary="Replacement request (§8)"),
    Command("replace-issue", ev.ReplacementIssued, "option", "replacement", (
            Arg("new_option", required_text), Arg("request", _pending_replacement)), irrevocable=True, summary="Issue the replacement (§8)"),
    Command("waiver-notice", ev.WaiverNoticeReceived, "option", "waiver", irrevocable=True, summary="Waiver notice of the cap (§10)",
            cli=("waiver-notice",), help="Record the holder's notice waiving the §10 cap (it falls away at the end of the notice period).\n\n"
                                         "Example: warrantbook waiver-notice --option ATG-3 --on 2006-07-03"),
    Command("default-notice", ev.DefaultNoticeReceived, "option", "default", (
            Arg("default", help="Which Event of Default under the Security Agreement.", type=str, default=""),),
            summary="Notice of an Event of Default (§10)", cli=("default-notice",),
            help="Record the holder's notice of an Event of Default, which voids the cap while it continues (§10).\n\n"
                 'Example: warrantbook default-notice --option ATG-3 --default "payment default under the Security Agreement" --on 2007-02-01'),
    Command("default-cure", ev.DefaultCured, "option", "cure", (
            Arg("signed_by", actors, help="A countersignature (role:id), e.g. the holder's when the company records the cure; repeat.",
                type=list[str] | None),), summary="Event of Default cured (§10)", cli=("default-cure",),
            help="Record the cure of a continuing Event of Default (§10). It brings the cap back against the holder, so the holder "
                 "records it, or signs the company's record (--signed-by holder:ID).\n\n"
                 "Example: warrantbook default-cure --option ATG-3 --on 2007-03-01\n"
                 "Example: warrantbook default-cure --option ATG-3 --actor company:atg --signed-by holder:gssf --on 2007-03-01"),
    Command("notice-send", ev.NoticeSent, "option", "notice-sent", (
            Arg("subject", required_text), Arg("addressee", to=""), Arg("address", to=""),
            Arg("mail", choice(ev.MailClass, ev.MailClass.CERTIFIED), to="mail_class"), Arg("tracking"), Arg("regarding"),
            Arg("recipient", text("holder"), to="recipient_role")), summary="Notice mailed (§13)"),
    Command("amend", ev.Amended, "option", "amendment", tuple(Arg(n, to="") for n in (
            "signed_by", "binds", "expiration", "cap", "no_cap", "waiver_days", "hard_ceiling", "delivery_days", "tranche")), _amended_terms,
            default_actor=lambda c: ev.default_actor(ev.Amended, company=c.company), irrevocable=True, summary="Amend the terms (§14)"),
    Command("acknowledge-request", ev.AcknowledgmentRequested, "option", "ack-request", summary="Ask for the acknowledgment (§1.3)",
            cli=("acknowledge", "request"), help="Record the holder's request that the company acknowledge its continuing obligations "
                                                 "(§1.3).\n\nExample: warrantbook acknowledge request --option ATG-3 --on 2006-08-01"),
    Command("acknowledge-give", ev.AcknowledgmentGiven, "option", "ack", (
            Arg("request", help="The request's id (default: the oldest open one).", type=str, default=""),),
            summary="Give the acknowledgment (§1.3)", cli=("acknowledge", "give"),
            help="Record the company's acknowledgment of its continuing obligations (§1.3).\n\n"
                 "Example: warrantbook acknowledge give --option ATG-3 --on 2006-08-03"),
)


def _notice_address(fields: Mapping[str, Any], c: Ctx) -> dict[str, Any]:
    """§13: to the address given, else the one last furnished for the holder."""
    lines = parsers.address(fields.get("address"))
    to = str(fields.get("addressee") or "") or None
    if lines is None or to is None:
        last = c.state.last_address(c.state.option(c.option_no).holder, c.option_no)
        if last is None:
            raise BadInput("--address: no address has been furnished (§13); give --addressee and --address", field="address", clause="§13")
        to = to or last[0]
        lines = lines or last[1]
    return {"addressee": to, "address": lines}


COMMANDS: dict[str, Command] = {c.name: c for c in DECLARED}
COMMANDS["notice-send"] = replace(COMMANDS["notice-send"], assemble=_notice_address)
BY_KIND: dict[str, Command] = {c.event_kind: c for c in COMMANDS.values()}
PREFIX: dict[str, str] = {c.event_kind: c.prefix for c in COMMANDS.values()}


# ---------------------------------------------------------------- from fields to the event, and recorded


def _context(state: BookState, cmd: Command, fields: Mapping[str, Any], day: date) -> Ctx:
    c = Ctx(state, day, fields)
    if cmd.scope == "option":
        c.option_no = pick_option(state, fields.get("option") or None)
        o = state.option(c.option_no)
        c.company, c.holder = o.company, o.holder
    if "company" in cmd.scope:
        c.company = pick_company(state, fields.get("company") or None)
    if "holder" in cmd.scope:
        c.holder = pick_holder(state, fields.get("holder") or None)
    return c


def _actor(cmd: Command, c: Ctx, fields: Mapping[str, Any]) -> str:
    if cmd.default_actor is not None:
        return cmd.default_actor(c)
    if cmd.kind is ev.CompanyRegistered:
        return ev.default_actor(cmd.kind, company=str(fields.get("company_id") or fields.get("company") or ""))
    if cmd.kind is ev.HolderRegistered:
        return ev.default_actor(cmd.kind, holder=str(fields.get("holder_id") or fields.get("holder") or ""))
    return ev.default_actor(cmd.kind, holder=c.holder, company=c.company)


def command(name: str) -> Command:
    cmd = COMMANDS.get(name) or BY_KIND.get(name)
    if cmd is None:
        raise BadInput(f"command: unknown command {name!r} (known: {', '.join(sorted(COMMANDS))})", field="command")
    return cmd


def propose(state: BookState, name: str, fields: Mapping[str, Any], *, on: date, actor: str | None = None) -> ev.Event:
    """The event a command proposes from the fields as typed: nothing is decided or recorded here."""
    cmd = command(name)
    unknown = sorted(set(fields) - set(cmd.field_names()) - set(COMMON))
    if unknown:
        raise BadInput(f"{unknown[0]}: not a field of {cmd.name} (its fields: {', '.join(cmd.field_names()) or 'none'})", field=unknown[0])
    c = _context(state, cmd, fields, on)
    data: dict[str, Any] = {}
    for arg in cmd.args:
        if arg.to == "":
            continue
        data[arg.target] = arg.read(fields.get(arg.name), arg.name, c)
    if cmd.assemble is not None:
        data.update(cmd.assemble(fields, c))
    names = set(ev.REGISTRY[cmd.event_kind].__dataclass_fields__)
    if "option_no" in names and cmd.scope == "option":
        data["option_no"] = c.option_no
    if "company" in names and "company" in cmd.scope:
        data["company"] = c.company
    if "issuer" in names:
        data["issuer"] = c.company
    if "holder" in names and "holder" in cmd.scope:
        data["holder"] = c.holder
    prefix = cmd.prefix
    if cmd.kind in (ev.CompanyRegistered, ev.HolderRegistered):
        party = data["company"] if cmd.kind is ev.CompanyRegistered else data["holder"]
        prefix = f"{prefix}-{party.id}"
    return cmd.kind(id=new_id(prefix, on, fields.get("id") or None), on=on, actor=actor_of(actor, _actor(cmd, c, fields)),
                    note=str(fields.get("note") or ""), **data)


def record(source: Source, command_name: str, fields: Mapping[str, Any], *, on: date, actor: str | None = None,
           idempotency_key: str | None = None, acted_by: str | None = None) -> Recorded:
    """Propose the command's event from the fields and record it through the source (decided there, all or nothing)."""
    event = propose(source.state(), command_name, fields, on=on, actor=actor)
    return record_event(source, event, idempotency_key=idempotency_key, acted_by=acted_by)


def record_event(source: Source, event: ev.Event, *, idempotency_key: str | None = None, acted_by: str | None = None) -> Recorded:
    """Record an event already proposed (shown to its author first, say) through the source, which decides it."""
    from warrantbook.book.io import check_names

    check_names(event)
    decided = source.record(event, idempotency_key=idempotency_key, acted_by=acted_by)
    return Recorded(decided, source.replayed, source.head())
