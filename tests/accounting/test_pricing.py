"""Pricing: Black-Scholes-Merton against QuantLib's analytic European engine; Monte Carlo with control variates.

QuantLib is an independent implementation (C++), used only here. Each case is priced on a QuantLib date
grid: T = days / 365 with Actual/365 (Fixed) and continuously compounded flat curves, the conventions of
accounting.pricing, so the two must agree to rounding error.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from warrantbook.accounting.pricing import Reset, bs_call, bs_call_many, monte_carlo_call

ql = pytest.importorskip("QuantLib")


def quantlib_call(S: float, K: float, days: int, r: float, sigma: float, q: float) -> float:
    today = ql.Date(30, 9, 2006)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    spot = ql.QuoteHandle(ql.SimpleQuote(S))
    rates = ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc, ql.Continuous))
    divs = ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc, ql.Continuous))
    vol = ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), sigma, dc))
    process = ql.BlackScholesMertonProcess(spot, divs, rates, vol)
    option = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, K), ql.EuropeanExercise(today + days))
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return float(option.NPV())


CASES = [
    # S, K, days, r, sigma, q    (source of the row)
    (100.0, 100.0, 365, 0.05, 0.20, 0.0),  # textbook (Hull, Options, Futures and Other Derivatives): 10.4506
    (42.0, 40.0, 182, 0.10, 0.20, 0.0),  # Hull's example 15.6 (T = 0.5): 4.76
    (100.0, 95.0, 182, 0.10, 0.20, 0.05),  # Hull's index option example, with a dividend yield
    (100.0, 120.0, 730, 0.03, 0.35, 0.01),  # out of the money, two years
    (100.0, 80.0, 30, 0.02, 0.60, 0.0),  # in the money, one month, high volatility
    (0.0222, 0.00001, 1095, 0.0475, 1.10, 0.0),  # a penny warrant of this family: S ~ $0.02, K = $0.00001
    (0.0222, 0.00001, 3650, 0.05, 1.50, 0.0),  # the same with a ten-year term
    (0.02, 0.03, 365, 0.045, 0.90, 0.0),  # an out-of-the-money warrant at micro-cap prices
    (55.0, 50.0, 1, 0.05, 0.25, 0.0),  # one day to expiry
]


@pytest.mark.parametrize(("S", "K", "days", "r", "sigma", "q"), CASES)
def test_black_scholes_equals_quantlib(S: float, K: float, days: int, r: float, sigma: float, q: float) -> None:
    ours = bs_call(S, K, days / 365, r, sigma, q)
    theirs = quantlib_call(S, K, days, r, sigma, q)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=0.0)


def test_textbook_value() -> None:
    """S = 100, K = 100, T = 1, r = 5%, sigma = 20%: 10.4506 per share (Hull)."""
    assert round(bs_call(100.0, 100.0, 1.0, 0.05, 0.20), 4) == 10.4506


def test_vectorised_equals_scalar() -> None:
    S, K, days, r, sigma, q = (np.array(c) for c in zip(*CASES))
    many = bs_call_many(S, K, days / 365, r, sigma, q)
    for i, case in enumerate(CASES):
        assert many[i] == pytest.approx(bs_call(case[0], case[1], case[2] / 365, case[3], case[4], case[5]), rel=1e-14)


def test_degenerate_inputs_give_discounted_intrinsic_value() -> None:
    assert bs_call(100.0, 90.0, 0.0, 0.05, 0.2) == 10.0
    assert bs_call(100.0, 90.0, 1.0, 0.05, 0.0) == pytest.approx(100.0 - 90.0 * math.exp(-0.05))
    assert bs_call(80.0, 90.0, 1.0, 0.05, 0.0) == 0.0
    assert float(bs_call_many(np.array([100.0]), np.array([90.0]), np.array([0.0]), np.array([0.05]), np.array([0.2]))[0]) == 10.0


@pytest.mark.parametrize("bad", [dict(S=0.0), dict(K=-1.0), dict(T=-0.1), dict(sigma=-0.2), dict(S=math.nan)])
def test_bad_inputs_refused(bad: dict[str, float]) -> None:
    args = {"S": 100.0, "K": 100.0, "T": 1.0, "r": 0.05, "sigma": 0.2, **bad}
    with pytest.raises(ValueError):
        bs_call(**args)


def test_monte_carlo_agrees_with_black_scholes_within_its_error() -> None:
    """The control-variate estimate lies within 4 standard errors of the closed form (seeded, so repeatable)."""
    for S, K, days, r, sigma, q in CASES[:6]:
        mc = monte_carlo_call(S, K, days / 365, r, sigma, q, paths=200_000, seed=7)
        exact = bs_call(S, K, days / 365, r, sigma, q)
        assert abs(mc.value - exact) <= 4 * mc.standard_error + 1e-12 * exact
        assert abs(mc.plain_value - exact) <= 4 * mc.plain_standard_error


def test_monte_carlo_is_reproducible_from_its_seed() -> None:
    a = monte_carlo_call(100.0, 100.0, 1.0, 0.05, 0.2, paths=10_000, seed=11)
    b = monte_carlo_call(100.0, 100.0, 1.0, 0.05, 0.2, paths=10_000, seed=11)
    c = monte_carlo_call(100.0, 100.0, 1.0, 0.05, 0.2, paths=10_000, seed=12)
    assert a == b
    assert a.value != c.value
    assert (a.paths, a.seed) == (10_000, 11)


PENNY = (0.0222, 0.00001, 3.0, 0.0475, 1.10)  # the instruments this project values


@pytest.mark.parametrize(("S", "K", "T", "r", "sigma"), [PENNY, (0.0222, 0.00001, 10.0, 0.05, 1.5), (0.35, 0.001, 1.0, 0.05, 0.9),
                                                         (0.0222, 0.00001, 0.25, 0.0475, 2.5)])
def test_control_variate_cuts_standard_error_fifty_fold_for_penny_warrants(S: float, K: float, T: float, r: float, sigma: float) -> None:
    """At the same path count, the control-variate standard error is at least 50 times below plain Monte Carlo.

    The control is the discounted terminal price (mean S e^(-qT)); a penny warrant's payoff is S_T - K on almost
    every path, so the residual is small but not zero (the test would fail with a useless control)."""
    mc = monte_carlo_call(S, K, T, r, sigma, paths=50_000, seed=2005)
    assert mc.standard_error > 0
    assert mc.standard_error * 50 <= mc.plain_standard_error, mc
    assert abs(mc.value - bs_call(S, K, T, r, sigma)) <= 4 * mc.standard_error + 1e-10 * mc.value  # float noise where no path ends below K


def test_textbook_reduction_is_modest_with_the_terminal_price_alone() -> None:
    """At the money the terminal price is a weak control (reported in docs/close.md, not hidden): about 2.6x."""
    mc = monte_carlo_call(100.0, 100.0, 1.0, 0.05, 0.2, paths=100_000, seed=3)
    assert 1.5 < mc.reduction < 50


def test_reset_option_control_is_the_plain_call_with_its_black_scholes_mean() -> None:
    """An at-the-money reset call: the plain call on the same paths is the control; the reduction is reported, and
    the reset value is never below the plain call's (a reset only lowers the price)."""
    reset = Reset(times=(0.25, 0.5, 0.75), factor=1.0)
    mc = monte_carlo_call(100.0, 100.0, 1.0, 0.05, 0.2, paths=100_000, seed=3, reset=reset)
    assert mc.controls[0].startswith("discounted plain call payoff")
    assert mc.value > bs_call(100.0, 100.0, 1.0, 0.05, 0.2)
    assert mc.reduction > 1.5


def test_reset_on_a_near_the_money_family_member() -> None:
    """A $0.03 warrant on a $0.0222 stock whose price resets down to the share price each year."""
    reset = Reset(times=(1.0, 2.0), factor=1.0)
    mc = monte_carlo_call(0.0222, 0.03, 3.0, 0.0475, 1.10, paths=100_000, seed=5, reset=reset)
    plain = bs_call(0.0222, 0.03, 3.0, 0.0475, 1.10)
    assert mc.value > plain
    assert mc.standard_error < mc.plain_standard_error


def test_path_count_is_bounded() -> None:
    with pytest.raises(ValueError):
        monte_carlo_call(100.0, 100.0, 1.0, 0.05, 0.2, paths=1)
