"""Everything that happens in an option's life, as immutable dated values.

Each event names its section (`clause`), its stable type name (`kind`, used in the book file and the
database; never a Python path), who did it (`actor`, "role:id") and the day it takes effect (`on`).

A user-level event is also the command that proposes it: `decide(state, event)` checks it against the
agreement and returns it with any events it entails (those are `derived`: the book file never holds them,
they are recomputed on load, while the database keeps them as decided).

Same-day order (one rule, documented in docs/interpretations.md): events of one day sort by `phase`, then
by the order they were recorded:
  OPENING      splits and combinations effective that day; mergers consummated that day; facts
  INTRADAY     notices, surrenders, payments, transfers, everything people do during the day
  CLOSE        shares deemed issued on exercise "as of the close of business" (§2.1)
  AFTER_CLOSE  stock dividends, which go to holders of record at the close of the record date (§4(a));
               deliveries of shares (§2.1) and refunds (§2.2(a)), which follow the day's exercises deemed
               issued at the close
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum, IntEnum
from fractions import Fraction
from typing import ClassVar

from warrantbook.core.terms import Address, Company, Holder, PaymentMethod, Terms, Venue


class Phase(IntEnum):
    OPENING = 0
    INTRADAY = 1
    CLOSE = 2
    AFTER_CLOSE = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    id: str
    on: date
    actor: str = "system"  # "holder:ID", "company:ID", "agent:NAME", "trustee:NAME", "arbitrator:NAME"
    note: str = ""

    kind: ClassVar[str] = ""
    clause: ClassVar[str] = ""
    phase: ClassVar[Phase] = Phase.INTRADAY
    derived: ClassVar[bool] = False

    @property
    def role(self) -> str:
        return self.actor.split(":", 1)[0]

    @property
    def actor_id(self) -> str:
        return self.actor.split(":", 1)[1] if ":" in self.actor else ""


REGISTRY: dict[str, type[Event]] = {}


def register(cls: type[Event]) -> type[Event]:
    assert cls.kind and cls.kind not in REGISTRY, cls
    REGISTRY[cls.kind] = cls
    return cls


# ---------------------------------------------------------------- parties and issuance


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class CompanyRegistered(Event):
    """A company whose options the book keeps (name, state, office, par value)."""

    company: Company
    kind: ClassVar[str] = "company"
    clause: ClassVar[str] = "preamble"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class HolderRegistered(Event):
    """A holder on the company's books (§12), with its notice address (§13) and its §10 group of affiliates."""

    holder: Holder
    consented_by: tuple[str, ...] = ()  # a member's consent to join a group that already has members (§10, Rule 13d-5)
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("consented_by",)
    kind: ClassVar[str] = "holder"
    clause: ClassVar[str] = "preamble"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class OptionIssued(Event):
    """§1.1: the company issues the option to the holder."""

    option_no: str
    holder: str
    terms: Terms
    kind: ClassVar[str] = "issue"
    clause: ClassVar[str] = "§1.1"


# ---------------------------------------------------------------- exercise, §1.1, §2


