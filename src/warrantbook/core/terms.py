"""The option's terms: immutable values, one version per effective date.

Everything a family member of the seed agreement may vary is a field here, so a 9.99% cap, a 61-day
waiver notice, a 19.99% hard ceiling, several price tranches or a stated expiration date need no code.
Where the seed's text admits more than one reading, the reading is a field of `Readings`, with the
careful reading as its default (docs/interpretations.md gives the reasons).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import ClassVar

from warrantbook.core.values import make_builder


class Venue(Enum):
    """Where the common stock trades, which decides the FMV rule of §1.2."""

    EXCHANGE = "exchange"  # AMEX or another national exchange: closing price, §1.2(a)
    NASDAQ = "nasdaq"  # Nasdaq National or SmallCap Market: last sale price, §1.2(a)
    OTCBB = "otcbb"  # NASD OTC Bulletin Board: mean of closing bid and ask, §1.2(b)
    PINK = "pink"  # pink sheets / OTC Markets: not named by the seed; see Readings.unnamed_venue
    NOT_TRADED = "not-traded"  # agreed or arbitrated value only, §1.2(c)


class PaymentMethod(Enum):
    CASH = "cash"  # cash or certified/official bank check, §2.2(a)(i)
    STOCK = "stock"  # common stock at FMV, §2.2(a)(ii)
    CASHLESS = "cashless"  # surrender of the option under the §2.2(b) formula, §2.2(a)(iii)
    COMBINATION = "combination"  # any mix of the above, §2.2(a)(iv)


class AdjustmentReading(Enum):
    """How §4 treats the exercise price when it adjusts the share number."""

    # Shares x after/before, price x before/after: the aggregate price never changes. Default.
    PRICE_INVERSE = "price-inverse"
    # Shares x after/before, price left as it is (the literal text of §4's first sentence alone).
    LITERAL_FIXED_PRICE = "literal-fixed-price"


class CapMeasure(Enum):
    """Which share count the cap percentage of §10 is measured against."""

    BEFORE_EXERCISE = "before"  # c x O - H, the text of §10. Default.
    AFTER_EXERCISE = "after"  # (c x O - H) / (1 - c), the peer agreements' reading


class OverCapPolicy(Enum):
    """What an exercise above the §10 allowance gets."""

    REFUSE = "refuse"  # the whole notice is refused; the holder may give a smaller one. Default.
    HONOUR_TO_CAP = "honour-to-cap"  # exercised up to the allowance, the rest stays unexercised


class FmvDetermination(Enum):
    """Which day is the Determination Date of an exercise (§1.2, §2.2(b) "the date of calculation")."""

    NOTICE_DATE = "notice"  # the day the exercise notice is received. Default.
    EXERCISE_DATE = "exercise"  # the day surrender and payment are complete


class UnnamedVenueRule(Enum):
    """The seed names only exchanges, Nasdaq, the OTCBB and no trading at all."""

    AS_BULLETIN_BOARD = "as-otcbb"  # quoted over the counter: mean of bid and ask, as §1.2(b). Default.
    AS_NOT_TRADED = "as-not-traded"  # only an agreed or arbitrated value, as §1.2(c)


class BasketValuation(Enum):
    """How one option share's FMV is found after a §3 merger turned it into a basket."""

    SUM_OF_PARTS = "sum-of-parts"  # each security at its own §1.2 FMV, plus cash, plus property value


class CureBy(Enum):
    """§10: who must sign the end of an Event of Default (which brings the cap back against the holder)."""

    HOLDER = "holder"  # the holder's word suffices, alone or countersigning the company's record
    BOTH = "both"  # the holder and the company both sign


class MissingQuoteRule(Enum):
    """§1.2(a), (b) when nothing was reported for the last trading day before the Determination Date."""

    # The last trading day with the needed figure, looking back at most `Readings.quote_lookback` trading days;
    # beyond that no FMV (refused). The stock is still publicly traded, so §1.2(c) does not apply. Default.
    LAST_QUOTED = "last-quoted"
    # No figure on that day: as if not publicly traded, so only a §1.2(c) agreed or awarded value.
    AS_NOT_TRADED = "as-not-traded"


class BasketCashRounding(Enum):
    """§3.1: how the cash component of a basket delivered on an exercise becomes an amount paid."""

    HALF_UP_CENT = "half-up-cent"  # to the cent, half a cent up: as cash in lieu under §2.1. Default.
    DOWN_CENT = "down-cent"  # down to the cent (the usual rule in merger agreements for holders of record)


class DissolutionPrice(Enum):
    """§3.2, §3.3: how the aggregate exercise price is settled when the option ends and the holder receives what it
    would have received on exercising just before."""

    # The holder pays the aggregate exercise price (remaining x B, rounded up to the cent) and receives the
    # basket of every remaining option share: an exercise needs payment (§2.2(a)). Default.
    HOLDER_PAYS = "holder-pays"
    # As a §2.2(b) cashless exercise just before: X = Y(A - B) / A baskets, A the basket's FMV; nothing paid.
    CASHLESS = "cashless"
    # The price is deducted from the basket's cash component; any excess over that cash is still paid by the holder.
    FROM_CASH = "from-cash"


