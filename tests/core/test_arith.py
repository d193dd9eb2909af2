"""core.arith gives exactly what Fraction's operators give: the same value, in lowest terms with a positive
denominator, of type Fraction; and the operator's error for a zero divisor."""

from __future__ import annotations

import operator
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warrantbook.core import arith

big = st.integers(-(10**30), 10**30)
fractions = st.one_of(big.map(F), st.builds(F, big, st.integers(1, 10**12)), st.builds(F, big, st.integers(-(10**12), -1)))

OPS = [(arith.add, operator.add), (arith.sub, operator.sub), (arith.mul, operator.mul), (arith.div, operator.truediv)]


def same(got: object, want: F) -> None:
    assert type(got) is F
    assert (got.numerator, got.denominator) == (want.numerator, want.denominator)  # type: ignore[attr-defined]
    assert got == want and hash(got) == hash(want)


@pytest.mark.parametrize(("fast", "op"), OPS, ids=["add", "sub", "mul", "div"])
@given(a=fractions, b=fractions)
def test_each_gives_what_its_operator_gives(fast, op, a: F, b: F) -> None:  # type: ignore[no-untyped-def]
    if op is operator.truediv and b == 0:
        with pytest.raises(ZeroDivisionError):
            fast(a, b)
        return
    same(fast(a, b), op(a, b))


@pytest.mark.parametrize(
    ("fast", "a", "b", "want"),
    [
        (arith.div, F(1, 100_000), F(2), F(1, 200_000)),  # §4: a price over a whole ratio
        (arith.div, F(3, 4), F(-6), F(-1, 8)),  # a negative whole divisor: the sign moves to the numerator
        (arith.div, F(2_000_000_000), F(1_000_000_000), F(2)),  # a 2-for-1 ratio, in lowest terms
        (arith.div, F(-4), F(6), F(-2, 3)),
        (arith.sub, F(140_250_000), F(140_250_000), F(0)),  # exercised in full: zero, and falsy
        (arith.mul, F(1, 3), F(3), F(1)),  # not both whole: the operator's own result
        (arith.add, F(1, 2), F(1, 2), F(1)),
    ],
)
def test_edges(fast, a: F, b: F, want: F) -> None:  # type: ignore[no-untyped-def]
    got = fast(a, b)
    same(got, want)
    assert bool(got) is bool(want)


def test_ints_are_left_to_the_operator() -> None:
    """An int where a Fraction was meant is not a Fraction's layout: the operator decides, as it would without us."""
    assert arith.add(F(1), 2) == 3 and arith.sub(3, F(1)) == 2 and arith.mul(F(2), 3) == 6 and arith.div(3, F(2)) == F(3, 2)
