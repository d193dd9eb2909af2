"""§2.2(a)(ii): payment by delivering common stock of the company at its Fair Market Value."""

from __future__ import annotations

from fractions import Fraction

from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding
from warrantbook.core.rules.exercise.common import Basis, Priced


def price(y: Fraction, basis: Basis, trace: Trace | None, *, cut: bool = False) -> Priced:
    """Y shares bought; the holder delivers ceil(Y x B / A) whole shares of common as the price."""
    A = basis.A
    assert A is not None
    aggregate = y * basis.B
    stock_due = Rounding.STOCK_DELIVERED_AS_PAYMENT.apply(aggregate / A)
    record(trace, "§2.2(a)(i)", "aggregate exercise price", "Y x B", aggregate, Y=y, B=basis.B)
    record(trace, "§2.2(a)(ii)", "common stock delivered as payment (rounded up to a whole share)", "ceil(Y x B / A)", stock_due, A=A)
    return Priced(y, y, aggregate, Fraction(0), stock_due, Fraction(0))


def most_within(allowance: Fraction, basis: Basis) -> tuple[Fraction, str]:
    return allowance, "allowance"
