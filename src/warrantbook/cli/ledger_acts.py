"""Commands that record what people do with an option: issue, exercise, deliver, transfer, replace, notices.

Each builds the event the agreement names and records it through the source, which decides it (core) and
refuses with the section when the agreement forbids it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Annotated

import typer

from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OnOpt, OptionOpt, handle_errors, parse_day
from warrantbook.cli.ledger_common import (
    ActorOpt,
    CompanyOpt,
    Ctx,
    IdemOpt,
    IdOpt,
    LinesOpt,
    NoteOpt,
    actor_of,
    address_of,
    ctx,
    new_id,
    number,
    pick_company,
    record,
)
from warrantbook.core import events as ev
from warrantbook.core.engine import outstanding_on
from warrantbook.core.errors import BadInput
from warrantbook.core.numbers import exact
from warrantbook.core.terms import Cap, Expiration, PaymentMethod, Terms, Tranche

exercise_app = typer.Typer(help="The exercise steps of §2: the notice, the surrender and the payment.", no_args_is_help=True,
                           rich_markup_mode=None)
transfer_app = typer.Typer(help="Transfer of an option (§7, §12): the request with Exhibit B, then its registration.",
                           no_args_is_help=True, rich_markup_mode=None)
replace_app = typer.Typer(help="Replacement of a lost, stolen, destroyed or mutilated option (§8).", no_args_is_help=True,
                          rich_markup_mode=None)
acknowledge_app = typer.Typer(help="The §1.3 acknowledgment of continuing obligations: the holder's request, the company's answer.",
                              no_args_is_help=True, rich_markup_mode=None)


def _actor_for(c: Ctx, kind: type[ev.Event], no: str, actor: str | None) -> str:
    """The actor given, else the party events.GIVEN_BY names first for this kind of event on option `no`."""
    o = c.state.option(no)
    return actor_of(actor, ev.default_actor(kind, holder=o.holder, company=o.company))


def _tranches(values: list[str] | None, shares: str | None, price: str | None) -> tuple[Tranche, ...]:
    out: list[Tranche] = []
    for i, text in enumerate(values or []):
        left, sep, right = text.partition("@")
        if not sep:
            raise BadInput(f"tranche[{i}]: {text!r} is not SHARES@PRICE (e.g. 140250000@0.00001)", field="tranche", clause="§1.1")
        out.append(Tranche(exact(left, f"tranche[{i}].shares"), exact(right, f"tranche[{i}].exercise_price")))
    if shares is not None or price is not None:
        if shares is None or price is None:
            raise BadInput("--shares and --price go together (or use --tranche SHARES@PRICE)", field="shares" if shares is None else "price")
        out.append(Tranche(exact(shares, "shares"), exact(price, "price")))
    return tuple(out)


def _cap(no_cap: bool, cap: str | None, waiver_days: int | None, no_waiver: bool, hard_ceiling: str | None,
         default_voids: bool, base: Cap | None) -> Cap | None:
    if no_cap:
        return None
    current = base or Cap()
    if cap is not None:
        current = replace(current, percent=exact(cap, "cap"))
    if no_waiver:
        current = replace(current, waiver_notice_days=None)
    elif waiver_days is not None:
        current = replace(current, waiver_notice_days=waiver_days)
    if hard_ceiling is not None:
        current = replace(current, hard_ceiling=exact(hard_ceiling, "hard_ceiling"))
    return replace(current, void_on_default=default_voids)


def _methods(values: list[PaymentMethod] | None) -> frozenset[PaymentMethod]:
    return frozenset(values) if values else frozenset(PaymentMethod)


@handle_errors
def issue(
    option: Annotated[str, typer.Option("--option", help="The new option's number.")],
    holder: Annotated[str, typer.Option("--holder", help="The registered holder it is issued to.")],
    company: CompanyOpt = None,
    shares: Annotated[str | None, typer.Option("--shares", help="Shares purchasable (one tranche).", show_default=False)] = None,
    price: Annotated[str | None, typer.Option("--price", help="Exercise price per share, e.g. 0.00001.", show_default=False)] = None,
    tranche: Annotated[list[str] | None, typer.Option("--tranche", help="SHARES@PRICE; repeat for several price tranches.",
                                                      show_default=False)] = None,
    expiration: Annotated[str | None, typer.Option("--expiration", help="Expiration Date, when the terms state one (YYYY-MM-DD).",
                                                   show_default=False)] = None,
    cap: Annotated[str | None, typer.Option("--cap", help="§10 cap on beneficial ownership (default 4.99%).", show_default=False)] = None,
    no_cap: Annotated[bool, typer.Option("--no-cap", help="These terms have no §10 cap.")] = False,
    waiver_days: Annotated[int | None, typer.Option("--waiver-days", help="Days after a waiver notice the cap falls away (default 75).",
                                                    show_default=False)] = None,
    no_waiver: Annotated[bool, typer.Option("--no-waiver", help="The cap cannot be waived by notice.")] = False,
    hard_ceiling: Annotated[str | None, typer.Option("--hard-ceiling", help="A second limit no waiver lifts, e.g. 19.99%.",
                                                     show_default=False)] = None,
    default_voids: Annotated[bool, typer.Option("--default-voids-cap/--default-keeps-cap",
                                                help="Whether an Event of Default notice voids the cap (§10).")] = True,
    delivery_days: Annotated[int, typer.Option("--delivery-days", help="Business days to deliver after exercise (§2.1).")] = 3,
    method: Annotated[list[PaymentMethod] | None, typer.Option("--method", help="Allowed payment methods; repeat (default all).",
                                                               show_default=False)] = None,
    number_on_instrument: Annotated[bool, typer.Option("--number-on-instrument",
                                                       help="The number is printed on the instrument (else it is ours).")] = False,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Issue an option to a holder (§1.1): shares, price, cap and the other terms.

    Example: warrantbook issue --option ATG-1 --holder gssf --company atg --shares 140250000 --price 0.00001 --on 2005-09-07
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    tranches = _tranches(tranche, shares, price)
    if not tranches:
        raise BadInput("give --shares and --price, or --tranche SHARES@PRICE", field="shares", clause="§1.1")
    terms = Terms(company=company_id, issue_date=c.day, tranches=tranches, option_no=option, option_no_on_instrument=number_on_instrument,
                  expiration=Expiration(_day(expiration, "expiration"), "stated in the terms") if expiration else Expiration(),
                  cap=_cap(no_cap, cap, waiver_days, no_waiver, hard_ceiling, default_voids, None), delivery_days=delivery_days,
                  payment_methods=_methods(method))
    e = ev.OptionIssued(id=new_id("issue", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.OptionIssued, company=company_id)), note=note,
                        option_no=option, holder=holder, terms=terms)
    record(c, e, idem=idempotency_key, as_json=as_json)


def _day(value: str | None, field: str) -> date | None:
    return parse_day(value, field) if value else None


@exercise_app.command("notice")
@handle_errors
def exercise_notice(
    shares: Annotated[str, typer.Option("--shares", help="Option shares to exercise (Y), or 'max' for the cashless maximum.")],
    method: Annotated[PaymentMethod, typer.Option("--method", help="cash, stock, cashless or combination.")] = PaymentMethod.CASH,
    channel: Annotated[ev.Channel, typer.Option("--channel", help="How the notice arrived: fax or original.")] = ev.Channel.ORIGINAL,
    cash: Annotated[str | None, typer.Option("--cash", help="Combination: cash paid.", show_default=False)] = None,
    cancel: Annotated[str | None, typer.Option("--cancel", help="Combination: option shares cancelled (W).", show_default=False)] = None,
    stock_shares: Annotated[str | None, typer.Option("--stock-shares", help="Combination: common shares delivered as payment.",
                                                     show_default=False)] = None,
    stated_fmv: Annotated[str | None, typer.Option("--stated-fmv", help="The FMV the holder wrote on the form, if any.",
                                                   show_default=False)] = None,
    deliver_to: Annotated[str | None, typer.Option("--deliver-to", help="Name the certificates are issued to (Exhibit A).",
                                                   show_default=False)] = None,
    deliver_address: LinesOpt = None,
    tranche: Annotated[int | None, typer.Option("--tranche", help="Price tranche (0-based).", show_default=False)] = None,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's exercise notice (Exhibit A), irrevocable from receipt (§1.1).

    Example: warrantbook exercise notice --option ATG-3 --shares 10000000 --method cashless --channel fax --on 2006-10-02
    """
    c = ctx(book, db, on)
    no = c.option(option)
    y = None if shares.strip().lower() == "max" else exact(shares, "shares")
    delivery = ev.Delivery(deliver_to, address_of(deliver_address)) if deliver_to else None
    e = ev.ExerciseNoticeReceived(id=new_id("notice", c.day, event_id), on=c.day, actor=_actor_for(c, ev.ExerciseNoticeReceived, no, actor), note=note,
                                  option_no=no, channel=channel, shares=y, method=method, cash=number(cash, "cash"),
                                  cancel_shares=number(cancel, "cancel"), stock_shares=number(stock_shares, "stock_shares"),
                                  stated_fmv=number(stated_fmv, "stated_fmv"), deliver_to=delivery, tranche=tranche)
    record(c, e, idem=idempotency_key, as_json=as_json)


