"""§2 Procedure for exercise: what the holder pays and what it receives, one module per payment method.

  cash.py         §2.2(a)(i)   Y shares for Y x B in cash or by check
  stock.py        §2.2(a)(ii)  Y shares for ceil(Y x B / A) shares of common delivered at FMV
  cashless.py     §2.2(b)      X = Y(A - B) / A shares for the surrender of Y option shares
  combination.py  §2.2(a)(iv)  N shares for cash C, S shares of common and W option shares cancelled
  delivery.py     §2.1         whole shares, cash in lieu of the fraction, the delivery date

`compute_exercise` picks the method, applies the §10 limit (here, and nowhere else: to the WHOLE shares the
exercise issues, never the exact X), and hands the shares issued to §2.1. Everything stays exact;
`numbers.Rounding` rounds only what changes hands. The option balance falls by Y (for a combination by
N + W), never by the shares issued.
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction
from types import ModuleType

from warrantbook.core.arith import sub
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import fmt
from warrantbook.core.rules.exercise import cash, cashless, combination, delivery, stock
from warrantbook.core.rules.exercise.common import Basis, ExerciseRequest, ExerciseResult, FmvSource, Limit, Priced, exceeds
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.terms import OverCapPolicy, PaymentMethod

__all__ = ["ExerciseRequest", "ExerciseResult", "FmvSource", "Limit", "Priced", "asked", "compute_exercise", "needs_fmv", "METHODS"]

METHODS: dict[PaymentMethod, ModuleType] = {
    PaymentMethod.CASH: cash,
    PaymentMethod.STOCK: stock,
    PaymentMethod.CASHLESS: cashless,
    PaymentMethod.COMBINATION: combination,
}


def _fmv_or_none(source: FmvSource, trace: Trace | None) -> Fmv | None:
    try:
        return source(trace)
    except Refusal:
        return None


def needs_fmv(request: ExerciseRequest) -> bool:
    if request.method in (PaymentMethod.STOCK, PaymentMethod.CASHLESS):
        return True
    if request.method is PaymentMethod.COMBINATION:
        return bool(request.cancel_shares or request.stock_shares or request.cash is not None)
    return False


def asked(request: ExerciseRequest, remaining: Fraction, trace: Trace | None) -> Fraction:
    """Y (N for a combination) as the notice asks it, before the cap."""
    if request.shares is None:
        if request.method is not PaymentMethod.CASHLESS:
            raise BadInput("shares: required unless the cashless maximum is elected (Exhibit A)", field="shares", clause="Exhibit A")
        record(trace, "Exhibit A, §2.2(b)", "cashless maximum elected: Y is every remaining option share", "Y = remaining", remaining)
        return remaining
    y = request.shares
    if y.numerator <= 0:  # y <= 0 (a Fraction's sign is its numerator's)
        raise BadInput("shares: must be more than zero", field="shares", clause="§1.1")
    if y.denominator != 1 and y != remaining and request.whole_only:
        raise BadInput(f"shares: {fmt(y)} is not a whole number (only the whole remaining balance may be fractional)",
                       field="shares", clause="§1.1")
    if exceeds(y, remaining):
        raise Refusal("§1.1", f"{fmt(y)} shares asked, only {fmt(remaining)} remain", field="shares")
    return y


def _within_cap(method: ModuleType, y: Fraction, priced: Priced, basis: Basis, limit: Limit | None,
                trace: Trace | None) -> tuple[Fraction, bool]:
    """§10, the one place the cap acts: the whole shares issued may not exceed the allowance. The number to
    exercise, and whether the cap cut it."""
    if limit is None:
        return y, False
    whole = Fraction(math.floor(priced.shares_issued))
    if exceeds(whole, limit.shares):
        most, formula = method.most_within(limit.shares, basis)
        most = min(most, basis.remaining)
        request = basis.request
        if request.shares is not None and limit.policy is OverCapPolicy.REFUSE:
            raise Refusal("§10", f"this exercise would issue {fmt(whole)} whole shares; the cap allows {fmt(limit.shares)} "
                          f"({limit.reason}); at most {fmt(most)} option shares may be exercised now", field="shares")
        label = "Y reduced to the most the cap allows"
        if request.method is PaymentMethod.COMBINATION:
            label = "shares purchased (N) reduced to the most the cap allows"
        if request.shares is not None:
            label += " (reading: honour to the cap)"
        record(trace, "§10", label, formula, most, allowance=limit.shares, A=basis.A, B=basis.B)
        if most <= 0:
            raise Refusal("§10", f"the cap allows no shares now ({limit.reason})", field="shares")
        return most, True
    return y, False


def compute_exercise(*, request: ExerciseRequest, tranche: int, remaining: Fraction, exercise_price: Fraction,
                     fmv: FmvSource, limit: Limit | None, deemed_issued: date, delivery_days: int,
                     trace: Trace | None = None) -> ExerciseResult:
    """One exercise of one tranche on `deemed_issued`: figures and their derivation."""
    B = exercise_price
    method_kind = request.method
    method = METHODS[method_kind]
    record(trace, "§1(c), §4", "exercise price per share (B), as adjusted to date", "B", B)
    record(trace, "§1.1, §4", "option shares remaining in this tranche", "remaining", remaining)
    if remaining.numerator <= 0:  # remaining <= 0
        raise Refusal("§1.1", "no shares remain under this option", field="shares")

    fmv_value: Fmv | None = fmv(trace) if needs_fmv(request) else None
    basis = Basis(request, B, fmv_value.value if fmv_value else None, remaining)
    if method_kind is PaymentMethod.CASHLESS:
        cashless.check(basis)

    y = asked(request, remaining, trace)
    priced = method.price(y, basis, None)
    y, cut = _within_cap(method, y, priced, basis, limit, trace)
    if cut or trace is not None:
        priced = method.price(y, basis, trace, cut=cut)  # again, for the number exercised, with its derivation
    if priced.problem is not None:
        raise priced.problem
    if exceeds(priced.shares_exercised, remaining):
        raise Refusal("§1.1", f"{fmt(priced.shares_issued)} purchased plus {fmt(priced.cancelled)} cancelled exceeds the "
                      f"{fmt(remaining)} remaining", field="shares")

    A = basis.A
    if A is None and priced.shares_issued.denominator != 1:
        fmv_value = fmv(trace)  # a fraction is paid at FMV (§2.1), so FMV is needed after all
        A = fmv_value.value
    out = delivery.deliver(priced.shares_issued, A, deemed_issued, delivery_days, trace)
    if fmv_value is None:
        fmv_value = _fmv_or_none(fmv, None)
    return ExerciseResult(
        method=method_kind, tranche=tranche, exercise_price=B, shares_exercised=priced.shares_exercised,
        shares_issued=priced.shares_issued, whole_shares=out.whole, fraction=out.fraction, fair_market_value=fmv_value,
        cash_in_lieu=out.cash_in_lieu, cash_in_lieu_paid=out.cash_in_lieu_paid, aggregate_exercise_price=priced.aggregate,
        cash_due=priced.cash_due, stock_due=priced.stock_due, option_shares_cancelled=priced.cancelled,
        deemed_issued=deemed_issued, delivery_due=out.due, limit=limit, remaining_after=sub(remaining, priced.shares_exercised),
    )
