"""Adversarial: the presentation rule (app.present) on the figures that trip display code: zero, negatives, prices of 0,
fractions with huge denominators, rounding that carries into the next digit."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warrantbook.app import present

KINDS = ("shares", "price", "money", "percent")

fractions = st.fractions(min_value=-(10**15), max_value=10**15, max_denominator=10**12)


@given(st.sampled_from(KINDS), fractions)
def test_a_shown_figure_is_within_the_stated_precision(kind: str, value: F) -> None:
    shown = present.show(kind, value)
    assert abs(present.read_back(shown) - value) <= present.precision(kind, value), shown
    if present.MARK not in shown:
        assert present.read_back(shown) == value, shown  # unmarked means exact


@given(st.sampled_from(KINDS), fractions)
def test_the_sign_is_never_lost(kind: str, value: F) -> None:
    shown = present.show(kind, value)
    back = present.read_back(shown)
    assert back == 0 or (back > 0) == (value > 0), (value, shown)
    if value < 0 and kind != "price":
        assert shown.startswith("-"), shown


@pytest.mark.parametrize(("kind", "value", "shown"), [
    ("price", F(0), "$0.00"),
    ("money", F(0), "$0.00"),
    ("shares", F(0), "0"),
    ("percent", F(0), "0.00%"),
    ("price", F(-1, 100), "-$0.01"),
    ("money", F(-1, 1000), "-$0.00…"),
    ("shares", F(-7, 2), "-(3 + 1/2)"),
    ("shares", F(1, 10**9), "0.000000…"),
    ("price", F(1, 30000), "$0.0000333333…"),
    ("price", F(9999995, 10**7), "$1…"),  # rounding carried: 6 significant digits, marked (the rule's reading)
    ("price", F(10**5, 3), "$33,333.3…"),
    ("money", F(1, 3), "$0.33…"),
    ("percent", F(1, 3), "33.33…%"),
    ("shares", F(10**20 + 1, 3), "33,333,333,333,333,333,333 + 2/3"),
])
def test_edge_figures(kind: str, value: F, shown: str) -> None:
    assert present.show(kind, value) == shown
