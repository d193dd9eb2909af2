"""§1.1 with a stated Expiration Date: an exercise lapses unless notice, surrender and payment are all complete by
the expiration, at the time of day and in the city the terms may give (family members: 5:00 p.m. New York time).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import codec
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, Refusal
from warrantbook.core.summary import open_items
from warrantbook.core.terms import Expiration

TERMS = 'tranches: [{shares: 140250000, exercise_price: "0.00001"}]}'
TIMED = PREAMBLE.replace(TERMS, 'tranches: [{shares: 140250000, exercise_price: "0.00001"}], '
                         'expiration: {on: 2006-03-17, time_of_day: "17:00", city: "New York, New York", source: stated in the terms}}')
DATED = PREAMBLE.replace(TERMS, 'tranches: [{shares: 140250000, exercise_price: "0.00001"}], expiration: {on: 2006-03-17, source: stated}}')


def notice(on: str = "2006-03-15", at: str = "") -> str:
    when = f", at: \"{at}\"" if at else ""
    return f"- {{id: n, on: {on}, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash{when}}}\n"


def surrender(on: str, at: str = "") -> str:
    when = f", at: \"{at}\"" if at else ""
    return f"- {{id: sr, on: {on}, type: surrender, actor: company:atg, option_no: ATG-1, notice: n{when}}}\n"


def payment(on: str, at: str = "") -> str:
    when = f", at: \"{at}\"" if at else ""
    return f"- {{id: p, on: {on}, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: \"10\"{when}}}\n"


def test_complete_by_five_pm_on_the_expiration_date_is_effected() -> None:
    book = make_book(notice("2006-03-17", "16:30"), surrender("2006-03-17", "16:45"), payment("2006-03-17", "17:00"), preamble=TIMED)
    assert any(isinstance(e, ev.ExerciseEffected) for e in book.events)


@pytest.mark.parametrize(
    ("preamble", "events", "error", "field"),
    [
        # the notice itself comes after 5:00 p.m. on the Expiration Date
        (TIMED, notice("2006-03-17", "17:30"), Refusal, "at"),
        # on a timed Expiration Date the time must be given: an act not shown to be in time is not taken to be
        (TIMED, notice("2006-03-17"), BadInput, "at"),
        # a time that is not HH:MM
        (TIMED, notice("2006-03-15", "5pm"), BadInput, "at"),
        # notice in time, payment five minutes late: the exercise lapsed
        (TIMED, notice() + surrender("2006-03-16") + payment("2006-03-17", "17:05"), Refusal, "on"),
        # notice and payment in time, the surrender a day late (the option is then expired): lapsed
        (TIMED, notice() + payment("2006-03-16") + surrender("2006-03-18"), Refusal, "on"),
        # no time of day in the terms: the whole Expiration Date counts, the next day does not
        (DATED, notice() + surrender("2006-03-16") + payment("2006-03-18"), Refusal, "on"),
        # after the Expiration Date nothing can be noticed at all
        (DATED, notice("2006-03-18"), Refusal, "on"),
        # terms whose time of day is not HH:MM are not guessed at
        (TIMED.replace('"17:00"', '"5 pm"'), notice("2006-03-17", "16:00"), BadInput, "terms.expiration.time_of_day"),
    ],
)
def test_expiration_refusals(preamble: str, events: str, error: type, field: str) -> None:
    """§1.1: one row per refusal branch of the expiration checks."""
    with pytest.raises(BookErrors) as info:
        make_book(events, preamble=preamble)
    err = info.value.errors[0]
    assert isinstance(err, error) and err.field == field and err.clause == "§1.1", err


def test_untimed_expiration_day_counts_whole() -> None:
    book = make_book(notice(), surrender("2006-03-16"), payment("2006-03-17"), preamble=DATED)
    assert any(isinstance(e, ev.ExerciseEffected) for e in book.events)


def test_a_lapsed_notice_shows_and_its_payment_is_owed_back_until_refunded() -> None:
    """Notice 3/15, $10 paid 3/16, never surrendered; after 5:00 p.m. on 3/17 the notice lapsed and the $10 is owed back."""
    book = make_book(notice(), payment("2006-03-16"), preamble=TIMED)
    texts = [(i.kind, i.text) for i in open_items(book.state, book.state.options["ATG-1"], date(2006, 3, 18))]
    assert ("refund", "return $10 paid for an exercise that lapsed on n") in texts
    assert any(k == "exercise" and "lapsed at the expiration (17:00 on 2006-03-17 (New York, New York time))" in t for k, t in texts)
    done = make_book(notice(), payment("2006-03-16"), """
    - {id: r, on: 2006-03-20, type: refund, actor: company:atg, option_no: ATG-1, notice: n, cash: "10"}
    """, preamble=TIMED)
    option = done.state.options["ATG-1"]
    assert option.pending == () and option.refunds_due == ()


def test_new_fields_keep_old_hashes() -> None:
    """Late fields left at their defaults are not in the canonical text: terms and events stored before hash as before."""
    assert codec.encode(Expiration(), keep_defaults=True) == {"on": None, "source": "undefined in the agreement (§1.1)"}
    n = ev.ExerciseNoticeReceived(id="n", on=date(2006, 3, 15), option_no="ATG-1")
    assert "at" not in codec.encode(n, keep_defaults=True)


def test_a_notice_complete_in_time_and_held_for_a_value_does_not_lapse() -> None:
    """§1.1, §1.2(c): notice 3/15 and surrender 3/16 (cashless) before the 3/17 expiration, the value agreed only on 3/20:
    the holder did its part in time, so the exercise is priced and effected on 3/20, never shown as lapsed."""
    held = """
    - {id: nt, on: 2006-01-02, type: listing, actor: company:atg, company: atg, venue: not-traded}
    - {id: n, on: 2006-03-15, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cashless}
    - {id: sr, on: 2006-03-16, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
    """
    waiting = make_book(held, preamble=DATED)
    texts = [i.text for i in open_items(waiting.state, waiting.state.options["ATG-1"], date(2006, 3, 18))]
    assert not any("lapsed" in t for t in texts) and any("held for the Fair Market Value" in t for t in texts)
    priced = make_book(held, """
    - {id: v, on: 2006-03-20, type: fmv-agreement, actor: company:atg, company: atg, value: "0.04", agreed_by: [holder:gssf, company:atg]}
    """, preamble=DATED)
    assert [e.on for e in priced.events if isinstance(e, ev.ExerciseEffected)] == [date(2006, 3, 20)]
