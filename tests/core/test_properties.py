"""Invariants that must hold for every input, not only the examples (hypothesis)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_book
from warrantbook.core import events as ev
from warrantbook.core.rules.adjustment import adjust
from warrantbook.core.rules.cap import allowance
from warrantbook.core.rules.exercise import ExerciseRequest, compute_exercise
from warrantbook.core.rules.fmv import Fmv
from warrantbook.core.rules.transfer import split_remaining
from warrantbook.core.state import fold
from warrantbook.core.terms import AdjustmentReading, CapMeasure, PaymentMethod

prices = st.fractions(min_value=F(1, 10**7), max_value=F(10), max_denominator=10**8)
shares = st.integers(min_value=1, max_value=10**9)


@given(y=shares, a=prices, b=prices)
def test_cashless_x_between_zero_and_y_and_value_conserved(y: int, a: F, b: F) -> None:
    """§2.2(b): 0 <= X <= Y and X*A + Y*B = Y*A, before rounding."""
    if a <= b:
        return
    r = compute_exercise(request=ExerciseRequest(F(y), PaymentMethod.CASHLESS), tranche=0, remaining=F(y), exercise_price=b,
                         fmv=lambda t: Fmv(a, "§1.2", "test"), limit=None, deemed_issued=date(2006, 3, 15), delivery_days=3)
    assert 0 <= r.shares_issued <= y
    assert r.shares_issued * a + y * b == y * a
    assert r.remaining_after == 0, "the balance falls by Y, never by X"
    assert r.whole_shares + r.fraction == r.shares_issued and 0 <= r.fraction < 1


counts = st.integers(min_value=1, max_value=10**10)


@given(s=shares, p=prices, events=st.lists(st.tuples(counts, counts), min_size=1, max_size=6))
def test_aggregate_price_unchanged_by_any_chain_of_section_4_events(s: int, p: F, events: list[tuple[int, int]]) -> None:
    shares_now, price_now = F(s), p
    for before, after in events:
        a = adjust(shares_now, price_now, F(before), F(after), AdjustmentReading.PRICE_INVERSE)
        shares_now, price_now = a.shares, a.exercise_price
    assert shares_now * price_now == s * p
    # and the chain reversed gives back the original exactly
    for before, after in reversed(events):
        a = adjust(shares_now, price_now, F(after), F(before), AdjustmentReading.PRICE_INVERSE)
        shares_now, price_now = a.shares, a.exercise_price
    assert (shares_now, price_now) == (s, p)


@given(remaining=st.integers(min_value=1, max_value=10**9),
       cuts=st.lists(st.fractions(min_value=F(1, 1000), max_value=F(1, 4), max_denominator=1000), min_size=1, max_size=4))
def test_transfers_conserve_shares(remaining: int, cuts: list[F]) -> None:
    split = split_remaining(F(remaining), [(f"h{i}", c, None) for i, c in enumerate(cuts)])
    assert sum(p.shares for p in split.pieces) + split.balance == remaining
    assert all(p.shares.denominator == 1 and p.shares >= 0 for p in split.pieces)


@given(pct=st.fractions(min_value=F(1, 10000), max_value=F(1, 2), max_denominator=10000),
       outstanding=st.integers(min_value=1, max_value=10**10), owned=st.integers(min_value=0, max_value=10**9),
       measure=st.sampled_from(list(CapMeasure)))
def test_allowance_never_exceeds_the_cap(pct: F, outstanding: int, owned: int, measure: CapMeasure) -> None:
    a = allowance(pct, F(outstanding), F(owned), measure)
    assert a >= 0 and a.denominator == 1
    if a > 0:
        after = outstanding + a if measure is CapMeasure.AFTER_EXERCISE else outstanding
        assert owned + a <= pct * after


@settings(max_examples=30, deadline=None)
@given(split=st.integers(min_value=2, max_value=10), y=st.integers(min_value=1, max_value=1_000_000))
def test_folding_the_same_events_twice_gives_the_same_state(split: int, y: int) -> None:
    book = make_book(f"""
    - {{id: s, on: 2006-01-10, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: {1200000000 * split}}}
    - {{id: n, on: 2006-02-01, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: {y}, method: cash}}
    - {{id: sr, on: 2006-02-01, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}}
    - {{id: p, on: 2006-02-02, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "100"}}
    """)
    events = list(book.events)
    first, second = fold(events), fold(events)
    assert first.options == second.options
    assert first.options["ATG-1"].remaining == 140_250_000 * split - y
    assert any(isinstance(e, ev.ExerciseEffected) for e in events)
