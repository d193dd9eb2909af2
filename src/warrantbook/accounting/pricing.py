# float-ok: whole module (option pricing models compute in binary floating point; docs/close.md)
"""Option pricing: Black-Scholes-Merton in closed form, and Monte Carlo with a control variate.

Conventions (the same in the workbook's formulas): S spot, K exercise price, T years (ACT/365 fixed), r
the continuously compounded risk-free rate, q the continuous dividend yield, sigma the annual volatility.
A European call on one share:

    d1 = (ln(S/K) + (r - q + sigma^2/2) T) / (sigma sqrt(T)),   d2 = d1 - sigma sqrt(T)
    C  = S e^(-qT) N(d1) - K e^(-rT) N(d2)

`bs_call` is the scalar form, `bs_call_many` the same formula over numpy arrays (the close values a
thousand instruments in one call). At T = 0 or sigma = 0 the value is the discounted intrinsic value.

Monte Carlo (`monte_carlo_call`) values the same call, or one whose exercise price resets down at
monitoring dates (the path-dependent terms of some family members), on geometric Brownian motion paths
drawn from a seeded PCG64 generator. Its control variates have known expectations:
  - the discounted terminal price, E = S e^(-qT) (always);
  - for a reset option, also the discounted payoff of the plain call with the original price on the same
    paths, E = the Black-Scholes value (the usual, very effective choice).
Each result records the seed, the path count, the estimate and its standard error, and the plain
(crude) estimate and standard error from the same paths, so the reduction is visible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr


def bs_call(S: float, K: float, T: float, r: float, sigma: float, q: float = 0.0) -> float:  # float-ok (valuation)
    """Black-Scholes-Merton value of a European call on one share."""
    _check(S, K, T, sigma)
    if T == 0.0 or sigma == 0.0:
        return max(S * math.exp(-q * T) - K * math.exp(-r * T), 0.0)
    vol = sigma * math.sqrt(T)
    d1 = (math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / vol
    d2 = d1 - vol
    return float(S * math.exp(-q * T) * ndtr(d1) - K * math.exp(-r * T) * ndtr(d2))  # float-ok (valuation)


def bs_call_many(S: np.ndarray, K: np.ndarray, T: np.ndarray, r: np.ndarray, sigma: np.ndarray,
                 q: np.ndarray | float = 0.0) -> np.ndarray:
    """`bs_call` over arrays (broadcast); the same formula, element by element."""
    S, K, T, r, sigma, q = (np.asarray(x, dtype=float) for x in (S, K, T, r, sigma, q))
    if np.any(S <= 0) or np.any(K <= 0) or np.any(T < 0) or np.any(sigma < 0):
        raise ValueError("S and K must be more than zero; T and sigma zero or more")
    vol = sigma * np.sqrt(T)
    degenerate = vol == 0.0
    safe = np.where(degenerate, 1.0, vol)
    d1 = (np.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / safe
    d2 = d1 - safe
    value = S * np.exp(-q * T) * ndtr(d1) - K * np.exp(-r * T) * ndtr(d2)
    intrinsic = np.maximum(S * np.exp(-q * T) - K * np.exp(-r * T), 0.0)
    return np.where(degenerate, intrinsic, value)  # type: ignore[no-any-return]


def _check(S: float, K: float, T: float, sigma: float) -> None:  # float-ok (valuation)
    for name, value in (("S", S), ("K", K), ("T", T), ("sigma", sigma)):
        if not math.isfinite(value):
            raise ValueError(f"{name}: not a finite number")
    if S <= 0 or K <= 0:
        raise ValueError("S and K must be more than zero")
    if T < 0 or sigma < 0:
        raise ValueError("T and sigma must be zero or more")


@dataclass(frozen=True, slots=True)
class Reset:
    """A down-round reset: at each monitoring time (years from valuation) the exercise price becomes
    min(price, max(floor, factor x the share price then)). Never upward."""

    times: tuple[float, ...]
    factor: float = 1.0  # float-ok (valuation)
    floor: float = 0.0  # float-ok (valuation)


@dataclass(frozen=True, slots=True)
class McResult:
    value: float  # float-ok (valuation): with the control variate(s)
    standard_error: float  # float-ok (valuation)
    plain_value: float  # float-ok (valuation): crude Monte Carlo on the same paths
    plain_standard_error: float  # float-ok (valuation)
    paths: int
    seed: int
    controls: tuple[str, ...]
    coefficients: tuple[float, ...]

    @property
    def reduction(self) -> float:  # float-ok (valuation)
        """How many times smaller the standard error is with the control variate(s)."""
        return self.plain_standard_error / self.standard_error if self.standard_error > 0 else math.inf

    def as_json(self) -> dict[str, object]:
        return {"value": self.value, "standard_error": self.standard_error, "plain_value": self.plain_value,
                "plain_standard_error": self.plain_standard_error, "paths": self.paths, "seed": self.seed,
                "generator": "numpy PCG64", "controls": list(self.controls), "coefficients": list(self.coefficients)}


MAX_PATHS = 10_000_000


def monte_carlo_call(S: float, K: float, T: float, r: float, sigma: float, q: float = 0.0, *, paths: int = 100_000,  # float-ok (valuation)
                     seed: int = 20051, reset: Reset | None = None) -> McResult:
    """A European call (or a reset call) by Monte Carlo with control variates; see the module docstring."""
    _check(S, K, T, sigma)
    if not 2 <= paths <= MAX_PATHS:
        raise ValueError(f"paths: between 2 and {MAX_PATHS}")
    if T == 0.0:
        v = max(S - K, 0.0)
        return McResult(v, 0.0, v, 0.0, paths, seed, (), ())
    rng = np.random.Generator(np.random.PCG64(seed))
    drift = r - q - 0.5 * sigma * sigma
    disc = math.exp(-r * T)
    times = tuple(t for t in (reset.times if reset else ()) if 0.0 < t < T) + (T,)
    log_s = np.full(paths, math.log(S))
    strike = np.full(paths, K)
    last = 0.0
    for t in times:
        dt = t - last
        log_s += drift * dt + sigma * math.sqrt(dt) * rng.standard_normal(paths)
        last = t
        if reset is not None and t < T:
            strike = np.minimum(strike, np.maximum(reset.floor, reset.factor * np.exp(log_s)))
    s_t = np.exp(log_s)
    y = disc * np.maximum(s_t - strike, 0.0)
    controls = [("discounted terminal price", disc * s_t, S * math.exp(-q * T))]
    if reset is not None:
        controls.insert(0, ("discounted plain call payoff (Black-Scholes mean)", disc * np.maximum(s_t - K, 0.0), bs_call(S, K, T, r, sigma, q)))
    c = np.column_stack([x for _, x, _ in controls])
    means = np.array([m for _, _, m in controls])
    centred = c - c.mean(axis=0)
    beta, *_ = np.linalg.lstsq(centred, y - y.mean(), rcond=None)
    adjusted = y - (c - means) @ beta
    k = len(controls)
    se = float(adjusted.std(ddof=k + 1) / math.sqrt(paths)) if paths > k + 1 else math.inf  # float-ok (valuation)
    return McResult(value=float(adjusted.mean()), standard_error=se, plain_value=float(y.mean()),  # float-ok (valuation)
                    plain_standard_error=float(y.std(ddof=1) / math.sqrt(paths)), paths=paths, seed=seed,  # float-ok (valuation)
                    controls=tuple(name for name, _, _ in controls), coefficients=tuple(float(b) for b in beta))  # float-ok (valuation)