@dataclass(frozen=True, slots=True)
class Readings:
    """The named choices where reasonable lawyers differ. Defaults are the careful readings."""

    adjustment: AdjustmentReading = AdjustmentReading.PRICE_INVERSE
    cap_measure: CapMeasure = CapMeasure.BEFORE_EXERCISE
    over_cap: OverCapPolicy = OverCapPolicy.REFUSE
    cure_restores_cap: bool = True  # §10: the cap is void only "during the continuance" of a default
    fmv_determination: FmvDetermination = FmvDetermination.NOTICE_DATE
    unnamed_venue: UnnamedVenueRule = UnnamedVenueRule.AS_BULLETIN_BOARD
    basket_valuation: BasketValuation = BasketValuation.SUM_OF_PARTS
    # fields added after the first schema version (codec.late_fields: stored terms keep their hash)
    cure_by: CureBy = CureBy.HOLDER
    missing_quote: MissingQuoteRule = MissingQuoteRule.LAST_QUOTED
    quote_lookback: int = 5  # trading days, with LAST_QUOTED
    basket_cash: BasketCashRounding = BasketCashRounding.HALF_UP_CENT
    dissolution_price: DissolutionPrice = DissolutionPrice.HOLDER_PAYS
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("cure_by", "missing_quote", "quote_lookback", "basket_cash", "dissolution_price")


@dataclass(frozen=True, slots=True)
class Address:
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(self.lines)


@dataclass(frozen=True, slots=True)
class Company:
    id: str
    name: str
    state: str  # of incorporation
    office: Address | None = None  # principal office, where the option is surrendered (§2.2(b))
    attention: str = "Chief Financial Officer"  # the Exhibit A addressee
    par_value: Fraction | None = None  # shown to counsel; decides nothing


@dataclass(frozen=True, slots=True)
class Holder:
    id: str
    name: str
    address: Address | None = None
    group: str = ""  # affiliates share a group: the §10 cap counts them together; "" means the holder alone

    @property
    def cap_group(self) -> str:
        return self.group or self.id


@dataclass(frozen=True, slots=True)
class Tranche:
    """Shares purchasable at one exercise price. The seed has one; family members may have several."""

    shares: Fraction
    exercise_price: Fraction


build_tranche = make_builder(Tranche)  # Tranche(shares, exercise_price), as the fold builds it (core.values)


@dataclass(frozen=True, slots=True)
class Expiration:
    """The Expiration Date, which the seed uses in §1.1 but never defines."""

    on: date | None = None
    source: str = "undefined in the agreement (§1.1)"
    time_of_day: str = ""  # "HH:MM" (24-hour) on the Expiration Date, e.g. "17:00"; "": through the whole day
    city: str = ""  # where that time is told, e.g. "New York, New York" (family members: 5:00 p.m. in a named city)
    LATE_FIELDS: ClassVar[tuple[str, ...]] = ("time_of_day", "city")

    def describe(self) -> str:
        if self.on is None:
            return "no Expiration Date"
        when = f"{self.time_of_day} on {self.on}" if self.time_of_day else f"the end of {self.on}"
        return when + (f" ({self.city} time)" if self.city else "")


@dataclass(frozen=True, slots=True)
class Cap:
    """§10: the most the holder (with affiliates) may beneficially own after an exercise."""

    percent: Fraction = Fraction(499, 10000)
    waiver_notice_days: int | None = 75  # None: no waiver by notice
    void_on_default: bool = True  # an Event of Default notice voids the cap while it continues
    hard_ceiling: Fraction | None = None  # a second limit no waiver or default lifts (e.g. 19.99%)


@dataclass(frozen=True, slots=True)
class RelatedAgreement:
    name: str
    dated: date | None
    parties: tuple[str, ...]
    role: str  # what this option takes from it, e.g. "defines Events of Default (§10)"


@dataclass(frozen=True, slots=True)
class DisputeTerms:
    """§14."""

    governing_law: str = "New York"
    forum: str = "state courts of New York or federal courts located in New York"
    holder_may_waive_forum: bool = True
    jury_waiver: bool = True
    prevailing_party_fees: bool = True
    no_construction_against_drafter: bool = True


@dataclass(frozen=True, slots=True)
class Terms:
    """One effective version of an option's terms."""

    company: str  # Company.id
    issue_date: date
    tranches: tuple[Tranche, ...]
    option_no: str = ""
    option_no_on_instrument: bool = False  # False: the number is ours, the instrument's is blank
    expiration: Expiration = field(default_factory=Expiration)
    cap: Cap | None = field(default_factory=Cap)
    delivery_days: int = 3  # business days after exercise, §2.1
    payment_methods: frozenset[PaymentMethod] = frozenset(PaymentMethod)
    fmv_venues: frozenset[Venue] = frozenset({Venue.EXCHANGE, Venue.NASDAQ, Venue.OTCBB, Venue.NOT_TRADED})
    liquidation_fmv: bool = True  # §1.2(d)
    related: tuple[RelatedAgreement, ...] = ()
    disputes: DisputeTerms = field(default_factory=DisputeTerms)
    readings: Readings = field(default_factory=Readings)
    legend: bool = True  # the restrictive legend on the face of the instrument

    @property
    def shares(self) -> Fraction:
        return sum((t.shares for t in self.tranches), Fraction(0))

    @property
    def cashless_allowed(self) -> bool:
        return PaymentMethod.CASHLESS in self.payment_methods


def seed_terms(option_no: str = "ATG-1", company: str = "atg") -> Terms:
    """The terms of the 2005 agreement (facts and figures from ../shared/agreement)."""
    issue = date(2005, 9, 7)
    return Terms(
        company=company,
        issue_date=issue,
        tranches=(Tranche(Fraction(140_250_000), Fraction(1, 100_000)),),
        option_no=option_no,
        option_no_on_instrument=False,
        related=(
            RelatedAgreement("Security Agreement", issue, ("GSSF Master Fund, L.P.", "American Technologies Group, Inc.", "the Eligible Subsidiaries"),
                             "defines the Events of Default that void the cap (§10, definition (e))"),
            RelatedAgreement("Registration Rights Agreement", issue, ("American Technologies Group, Inc.", "GSSF Master Fund, L.P."),
                             "registration rights of the holder (§9)"),
        ),
    )
