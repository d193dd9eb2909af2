"""Exact arithmetic for the fold's hot path: the same Fractions as `+ - * /`, built without the operators' dispatch.

`Fraction`'s operators check both operands' types, then build the result through `Fraction.__new__`, which checks
them again: about a microsecond an operation, most of it not arithmetic. The fold does a few such operations per
event (a §4 ratio and the scaled tranche, an exercise's shares, the running count of shares outstanding), and on a
ledger of a million events that dispatch is a fifth of its time.

Each function here takes two Fractions and returns exactly what the operator returns: the same value, normalized
(lowest terms, positive denominator), of type Fraction. Shares are whole numbers nearly always, so the whole-number
case is a direct integer operation; other Fractions go through the operator's own algorithm on the integers (prices
and §4 ratios are rarely whole); anything but two Fractions (an int, a float) goes to the operator itself.
`tests/core/test_arith.py` checks each against its operator over random Fractions, numerator and denominator included.

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


def _make(n: int, d: int) -> Fraction:
    """A Fraction from numerator and denominator already in lowest terms, the denominator positive."""
    f = _new(Fraction)
    f._numerator = n  # type: ignore[attr-defined]
    f._denominator = d  # type: ignore[attr-defined]
    return f


# Each function below follows the operator's own algorithm (CPython's fractions module: cross-cancel by gcd before
# multiplying, so the result needs no normalizing), reading the slots once and building the result directly.


def add(a: Fraction, b: Fraction) -> Fraction:
    """a + b."""
    try:
        na, da = a._numerator, a._denominator  # type: ignore[attr-defined]
        nb, db = b._numerator, b._denominator  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        return a + b
    return _whole(na + nb) if da == 1 and db == 1 else _plus(na, da, nb, db)


def sub(a: Fraction, b: Fraction) -> Fraction:
    """a - b."""
    try:
        na, da = a._numerator, a._denominator  # type: ignore[attr-defined]
        nb, db = b._numerator, b._denominator  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        return a - b
    return _whole(na - nb) if da == 1 and db == 1 else _plus(na, da, -nb, db)


def mul(a: Fraction, b: Fraction) -> Fraction:
    """a * b."""
    try:
        na, da = a._numerator, a._denominator  # type: ignore[attr-defined]
        nb, db = b._numerator, b._denominator  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        return a * b
    return _whole(na * nb) if da == 1 and db == 1 else _times(na, da, nb, db)


def div(a: Fraction, b: Fraction) -> Fraction:
    """a / b (b not zero: ZeroDivisionError, as the operator)."""
    try:
        na, da = a._numerator, a._denominator  # type: ignore[attr-defined]
        nb, db = b._numerator, b._denominator  # type: ignore[attr-defined]
    except AttributeError:  # not a Fraction (an int, say): the operator decides
        return a / b
    if nb == 0:
        return a / b  # the operator's own error
    if nb < 0:  # a / b is a x (db / nb), with the sign kept in the numerator
        nb, db = -nb, -db
    if da == 1 and db == 1:  # whole over whole (a §4 ratio of two share counts): one gcd
        g = gcd(na, nb)
        return _make(na // g, nb // g)
    return _times(na, da, db, nb)


def _plus(na: int, da: int, nb: int, db: int) -> Fraction:
    """na/da + nb/db, both in lowest terms with positive denominators: the sum in lowest terms."""
    g = gcd(da, db)
    if g == 1:
        return _make(na * db + da * nb, da * db)
    s = da // g
    t = na * (db // g) + nb * s
    g2 = gcd(t, g)
    if g2 == 1:
        return _make(t, s * db)
    return _make(t // g2, s * (db // g2))


def _times(na: int, da: int, nb: int, db: int) -> Fraction:
    """na/da x nb/db, both in lowest terms with positive denominators: cross-cancelled first, so the product is too."""
    g1 = gcd(na, db)
    if g1 > 1:
        na //= g1
        db //= g1
    g2 = gcd(nb, da)
    if g2 > 1:
        nb //= g2
        da //= g2
    return _make(na * nb, db * da)
