"""§2.2(a)(iv), Exhibit A: a combination of cash C, S shares of common at FMV and the cancellation of W option
shares, to buy N shares: (N + W) B = C + S A + W A. The option balance falls by N + W.

When W is not stated it is the fewest whole option shares that, with C and S, pay for N and for themselves:
W = ceil((N x B - C - S x A) / (A - B)). When §10 cuts N, W is worked again for the cut number (a stated W
is never exceeded: the holder gives up no more than it offered, docs/interpretations.md).
"""

from __future__ import annotations

import math
from fractions import Fraction

from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.explain import Trace, record
from warrantbook.core.numbers import Rounding, fmt
from warrantbook.core.rules.exercise.common import Basis, Priced


def _needed_w(n: Fraction, c: Fraction, s: Fraction, A: Fraction | None, B: Fraction) -> Fraction:
    if A is None or A <= B:
        return Fraction(0)
    return Fraction(math.ceil(max(Fraction(0), (n * B - c - s * A) / (A - B))))


def price(n: Fraction, basis: Basis, trace: Trace | None, *, cut: bool = False) -> Priced:
    request, A, B = basis.request, basis.A, basis.B
    C = request.cash or Fraction(0)
    S = request.stock_shares or Fraction(0)
    if C < 0 or S < 0:
        raise BadInput("cash and stock_shares must not be negative", field="cash" if C < 0 else "stock_shares", clause="§2.2(a)")
    if request.cancel_shares is not None:
        W = request.cancel_shares
        if W < 0 or W.denominator != 1:
            raise BadInput("cancel_shares: must be a whole number of option shares", field="cancel_shares", clause="Exhibit A")
        if cut:
            needed = _needed_w(n, C, S, A, B)
            if needed < W:
                record(trace, "§2.2(a)(iv), §10", "option shares cancelled, worked again for the number the cap allows "
                       "(never more than the holder stated)", "min(stated W, ceil((N x B - C - S x A) / (A - B)))", needed,
                       stated=W, N=n, B=B, C=C, S=S, A=A)
                W = needed
    elif A is not None and A > B:
        W = Rounding.OPTION_SHARES_CANCELLED.apply(max(Fraction(0), (n * B - C - S * A) / (A - B)))
        record(trace, "§2.2(a)(iv)", "option shares cancelled (rounded up to a whole option share)",
               "W = ceil((N x B - C - S x A) / (A - B))", W, N=n, B=B, C=C, S=S, A=A)
    else:
        W = Fraction(0)
    if W and (A is None or A <= B):
        raise Refusal("§2.2(b)", "option shares can only pay the price when the FMV exceeds the exercise price", field="cancel_shares")
    a = A or Fraction(0)
    aggregate = (n + W) * B
    tendered = C + S * a + W * a
    shortfall = aggregate - tendered
    cash_due = Rounding.AMOUNT_OWED.apply(max(Fraction(0), aggregate - S * a - W * a))
    record(trace, "§2.2(a)(iv)", "aggregate exercise price of the shares purchased and cancelled", "(N + W) x B", aggregate, N=n, W=W, B=B)
    record(trace, "§2.2(a)(iv)", "value tendered", "C + S x A + W x A", tendered, C=C, S=S, W=W, A=A)
    problem = None
    if shortfall > 0 and request.cash is not None and C < cash_due:
        problem = Refusal("§2.2(a)", f"the payment elected falls {fmt(shortfall)} short of the aggregate exercise price", field="cash")
    record(trace, "§2.2(a)(iv)", "cash due (rounded up to the cent)", "ceil_cent((N + W) x B - S x A - W x A)", cash_due)
    record(trace, "§2.2(a)", "option balance falls by", "Y = N + W", n + W)
    return Priced(n + W, n, aggregate, cash_due, S, W, problem)


def most_within(allowance: Fraction, basis: Basis) -> tuple[Fraction, str]:
    """N is the number issued, so the most N is the allowance; W follows from it."""
    return allowance, "allowance"
