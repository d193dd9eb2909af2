"""§2.2(b) (and (a)(iii)): the option surrendered as the price, X = Y(A - B) / A, only when A > B."""

from __future__ import annotations

import math
from fractions import Fraction

from warrantbook.core.arith import div, mul, sub
from warrantbook.core.errors import Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import fmt
from warrantbook.core.rules.exercise.common import Basis, Priced, exceeds

_ZERO = Fraction(0)


def check(basis: Basis) -> None:
    A = basis.A
    assert A is not None
    if not exceeds(A, basis.B):  # A <= B
        raise Refusal("§2.2(b)", f"a cashless exercise needs the FMV ({fmt(A)}) to exceed the exercise price ({fmt(basis.B)})",
                      field="method")


def price(y: Fraction, basis: Basis, trace: Trace | None, *, cut: bool = False) -> Priced:
    A, B = basis.A, basis.B
    assert A is not None
    # core.arith: the operators' Fractions without their dispatch (every cashless exercise prices here)
    issued = div(mul(y, sub(A, B)), A)  # X = Y(A - B) / A
    aggregate = mul(y, B)  # Y x B
    cancelled = div(aggregate, A)  # Y - X = Y x B / A
    if trace is not None:  # the derivation, when someone listens
        record(trace, "§2.2(b)", "shares issued (X)", "X = Y(A - B) / A", issued, Y=y, A=A, B=B)
        record(trace, "§2.2(b)", "option shares given up as the price", "Y - X = Y x B / A", cancelled)
    return Priced(y, issued, aggregate, _ZERO, _ZERO, cancelled)


def most_within(allowance: Fraction, basis: Basis) -> tuple[Fraction, str]:
    """The largest whole Y with floor(X) <= allowance: X < allowance + 1, so Y = ceil((allowance + 1) A / (A - B)) - 1.

    The cap limits the whole shares issued; the fraction is paid in cash (§2.1) and is never owned."""
    A, B = basis.A, basis.B
    assert A is not None
    y = Fraction(math.ceil((allowance + 1) * A / (A - B)) - 1)
    return y, "ceil((allowance + 1) x A / (A - B)) - 1, the most Y whose whole shares X stay within the allowance"
