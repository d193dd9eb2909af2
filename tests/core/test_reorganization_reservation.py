"""§3 reorganization (baskets, successor, §3.3 later adjustment, §3.2 dissolution) and §6 reservation."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import make_book
from warrantbook.core.decide import exercise_quote, reservation
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.rules.reorganization import basket_delivery
from warrantbook.core.summary import open_items
from warrantbook.core.terms import BasketCashRounding
from warrantbook.core.terms import PaymentMethod as M

MERGER = """
- {id: acq, on: 2006-01-01, type: company, actor: company:acq, company: {id: acq, name: Acquirer Corp, state: Delaware}}
- {id: acq-list, on: 2006-01-01, type: listing, actor: company:acq, company: acq, venue: exchange}
- {id: acq-out, on: 2006-06-01, type: outstanding, actor: company:acq, company: acq, shares: 500000000}
- {id: acq-own, on: 2006-06-01, type: ownership, actor: holder:gssf, holder: gssf, company: acq, shares: 0}
- {id: m, on: 2006-06-01, type: reorganization, actor: company:atg, company: atg, transaction: merger, successor: Acquirer Corp,
   basket: [{item: security, issuer: acq, quantity: "0.002"}, {item: cash, quantity: "0.001"},
            {item: property, description: litigation trust unit, quantity: "0.01", unit_value: "0.05"}]}
- {id: aq, on: 2006-06-30, type: quote, actor: system, company: acq, venue: exchange, close: "12.50"}
"""


def test_merger_turns_each_option_share_into_the_basket() -> None:
    state = make_book(MERGER).state
    option = state.options["ATG-1"]
    assert option.obligor == "Acquirer Corp" and option.basket is not None and len(option.basket) == 3
    assert [c.event for c in option.certificates_due] == ["m"]


def test_basket_fmv_is_the_sum_of_its_parts_for_a_cashless_exercise() -> None:
    """Unit FMV = 0.002 x 12.50 + 0.001 + 0.01 x 0.05 = 0.0265; X = Y (0.0265 - 0.00001) / 0.0265."""
    state = make_book(MERGER).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1_000_000), M.CASHLESS), date(2006, 7, 3))
    unit = F("0.002") * F("12.50") + F("0.001") + F("0.01") * F("0.05")
    assert r.fair_market_value is not None and r.fair_market_value.value == unit
    assert r.shares_issued == F(1_000_000) * (unit - F("0.00001")) / unit
    # §10 follows the successor's common stock: 4.99% x 500,000,000 acq shares = 24,950,000, i.e. 12,475,000,000 baskets
    assert r.limit is not None and r.limit.shares == 12_475_000_000


def test_successor_split_adjusts_the_basket() -> None:
    """§3.3: a later 3-for-1 split of the successor's stock triples the successor shares per option share."""
    state = make_book(MERGER, """
    - {id: s, on: 2006-09-01, type: stock-event, actor: company:acq, issuer: acq, event: subdivision, outstanding_before: 500000000, outstanding_after: 1500000000}
    """).state
    option = state.options["ATG-1"]
    assert option.basket is not None
    assert option.basket[0].quantity == F("0.006") and option.basket[1].quantity == F("0.001")
    assert option.remaining == 140_250_000 and option.exercise_price == F("0.00001")


def test_basket_delivery_whole_units_and_cash() -> None:
    state = make_book(MERGER).state
    basket = state.options["ATG-1"].basket
    assert basket is not None
    out = basket_delivery(F(1_250), basket, lambda issuer, trace: Fmv(F("12.5"), "§1.2(a)", "test"), BasketCashRounding.HALF_UP_CENT)
    assert out[0].exact == F("2.5") and out[0].whole == 2 and out[0].cash_in_lieu == F("6.25")
    assert out[1].exact == F("1.25") and out[1].whole == F("1.25")


def test_dissolution_opens_a_delivery_to_holder_or_trustee() -> None:
    book = make_book(MERGER.replace("transaction: merger", "transaction: asset-transfer"), """
    - {id: t, on: 2006-06-10, type: trustee, actor: holder:gssf, option_no: ATG-1, name: Illustrative Trust Company,
       principal_office: {lines: [1 Wall Street, "New York, NY 10005"]}, bank_or_trust_company: true}
    - {id: d, on: 2006-07-01, type: dissolution, actor: company:atg, company: atg}
    """)
    items = open_items(book.state, book.state.options["ATG-1"], date(2006, 7, 2))
    assert any(i.clause == "§3.2" and "Illustrative Trust Company" in i.text for i in items)


@pytest.mark.parametrize(
    ("authorized", "outstanding", "shortfall"),
    [
        # 2,000,000,000 authorized - 1,200,000,000 outstanding = 800,000,000 available >= 140,250,000
        (2_000_000_000, 1_200_000_000, 0),
        # 1,300,000,000 - 1,200,000,000 = 100,000,000 available: short by 40,250,000
        (1_300_000_000, 1_200_000_000, 40_250_000),
    ],
)
def test_reserve_counts_every_remaining_share_uncapped(authorized: int, outstanding: int, shortfall: int) -> None:
    state = make_book(f"""
    - {{id: a2, on: 2006-01-02, type: authorized, actor: company:atg, company: atg, shares: {authorized}}}
    - {{id: o2, on: 2006-01-02, type: outstanding, actor: company:atg, company: atg, shares: {outstanding}}}
    """).state
    r = reservation(state, "atg", date(2006, 1, 3))
    assert r.required == 140_250_000 and r.shortfall == shortfall
