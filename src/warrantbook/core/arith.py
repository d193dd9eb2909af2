"""Exact arithmetic for the fold's hot path: the same Fractions as `+ - * /`, built without the operators' dispatch.

`Fraction`'s operators check both operands' types, then build the result through `Fraction.__new__`, which checks
them again: about a microsecond an operation, most of it not arithmetic. The fold does a few such operations per
event (a §4 ratio and the scaled tranche, an exercise's shares, the running count of shares outstanding), and on a
ledger of a million events that dispatch is a fifth of its time.

Each function here takes two Fractions and returns exactly what the operator returns: the same value, normalized
(lowest terms, positive denominator), of type Fraction. Shares are whole numbers nearly always, so the whole-number
case is a direct integer operation; any other case falls back to the operator itself. `tests/core/test_arith.py`
checks each against its operator over random Fractions, numerator and denominator included.

The result is built by setting the two slots CPython's Fraction has kept since Python 2.6 (`_numerator`,
`_denominator`); `_check_layout` below refuses to load on an interpreter whose Fraction is laid out otherwise,
rather than compute with a layout it does not know.
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd

_new = object.__new__


def _check_layout() -> None:
    probe = _new(Fraction)
    probe._numerator, probe._denominator = 6, 1  # type: ignore[attr-defined]
    if probe != 6 or Fraction(6) != probe or hash(probe) != hash(6):
        raise ImportError("warrantbook.core.arith: this Python's Fraction is not laid out as expected")


_check_layout()


def _whole(n: int) -> Fraction:
    f = _new(Fraction)
    f._numerator = n  # type: ignore[attr-defined]
    f._denominator = 1  # type: ignore[attr-defined]
    return f


def add(a: Fraction, b: Fraction) -> Fraction:
    """a + b."""
    try:
        if a._denominator == 1 and b._denominator == 1:  # type: ignore[attr-defined]
            return _whole(a._numerator + b._numerator)  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        pass
    return a + b


def sub(a: Fraction, b: Fraction) -> Fraction:
    """a - b."""
    try:
        if a._denominator == 1 and b._denominator == 1:  # type: ignore[attr-defined]
            return _whole(a._numerator - b._numerator)  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        pass
    return a - b


def mul(a: Fraction, b: Fraction) -> Fraction:
    """a * b."""
    try:
        if a._denominator == 1 and b._denominator == 1:  # type: ignore[attr-defined]
            return _whole(a._numerator * b._numerator)  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        pass
    return a * b


def div(a: Fraction, b: Fraction) -> Fraction:
    """a / b (b not zero: ZeroDivisionError, as the operator). Exact when b is a whole number, whatever a is."""
    try:
        nb = b._numerator  # type: ignore[attr-defined]
        if b._denominator != 1 or nb == 0:  # type: ignore[attr-defined]
            return a / b
        n = a._numerator  # type: ignore[attr-defined]
        d = a._denominator * nb  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        return a / b
    g = gcd(n, d)  # a is in lowest terms, so only nb's factors can be shared
    if g != 1:
        n //= g
        d //= g
    if d < 0:
        n, d = -n, -d
    f = _new(Fraction)
    f._numerator = n  # type: ignore[attr-defined]
    f._denominator = d  # type: ignore[attr-defined]
    return f
