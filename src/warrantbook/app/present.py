"""The one presentation rule for figures people read (tables on a terminal, pages, the first column of an export).

Exact values never pass through here on their way to a machine: `--json`, the API and exports keep the canonical
exact text (core.numbers.to_text). This module only makes a figure readable, and every rounding it does is for
display only: nothing it returns is ever parsed back into a computation.

The rule, by kind of figure (`Rule` names each part):

- shares: the whole number with thousands separators, then the fraction when there is one, exactly, after a plus
  sign: `1,234,567 + 1/3` (a fraction alone: `1/3`; negative: `-(1,234,567 + 1/3)`). The plus sign says the two parts
  add up, where `1,234,567 1/3` could be misread as one long number. A fraction whose denominator has more than
  FRACTION_DIGITS digits (unreadable) is shown as a decimal to SHARE_PLACES places, marked `…`. A whole number is
  never changed.
- prices (per share): dollars to their significant digits, at least two decimal places: `$0.00001`, `$0.0449`,
  `$1.50`. A price with more than PRICE_SIGNIFICANT significant digits (or none finite, as 1/30000 after an uneven
  split) is rounded half-even to PRICE_SIGNIFICANT significant digits and marked: `$0.0000333333…`. Never a raw
  fraction.
- money (amounts): dollars to the cent, rounded half up (half a cent away from zero), marked `…` when the rounding
  changed the value: `$1,152.50`, `$0.33…`. DISPLAY ROUNDING ONLY: the amounts that change hands are rounded by the
  core's named rules (core.numbers.Rounding), never by this.
- percentages: PERCENT_PLACES decimals, rounded half-even, marked `…` when rounded: `4.99%`, `33.33…%`.

The mark `…` means "rounded for display; the exact value is in --json, the API, and the page's exact view".
`read_back` reads a displayed figure back and `precision` says how far it may be from the exact value: the property
tests hold the two together.
"""

from __future__ import annotations

import math
from enum import Enum
from fractions import Fraction
from typing import Any

from warrantbook.core.numbers import exact, finite_decimal, to_text

MARK = "…"  # rounded for display
PRICE_SIGNIFICANT = 6
PERCENT_PLACES = 2
FRACTION_DIGITS = 6  # a share fraction's denominator of more digits is shown as a decimal
SHARE_PLACES = 6


class Rule(Enum):
    """The parts of the presentation rule, each with what it does (the module's docstring has the why)."""

    SHARES = "shares: whole number with separators, the fraction shown exactly after ' + ' (never rounded)"
    PRICE = f"prices: significant digits, at least 2 places; beyond {PRICE_SIGNIFICANT} significant digits rounded half-even, marked {MARK}"
    MONEY = f"money: to the cent, half up, marked {MARK} when rounded; display rounding only, never used in a computation"
    PERCENT = f"percentages: {PERCENT_PLACES} decimals, half-even, marked {MARK} when rounded"


def _group(digits: str) -> str:
    return f"{int(digits):,}"


def _decimal_text(value: Fraction, min_places: int = 0) -> str:
    """A value that has a finite decimal expansion, grouped, with at least `min_places` decimals."""
    text = finite_decimal(value)
    assert text is not None
    sign = "-" if text.startswith("-") else ""
    whole_part, _, frac = text.lstrip("-").partition(".")
    frac = frac.ljust(min_places, "0")
    return sign + _group(whole_part) + ("." + frac if frac else "")


def _round_places(value: Fraction, places: int, *, half_up: bool = False) -> Fraction:
    q = Fraction(1, 10**places)
    if half_up:
        n = math.floor(abs(value) / q + Fraction(1, 2))
        return Fraction(n if value >= 0 else -n) * q
    return Fraction(round(value / q)) * q


def _magnitude(value: Fraction) -> int:
    """e with 10**e <= |value| < 10**(e+1), exactly (value != 0)."""
    v = abs(value)
    e = len(str(v.numerator)) - len(str(v.denominator))
    while Fraction(10) ** e > v:
        e -= 1
    while Fraction(10) ** (e + 1) <= v:
        e += 1
    return e


