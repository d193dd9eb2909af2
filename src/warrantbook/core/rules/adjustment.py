"""§4 Extraordinary events regarding common stock, and the facts §5 wants certified.

§4 speaks three times. Its first sentence scales the share number by outstanding-after over
outstanding-before. A later sentence refers to "the Exercise price, as so adjusted" though nothing adjusted
it. The last sentence scales the share number again, by the ratio of the old exercise price to the new one.
Applied literally and in a row, a 2-for-1 split would quadruple the shares. Read together, the clause means
one economic adjustment: shares up by the ratio, price down by it, aggregate price unchanged
(`AdjustmentReading.PRICE_INVERSE`, the default). `LITERAL_FIXED_PRICE` applies the first sentence alone.
Neither ever applies both share adjustments.
"""

from __future__ import annotations

from fractions import Fraction

from warrantbook.core.arith import div, mul
from warrantbook.core.errors import BadInput
from warrantbook.core.explain import Trace, record
from warrantbook.core.terms import AdjustmentReading, Tranche, build_tranche


def ratio(outstanding_before: Fraction, outstanding_after: Fraction) -> Fraction:
    """after/before from actual counts (§4(a), (b) of the fraction)."""
    if outstanding_before <= 0 or outstanding_after <= 0:
        raise BadInput("outstanding_before and outstanding_after must both be more than zero (§4)",
                       field="outstanding_before" if outstanding_before <= 0 else "outstanding_after", clause="§4")
    return outstanding_after / outstanding_before


def adjust(shares: Fraction, exercise_price: Fraction, outstanding_before: Fraction, outstanding_after: Fraction,
           reading: AdjustmentReading, trace: Trace | None = None) -> Tranche:
    """One §4 event applied to one tranche: exact, no rounding."""
    r = outstanding_after / outstanding_before
    new_shares = shares * r
    new_price = exercise_price / r if reading is AdjustmentReading.PRICE_INVERSE else exercise_price
    if trace is not None:
        record(trace, "§4", "share number adjusted", "shares x outstanding_after / outstanding_before", new_shares,
               shares=shares, outstanding_after=outstanding_after, outstanding_before=outstanding_before)
        if reading is AdjustmentReading.PRICE_INVERSE:
            record(trace, "§4", "exercise price adjusted inversely (reading: price-inverse)",
                   "price x outstanding_before / outstanding_after", new_price, price=exercise_price,
                   outstanding_before=outstanding_before, outstanding_after=outstanding_after)
            record(trace, "§4", "aggregate exercise price unchanged", "new shares x new price", new_shares * new_price,
                   before=shares * exercise_price)
        else:
            trace.note("§4", "exercise price kept (reading: literal-fixed-price)",
                       "the first sentence of §4 alone: the price does not move")
    return Tranche(new_shares, new_price)


def adjust_tranches(tranches: tuple[Tranche, ...], outstanding_before: Fraction, outstanding_after: Fraction,
                    reading: AdjustmentReading) -> tuple[Tranche, ...]:
    """`adjust` (with no trace) applied to every tranche of an option: the same figures, the ratio computed once."""
    return scale_tranches(tranches, outstanding_after / outstanding_before, reading)


def scale_tranches(tranches: tuple[Tranche, ...], r: Fraction, reading: AdjustmentReading) -> tuple[Tranche, ...]:
    """`adjust_tranches` given the ratio after/before already worked out (the fold works it out once an event)."""
    if reading is AdjustmentReading.PRICE_INVERSE:
        if len(tranches) == 1:  # the usual option: one tranche, no list to build
            t = tranches[0]
            return (build_tranche(mul(t.shares, r), div(t.exercise_price, r)),)
        return tuple([build_tranche(mul(t.shares, r), div(t.exercise_price, r)) for t in tranches])
    return tuple([build_tranche(mul(t.shares, r), t.exercise_price) for t in tranches])