class Channel(Enum):
    FAX = "fax"
    ORIGINAL = "original"


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where the certificates go (Exhibit A): a name and an address."""

    name: str
    address: Address | None = None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseNoticeReceived(Event):
    """Exhibit A received by the company: irrevocable from receipt.

    `shares` is the number of option shares to exercise (Y); None elects the cashless maximum. For a
    combination the holder states the cash it pays and/or the option shares it cancels (W) and/or the
    common stock it delivers.
    """

    option_no: str
    channel: Channel = Channel.ORIGINAL
    shares: Fraction | None = None
    method: PaymentMethod = PaymentMethod.CASH
    cash: Fraction | None = None
    cancel_shares: Fraction | None = None
    stock_shares: Fraction | None = None
    stated_fmv: Fraction | None = None  # the FMV the holder wrote in the form, if any
    deliver_to: Delivery | None = None
    tranche: int | None = None  # which price tranche; None: in the order the terms list them
    at: str = ""  # "HH:MM" received, local time where the expiration is told (needed on a timed Expiration Date)
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("at",)
    kind: ClassVar[str] = "exercise-notice"
    clause: ClassVar[str] = "§1.1, Exhibit A"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class OptionSurrendered(Event):
    """§2.1, §2.2(b): the instrument handed in at the principal office (or the agent's, after §11)."""

    option_no: str
    notice: str
    place: str = "company"  # "company" (principal office) or "agent"
    at: str = ""  # "HH:MM" surrendered, local time where the expiration is told
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("at",)
    kind: ClassVar[str] = "surrender"
    clause: ClassVar[str] = "§2.1"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReceived(Event):
    """§2.2(a): cash or check, common stock, option shares cancelled, or a mix."""

    option_no: str
    notice: str
    cash: Fraction = Fraction(0)
    stock_shares: Fraction = Fraction(0)
    instrument: str = "cash"  # "cash", "certified check", "official bank check", "wire"
    at: str = ""  # "HH:MM" received, local time where the expiration is told
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("at",)
    kind: ClassVar[str] = "payment"
    clause: ClassVar[str] = "§2.2(a)"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseEffected(Event):
    """§2.1: shares deemed issued at the close of business of the day surrender and payment are complete.

    Derived: decided from the notice, the surrender, the payment and the facts of the day, and kept with
    every figure as it was determined.
    """

    option_no: str
    notice: str
    tranche: int
    shares_exercised: Fraction  # Y: the option balance falls by this
    shares_issued: Fraction  # exact, before rounding (X for cashless, N for a combination)
    whole_shares: Fraction
    fraction: Fraction
    fair_market_value: Fraction | None
    cash_in_lieu: Fraction  # exact amount owed for the fraction
    cash_in_lieu_paid: Fraction  # rounded to the cent
    aggregate_exercise_price: Fraction
    delivery_due: date
    holder: str
    company: str
    refund_cash: Fraction = Fraction(0)  # paid beyond the cash due: the company owes it back
    refund_stock: Fraction = Fraction(0)  # common stock delivered beyond the stock due
    basket: tuple[BasketDelivery, ...] = ()  # §3.1: after a §3 transaction what is delivered; shares_issued then counts baskets
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("refund_cash", "refund_stock", "basket")
    kind: ClassVar[str] = "exercise"
    clause: ClassVar[str] = "§2.1, §2.2"
    phase: ClassVar[Phase] = Phase.CLOSE
    derived: ClassVar[bool] = True


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class SharesDelivered(Event):
    """§2.1: certificates (or book entry) and cash in lieu delivered."""

    option_no: str
    notice: str
    certificates: tuple[str, ...] = ()
    book_entry: bool = False
    issued_in_name: str = ""
    cash_paid: Fraction = Fraction(0)
    transfer_taxes_paid: bool = False  # by the holder, when issued in another name
    kind: ClassVar[str] = "delivery"
    clause: ClassVar[str] = "§2.1"
    # after the close: the shares are deemed issued at the close of business of the exercise (§2.1), so a delivery dated
    # that day comes after the exercise effected then (intraday it would sort before it and have no effect)
    phase: ClassVar[Phase] = Phase.AFTER_CLOSE


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class RefundPaid(Event):
    """§2.2(a): what the company returns of a payment beyond the price (an overpayment, or a lapsed exercise's)."""

    option_no: str
    notice: str
    cash: Fraction = Fraction(0)
    stock_shares: Fraction = Fraction(0)
    kind: ClassVar[str] = "refund"
    clause: ClassVar[str] = "§2.2(a)"
    # after the close, as a delivery: an overpayment is owed back by the exercise effected at the close (§2.1), so a refund
    # dated that day comes after it (intraday it would sort before it and return nothing)
    phase: ClassVar[Phase] = Phase.AFTER_CLOSE


# ---------------------------------------------------------------- §3 reorganization, §4 stock events


class StockEventKind(Enum):
    DIVIDEND_ON_COMMON = "dividend-on-common"  # §4(a)
    DIVIDEND_ON_PREFERRED = "dividend-on-preferred"  # §4(a)
    SUBDIVISION = "subdivision"  # §4(b)
    COMBINATION = "combination"  # §4(c)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class StockEvent(Event):
    """§4: a stock dividend, subdivision or combination of `issuer`'s common stock.

    `on` is the moment that counts: the record date of a dividend, the effective date of a split.
    `issuer` is the company, or after a §3 merger the issuer of a security in the basket (§3.3).
    """

    issuer: str
    event: StockEventKind
    outstanding_before: Fraction
    outstanding_after: Fraction
    consideration: str = "none"  # §5(a): a stock dividend or split brings the company nothing
    distinct: bool = False  # a second event of the same kind and issuer that day, not the first recorded twice
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("distinct",)

    kind: ClassVar[str] = "stock-event"
    clause: ClassVar[str] = "§4"

    @property
    def phase(self) -> Phase:  # type: ignore[override]
        kind = self.event  # compared by identity (members are singletons): every fold asks every §4 event its phase
        if kind is StockEventKind.DIVIDEND_ON_COMMON or kind is StockEventKind.DIVIDEND_ON_PREFERRED:
            return Phase.AFTER_CLOSE
        return Phase.OPENING


class ItemKind(Enum):
    SECURITY = "security"
    CASH = "cash"
    PROPERTY = "property"


@dataclass(frozen=True, slots=True)
class BasketItem:
    """What one share of common stock became in a §3 transaction."""

    item: ItemKind
    quantity: Fraction  # units of the security per share; dollars for cash; units of property
    issuer: str = ""  # the security's issuer (a company id when we keep its prices)
    description: str = ""
    unit_value: Fraction | None = None  # for property: the value agreed or appraised


@dataclass(frozen=True, slots=True)
class BasketDelivery:
    """§3.1, §2.1: what one item of the basket delivers for a number of baskets (option shares exercised, or X).

    A security or property: `whole` units and cash in lieu of the `fraction` at `unit_value` (the security's
    §1.2 FMV, the property's recorded value). Cash: `exact` dollars, `whole` the amount paid under
    `Readings.basket_cash`, no fraction.
    """

    item: BasketItem  # as it stood on the day (after any §3.3 adjustment)
    exact: Fraction  # baskets x quantity per basket
    whole: Fraction
    fraction: Fraction
    unit_value: Fraction | None  # per unit, for cash in lieu of the fraction
    cash_in_lieu: Fraction  # exact
    cash_in_lieu_paid: Fraction  # half a cent up (§2.1)


class ReorganizationKind(Enum):
    REORGANIZATION = "reorganization"
    CONSOLIDATION = "consolidation"
    MERGER = "merger"
    ASSET_TRANSFER = "asset-transfer"  # of substantially all assets under a plan of dissolution


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Reorganized(Event):
    """§3.1: what each share of common stock became, and who now owes the option (definition (a))."""

    company: str
    transaction: ReorganizationKind
    successor: str  # name of the person who now owes the option
    basket: tuple[BasketItem, ...]
    continues: bool = True  # §3.3: the option continues; False sends deliveries under §3.2
    # late fields (codec.late_fields): events stored before keep their hash
    successor_company: str = ""  # the registered company whose common stock is Common Stock after it (definition (b)); §10, §6 follow it
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("successor_company",)
    kind: ClassVar[str] = "reorganization"
    clause: ClassVar[str] = "§3.1, §3.3"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Dissolved(Event):
    """§3.2: dissolution after a transfer of substantially all assets."""

    company: str
    kind: ClassVar[str] = "dissolution"
    clause: ClassVar[str] = "§3.2"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DissolutionDelivered(Event):
    """§3.2: what the holder is owed on a dissolution, delivered to it or to its trustee; closes the item."""

    option_no: str
    to_trustee: bool = False
    description: str = ""
    # late fields (codec.late_fields): events stored before keep their hash
    price_received: Fraction = Fraction(0)  # the aggregate exercise price the holder paid, when the reading has it pay
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("price_received",)
    kind: ClassVar[str] = "dissolution-delivery"
    clause: ClassVar[str] = "§3.2"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class TrusteeDesignated(Event):
    """§3.2, §1.4: the holder names a bank or trust company in New York City as trustee."""

    option_no: str
    name: str
    principal_office: Address
    bank_or_trust_company: bool
    kind: ClassVar[str] = "trustee"
    clause: ClassVar[str] = "§3.2, §1.4"


# ---------------------------------------------------------------- §7, §12 transfer; §8 replacement


@dataclass(frozen=True, slots=True)
class TransferPiece:
    """One transferee of Exhibit B: percentage of the remaining shares and/or a number."""

    holder: str  # a Holder id (registered with its name and address)
    percent: Fraction | None = None
    shares: Fraction | None = None
    address: Address | None = None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class TransferRequested(Event):
    """§7, Exhibit B: the holder's endorsement with everything that must come with it."""

    option_no: str
    pieces: tuple[TransferPiece, ...]
    endorsement_signed: bool = False
    witnessed_by: str = ""
    original_surrendered: bool = False
    opinion_received: bool = False
    transfer_taxes_paid: bool = False
    kind: ClassVar[str] = "transfer-request"
    clause: ClassVar[str] = "§7, Exhibit B"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class TransferRegistered(Event):
    """§7, §12: the transfer entered on the company's books; new options of like tenor.

    `new_options` gives a number for each piece in order, then one for the transferor's balance when
    there is one.
    """

    option_no: str
    request: str
    new_options: tuple[str, ...]
    kind: ClassVar[str] = "transfer-registration"
    clause: ClassVar[str] = "§7, §12"


class ReplacementCause(Enum):
    LOST = "lost"
    STOLEN = "stolen"
    DESTROYED = "destroyed"
    MUTILATED = "mutilated"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ReplacementRequested(Event):
    """§8: evidence of loss, theft, destruction or mutilation; indemnity or surrender."""

    option_no: str
    cause: ReplacementCause
    evidence: str = ""
    indemnity: Fraction | None = None  # amount of the indemnity agreement or security
    indemnity_form: str = ""  # "indemnity agreement", "surety bond", ...
    original_surrendered: bool = False  # required for mutilation
    kind: ClassVar[str] = "replacement-request"
    clause: ClassVar[str] = "§8"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ReplacementIssued(Event):
    option_no: str
    request: str
    new_option: str
    kind: ClassVar[str] = "replacement"
    clause: ClassVar[str] = "§8"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class VoidInstrumentPresented(Event):
    """Someone presented an instrument that was replaced or superseded: recorded as a claim."""

    option_no: str
    presented_by: str
    kind: ClassVar[str] = "void-presented"
    clause: ClassVar[str] = "§8, §12"


# ---------------------------------------------------------------- §10 cap notices


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WaiverNoticeReceived(Event):
    """§10: the holder's notice; the cap falls away from the end of the notice period."""

    option_no: str
    kind: ClassVar[str] = "waiver-notice"
    clause: ClassVar[str] = "§10"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DefaultNoticeReceived(Event):
    """§10: the holder's notice of an Event of Default under the Security Agreement."""

    option_no: str
    default: str = ""
    kind: ClassVar[str] = "default-notice"
    clause: ClassVar[str] = "§10"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DefaultCured(Event):
    """§10: the Event of Default no longer continues; the cap is back (if `cure_restores_cap`)."""

    option_no: str
    signed_by: tuple[str, ...] = ()  # countersignatures, e.g. the holder's when the company records the cure
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("signed_by",)
    kind: ClassVar[str] = "default-cure"
    clause: ClassVar[str] = "§10"


# ---------------------------------------------------------------- §11 agent, §13 notices, §14, §1.3


class AgentFunction(Enum):
    EXERCISE = "exercise"  # issuing stock on exercise, §1
    EXCHANGE = "exchange"  # exchanging the option on transfer, §7
    REPLACEMENT = "replacement"  # replacing the option, §8


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class AgentAppointed(Event):
    company: str
    name: str
    office: Address
    functions: frozenset[AgentFunction] = frozenset(AgentFunction)
    kind: ClassVar[str] = "agent"
    clause: ClassVar[str] = "§11"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class AddressFurnished(Event):
    holder: str
    address: Address
    kind: ClassVar[str] = "address"
    clause: ClassVar[str] = "§13"


class MailClass(Enum):
    REGISTERED = "registered"
    CERTIFIED = "certified"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeSent(Event):
    """§13: a notice from the company, by first-class registered or certified mail."""

    option_no: str
    subject: str
    addressee: str  # holder id the notice went to (the §13 fallback may pick an earlier holder)
    address: Address
    mail_class: MailClass = MailClass.CERTIFIED
    tracking: str = ""
    regarding: str = ""  # event id, e.g. the stock event whose §5 certificate this mails
    recipient_role: str = "holder"  # "holder" or "agent" (a §5 certificate goes to both)
    kind: ClassVar[str] = "notice"
    clause: ClassVar[str] = "§13"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Amended(Event):
    """§14: new terms from this date, in a writing signed by every party it binds."""

    option_no: str
    terms: Terms
    binds: tuple[str, ...]  # actors the writing says it binds, e.g. ("holder:gssf",); those the change burdens are added (§14)
    signed_by: tuple[str, ...]
    restores_exercised: bool = False  # the new share numbers count from scratch, bringing back shares already exercised
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("restores_exercised",)
    kind: ClassVar[str] = "amendment"
    clause: ClassVar[str] = "§14"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class AcknowledgmentRequested(Event):
    option_no: str
    kind: ClassVar[str] = "acknowledgment-request"
    clause: ClassVar[str] = "§1.3"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class AcknowledgmentGiven(Event):
    option_no: str
    request: str = ""
    kind: ClassVar[str] = "acknowledgment"
    clause: ClassVar[str] = "§1.3"


# ---------------------------------------------------------------- facts the rules need


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class SharesOutstanding(Event):
    company: str
    shares: Fraction
    source: str = ""
    kind: ClassVar[str] = "outstanding"
    clause: ClassVar[str] = "§4, §10"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizedShares(Event):
    company: str
    shares: Fraction
    source: str = ""
    kind: ClassVar[str] = "authorized"
    clause: ClassVar[str] = "§6"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class BeneficialOwnership(Event):
    """§10: the holder's (with affiliates') ownership as the holder certifies it, options excluded."""

    holder: str
    company: str
    shares: Fraction
    source: str = ""
    kind: ClassVar[str] = "ownership"
    clause: ClassVar[str] = "§10"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Listed(Event):
    """Where the common stock trades from this date: decides which §1.2 clause sets FMV."""

    company: str
    venue: Venue
    kind: ClassVar[str] = "listing"
    clause: ClassVar[str] = "§1.2"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Quote(Event):
    """One day's market data for a company's stock on a venue."""

    company: str
    venue: Venue
    close: Fraction | None = None  # closing or last sale price
    bid: Fraction | None = None
    ask: Fraction | None = None
    source: str = ""
    kind: ClassVar[str] = "quote"
    clause: ClassVar[str] = "§1.2(a), §1.2(b)"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class FmvAgreed(Event):
    """§1.2(c): FMV agreed by the holder and the company (stock not publicly traded)."""

    company: str
    value: Fraction
    agreed_by: tuple[str, ...] = ()
    kind: ClassVar[str] = "fmv-agreement"
    clause: ClassVar[str] = "§1.2(c)"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class FmvAwarded(Event):
    """§1.2(c): FMV set by a single AAA arbitrator."""

    company: str
    value: Fraction
    arbitrator: str = ""
    case: str = ""
    kind: ClassVar[str] = "fmv-award"
    clause: ClassVar[str] = "§1.2(c)"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class LiquidationAmount(Event):
    """§1.2(d): the total amount payable to common on a liquidation date.

    FMV per share divides it by the outstanding shares plus the option's issuable shares, as §1.2(d) has
    the option's shares counted as outstanding.
    """

    company: str
    amount: Fraction
    source: str = ""
    kind: ClassVar[str] = "liquidation"
    clause: ClassVar[str] = "§1.2(d)"
    phase: ClassVar[Phase] = Phase.OPENING


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class CapTableFact(Event):
    """A fact cap-table records need that the agreement does not give and no rule uses.

    OCF export requires some (a company's formation date, its common stock's votes per share and seniority,
    an option's purchase price...) and reports every one that is missing rather than invent it. `subject` is
    a company id, holder id or option number; `name` one of the names docs/ocf.md lists; `value` is text
    (an exact number or an ISO date), read where it is used.
    """

    subject: str
    name: str
    value: str
    source: str = ""
    kind: ClassVar[str] = "cap-table-fact"
    clause: ClassVar[str] = "record"
    phase: ClassVar[Phase] = Phase.OPENING


# ---------------------------------------------------------------- the record itself


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class Correction(Event):
    """A later event that names an earlier one as wrong; views show both. Nothing is edited in place."""

    corrects: str
    reason: str
    signed_by: tuple[str, ...] = ()  # the other parties' signatures where the corrected act bound them too
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("signed_by",)
    kind: ClassVar[str] = "correction"
    clause: ClassVar[str] = "record"


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentIssued(Event):
    """A document made and sent, by its SHA-256, so a later dispute can show exactly what went out."""

    document: str  # kind, e.g. "exercise-notice"
    sha256: str
    option_no: str = ""
    regarding: str = ""
    kind: ClassVar[str] = "document"
    clause: ClassVar[str] = "record"


# ---------------------------------------------------------------- who may give each event


class Party(Enum):
    """Who may give an event: the role part of an actor ("holder:gssf", "company:atg", "system")."""

    HOLDER = "holder"  # the registered holder of the option concerned (§12), acting for itself only
    COMPANY = "company"  # the issuer of the option concerned (or the company the fact is about)
    AGENT = "agent"  # the §11 agent, after its appointment and only within its functions
    TRUSTEE = "trustee"  # the §3.2 trustee, which §1.4 gives an agent's powers (it may receive payments)
    ARBITRATOR = "arbitrator"  # the single AAA arbitrator of §1.2(c)
    KEEPER = "system"  # whoever keeps the book: registrations and public market data, never a party's act


@dataclass(frozen=True, slots=True)
class Authority:
    """Which parties may give a kind of event, and why (the clause)."""

    parties: tuple[Party, ...]  # the first is who gives it when a command names no actor
    clause: str
    agent_function: AgentFunction | None = None  # the §11 function an agent needs for it
    computed: bool = False  # entailed by the agreement, never given by anyone (§2.1's effected exercise)


def _by(*parties: Party, clause: str, function: AgentFunction | None = None) -> Authority:
    return Authority(parties, clause, function)


_H, _C, _A, _T, _K = Party.HOLDER, Party.COMPANY, Party.AGENT, Party.TRUSTEE, Party.KEEPER

# The one table of authority. The CLI's default actors, the API and the web's lanes read it; decide enforces it.
GIVEN_BY: dict[type[Event], Authority] = {
    CompanyRegistered: _by(_C, _K, clause="preamble"),
    HolderRegistered: _by(_H, _K, _C, clause="preamble"),  # the company only for a holder new to its books (issue.py)
    OptionIssued: _by(_C, clause="§1.1"),
    ExerciseNoticeReceived: _by(_H, clause="§1.1, Exhibit A"),
    OptionSurrendered: _by(_C, _A, clause="§2.1", function=AgentFunction.EXERCISE),
    PaymentReceived: _by(_C, _A, _T, clause="§2.2(a)", function=AgentFunction.EXERCISE),
    ExerciseEffected: Authority((), "§2.1", computed=True),
    SharesDelivered: _by(_C, _A, clause="§2.1", function=AgentFunction.EXERCISE),
    StockEvent: _by(_C, clause="§4"),
    Reorganized: _by(_C, clause="§3.1"),
    Dissolved: _by(_C, clause="§3.2"),
    DissolutionDelivered: _by(_C, _A, _T, clause="§3.2", function=AgentFunction.EXERCISE),
    TrusteeDesignated: _by(_H, clause="§3.2"),
    TransferRequested: _by(_H, clause="§7, Exhibit B"),
    TransferRegistered: _by(_C, _A, clause="§7", function=AgentFunction.EXCHANGE),
    ReplacementRequested: _by(_H, clause="§8"),
    ReplacementIssued: _by(_C, _A, clause="§8", function=AgentFunction.REPLACEMENT),
    VoidInstrumentPresented: _by(_C, _A, clause="§8, §12"),
    WaiverNoticeReceived: _by(_H, clause="§10"),
    DefaultNoticeReceived: _by(_H, clause="§10"),
    DefaultCured: _by(_H, _C, clause="§10"),  # the company alone only with the holder's signature (Readings.cure_by)
    AgentAppointed: _by(_C, clause="§11"),
    AddressFurnished: _by(_H, clause="§13"),
    NoticeSent: _by(_C, _A, clause="§13"),
    Amended: _by(_C, _H, clause="§14"),  # and signed by every party it burdens (clauses/issue.py)
    AcknowledgmentRequested: _by(_H, clause="§1.3"),
    AcknowledgmentGiven: _by(_C, clause="§1.3"),
    SharesOutstanding: _by(_C, _K, clause="§4, §10"),
    AuthorizedShares: _by(_C, _K, clause="§6"),
    BeneficialOwnership: _by(_H, _C, _A, clause="§10"),  # only the holder's own certificate counts (cap.py)
    Listed: _by(_C, _K, clause="§1.2"),
    Quote: _by(_C, _K, clause="§1.2(a), §1.2(b)"),  # public market data, with its source
    FmvAgreed: _by(_C, _H, clause="§1.2(c)"),  # and agreed by both (clauses/fmv.py)
    FmvAwarded: _by(_K, Party.ARBITRATOR, _C, _H, clause="§1.2(c)"),  # either party presents the award it is bound by
    LiquidationAmount: _by(_C, _K, clause="§1.2(d)"),
    CapTableFact: _by(_K, _C, _H, clause="record"),
    Correction: _by(_C, _H, _K, _A, clause="record"),  # and only the party the corrected event bound (records.py)
    DocumentIssued: _by(_C, _H, _A, _K, clause="record"),
    RefundPaid: _by(_C, _A, _T, clause="§2.2(a)", function=AgentFunction.EXERCISE),
}


def default_actor(kind: type[Event], *, holder: str = "", company: str = "", agent: str = "") -> str:
    """Who gives `kind` when a command names nobody: the first party of its GIVEN_BY entry, as "role:id"."""
    party = GIVEN_BY[kind].parties[0]
    ident = {Party.HOLDER: holder, Party.COMPANY: company, Party.AGENT: agent}.get(party, "")
    return "system" if party is Party.KEEPER else f"{party.value}:{ident}"


def sort_key(event: Event, sequence: int) -> tuple[date, int, int]:
    """The one ordering rule: date, then phase within the day, then the order of recording."""
    return (event.on, int(event.phase), sequence)


# ---------------------------------------------------------------- valuation inputs (the quarter close, accounting/)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ValuationInput(Event):
    """The issuer's inputs to the fair value of its options, from `on` until the next one (docs/close.md).

    The share price is not an input: the close takes the §1.2 price of the measurement date from the
    recorded quotes; `share_price` serves only where §1.2 gives none. Volatility is either given or computed
    from the recorded §1.2 prices over the last `volatility_window` trading days by `volatility_method`.
    `rate` is the continuously compounded risk-free rate for the term. `term_years` is the issuer's
    assumption of the remaining term where the terms state no Expiration Date (§1.1): the close reads it as
    an assumed expiration `on` + term. Nothing here changes an option's state or any rule of the agreement.
    """

    company: str
    rate: Fraction
    source: str
    volatility: Fraction | None = None
    volatility_window: int | None = None
    volatility_method: str = "log-returns"
    dividend_yield: Fraction = Fraction(0)
    term_years: Fraction | None = None
    share_price: Fraction | None = None
    kind: ClassVar[str] = "valuation-input"
    clause: ClassVar[str] = "§1.1, §1.2 (ASC 820 inputs)"
    phase: ClassVar[Phase] = Phase.OPENING


VOLATILITY_METHODS = {"log-returns": "sample standard deviation of daily log returns of the §1.2 prices, times sqrt(252)"}  # the names `volatility_method` may take


GIVEN_BY[ValuationInput] = _by(_C, _K, clause="record (ASC 820 inputs)")  # the issuer's own record
