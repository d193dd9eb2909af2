"""ASC 260 share counts: penny warrants in basic, the treasury stock method, anti-dilution (exact, no float).

- `tsm_increment(N, K, A)`: the treasury stock method's incremental shares for N options at price K when
  the average market price is A: the proceeds N K buy back N K / A shares, so N - N K / A = N (A - K) / A
  are added (none when A <= K). This is §2.2(b)'s X = Y (A - B) / A with Y = N and B = K: a cashless
  exercise at price A issues exactly the treasury-stock increment (tests/accounting check it against the core).
- `is_penny(K, A, threshold)`: ASC 260-10-45-13 counts shares issuable for little or no cash in basic
  EPS from the day the warrant is issued. "Little" is a judgment: the switch `threshold` (default 1%) is
  the largest ratio of exercise price to the period's average price treated as little.
"""

from __future__ import annotations

from fractions import Fraction

DEFAULT_PENNY_THRESHOLD = Fraction(1, 100)


def tsm_increment(shares: Fraction, exercise_price: Fraction, average_price: Fraction) -> Fraction:
    if average_price <= exercise_price:
        return Fraction(0)
    return shares * (average_price - exercise_price) / average_price


def is_penny(exercise_price: Fraction, average_price: Fraction, threshold: Fraction = DEFAULT_PENNY_THRESHOLD) -> bool:
    return average_price > 0 and exercise_price <= threshold * average_price
