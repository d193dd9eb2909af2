"""§2 Procedure for exercise: what the holder pays and what it receives.

Notation of §2.2(b): Y option shares exercised, A the FMV of one share, B the exercise price, X the shares
issued on a cashless exercise: X = Y(A - B) / A, only when A > B.

A combination (§2.2(a)(iv), Exhibit A) purchases N shares and pays with cash C, S shares of common stock at
FMV, and the cancellation of W option shares: (N + W) B = C + S A + W A. The option balance falls by
Y = N + W (for a cashless exercise by Y), never by the shares issued.

Everything stays exact; `numbers.Rounding` rounds only what changes hands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from warrantbook.core.calendars import add_banking_days
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.events import BasketDelivery
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding, fmt, split_whole
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.terms import OverCapPolicy, PaymentMethod


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


FmvSource = Callable[[Trace | None], Fmv]


def _fmv_or_none(source: FmvSource, trace: Trace | None) -> Fmv | None:
    try:
        return source(trace)
    except Refusal:
        return None


def compute_exercise(*, request: ExerciseRequest, tranche: int, remaining: Fraction, exercise_price: Fraction,
                     fmv: FmvSource, limit: Limit | None, deemed_issued: date, delivery_days: int,
                     trace: Trace | None = None) -> ExerciseResult:
    """One exercise of one tranche on `deemed_issued`: figures and their derivation."""
    B = exercise_price
    method = request.method
    record(trace, "§1(c), §4", "exercise price per share (B), as adjusted to date", "B", B)
    record(trace, "§1.1, §4", "option shares remaining in this tranche", "remaining", remaining)
    if remaining <= 0:
        raise Refusal("§1.1", "no shares remain under this option", field="shares")

    needs_fmv = method in (PaymentMethod.STOCK, PaymentMethod.CASHLESS) or (
        method is PaymentMethod.COMBINATION and (request.cancel_shares or request.stock_shares or request.cash is not None))
    A: Fraction | None
    fmv_value: Fmv | None
    if needs_fmv:
        fmv_value = fmv(trace)
        A = fmv_value.value
    else:
        fmv_value = None
        A = None

    if method is PaymentMethod.CASHLESS:
        assert A is not None
        if A <= B:
            raise Refusal("§2.2(b)", f"a cashless exercise needs the FMV ({fmt(A)}) to exceed the exercise price ({fmt(B)})",
                          field="method")

    # Y, before the cap
    if request.shares is None:
        if method is not PaymentMethod.CASHLESS:
            raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
        Y = remaining
        record(trace, "Exhibit A, §2.2(b)", "cashless maximum elected: Y is every remaining option share", "Y = remaining", Y)
    else:
        Y = request.shares
        if Y <= 0:
            raise BadInput("shares: must be more than zero", field="shares", clause="§1.1")
        if Y.denominator != 1 and Y != remaining and request.whole_only:
            raise BadInput(f"shares: {fmt(Y)} is not a whole number (only the whole remaining balance may be fractional)",
                           field="shares", clause="§1.1")
        if Y > remaining:
            raise Refusal("§1.1", f"{fmt(Y)} shares asked, only {fmt(remaining)} remain", field="shares")

    cancel = Fraction(0)
    stock_due = Fraction(0)
    cash_due = Fraction(0)

    def issued_for(y: Fraction) -> Fraction:
        if method is PaymentMethod.CASHLESS:
            assert A is not None
            return y * (A - B) / A
        return y

    # §10: the cap limits the shares issued (X), so for a cashless exercise it limits Y through X.
    if limit is not None and method is not PaymentMethod.COMBINATION:
        issued = issued_for(Y)
        if issued > limit.shares:
            if method is PaymentMethod.CASHLESS:
                assert A is not None
                y_max = Fraction(int(limit.shares * A / (A - B)))
                formula = "floor(allowance x A / (A - B)), so that X stays within the allowance"
            else:
                y_max = limit.shares
                formula = "allowance"
            y_max = min(y_max, remaining)
            if request.shares is not None and limit.policy is OverCapPolicy.REFUSE:
                raise Refusal("§10", f"this exercise would issue {fmt(issued)} shares; the cap allows {fmt(limit.shares)} "
                              f"({limit.reason}); at most {fmt(y_max)} option shares may be exercised now", field="shares")
            record(trace, "§10", "Y reduced to the most the cap allows" + (" (reading: honour to the cap)" if request.shares is not None else ""),
                   formula, y_max, allowance=limit.shares, A=A, B=B)
            Y = y_max
        if Y <= 0:
            raise Refusal("§10", f"the cap allows no shares now ({limit.reason})", field="shares")

    if method is PaymentMethod.CASH:
        issued = Y
        aggregate = Y * B
        cash_due = Rounding.AMOUNT_OWED.apply(aggregate)
        record(trace, "§2.2(a)(i)", "aggregate exercise price", "Y x B", aggregate, Y=Y, B=B)
        record(trace, "§2.2(a)(i)", "cash due (rounded up to the cent)", "ceil_cent(Y x B)", cash_due)
    elif method is PaymentMethod.STOCK:
        assert A is not None
        issued = Y
        aggregate = Y * B
        stock_due = Rounding.STOCK_DELIVERED_AS_PAYMENT.apply(aggregate / A)
        record(trace, "§2.2(a)(i)", "aggregate exercise price", "Y x B", aggregate, Y=Y, B=B)
        record(trace, "§2.2(a)(ii)", "common stock delivered as payment (rounded up to a whole share)",
               "ceil(Y x B / A)", stock_due, A=A)
    elif method is PaymentMethod.CASHLESS:
        assert A is not None
        issued = Y * (A - B) / A
        aggregate = Y * B
        cancel = Y - issued
        record(trace, "§2.2(b)", "shares issued (X)", "X = Y(A - B) / A", issued, Y=Y, A=A, B=B)
        record(trace, "§2.2(b)", "option shares given up as the price", "Y - X = Y x B / A", cancel)
    else:  # combination: N purchased, W cancelled, C cash, S stock: (N + W) B = C + S A + W A
        N = Y
        C = request.cash or Fraction(0)
        S = request.stock_shares or Fraction(0)
        if C < 0 or S < 0:
            raise BadInput("cash and stock_shares must not be negative", field="cash" if C < 0 else "stock_shares", clause="§2.2(a)")
        if request.cancel_shares is not None:
            W = request.cancel_shares
            if W < 0 or W.denominator != 1:
                raise BadInput("cancel_shares: must be a whole number of option shares", field="cancel_shares", clause="Exhibit A")
        elif A is not None and A > B:
            W = Rounding.OPTION_SHARES_CANCELLED.apply(max(Fraction(0), (N * B - C - S * (A or 0)) / (A - B)))
            record(trace, "§2.2(a)(iv)", "option shares cancelled (rounded up to a whole option share)",
                   "W = ceil((N x B - C - S x A) / (A - B))", W, N=N, B=B, C=C, S=S, A=A)
        else:
            W = Fraction(0)
        if W and (A is None or A <= B):
            raise Refusal("§2.2(b)", "option shares can only pay the price when the FMV exceeds the exercise price", field="cancel_shares")
        if N + W > remaining:
            raise Refusal("§1.1", f"{fmt(N)} purchased plus {fmt(W)} cancelled exceeds the {fmt(remaining)} remaining", field="shares")
        if limit is not None and N > limit.shares:
            if limit.policy is OverCapPolicy.REFUSE:
                raise Refusal("§10", f"this exercise would issue {fmt(N)} shares; the cap allows {fmt(limit.shares)} ({limit.reason})", field="shares")
            N = limit.shares
            record(trace, "§10", "shares purchased reduced to the cap (reading: honour to the cap)", "allowance", N)
        aggregate = (N + W) * B
        tendered = C + S * (A or 0) + W * (A or 0)
        shortfall = aggregate - tendered
        cash_due = Rounding.AMOUNT_OWED.apply(max(Fraction(0), aggregate - S * (A or 0) - W * (A or 0)))
        record(trace, "§2.2(a)(iv)", "aggregate exercise price of the shares purchased and cancelled", "(N + W) x B", aggregate, N=N, W=W, B=B)
        record(trace, "§2.2(a)(iv)", "value tendered", "C + S x A + W x A", tendered, C=C, S=S, W=W, A=A)
        if shortfall > 0 and request.cash is not None and C < cash_due:
            raise Refusal("§2.2(a)", f"the payment elected falls {fmt(shortfall)} short of the aggregate exercise price", field="cash")
        record(trace, "§2.2(a)(iv)", "cash due (rounded up to the cent)", "ceil_cent((N + W) x B - S x A - W x A)", cash_due)
        issued = N
        cancel = W
        stock_due = S
        Y = N + W
        record(trace, "§2.2(a)", "option balance falls by", "Y = N + W", Y)

    parts = split_whole(issued)
    cash_in_lieu = Fraction(0)
    if parts.fraction:
        if A is None:
            fmv_value = fmv(trace)  # a fraction is paid at FMV (§2.1), so FMV is needed after all
            A = fmv_value.value
        cash_in_lieu = parts.fraction * A
    paid = Rounding.CASH_IN_LIEU.apply(cash_in_lieu)
    record(trace, "§2.1", "whole shares delivered (rounded down)", "floor(shares issued)", parts.whole, shares_issued=issued)
    if parts.fraction:
        record(trace, "§2.1", "cash in lieu of the fractional share", "fraction x FMV", cash_in_lieu, fraction=parts.fraction, FMV=A)
        record(trace, "§2.1", "cash in lieu paid (rounded half up to the cent)", "round_cent(cash in lieu)", paid)
    due = add_banking_days(deemed_issued, delivery_days)
    record(trace, "§2.1", "shares deemed issued at the close of business on", "day surrender and payment are complete", deemed_issued)
    record(trace, "§2.1", f"delivery due within {delivery_days} business days (New York banking days)",
           f"deemed issue date + {delivery_days} banking days", due)
    if A is None:
        fmv_value = _fmv_or_none(fmv, None)
    return ExerciseResult(
        method=method, tranche=tranche, exercise_price=B, shares_exercised=Y, shares_issued=issued,
        whole_shares=parts.whole, fraction=parts.fraction, fair_market_value=fmv_value, cash_in_lieu=cash_in_lieu,
        cash_in_lieu_paid=paid, aggregate_exercise_price=aggregate, cash_due=cash_due, stock_due=stock_due,
        option_shares_cancelled=cancel, deemed_issued=deemed_issued, delivery_due=due, limit=limit,
        remaining_after=remaining - Y,
    )
