"""§2.1: whole shares delivered, cash in lieu of a fraction at the then FMV, and the delivery date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from warrantbook.core.calendars import add_banking_days
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding, split_whole

_ZERO = Fraction(0)


@dataclass(frozen=True, slots=True)
class Delivered:
    whole: Fraction
    fraction: Fraction
    cash_in_lieu: Fraction  # exact
    cash_in_lieu_paid: Fraction  # rounded half up to the cent
    due: date


def deliver(issued: Fraction, A: Fraction | None, deemed_issued: date, delivery_days: int, trace: Trace | None) -> Delivered:
    """`A` is needed only when there is a fraction (the caller fetches it then)."""
    parts = split_whole(issued)
    has_fraction = parts.fraction.numerator != 0
    cash_in_lieu = _ZERO
    paid = _ZERO  # nothing to round
    if has_fraction:
        assert A is not None
        cash_in_lieu = parts.fraction * A
        paid = Rounding.CASH_IN_LIEU.apply(cash_in_lieu)
    due = add_banking_days(deemed_issued, delivery_days)
    if trace is not None:  # the derivation, when someone listens (its labels and inputs are built otherwise for nothing)
        record(trace, "§2.1", "whole shares delivered (rounded down)", "floor(shares issued)", parts.whole, shares_issued=issued)
        if has_fraction:
            record(trace, "§2.1", "cash in lieu of the fractional share", "fraction x FMV", cash_in_lieu, fraction=parts.fraction, FMV=A)
            record(trace, "§2.1", "cash in lieu paid (rounded half up to the cent)", "round_cent(cash in lieu)", paid)
        record(trace, "§2.1", "shares deemed issued at the close of business on", "day surrender and payment are complete", deemed_issued)
        record(trace, "§2.1", f"delivery due within {delivery_days} business days (New York banking days)",
               f"deemed issue date + {delivery_days} banking days", due)
    return Delivered(parts.whole, parts.fraction, cash_in_lieu, paid, due)
