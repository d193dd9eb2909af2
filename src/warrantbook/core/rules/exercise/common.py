"""What every payment method shares: the request, the §10 limit, the figures a method prices, the result.

Notation of §2.2(b): Y option shares exercised, A the FMV of one share, B the exercise price, X the shares
issued. A, B and Y are always on one share basis (the engine converts A across §4 events, docs/interpretations.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from warrantbook.core.errors import WarrantbookError
from warrantbook.core.events import BasketDelivery
from warrantbook.core.explain import Trace
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.terms import OverCapPolicy, PaymentMethod

FmvSource = Callable[[Trace | None], Fmv]


def exceeds(a: Fraction, b: Fraction) -> bool:
    """a > b, on numerators and denominators (a denominator is always positive): the operator's answer, without its
    check of the operand against an abstract base class (every exercise makes several of these comparisons)."""
    return a.numerator * b.denominator > b.numerator * a.denominator


@dataclass(frozen=True, slots=True)
class ExerciseRequest:
    """What an exercise notice asks for. `shares` None elects the cashless maximum."""

    shares: Fraction | None
    method: PaymentMethod
    cash: Fraction | None = None
    cancel_shares: Fraction | None = None
    stock_shares: Fraction | None = None
    tranche: int | None = None
    whole_only: bool = True  # False once §4 has scaled an open notice's number (§2.2(a))


@dataclass(frozen=True, slots=True)
class Limit:
    """The most whole shares this exercise may issue (§10), with why."""

    shares: Fraction
    policy: OverCapPolicy
    reason: str


@dataclass(frozen=True, slots=True)
class Basis:
    """The figures a method prices with, all on one share basis."""

    request: ExerciseRequest
    B: Fraction  # exercise price per share, as adjusted to date
    A: Fraction | None  # FMV of one share; None when the method does not need it
    remaining: Fraction  # option shares remaining in the tranche


@dataclass(frozen=True, slots=True)
class Priced:
    """One method's figures for a number exercised (Y; N for a combination)."""

    shares_exercised: Fraction  # the option balance falls by this
    shares_issued: Fraction  # exact, before §2.1 rounding
    aggregate: Fraction  # aggregate exercise price of the shares exercised
    cash_due: Fraction  # rounded up to the cent
    stock_due: Fraction  # whole shares of common delivered as payment
    cancelled: Fraction  # option shares given up as (part of) the price
    problem: WarrantbookError | None = None  # raised after the §10 step (a cut may cure it)


@dataclass(frozen=True, slots=True)
class ExerciseResult:
    method: PaymentMethod
    tranche: int
    exercise_price: Fraction
    shares_exercised: Fraction  # Y: the balance falls by this
    shares_issued: Fraction  # exact
    whole_shares: Fraction
    fraction: Fraction
    fair_market_value: Fmv | None
    cash_in_lieu: Fraction
    cash_in_lieu_paid: Fraction
    aggregate_exercise_price: Fraction
    cash_due: Fraction  # rounded up to the cent
    stock_due: Fraction  # whole shares of common to deliver as payment
    option_shares_cancelled: Fraction  # W (combination) or Y - X (cashless, exact)
    deemed_issued: date
    delivery_due: date
    limit: Limit | None
    remaining_after: Fraction
    basket: tuple[BasketDelivery, ...] = ()  # §3.1: set by engine.exercise_quote after a §3 transaction (rules/reorganization.py)
