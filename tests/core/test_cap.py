"""§10 maximum exercise: the cap, its readings, its waiver and the Event of Default."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction as F

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core.decide import exercise_quote
from warrantbook.core.errors import BookErrors, Refusal
from warrantbook.core.rules.cap import allowance, cap_status
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.terms import Cap, CapMeasure
from warrantbook.core.terms import PaymentMethod as M

C = F("0.0499")


@pytest.mark.parametrize(
    ("measure", "outstanding", "owned", "expected"),
    [
        # before: floor(0.0499 x 2,400,000,000 - 20,000,000) = 99,760,000
        (CapMeasure.BEFORE_EXERCISE, 2_400_000_000, 20_000_000, 99_760_000),
        # after: floor(99,760,000 / 0.9501) = 104,999,473
        (CapMeasure.AFTER_EXERCISE, 2_400_000_000, 20_000_000, 104_999_473),
        # already over the cap: zero, never negative
        (CapMeasure.BEFORE_EXERCISE, 100_000_000, 6_000_000, 0),
        # a fraction of a share is rounded down: 0.0499 x 1,000 = 49.9 -> 49
        (CapMeasure.BEFORE_EXERCISE, 1_000, 0, 49),
    ],
)
def test_allowance_readings(measure: CapMeasure, outstanding: int, owned: int, expected: int) -> None:
    assert allowance(C, F(outstanding), F(owned), measure) == expected


def test_after_reading_keeps_holder_at_the_cap_after_exercise() -> None:
    a = allowance(C, F(2_400_000_000), F(20_000_000), CapMeasure.AFTER_EXERCISE)
    assert (20_000_000 + a) / (2_400_000_000 + a) <= C < (20_000_000 + a + 1) / (2_400_000_000 + a + 1)


def test_13d3_exclusion_unexercised_option_not_counted() -> None:
    """H is the certified ownership (10,000,000), not that plus the 140,250,000 the option could buy."""
    state = make_book().state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1_000), M.CASH), date(2005, 10, 3))
    assert r.limit is not None and r.limit.shares == F(59_880_000 - 10_000_000)  # 0.0499 x 1.2bn - 10m


def test_over_cap_refused_by_default_and_honoured_by_switch() -> None:
    state = make_book().state
    with pytest.raises(Refusal) as info:
        exercise_quote(state, "ATG-1", ExerciseRequest(F(60_000_000), M.CASH), date(2005, 10, 3))
    assert info.value.clause == "§10" and "49,880,000" in str(info.value)
    preamble = PREAMBLE.replace('exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], readings: {over_cap: honour-to-cap}}')
    r = exercise_quote(make_book(preamble=preamble).state, "ATG-1", ExerciseRequest(F(60_000_000), M.CASH), date(2005, 10, 3))
    assert r.shares_issued == F(49_880_000)


def test_cashless_cap_limits_x_not_y() -> None:
    """§10 limits the WHOLE shares issued (the fraction is paid in cash, §2.1): the largest Y with
    floor(Y(A-B)/A) <= 49,880,000, i.e. Y = ceil(49,880,001 x A / (A - B)) - 1."""
    import math

    state = make_book().state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(None, M.CASHLESS), date(2005, 10, 3), fmv=F("0.02"))
    A, B = F("0.02"), F("0.00001")
    y = math.ceil(F(49_880_001) * A / (A - B)) - 1
    assert y == 49_904_953  # one more than floor(allowance x A / (A - B)): the old rule left a share on the table
    assert r.shares_exercised == y
    assert r.whole_shares == 49_880_000 and r.shares_issued > 49_880_000
    assert math.floor((y + 1) * (A - B) / A) > 49_880_000


@pytest.mark.parametrize(
    ("days_after", "in_force"),
    [(0, True), (74, True), (75, False), (400, False)],
)
def test_waiver_voids_cap_from_the_75th_day(days_after: int, in_force: bool) -> None:
    received = date(2006, 7, 3)
    status = cap_status(Cap(), received + timedelta(days=days_after), waiver_received=received, default_since=None,
                        default_cured=None, cure_restores=True)
    assert status.in_force is in_force


def test_family_member_61_day_notice_and_hard_ceiling() -> None:
    """A 9.99% cap with a 61-day notice and a 19.99% ceiling no waiver lifts: no code changes, only terms."""
    preamble = PREAMBLE.replace('exercise_price: "0.00001"}]}',
                                'exercise_price: "0.00001"}], cap: {percent: "9.99%", waiver_notice_days: 61, hard_ceiling: "19.99%"}}')
    book = make_book("""
    - {id: w, on: 2006-01-02, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}
    """, preamble=preamble)
    state = book.state
    before = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH), date(2006, 3, 3))  # day 60
    assert before.limit is not None and before.limit.shares == F(119_880_000 - 10_000_000)
    after = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH), date(2006, 3, 4))  # day 61
    assert after.limit is not None and after.limit.shares == F(239_880_000 - 10_000_000)  # only the 19.99% ceiling


@pytest.mark.parametrize(("restores", "in_force_after_cure"), [(True, True), (False, False)])
def test_default_voids_cap_while_continuing(restores: bool, in_force_after_cure: bool) -> None:
    kw = dict(waiver_received=None, default_since=date(2006, 5, 1), cure_restores=restores)
    assert cap_status(Cap(), date(2006, 4, 30), default_cured=None, **kw).in_force  # type: ignore[arg-type]
    assert not cap_status(Cap(), date(2006, 5, 1), default_cured=None, **kw).in_force  # type: ignore[arg-type]
    assert cap_status(Cap(), date(2006, 6, 2), default_cured=date(2006, 6, 1), **kw).in_force is in_force_after_cure  # type: ignore[arg-type]


def test_cap_is_per_holder_group_across_options() -> None:
    """An affiliate's exercise of another option uses up the same allowance."""
    book = make_book("""
    - {id: issue-2, on: 2005-09-07, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
       terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 50000000, exercise_price: "0.00001"}]}}
    - {id: own-aff, on: 2005-09-07, type: ownership, actor: holder:affiliate, holder: affiliate, company: atg, shares: 0}
    - {id: n1, on: 2005-10-03, type: exercise-notice, actor: holder:affiliate, option_no: ATG-9, shares: 40000000, method: cash}
    - {id: s1, on: 2005-10-03, type: surrender, actor: company:atg, option_no: ATG-9, notice: n1}
    - {id: p1, on: 2005-10-03, type: payment, actor: company:atg, option_no: ATG-9, notice: n1, cash: "400"}
    """)
    state = book.state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH), date(2005, 10, 4))
    # outstanding 1,200,000,000 + 40,000,000; group owns 10,000,000 + 40,000,000
    assert r.limit is not None and r.limit.shares == int(C * 1_240_000_000 - 50_000_000)
    with pytest.raises(BookErrors) as info:
        make_book(book_extra := """
    - {id: issue-2, on: 2005-09-07, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
       terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 50000000, exercise_price: "0.00001"}]}}
    - {id: own-aff, on: 2005-09-07, type: ownership, actor: holder:affiliate, holder: affiliate, company: atg, shares: 0}
    - {id: n1, on: 2005-10-03, type: exercise-notice, actor: holder:affiliate, option_no: ATG-9, shares: 40000000, method: cash}
    - {id: s1, on: 2005-10-03, type: surrender, actor: company:atg, option_no: ATG-9, notice: n1}
    - {id: p1, on: 2005-10-03, type: payment, actor: company:atg, option_no: ATG-9, notice: n1, cash: "400"}
    - {id: n2, on: 2005-10-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 20000000, method: cash}
    """)
    assert book_extra and info.value.errors[0].clause == "§10"
