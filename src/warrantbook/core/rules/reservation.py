"""§6 Reservation: every share issuable on the company's options kept authorized and unissued.

The cap of §10 limits one exercise, not what the company owes over time, so the reserve counts every
remaining share, uncapped.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from warrantbook.core.explain import Trace, record


@dataclass(frozen=True, slots=True)
class Reserve:
    required: Fraction
    authorized: Fraction | None
    outstanding: Fraction | None
    available: Fraction | None
    shortfall: Fraction | None  # None when authorized or outstanding is unknown


def reserve(required: Fraction, authorized: Fraction | None, outstanding: Fraction | None, trace: Trace | None = None) -> Reserve:
    record(trace, "§6", "shares to reserve: the remaining shares of every active option, uncapped", "sum(remaining)", required)
    if authorized is None or outstanding is None:
        return Reserve(required, authorized, outstanding, None, None)
    available = authorized - outstanding
    shortfall = max(Fraction(0), required - available)
    record(trace, "§6", "authorized but unissued", "authorized - outstanding", available, authorized=authorized, outstanding=outstanding)
    record(trace, "§6", "reserve shortfall", "max(0, required - available)", shortfall)
    return Reserve(required, authorized, outstanding, available, shortfall)
