"""Exact numbers and the named rounding rules.

Shares and money are `fractions.Fraction` from input to the moment something changes hands. Nothing here
accepts a float: a float has already lost the digits we would need to prove a figure to a court.

Rounding happens only at the points listed in `Rounding`, each a named rule that documents itself;
`docs/interpretations.md` explains the choice behind each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from warrantbook.core.arith import sub
from warrantbook.core.errors import BadInput

CENT = Fraction(1, 100)


MAX_DIGITS = 100  # digits a number may have (written or implied by its exponent) before the point, and after it
MAX_TEXT = 250  # characters of a number's text, before anything else is looked at
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:([,_])\d{3})(?:\1\d{3})*", re.ASCII)


def _too_big(field: str, value: object) -> BadInput:
    return BadInput(f"{field}: {str(value)[:40]!r} is out of range: at most {MAX_DIGITS} digits before the decimal point and "
                    f"{MAX_DIGITS} after it (exponent included)", field=field)


def _ungroup(text: str, field: str, original: str) -> str:
    """The whole part without thousands separators, when they are real ones: `1,000` and `140,250,000` are; `0,46`
    and `1,5` are decimal commas (a hundred or ten times off if read as separators) and are refused."""
    whole_part, dot, rest = text.partition(".")
    if "," in rest or "_" in rest:
        raise BadInput(f"{field}: {original!r} has a separator after the decimal point; write the decimal part with a point "
                       "and no separator (e.g. 0.46)", field=field)
    if "," in whole_part or "_" in whole_part:
        if not _GROUPED.fullmatch(whole_part):
            raise BadInput(f"{field}: {original!r}: a comma here is not a thousands separator (groups of three digits after a "
                           "first group of 1-3 digits not starting with 0, e.g. 1,000); for a decimal write a point (e.g. 0.46)",
                           field=field)
        whole_part = whole_part.replace(",", "").replace("_", "")
    return whole_part + dot + rest


def _bounded_int(text: str, field: str, original: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ValueError(text)
    if len(text.lstrip("+-").lstrip("0")) > MAX_DIGITS:
        raise _too_big(field, original)
    return int(text)


def exact(value: object, field: str = "value") -> Fraction:
    """Turn user input (str, int, Decimal, Fraction) into an exact Fraction: the one parser of every entry point.

    Accepts "0.00001", "3/7", "140,250,000", "$0.01", "4.99%" (-> 0.0499), "1e-5". Refuses floats outright, a
    comma that is not a thousands separator ("0,46", "1,5"), digits other than ASCII, and anything with more than
    MAX_DIGITS digits before or after the point once its exponent is applied ("1e99999999", "1e-99999"), before
    any arithmetic is done with it.
    """
    if isinstance(value, bool):
        raise BadInput(f"{field}: expected a number, got a boolean", field=field)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_DIGITS * 10 // 3 + 1 and len(str(abs(value))) > MAX_DIGITS:
            raise _too_big(field, value)
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise BadInput(f"{field}: {value} is not a finite number", field=field)
        _sign, dec_digits, dec_exponent = value.as_tuple()
        assert isinstance(dec_exponent, int)
        if len(dec_digits) + max(dec_exponent, 0) > MAX_DIGITS or -dec_exponent > MAX_DIGITS:
            raise _too_big(field, value)
        return Fraction(value)
    if isinstance(value, float):
        raise BadInput(f"{field}: floats are not accepted; write the number as text, e.g. \"0.00001\"", field=field)
    if not isinstance(value, str):
        raise BadInput(f"{field}: expected a number, got {type(value).__name__}", field=field)
    if len(value) > MAX_TEXT:
        raise BadInput(f"{field}: at most {MAX_TEXT} characters for a number", field=field)
    text = value.strip().lstrip("$").strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    bad = BadInput(f"{field}: {value!r} is not an exact number (write e.g. 0.00001, 3/7, 1,000 or 4.99%)", field=field)
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            n = _bounded_int(_ungroup(num.strip(), field, value), field, value)
            d = _bounded_int(_ungroup(den.strip(), field, value), field, value)
            result = Fraction(n, d)
        else:
            m = _DECIMAL.fullmatch(_ungroup(text, field, value))
            if m is None or not (m.group(2) or m.group(3)):
                raise bad
            sign, whole_digits, frac_digits, exp_text = m.groups()
            frac_digits = frac_digits or ""
            if exp_text and len(exp_text.lstrip("+-").lstrip("0")) > 4:
                raise _too_big(field, value)
            exponent = int(exp_text or 0)
            digits = (whole_digits + frac_digits).lstrip("0")
            point = len(whole_digits.lstrip("0")) + exponent  # digits before the point once the exponent is applied
            after = len(frac_digits) - exponent  # digits after it
            if digits and (point > MAX_DIGITS or after > MAX_DIGITS) or (not digits and abs(exponent) > MAX_DIGITS):
                raise _too_big(field, value)
            numerator = int(whole_digits + frac_digits or "0")
            scale = len(frac_digits) - exponent
            result = Fraction(numerator, 10**scale) if scale >= 0 else Fraction(numerator * 10**-scale)
            if sign == "-":
                result = -result
    except (ValueError, ZeroDivisionError):
        raise bad from None
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
        # on the value's numerator and denominator (n/d, d > 0): integer floor division rounds down, -(-x // d) up;
        # the same Fractions as the operators would give, without their dispatch (every exercise rounds two or three)
        n, d = value.numerator, value.denominator
        if self in (Rounding.WHOLE_SHARES_DELIVERED, Rounding.TRANSFER_PIECE):
            return Fraction(n // d)  # floor
        if self is Rounding.CAP_ALLOWANCE:
            return Fraction(max(0, n // d))
        if self is Rounding.CASH_IN_LIEU:
            return Fraction((200 * n + d) // (2 * d), 100)  # floor(value / CENT + 1/2) cents
        if self is Rounding.AMOUNT_OWED:
            return Fraction(-(-100 * n // d), 100)  # ceil(value / CENT) cents
        if self in (Rounding.STOCK_DELIVERED_AS_PAYMENT, Rounding.OPTION_SHARES_CANCELLED):
            return Fraction(-(-n // d))  # ceil
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
    return Split(delivered, sub(value, delivered))
