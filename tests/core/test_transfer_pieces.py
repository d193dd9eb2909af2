"""§7: exercising the pieces of a transferred option gives what exercising the whole would have given, within
one share per piece (each piece rounds its own fraction down, §2.1)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_book
from warrantbook.core.decide import exercise_quote
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.terms import PaymentMethod as M

DAY = date(2006, 7, 3)
HUGE = F(10**15)  # shares outstanding for the what-if, so that §10 does not limit either side


def transferred(pieces: list[tuple[str, int]]) -> str:
    listed = ", ".join(f"{{holder: {h}, shares: {n}}}" for h, n in pieces)
    numbers = ", ".join(f"P-{i}" for i in range(len(pieces) + 1))
    return f"""
    - {{id: t1, on: 2006-06-01, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{listed}],
       endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}}
    - {{id: t1r, on: 2006-06-05, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: t1, new_options: [{numbers}]}}
    """


@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=30_000_000), min_size=1, max_size=4),
       a=st.fractions(min_value=F(2, 100_000), max_value=F(5), max_denominator=10**6),
       method=st.sampled_from([M.CASHLESS, M.CASH]))
def test_pieces_exercised_give_the_wholes_shares_within_one_share_a_piece(cuts: list[int], a: F, method: M) -> None:
    holders = ["other", "affiliate", "other", "affiliate"]
    pieces = [(holders[i], n) for i, n in enumerate(cuts)]
    state = make_book(transferred(pieces)).state
    children = state.options["ATG-1"].children
    assert sum(state.options[c].remaining for c in children) == 140_250_000

    def issued(option_no: str) -> tuple[F, F]:
        o = state.options[option_no]
        r = exercise_quote(state, option_no, ExerciseRequest(o.remaining, method), DAY, fmv=a, outstanding=HUGE, owned=F(0),
                           check_status=False)
        return r.whole_shares, r.shares_issued

    whole_w, whole_x = issued("ATG-1")
    parts = [issued(c) for c in children]
    assert sum(x for _w, x in parts) == whole_x, "exactly, before rounding"
    # floor of the sum less the sum of the floors: each piece loses less than one share to its own fraction
    assert 0 <= whole_w - sum(w for w, _x in parts) < len(children)
