"""The two cap-table figures that are not already a clause's: intrinsic value and fully diluted ownership.

Both are exact (Fraction) and explain themselves when given a Trace. Everything else a cap table shows is the
state's own (shares outstanding, authorized, the option shares) or another rule's (§6 reservation, §10 allowance).
"""

from __future__ import annotations

from fractions import Fraction

from warrantbook.core.explain import Trace, record
from warrantbook.core.terms import Tranche


def intrinsic_value(tranches: tuple[Tranche, ...], fmv: Fraction, trace: Trace | None = None) -> Fraction:
    """§1.2, §2.2(b): what the remaining option shares are worth at the Fair Market Value A, over the price B:
    the sum over tranches of Y x max(A - B, 0). It is the value at A of what a cashless exercise of every remaining
    share would deliver (X = Y(A - B)/A shares), before any §10 cap or the rounding of §2.1; zero where B >= A."""
    total = Fraction(0)
    for i, t in enumerate(tranches):
        value = t.shares * max(fmv - t.exercise_price, Fraction(0))
        record(trace, "§1.2, §2.2(b)", f"intrinsic value of tranche {i}", "Y x max(A - B, 0)", value,
               Y=t.shares, A=fmv, B=t.exercise_price)
        total += value
    return total


def fully_diluted_basis(outstanding: Fraction, option_shares: Fraction, trace: Trace | None = None) -> Fraction:
    """The fully diluted share count, treasury-free: the shares outstanding plus every share issuable on the
    options counted (remaining shares of every tranche, uncapped, as §6 reserves them); no treasury-stock method."""
    basis = outstanding + option_shares
    record(trace, "§6", "fully diluted shares (treasury-free)", "outstanding + option shares", basis,
           outstanding=outstanding, option_shares=option_shares)
    return basis


def ownership(shares: Fraction, basis: Fraction) -> Fraction | None:
    """A holding as a fraction of a basis (None when the basis is zero)."""
    return shares / basis if basis else None