def _significant(value: Fraction, digits: int) -> Fraction:
    """`value` rounded half-even to `digits` significant digits."""
    if value == 0:
        return value
    scale = Fraction(10) ** (_magnitude(value) - digits + 1)
    return Fraction(round(value / scale)) * scale


def number(value: Any, field: str = "value") -> Fraction:
    """A figure as given by a view (exact text, int, Fraction) as an exact Fraction."""
    return exact(value, field)


def shares(value: Any) -> str:
    v = number(value, "shares")
    if v < 0:
        return "-(" + shares(-v) + ")" if v.denominator != 1 else "-" + shares(-v)
    whole = math.floor(v)
    part = v - whole
    if part == 0:
        return f"{whole:,}"
    if len(str(part.denominator)) > FRACTION_DIGITS:
        rounded = _round_places(v, SHARE_PLACES)
        return _decimal_text(rounded, SHARE_PLACES) + MARK
    fraction = f"{part.numerator}/{part.denominator}"
    return fraction if whole == 0 else f"{whole:,} + {fraction}"


def price(value: Any) -> str:
    v = number(value, "price")
    sign = "-" if v < 0 else ""
    a = abs(v)
    dec = finite_decimal(a)
    if dec is not None and len(dec.replace(".", "").lstrip("0")) <= PRICE_SIGNIFICANT:
        return f"{sign}${_decimal_text(a, 2)}"
    rounded = _significant(a, PRICE_SIGNIFICANT)
    return f"{sign}${_decimal_text(rounded)}{MARK}"


def money(value: Any) -> str:
    v = number(value, "money")
    rounded = _round_places(v, 2, half_up=True)
    sign = "-" if rounded < 0 or (rounded == 0 and v < 0) else ""
    return f"{sign}${_decimal_text(abs(rounded), 2)}" + (MARK if rounded != v else "")


def percent(value: Any) -> str:
    """A ratio (0.0499) as a percentage (4.99%)."""
    p = number(value, "percent") * 100
    rounded = _round_places(p, PERCENT_PLACES)
    sign = "-" if rounded == 0 and p < 0 else ""
    return sign + _decimal_text(rounded, PERCENT_PLACES) + (MARK if rounded != p else "") + "%"


SHOW = {"shares": shares, "price": price, "money": money, "percent": percent}


def show(kind: str, value: Any) -> str:
    """A figure of a kind ("shares", "price", "money", "percent", anything else: text) for reading; None shows as ''."""
    if value is None or value == "":
        return ""
    f = SHOW.get(kind)
    return str(value) if f is None else f(value)


def exact_text(value: Any) -> str:
    """The exact value as the API gives it (a finite decimal or p/q), for a page's title or exact view."""
    if value is None or value == "":
        return ""
    return to_text(number(value))


# ---------------------------------------------------------------- reading a displayed figure back (tests, pasted figures)


def read_back(text: str) -> Fraction:
    """The value a displayed figure stands for (a percentage as its ratio): exact where the display was exact, else
    within `precision` of the exact value."""
    t = text.strip().replace(MARK, "")
    negative = t.startswith("-")
    t = t.lstrip("-").strip("()")
    is_percent = t.endswith("%")
    t = t.rstrip("%").lstrip("$").replace(",", "")
    total = sum((Fraction(part.strip()) for part in t.split(" + ")), Fraction(0))
    if is_percent:
        total /= 100
    return -total if negative else total


def precision(kind: str, value: Any) -> Fraction:
    """How far `read_back(show(kind, value))` may be from `value`: 0 where the display is exact."""
    v = number(value)
    if kind == "shares":
        return Fraction(0) if v.denominator == 1 or len(str((v - math.floor(v)).denominator)) <= FRACTION_DIGITS else \
            Fraction(1, 2 * 10**SHARE_PLACES)
    if kind == "price":
        return Fraction(0) if v == 0 else Fraction(10) ** (_magnitude(v) - PRICE_SIGNIFICANT + 1) / 2
    if kind == "money":
        return Fraction(1, 200)
    if kind == "percent":
        return Fraction(1, 2 * 10**PERCENT_PLACES) / 100
    raise ValueError(kind)
