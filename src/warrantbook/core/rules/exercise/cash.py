"""§2.2(a)(i): payment in cash or by certified or official bank check of the aggregate exercise price."""

from __future__ import annotations

from fractions import Fraction

from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding
from warrantbook.core.rules.exercise.common import Basis, Priced


def price(y: Fraction, basis: Basis, trace: Trace | None, *, cut: bool = False) -> Priced:
    """Y shares bought for Y x B, owed rounded up to the cent; Y shares issued."""
    aggregate = y * basis.B
    cash_due = Rounding.AMOUNT_OWED.apply(aggregate)
    record(trace, "§2.2(a)(i)", "aggregate exercise price", "Y x B", aggregate, Y=y, B=basis.B)
    record(trace, "§2.2(a)(i)", "cash due (rounded up to the cent)", "ceil_cent(Y x B)", cash_due)
    return Priced(y, y, aggregate, cash_due, Fraction(0), Fraction(0))


def most_within(allowance: Fraction, basis: Basis) -> tuple[Fraction, str]:
    """The largest Y whose whole shares issued stay within `allowance`: the allowance itself (X = Y)."""
    return allowance, "allowance"