def _notice(c: Ctx, no: str, notice: str | None) -> str:
    if notice:
        return notice
    pending = c.state.option(no).pending
    if len(pending) == 1:
        return pending[0].notice.id
    raise BadInput(f"--notice: required, option {no} has {len(pending)} open exercise notices "
                   f"({', '.join(p.notice.id for p in pending) or 'none'})", field="notice", clause="§2.1")


NoticeOpt = Annotated[str | None, typer.Option("--notice", help="The exercise notice's id; may be left out when one is open.",
                                               show_default=False)]


@exercise_app.command("surrender")
@handle_errors
def exercise_surrender(
    notice: NoticeOpt = None,
    place: Annotated[str, typer.Option("--place", help="company (principal office) or agent (§11 office).")] = "company",
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the surrender of the option for an exercise (§2.1); completes a cashless exercise.

    Example: warrantbook exercise surrender --option ATG-3 --notice notice-20061002-1a2b3c --on 2006-10-02
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.OptionSurrendered(id=new_id("surrender", c.day, event_id), on=c.day, actor=_actor_for(c, ev.OptionSurrendered, no, actor), note=note,
                             option_no=no, notice=_notice(c, no, notice), place=place)
    record(c, e, idem=idempotency_key, as_json=as_json)


@exercise_app.command("pay")
@handle_errors
def exercise_pay(
    cash: Annotated[str | None, typer.Option("--cash", help="Cash received.", show_default=False)] = None,
    stock_shares: Annotated[str | None, typer.Option("--stock-shares", help="Shares of common stock received as payment.",
                                                     show_default=False)] = None,
    instrument: Annotated[str, typer.Option("--instrument", help="cash, certified check, official bank check or wire.")] = "cash",
    notice: NoticeOpt = None,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record a payment of the exercise price (§2.2(a)); completes the exercise once surrendered and paid.

    Example: warrantbook exercise pay --option ATG-3 --cash 50.00 --instrument wire --on 2006-07-10
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.PaymentReceived(id=new_id("payment", c.day, event_id), on=c.day, actor=_actor_for(c, ev.PaymentReceived, no, actor), note=note,
                           option_no=no, notice=_notice(c, no, notice), cash=number(cash, "cash") or Fraction(0),
                           stock_shares=number(stock_shares, "stock_shares") or Fraction(0), instrument=instrument)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def deliver(
    certificate: Annotated[list[str] | None, typer.Option("--certificate", help="Certificate number; repeat for each.",
                                                          show_default=False)] = None,
    book_entry: Annotated[bool, typer.Option("--book-entry", help="Delivered by book entry instead of certificates.")] = False,
    issued_in_name: Annotated[str, typer.Option("--issued-in-name", help="Name the shares were issued in (default the holder).")] = "",
    cash_paid: Annotated[str, typer.Option("--cash-paid", help="Cash in lieu of a fraction paid.")] = "0",
    transfer_taxes_paid: Annotated[bool, typer.Option("--transfer-taxes-paid",
                                                      help="The holder paid transfer taxes (shares issued in another name).")] = False,
    notice: NoticeOpt = None,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the delivery of the shares and cash in lieu after an exercise (§2.1).

    Example: warrantbook deliver --option ATG-3 --certificate C-1041 --cash-paid 0.01 --on 2006-04-05
    """
    c = ctx(book, db, on)
    no = c.option(option)
    if notice is None:
        due = c.state.option(no).deliveries_due
        if len(due) != 1:
            raise BadInput(f"--notice: required, option {no} has {len(due)} deliveries due ({', '.join(d.notice for d in due) or 'none'})",
                           field="notice", clause="§2.1")
        notice = due[0].notice
    e = ev.SharesDelivered(id=new_id("delivery", c.day, event_id), on=c.day, actor=_actor_for(c, ev.SharesDelivered, no, actor), note=note,
                           option_no=no, notice=notice, certificates=tuple(certificate or ()), book_entry=book_entry,
                           issued_in_name=issued_in_name, cash_paid=exact(cash_paid, "cash_paid"), transfer_taxes_paid=transfer_taxes_paid)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def stock_event(
    kind: Annotated[ev.StockEventKind, typer.Option("--kind", help="dividend-on-common, dividend-on-preferred, subdivision or combination.")],
    after: Annotated[str, typer.Option("--after", help="Shares outstanding after the event.")],
    before: Annotated[str | None, typer.Option("--before", help="Shares outstanding before the event (default: the ledger's count "
                                                "for that day, which §4 checks it against).", show_default=False)] = None,
    company: CompanyOpt = None,
    consideration: Annotated[str, typer.Option("--consideration", help="What the company received (§5(a)).")] = "none",
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record a stock dividend, split or combination (§4); every option of the company adjusts.

    --on is the record date of a dividend or the effective date of a split or combination.
    Example: warrantbook stock-event --company atg --kind subdivision --after 2400000000 --on 2006-01-10
    """
    c = ctx(book, db, on)
    issuer = pick_company(c.state, company)
    counted = outstanding_on(c.state, issuer, c.day) if before is None else exact(before, "before")
    if counted is None:
        raise BadInput(f"--before: the ledger has no count of {issuer}'s shares outstanding on {c.day}; give it", field="before", clause="§4")
    e = ev.StockEvent(id=new_id("stock-event", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.StockEvent, company=issuer)), note=note,
                      issuer=issuer, event=kind, outstanding_before=counted,
                      outstanding_after=exact(after, "after"),
                      consideration=consideration)
    record(c, e, idem=idempotency_key, as_json=as_json)


def _basket(securities: list[str] | None, cash: str | None, properties: list[str] | None) -> tuple[ev.BasketItem, ...]:
    items: list[ev.BasketItem] = []
    for i, text in enumerate(securities or []):
        issuer, sep, qty = text.partition("=")
        if not sep or not issuer.strip():
            raise BadInput(f"security[{i}]: {text!r} is not ISSUER=QUANTITY (e.g. newco=0.5)", field="security", clause="§3.1")
        items.append(ev.BasketItem(ev.ItemKind.SECURITY, exact(qty, f"security[{i}].quantity"), issuer=issuer.strip(),
                                   description=f"common stock of {issuer.strip()}"))
    if cash is not None:
        items.append(ev.BasketItem(ev.ItemKind.CASH, exact(cash, "cash"), description="cash"))
    for i, text in enumerate(properties or []):
        desc, sep, rest = text.partition("=")
        qty, sep2, value = rest.partition("@")
        if not sep or not sep2:
            raise BadInput(f"property[{i}]: {text!r} is not DESCRIPTION=QUANTITY@UNIT_VALUE", field="property", clause="§3.1")
        items.append(ev.BasketItem(ev.ItemKind.PROPERTY, exact(qty, f"property[{i}].quantity"), description=desc.strip(),
                                   unit_value=exact(value, f"property[{i}].unit_value")))
    return tuple(items)


@handle_errors
def reorganize(
    successor: Annotated[str, typer.Option("--successor", help="Who now owes the option (definition (a)).")],
    transaction: Annotated[ev.ReorganizationKind, typer.Option("--transaction", help="reorganization, consolidation, merger or asset-transfer.")]
    = ev.ReorganizationKind.MERGER,
    security: Annotated[list[str] | None, typer.Option("--security", help="ISSUER=QUANTITY of a security per share; repeat.",
                                                       show_default=False)] = None,
    cash: Annotated[str | None, typer.Option("--cash", help="Cash per share.", show_default=False)] = None,
    prop: Annotated[list[str] | None, typer.Option("--property", help="DESCRIPTION=QUANTITY@UNIT_VALUE per share; repeat.",
                                                   show_default=False)] = None,
    ends: Annotated[bool, typer.Option("--ends", help="The option does not continue: deliveries go under §3.2.")] = False,
    successor_company: Annotated[str, typer.Option("--successor-company", help="The registered company whose common stock is "
                                                   "Common Stock after it (definition (b)); §10 and §6 follow it.")] = "",
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record a reorganization, consolidation or merger (§3.1): what one share of common stock became.

    Example: warrantbook reorganize --company atg --transaction merger --successor "NewCo, Inc." --security newco=0.5 --cash 0.001 --on 2007-01-02
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.Reorganized(id=new_id("reorganization", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.Reorganized, company=company_id)), note=note,
                       company=company_id, transaction=transaction, successor=successor, basket=_basket(security, cash, prop),
                       continues=not ends, successor_company=successor_company)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def dissolve(
    company: CompanyOpt = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "", idempotency_key: IdemOpt = None,
    book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the company's dissolution after a transfer of its assets (§3.2).

    Example: warrantbook dissolve --company atg --on 2008-06-30
    """
    c = ctx(book, db, on)
    company_id = pick_company(c.state, company)
    e = ev.Dissolved(id=new_id("dissolution", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.Dissolved, company=company_id)), note=note,
                     company=company_id)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def dissolution_delivery(
    to_trustee: Annotated[bool, typer.Option("--to-trustee", help="Delivered to the trustee the holder designated (§3.2).")] = False,
    price_received: Annotated[str, typer.Option("--price-received", help="The aggregate exercise price the holder paid, when the "
                                                "reading has it pay (Readings.dissolution_price).")] = "0",
    description: Annotated[str, typer.Option("--description", help="What was delivered, in words.")] = "",
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the §3.2 delivery of what the holder is owed once the option ended (dissolution, or a §3 transaction it did not survive).

    Example: warrantbook dissolution-delivery --option ATG-3 --price-received 1402.50 --on 2008-07-10
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.DissolutionDelivered(id=new_id("dissolution-delivery", c.day, event_id), on=c.day, actor=_actor_for(c, ev.DissolutionDelivered, no, actor), note=note,
                                option_no=no, to_trustee=to_trustee, description=description,
                                price_received=exact(price_received, "price_received"))
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def trustee(
    name: Annotated[str, typer.Option("--name", help="The bank or trust company.")],
    office: Annotated[list[str], typer.Option("--office", help="Principal office, one line each; repeat.")],
    bank: Annotated[bool, typer.Option("--bank/--not-bank", help="It is a bank or trust company (§3.2).")] = False,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's designation of a trustee for a dissolution (§3.2).

    Example: warrantbook trustee --option ATG-3 --name "Example Trust Company" --office "1 Wall Street" --office "New York, NY 10005" --bank
    """
    c = ctx(book, db, on)
    no = c.option(option)
    office_address = address_of(office, "office", required=True)
    assert office_address is not None
    e = ev.TrusteeDesignated(id=new_id("trustee", c.day, event_id), on=c.day, actor=_actor_for(c, ev.TrusteeDesignated, no, actor), note=note, option_no=no,
                             name=name, principal_office=office_address, bank_or_trust_company=bank)
    record(c, e, idem=idempotency_key, as_json=as_json)


def _pieces(values: list[str]) -> tuple[ev.TransferPiece, ...]:
    pieces = []
    for i, text in enumerate(values):
        holder, sep, spec = text.partition("=")
        if not sep or not holder.strip() or not spec.strip():
            raise BadInput(f"piece[{i}]: {text!r} is not HOLDER=PERCENT% or HOLDER=SHARES or HOLDER=PERCENT%,SHARES", field="piece",
                           clause="§7")
        percent = shares = None
        for part in spec.split(","):
            part = part.strip()
            if part.endswith("%"):
                percent = exact(part, f"piece[{i}].percent")
            else:
                shares = exact(part, f"piece[{i}].shares")
        pieces.append(ev.TransferPiece(holder.strip(), percent=percent, shares=shares))
    return tuple(pieces)


@transfer_app.command("request")
@handle_errors
def transfer_request(
    piece: Annotated[list[str], typer.Option("--piece", help="HOLDER=PERCENT% or HOLDER=SHARES (or both, comma-separated); repeat.")],
    endorsed: Annotated[bool, typer.Option("--endorsed", help="The transferor signed the Exhibit B endorsement.")] = False,
    witness: Annotated[str, typer.Option("--witness", help="Who witnessed the endorsement.")] = "",
    original_surrendered: Annotated[bool, typer.Option("--original-surrendered", help="The original instrument was handed in.")] = False,
    opinion: Annotated[bool, typer.Option("--opinion", help="The legal opinion was received.")] = False,
    taxes_paid: Annotated[bool, typer.Option("--taxes-paid", help="The transferor paid the transfer taxes.")] = False,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's request to transfer all or part of an option (§7, Exhibit B).

    Example: warrantbook transfer request --option ATG-1 --piece northbridge=20% --endorsed --original-surrendered --opinion --taxes-paid
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.TransferRequested(id=new_id("transfer", c.day, event_id), on=c.day, actor=_actor_for(c, ev.TransferRequested, no, actor), note=note, option_no=no,
                             pieces=_pieces(piece), endorsement_signed=endorsed, witnessed_by=witness,
                             original_surrendered=original_surrendered, opinion_received=opinion, transfer_taxes_paid=taxes_paid)
    record(c, e, idem=idempotency_key, as_json=as_json)


@transfer_app.command("register")
@handle_errors
def transfer_register(
    new_option: Annotated[list[str], typer.Option("--new-option", help="Number of a new option: one per transferee, then the balance.")],
    request: Annotated[str | None, typer.Option("--request", help="The transfer request's id (default: the pending one).",
                                                show_default=False)] = None,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Register a transfer on the company's books and issue the new options of like tenor (§7, §12).

    Example: warrantbook transfer register --option ATG-1 --new-option ATG-2 --new-option ATG-3 --on 2006-06-05
    """
    c = ctx(book, db, on)
    no = c.option(option)
    if request is None:
        pending = c.state.option(no).pending_transfer
        if pending is None:
            raise BadInput(f"--request: option {no} has no pending transfer", field="request", clause="§7")
        request = pending.id
    e = ev.TransferRegistered(id=new_id("transfer-registration", c.day, event_id), on=c.day, actor=_actor_for(c, ev.TransferRegistered, no, actor), note=note,
                              option_no=no, request=request, new_options=tuple(new_option))
    record(c, e, idem=idempotency_key, as_json=as_json)


@replace_app.command("request")
@handle_errors
def replace_request(
    cause: Annotated[ev.ReplacementCause, typer.Option("--cause", help="lost, stolen, destroyed or mutilated.")],
    evidence: Annotated[str, typer.Option("--evidence", help="The evidence of the loss, theft, destruction or mutilation.")] = "",
    indemnity: Annotated[str | None, typer.Option("--indemnity", help="Amount of the indemnity or security.", show_default=False)] = None,
    indemnity_form: Annotated[str, typer.Option("--indemnity-form", help="e.g. indemnity agreement, surety bond.")] = "",
    original_surrendered: Annotated[bool, typer.Option("--original-surrendered", help="The mutilated original was handed in.")] = False,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's request to replace a lost, stolen, destroyed or mutilated option (§8).

    Example: warrantbook replace request --option ATG-2 --cause lost --evidence "affidavit of loss" --indemnity 10000 --indemnity-form "indemnity agreement"
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.ReplacementRequested(id=new_id("replacement-request", c.day, event_id), on=c.day, actor=_actor_for(c, ev.ReplacementRequested, no, actor), note=note,
                                option_no=no, cause=cause, evidence=evidence, indemnity=number(indemnity, "indemnity"),
                                indemnity_form=indemnity_form, original_surrendered=original_surrendered)
    record(c, e, idem=idempotency_key, as_json=as_json)


@replace_app.command("issue")
@handle_errors
def replace_issue(
    new_option: Annotated[str, typer.Option("--new-option", help="Number of the replacement option.")],
    request: Annotated[str | None, typer.Option("--request", help="The replacement request's id (default: the pending one).",
                                                show_default=False)] = None,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Issue the replacement option (§8); the old one becomes void.

    Example: warrantbook replace issue --option ATG-2 --new-option ATG-2R --on 2006-09-01
    """
    c = ctx(book, db, on)
    no = c.option(option)
    if request is None:
        pending = c.state.option(no).pending_replacement
        if pending is None:
            raise BadInput(f"--request: option {no} has no pending replacement request", field="request", clause="§8")
        request = pending.id
    e = ev.ReplacementIssued(id=new_id("replacement", c.day, event_id), on=c.day, actor=_actor_for(c, ev.ReplacementIssued, no, actor), note=note,
                             option_no=no, request=request, new_option=new_option)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def waiver_notice(
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's notice waiving the §10 cap (it falls away at the end of the notice period).

    Example: warrantbook waiver-notice --option ATG-3 --on 2006-07-03
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.WaiverNoticeReceived(id=new_id("waiver", c.day, event_id), on=c.day, actor=_actor_for(c, ev.WaiverNoticeReceived, no, actor), note=note, option_no=no)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def default_notice(
    default: Annotated[str, typer.Option("--default", help="Which Event of Default under the Security Agreement.")] = "",
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's notice of an Event of Default, which voids the cap while it continues (§10).

    Example: warrantbook default-notice --option ATG-3 --default "payment default under the Security Agreement" --on 2007-02-01
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.DefaultNoticeReceived(id=new_id("default", c.day, event_id), on=c.day, actor=_actor_for(c, ev.DefaultNoticeReceived, no, actor), note=note,
                                 option_no=no, default=default)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def default_cure(
    option: OptionOpt = None,
    signed_by: Annotated[list[str] | None, typer.Option("--signed-by", help="A countersignature (role:id), e.g. the holder's when the "
                                                        "company records the cure; repeat.", show_default=False)] = None,
    on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the cure of a continuing Event of Default (§10). It brings the cap back against the holder, so the
    holder records it, or signs the company's record (--signed-by holder:ID).

    Example: warrantbook default-cure --option ATG-3 --on 2007-03-01
    Example: warrantbook default-cure --option ATG-3 --actor company:atg --signed-by holder:gssf --on 2007-03-01
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.DefaultCured(id=new_id("cure", c.day, event_id), on=c.day, actor=_actor_for(c, ev.DefaultCured, no, actor), note=note, option_no=no,
                        signed_by=tuple(actor_of(s, s) for s in signed_by or ()))
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def notice_send(
    subject: Annotated[str, typer.Option("--subject", help="What the notice is about.")],
    addressee: Annotated[str | None, typer.Option("--addressee", help="Holder id it goes to (default: the §13 address's holder).",
                                                  show_default=False)] = None,
    address: LinesOpt = None,
    mail: Annotated[ev.MailClass, typer.Option("--mail", help="registered or certified (§13).")] = ev.MailClass.CERTIFIED,
    tracking: Annotated[str, typer.Option("--tracking", help="The mail's tracking number.")] = "",
    regarding: Annotated[str, typer.Option("--regarding", help="Event id it concerns, e.g. the stock event of a §5 certificate.")] = "",
    recipient: Annotated[str, typer.Option("--recipient", help="holder or agent.")] = "holder",
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record a notice mailed by the company (§13); by default to the address last furnished.

    Example: warrantbook notice send --option ATG-3 --subject "certificate as to adjustments (§5)" --regarding split-2006 --tracking "7005 1160"
    """
    c = ctx(book, db, on)
    no = c.option(option)
    lines = address_of(address)
    to = addressee
    if lines is None or to is None:
        last = c.state.last_address(c.state.option(no).holder, no)
        if last is None:
            raise BadInput("--address: no address has been furnished (§13); give --addressee and --address", field="address", clause="§13")
        to = to or last[0]
        lines = lines or last[1]
    e = ev.NoticeSent(id=new_id("notice-sent", c.day, event_id), on=c.day, actor=_actor_for(c, ev.NoticeSent, no, actor), note=note, option_no=no,
                      subject=subject, addressee=to, address=lines, mail_class=mail, tracking=tracking, regarding=regarding,
                      recipient_role=recipient)
    record(c, e, idem=idempotency_key, as_json=as_json)


@handle_errors
def amend(
    signed_by: Annotated[list[str], typer.Option("--signed-by", help="An actor who signed the writing (role:id); repeat.")],
    binds: Annotated[list[str] | None, typer.Option("--binds", help="An actor the change binds; repeat (default: holder and company).",
                                                    show_default=False)] = None,
    expiration: Annotated[str | None, typer.Option("--expiration", help="New Expiration Date.", show_default=False)] = None,
    cap: Annotated[str | None, typer.Option("--cap", help="New cap percentage.", show_default=False)] = None,
    no_cap: Annotated[bool, typer.Option("--no-cap", help="Remove the cap.")] = False,
    waiver_days: Annotated[int | None, typer.Option("--waiver-days", help="New waiver notice period.", show_default=False)] = None,
    hard_ceiling: Annotated[str | None, typer.Option("--hard-ceiling", help="New hard ceiling.", show_default=False)] = None,
    delivery_days: Annotated[int | None, typer.Option("--delivery-days", help="New delivery period.", show_default=False)] = None,
    tranche: Annotated[list[str] | None, typer.Option("--tranche", help="Replace the tranches: SHARES@PRICE; repeat.",
                                                      show_default=False)] = None,
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record an amendment of the terms from a date, signed by every party it binds (§14).

    Example: warrantbook amend --option ATG-3 --expiration 2010-09-07 --signed-by holder:gssf --signed-by company:atg --on 2007-01-15
    """
    c = ctx(book, db, on)
    no = c.option(option)
    o = c.state.option(no)
    terms = o.terms
    if expiration is not None:
        terms = replace(terms, expiration=Expiration(_day(expiration, "expiration"), f"amendment of {c.day}"))
    if no_cap or cap is not None or waiver_days is not None or hard_ceiling is not None:
        base = terms.cap
        terms = replace(terms, cap=_cap(no_cap, cap, waiver_days, False, hard_ceiling, base.void_on_default if base else True, base))
    if delivery_days is not None:
        terms = replace(terms, delivery_days=delivery_days)
    if tranche:
        terms = replace(terms, tranches=_tranches(tranche, None, None))
    if terms == o.terms:
        raise BadInput("amend: no change given (--expiration, --cap, --no-cap, --waiver-days, --hard-ceiling, --delivery-days, --tranche)",
                       field="terms", clause="§14")
    e = ev.Amended(id=new_id("amendment", c.day, event_id), on=c.day, actor=actor_of(actor, ev.default_actor(ev.Amended, company=o.company)), note=note,
                   option_no=no, terms=terms, binds=tuple(binds or (f"holder:{o.holder}", f"company:{o.company}")),
                   signed_by=tuple(signed_by))
    record(c, e, idem=idempotency_key, as_json=as_json)


@acknowledge_app.command("request")
@handle_errors
def acknowledge_request(
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the holder's request that the company acknowledge its continuing obligations (§1.3).

    Example: warrantbook acknowledge request --option ATG-3 --on 2006-08-01
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.AcknowledgmentRequested(id=new_id("ack-request", c.day, event_id), on=c.day, actor=_actor_for(c, ev.AcknowledgmentRequested, no, actor), note=note,
                                   option_no=no)
    record(c, e, idem=idempotency_key, as_json=as_json)


@acknowledge_app.command("give")
@handle_errors
def acknowledge_give(
    request: Annotated[str, typer.Option("--request", help="The request's id (default: the oldest open one).")] = "",
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the company's acknowledgment of its continuing obligations (§1.3).

    Example: warrantbook acknowledge give --option ATG-3 --on 2006-08-03
    """
    c = ctx(book, db, on)
    no = c.option(option)
    e = ev.AcknowledgmentGiven(id=new_id("ack", c.day, event_id), on=c.day, actor=_actor_for(c, ev.AcknowledgmentGiven, no, actor), note=note, option_no=no,
                               request=request)
    record(c, e, idem=idempotency_key, as_json=as_json)


def register(app: typer.Typer) -> None:
    app.command("issue")(issue)
    app.add_typer(exercise_app, name="exercise")
    app.command("deliver")(deliver)
    app.command("stock-event")(stock_event)
    app.command("reorganize")(reorganize)
    app.command("dissolve")(dissolve)
    app.command("dissolution-delivery")(dissolution_delivery)
    app.command("trustee")(trustee)
    app.add_typer(transfer_app, name="transfer")
    app.add_typer(replace_app, name="replace")
    app.command("waiver-notice")(waiver_notice)
    app.command("default-notice")(default_notice)
    app.command("default-cure")(default_cure)
    app.command("amend")(amend)
    app.add_typer(acknowledge_app, name="acknowledge")
    notice_app = typer.Typer(help="Notices mailed under §13.", no_args_is_help=True, rich_markup_mode=None)
    notice_app.command("send")(notice_send)
    app.add_typer(notice_app, name="notice")
