"""Every Terms field acts: fmv_venues and liquidation_fmv (§1.2) decide the FMV an exercise uses (they used to be
carried and never read)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core.decide import exercise_quote
from warrantbook.core.errors import Refusal
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.terms import PaymentMethod as M

TERMS = 'tranches: [{shares: 140250000, exercise_price: "0.00001"}]}'
MARKET = """
- {id: q, on: 2006-03-14, type: quote, actor: system, company: atg, venue: otcbb, bid: "0.048", ask: "0.052"}
- {id: liq, on: 2006-03-15, type: liquidation, actor: company:atg, company: atg, amount: "26650000"}
"""
ON = date(2006, 3, 15)
NO_CAP = {"outstanding": F(10**12), "owned": F(0)}


def terms(extra: str) -> str:
    return PREAMBLE.replace(TERMS, 'tranches: [{shares: 140250000, exercise_price: "0.00001"}], ' + extra + "}")


def test_a_venue_the_terms_give_no_rule_for_is_refused() -> None:
    """§1.2: terms whose FMV rules name only exchanges and Nasdaq do not value an OTCBB stock by the bid/ask mean."""
    state = make_book(MARKET.splitlines()[1], preamble=terms("fmv_venues: [exchange, nasdaq]")).state
    with pytest.raises(Refusal) as info:
        exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASHLESS), date(2006, 3, 16), **NO_CAP)
    assert info.value.clause == "§1.2" and info.value.field == "fmv_venues"


@pytest.mark.parametrize(
    ("extra", "fmv"),
    [
        # §1.2(d): 26,650,000 / (1,200,000,000 outstanding + 140,250,000 option shares) = 0.0198843...
        ("liquidation_fmv: true", F(26_650_000) / (1_200_000_000 + 140_250_000)),
        # terms without §1.2(d): the liquidation date is valued by the venue's own rule, (0.048 + 0.052) / 2
        ("liquidation_fmv: false", F("0.05")),
    ],
)
def test_liquidation_fmv_switch_acts(extra: str, fmv: F) -> None:
    state = make_book(MARKET, preamble=terms(extra)).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASHLESS), ON, **NO_CAP)
    assert r.fair_market_value is not None and r.fair_market_value.value == fmv
