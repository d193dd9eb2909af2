"""The presentation rule (app.present): table rows pinned by hand, and properties: presentation never changes a whole
number, and every display reads back to within the rule's stated precision (exactly, where nothing is marked)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warrantbook.app import present

ROWS = [
    ("shares", "1234567", "1,234,567"),
    ("shares", "3703702/3", "1,234,567 + 1/3"),  # the fraction shown, exactly, after a plus sign
    ("shares", "1/3", "1/3"),
    ("shares", "0", "0"),
    ("shares", "-3703702/3", "-(1,234,567 + 1/3)"),
    ("shares", F(10**7 + 1, 10**7 + 3), "1.000000…"),  # an unreadable denominator (0.99999980...): a decimal to 6 places, marked
    ("price", "0.00001", "$0.00001"),  # the seed's price, to its significant digits
    ("price", "1/200000", "$0.000005"),
    ("price", "1/30000", "$0.0000333333…"),  # never a raw fraction; rounded to 6 significant digits and marked
    ("price", "3/700", "$0.00428571…"),
    ("price", "0.0449", "$0.0449"),
    ("price", "1.5", "$1.50"),
    ("price", "123456.789", "$123,457…"),
    ("money", "1152.5", "$1,152.50"),
    ("money", "145000/3", "$48,333.33…"),
    ("money", "0.005", "$0.01…"),  # half up, marked
    ("money", "-0.005", "-$0.01…"),
    ("money", "0", "$0.00"),
    ("percent", "0.0499", "4.99%"),
    ("percent", "1/3", "33.33…%"),
    ("percent", "0.425", "42.50%"),
    ("percent", "0.99999", "100.00…%"),
]


@pytest.mark.parametrize(("kind", "value", "shown"), ROWS)
def test_rule_rows(kind: str, value: object, shown: str) -> None:
    assert present.show(kind, value) == shown


def test_none_and_empty_show_nothing() -> None:
    assert present.show("shares", None) == "" and present.show("money", "") == ""
    assert present.exact_text("0.50") == "0.5" and present.exact_text(F(1, 3)) == "1/3"


@given(st.integers(min_value=-10**30, max_value=10**30))
def test_a_whole_number_is_never_changed(n: int) -> None:
    text = present.shares(n)
    assert present.MARK not in text and "/" not in text
    assert int(text.replace(",", "")) == n
    assert present.read_back(text) == n


fractions = st.fractions(min_value=F(-10**12), max_value=F(10**12), max_denominator=10**9)


@pytest.mark.parametrize("kind", ["shares", "price", "money", "percent"])
@given(value=fractions)
def test_display_reads_back_within_the_stated_precision(kind: str, value: F) -> None:
    text = present.show(kind, value)
    back = present.read_back(text)
    assert abs(back - value) <= present.precision(kind, value), (kind, value, text)
    if present.MARK not in text:
        assert back == value, (kind, value, text)  # unmarked means exact


@given(st.fractions(min_value=F(1, 10**12), max_value=F(10**6), max_denominator=10**12))
def test_prices_are_never_raw_fractions(value: F) -> None:
    text = present.price(value)
    assert "/" not in text and text.startswith("$")
