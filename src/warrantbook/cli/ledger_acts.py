"""Commands that record what people do with an option: issue, exercise, deliver, transfer, replace, notices.

Each function is the command's options, help and example only: `acts(NAME)` hands the options as fields to the
declared app command (app.commands.COMMANDS[NAME]), which builds the event and records it through the source; the
source decides it (core) and refuses with the section when the agreement forbids it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OnOpt, OptionOpt
from warrantbook.cli.ledger_common import (
    ActorOpt,
    CompanyOpt,
    IdemOpt,
    IdOpt,
    LinesOpt,
    NoteOpt,
    acts,
    register_declared,
)
from warrantbook.core import events as ev
from warrantbook.core.terms import PaymentMethod

exercise_app = typer.Typer(help="The exercise steps of §2: the notice, the surrender and the payment.", no_args_is_help=True,
                           rich_markup_mode=None)
transfer_app = typer.Typer(help="Transfer of an option (§7, §12): the request with Exhibit B, then its registration.",
                           no_args_is_help=True, rich_markup_mode=None)
replace_app = typer.Typer(help="Replacement of a lost, stolen, destroyed or mutilated option (§8).", no_args_is_help=True,
                          rich_markup_mode=None)
acknowledge_app = typer.Typer(help="The §1.3 acknowledgment of continuing obligations: the holder's request, the company's answer.",
                              no_args_is_help=True, rich_markup_mode=None)


@acts("issue")
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


@exercise_app.command("notice")
@acts("exercise-notice")
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


NoticeOpt = Annotated[str | None, typer.Option("--notice", help="The exercise notice's id; may be left out when one is open.",
                                               show_default=False)]


@exercise_app.command("surrender")
@acts("exercise-surrender")
def exercise_surrender(
    notice: NoticeOpt = None,
    place: Annotated[str, typer.Option("--place", help="company (principal office) or agent (§11 office).")] = "company",
    option: OptionOpt = None, on: OnOpt = None, actor: ActorOpt = None, event_id: IdOpt = None, note: NoteOpt = "",
    idempotency_key: IdemOpt = None, book: BookOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """Record the surrender of the option for an exercise (§2.1); completes a cashless exercise.

    Example: warrantbook exercise surrender --option ATG-3 --notice notice-20061002-1a2b3c --on 2006-10-02
    """


@exercise_app.command("pay")
@acts("exercise-pay")
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


@acts("deliver")
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


@acts("stock-event")
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


@acts("reorganize")
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


@acts("dissolution-delivery")
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


@acts("trustee")
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


@transfer_app.command("request")
@acts("transfer-request")
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


@transfer_app.command("register")
@acts("transfer-register")
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


@replace_app.command("request")
@acts("replace-request")
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


@replace_app.command("issue")
@acts("replace-issue")
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


@acts("notice-send")
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


@acts("amend")
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


def register(app: typer.Typer) -> None:
    app.command("issue")(issue)
    app.add_typer(exercise_app, name="exercise")
    app.command("deliver")(deliver)
    app.command("stock-event")(stock_event)
    app.command("reorganize")(reorganize)
    app.command("dissolution-delivery")(dissolution_delivery)
    app.command("trustee")(trustee)
    app.add_typer(transfer_app, name="transfer")
    app.add_typer(replace_app, name="replace")
    app.command("amend")(amend)
    app.add_typer(acknowledge_app, name="acknowledge")
    notice_app = typer.Typer(help="Notices mailed under §13.", no_args_is_help=True, rich_markup_mode=None)
    notice_app.command("send")(notice_send)
    app.add_typer(notice_app, name="notice")
    # the commands whose command line is generated from their declaration (app.commands: Command.cli)
    register_declared(app, {"exercise": exercise_app, "transfer": transfer_app, "replace": replace_app, "acknowledge": acknowledge_app,
                            "notice": notice_app})
