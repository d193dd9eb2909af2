"""Exact numbers and the named rounding rules.

Shares and money are `fractions.Fraction` from input to the moment something changes hands. Nothing here
accepts a float: a float has already lost the digits we would need to prove a figure to a court.

Rounding happens only at the points listed in `Rounding`, each a named rule that documents itself;
`docs/interpretations.md` explains the choice behind each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction

from warrantbook.core.errors import BadInput

CENT = Fraction(1, 100)


def exact(value: object, field: str = "value") -> Fraction:
    """Turn user input (str, int, Decimal, Fraction) into an exact Fraction.

    Accepts "0.00001", "3/7", "140,250,000", "$0.01", "4.99%" (-> 0.0499). Refuses floats outright.
    """
    if isinstance(value, bool):
        raise BadInput(f"{field}: expected a number, got a boolean", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise BadInput(f"{field}: {value} is not a finite number", field=field)
        return Fraction(value)
    if isinstance(value, float):
        raise BadInput(f"{field}: floats are not accepted; write the number as text, e.g. \"0.00001\"", field=field)
    if not isinstance(value, str):
        raise BadInput(f"{field}: expected a number, got {type(value).__name__}", field=field)
    text = value.strip().replace(",", "").replace("_", "").lstrip("$").strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            result = Fraction(int(num.strip()), int(den.strip()))
        else:
            dec = Decimal(text)
            if not dec.is_finite():
                raise InvalidOperation
            result = Fraction(dec)
    except (ValueError, InvalidOperation, ZeroDivisionError):
        raise BadInput(f"{field}: {value!r} is not an exact number (write e.g. 0.00001, 3/7 or 4.99%)", field=field) from None
    return result / 100 if percent else result


def whole(value: object, field: str = "shares", *, allow_zero: bool = False) -> int:
    """A whole, positive count (shares, days). Zero only when allowed."""
    number = exact(value, field)
    if number.denominator != 1:
        raise BadInput(f"{field}: {fmt(number)} is not a whole number", field=field)
    if number < 0 or (number == 0 and not allow_zero):
        raise BadInput(f"{field}: must be {'zero or more' if allow_zero else 'more than zero'}, got {fmt(number)}", field=field)
    return int(number)


def positive(value: object, field: str) -> Fraction:
    number = exact(value, field)
    if number <= 0:
        raise BadInput(f"{field}: must be more than zero, got {fmt(number)}", field=field)
    return number


def finite_decimal(value: Fraction) -> str | None:
    """The exact decimal text of `value`, or None when it has no finite decimal expansion."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    scaled = value * 10**places
    assert scaled.denominator == 1
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def to_text(value: Fraction) -> str:
    """The canonical exact text of a number: a finite decimal where one exists, else "p/q".

    This is what JSON output, the book file and the database store: it parses back to the same Fraction.
    """
    dec = finite_decimal(value)
    return dec if dec is not None else f"{value.numerator}/{value.denominator}"


def approx(value: Fraction, places: int = 10) -> str:
    """A decimal rounded half-even to `places`, for display beside an exact fraction only."""
    q = Fraction(1, 10**places)
    rounded = round(value / q) * q
    text = finite_decimal(Fraction(rounded))
    return text if text is not None else str(rounded)


def fmt(value: Fraction | int) -> str:
    """Display form: exact decimal with thousands separators, or the fraction with a rounded decimal beside it."""
    value = Fraction(value)
    dec = finite_decimal(value)
    if dec is None:
        return f"{value.numerator}/{value.denominator} (~{approx(value, 12)})"
    whole_part, _, frac_part = dec.partition(".")
    sign = "-" if whole_part.startswith("-") else ""
    grouped = f"{int(whole_part.lstrip('-')):,}"
    return sign + grouped + ("." + frac_part if frac_part else "")


def money(value: Fraction) -> str:
    """Dollars for display: at least two places, exact beyond them when the amount needs it."""
    value = Fraction(value)
    dec = finite_decimal(value)
    if dec is None:
        return "$" + fmt(value)
    whole_part, _, frac_part = dec.partition(".")
    frac_part = frac_part.ljust(2, "0")
    sign = "-" if whole_part.startswith("-") else ""
    return f"{sign}${int(whole_part.lstrip('-')):,}.{frac_part}"


class Rounding(Enum):
    """Every place where an exact figure becomes something that changes hands, with its rule."""

    WHOLE_SHARES_DELIVERED = "whole shares delivered: round down; the fraction is paid in cash (§2.1)"
    CASH_IN_LIEU = "cash in lieu of a fraction: round half up to the cent; under half a cent pays $0.00 (§2.1)"
    AMOUNT_OWED = "amount the holder owes: round up to the cent, so the price is always fully paid (§2.2(a))"
    STOCK_DELIVERED_AS_PAYMENT = "common stock delivered as payment: round up to a whole share (§2.2(a)(ii))"
    OPTION_SHARES_CANCELLED = "option shares cancelled as payment: round up to a whole option share (§2.2(a)(iii))"
    CAP_ALLOWANCE = "cap allowance: round down to a whole share, never below zero (§10)"
    TRANSFER_PIECE = "transfer piece stated as a percentage: round down to a whole share; the balance stays with the transferor (§7)"

    def apply(self, value: Fraction) -> Fraction:
        if self in (Rounding.WHOLE_SHARES_DELIVERED, Rounding.TRANSFER_PIECE):
            return Fraction(math.floor(value))
        if self is Rounding.CAP_ALLOWANCE:
            return Fraction(max(0, math.floor(value)))
        if self is Rounding.CASH_IN_LIEU:
            return Fraction(math.floor(value / CENT + Fraction(1, 2))) * CENT
        if self is Rounding.AMOUNT_OWED:
            return Fraction(math.ceil(value / CENT)) * CENT
        if self in (Rounding.STOCK_DELIVERED_AS_PAYMENT, Rounding.OPTION_SHARES_CANCELLED):
            return Fraction(math.ceil(value))
        raise AssertionError(self)  # pragma: no cover

    @property
    def clause(self) -> str:
        return self.value.rsplit("(", 1)[1].rstrip(")")


@dataclass(frozen=True, slots=True)
class Split:
    """A quantity split into the whole part that is delivered and the fraction that is not."""

    whole: Fraction
    fraction: Fraction


def split_whole(value: Fraction) -> Split:
    delivered = Rounding.WHOLE_SHARES_DELIVERED.apply(value)
    return Split(delivered, value - delivered)
