"""§2.1, §4, §3.1: an event that changes the share basis may not land before an exercise already effected.

An exercise's figures (shares exercised, shares issued, the price) are worked out when it is effected, at the close of
business (§2.1), on that day's share basis. A §4 split or combination, or a §3 transaction, is effective at the opening
of its day, so one recorded afterwards but dated on or before the exercise's day sorts before it: the fold would apply
the old figures to the new basis (a 2-for-1 split after a 1,000,000-share exercise left 199,000,000 shares where
198,000,000 are right). Such an event is refused, naming the exercise; dated after it, or recorded before it, it is
taken, and a stock dividend (which goes to holders of record at the close, after the exercise) is taken the same day.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest

from tests.store.backends import base_events, cash_notice, payment, surrender
from warrantbook.core import events as ev
from warrantbook.core.decide import decide, replay
from warrantbook.core.errors import Refusal
from warrantbook.core.state import BookState, fold
from warrantbook.core.terms import Company, Venue

DAY = date(2006, 3, 1)
NEXT = date(2006, 3, 2)


def _quotes() -> list[ev.Event]:
    return [ev.Quote(id=f"q-{d}", on=d, actor="company:atg", company="atg", venue=Venue.OTCBB, bid=F("0.024"), ask=F("0.026"))
            for d in (date(2006, 2, 28), DAY, NEXT)]


def _exercised() -> tuple[BookState, list[ev.Event]]:
    """ATG-5 (no cap) exercised for 1,000,000 shares at the close of DAY: 99,000,000 remain."""
    state, events = replay([*base_events(), *_quotes(), cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY),
                            surrender("s5", "ATG-5", "n5", on=DAY), payment("p5", "ATG-5", "n5", F(10), on=DAY)])
    assert state.options["ATG-5"].remaining == 99_000_000
    return state, events


def _stock(state: BookState, kind: ev.StockEventKind, on: date, issuer: str = "atg", factor: int = 2) -> ev.StockEvent:
    now = state.companies[issuer].outstanding_on(on)
    assert now is not None
    after = now * factor if kind is not ev.StockEventKind.COMBINATION else now / factor
    return ev.StockEvent(id=f"{kind.value}-{on}", on=on, actor=f"company:{issuer}", issuer=issuer, event=kind,
                         outstanding_before=now, outstanding_after=after)


REFUSED = [
    ("§4(b): a split dated the exercise's day, recorded after it", ev.StockEventKind.SUBDIVISION, DAY),
    ("§4(c): a combination dated before the exercise's day", ev.StockEventKind.COMBINATION, date(2006, 2, 28)),
]


@pytest.mark.parametrize(("why", "kind", "on"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_stock_event_before_an_effected_exercise_is_refused(why: str, kind: ev.StockEventKind, on: date) -> None:
    state, _ = _exercised()
    with pytest.raises(Refusal) as refused:
        decide(state, _stock(state, kind, on))
    assert refused.value.clause == "§4" and refused.value.field == "on"
    assert "ATG-5" in str(refused.value) and str(DAY) in str(refused.value)


TAKEN = [
    ("§4(b): a split dated the day after", ev.StockEventKind.SUBDIVISION, NEXT, F(2 * 99_000_000)),
    ("§4(a): a stock dividend the same day goes to holders of record at the close, after the exercise",
     ev.StockEventKind.DIVIDEND_ON_COMMON, DAY, F(2 * 99_000_000)),
]


@pytest.mark.parametrize(("why", "kind", "on", "remaining"), TAKEN, ids=[r[0] for r in TAKEN])
def test_a_stock_event_after_the_exercise_adjusts_what_remains(why: str, kind: ev.StockEventKind, on: date, remaining: F) -> None:
    state, events = _exercised()
    decided = decide(state, _stock(state, kind, on))
    assert fold([*events, *decided]).options["ATG-5"].remaining == remaining


def test_another_issuers_split_that_day_is_taken() -> None:
    """§4 reaches only the issuer's own options: another company's split is no concern of ATG-5's exercise."""
    other = [ev.CompanyRegistered(id="acme", on=date(2005, 9, 7), actor="company:acme", company=Company("acme", "Acme", "Nevada")),
             ev.SharesOutstanding(id="acme-out", on=date(2005, 9, 7), actor="company:acme", company="acme", shares=F(1_000))]
    state, events = replay([*base_events(), *other, *_quotes(), cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY),
                            surrender("s5", "ATG-5", "n5", on=DAY), payment("p5", "ATG-5", "n5", F(10), on=DAY)])
    decided = decide(state, _stock(state, ev.StockEventKind.SUBDIVISION, DAY, issuer="acme"))
    assert fold([*events, *decided]).options["ATG-5"].remaining == 99_000_000


def test_a_split_recorded_before_the_exercise_that_day_puts_it_on_the_new_basis() -> None:
    """§4, §2.2(a): recorded first, the split is known when the exercise is effected: 1,000,000 of the 200,000,000."""
    start, events = replay([*base_events(), *_quotes()])
    split = decide(start, _stock(start, ev.StockEventKind.SUBDIVISION, DAY))
    state, events = replay([*events, *split, cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY),
                            surrender("s5", "ATG-5", "n5", on=DAY), payment("p5", "ATG-5", "n5", F(5), on=DAY)])
    assert state.options["ATG-5"].remaining == 199_000_000
    assert fold(events).options["ATG-5"].remaining == 199_000_000


def test_a_merger_consummated_the_exercise_day_is_refused() -> None:
    """§3.1: the exercise's figures are in ATG common stock; a merger that day comes before the close and would turn
    the option into baskets before them."""
    state, _ = _exercised()
    merger = ev.Reorganized(id="merger", on=DAY, actor="company:atg", company="atg", transaction=ev.ReorganizationKind.MERGER,
                            successor="Acme", basket=(ev.BasketItem(ev.ItemKind.CASH, F("0.05")),))
    with pytest.raises(Refusal) as refused:
        decide(state, merger)
    assert refused.value.clause == "§3.1" and "ATG-5" in str(refused.value)
    later = ev.Reorganized(id="merger", on=NEXT, actor="company:atg", company="atg", transaction=ev.ReorganizationKind.MERGER,
                           successor="Acme", basket=(ev.BasketItem(ev.ItemKind.CASH, F("0.05")),))
    assert decide(state, later)[0] is later


# ---------------------------------------------------------------- exercise steps recorded after a §4 event they sort before


def _with_dividend(*before: ev.Event) -> tuple[BookState, list[ev.Event]]:
    """A 2-for-1 stock dividend of record DAY (after the close), recorded after `before`."""
    state, events = replay([*base_events(), *_quotes(), *before])
    return replay([*events, *decide(state, _stock(state, ev.StockEventKind.DIVIDEND_ON_COMMON, DAY))])


def test_a_notice_dated_the_dividends_day_recorded_after_it_is_refused() -> None:
    """§4(a), §1.1: on DAY ATG-5 covers 100,000,000 shares (the dividend's come after the close). A notice for 150,000,000
    recorded after the dividend was checked against the 200,000,000 after it, while the fold puts it before the
    dividend, which doubles it to 300,000,000 of the 200,000,000: refused, naming the dividend."""
    state, _ = _with_dividend()
    with pytest.raises(Refusal) as refused:
        decide(state, cash_notice("n5", "ATG-5", "other", 150_000_000, on=DAY))
    assert refused.value.clause == "§4, §2.2(a)" and refused.value.field == "on"
    assert "dividend-on-common-2006-03-01" in str(refused.value)
    taken = decide(state, cash_notice("n5", "ATG-5", "other", 150_000_000, on=NEXT))
    assert taken[0].id == "n5"


def test_a_notice_dated_before_a_recorded_later_split_is_refused() -> None:
    """§4(b): a split effective NEXT already recorded; a notice dated DAY recorded after it sorts before it."""
    start, events = replay([*base_events(), *_quotes()])
    state, _ = replay([*events, *decide(start, _stock(start, ev.StockEventKind.SUBDIVISION, NEXT))])
    with pytest.raises(Refusal) as refused:
        decide(state, cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY))
    assert refused.value.field == "on" and "subdivision-2006-03-02" in str(refused.value)


@pytest.mark.parametrize("step", ["surrender", "payment"])
def test_a_surrender_or_payment_dated_the_dividends_day_recorded_after_it_is_refused(step: str) -> None:
    """§4(a), §2.1: the notice for 80,000,000 came before the dividend, which doubled it to 160,000,000 at half the price.
    Completed by a surrender and payment dated DAY recorded after the dividend, the exercise was effected for
    160,000,000 shares at the close of DAY, before the dividend in the fold: the fold left -120,000,000 shares where
    the ledger said 40,000,000. The step is refused; dated the next day it completes on the new basis."""
    state, events = _with_dividend(cash_notice("n5", "ATG-5", "other", 80_000_000, on=DAY))
    steps = {"surrender": surrender("s5", "ATG-5", "n5", on=DAY), "payment": payment("p5", "ATG-5", "n5", F(800), on=DAY)}
    with pytest.raises(Refusal) as refused:
        decide(state, steps[step])
    assert refused.value.field == "on" and "dividend-on-common-2006-03-01" in str(refused.value)
    state, events = replay([*events, surrender("s5", "ATG-5", "n5", on=NEXT), payment("p5", "ATG-5", "n5", F(800), on=NEXT)])
    assert [e.shares_exercised for e in events if isinstance(e, ev.ExerciseEffected)] == [160_000_000]
    assert state.options["ATG-5"].remaining == fold(events).options["ATG-5"].remaining == 40_000_000


def test_a_notice_dated_before_a_recorded_merger_is_refused() -> None:
    """§3.1: a merger consummated NEXT already recorded; a notice dated DAY would be checked against the basket option
    while the fold applies it to the option for ATG common stock before the merger."""
    start, events = replay([*base_events(), *_quotes()])
    merger = ev.Reorganized(id="merger", on=NEXT, actor="company:atg", company="atg", transaction=ev.ReorganizationKind.MERGER,
                            successor="Acme", basket=(ev.BasketItem(ev.ItemKind.CASH, F("0.05")),))
    state, _ = replay([*events, *decide(start, merger)])
    with pytest.raises(Refusal) as refused:
        decide(state, cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY))
    assert refused.value.field == "on" and "merger" in str(refused.value)


def _authorized(shares: int, on: date) -> ev.AuthorizedShares:
    return ev.AuthorizedShares(id=f"auth-{on}", on=on, actor="company:atg", company="atg", shares=F(shares))


def test_an_authorized_count_dated_the_exercise_day_recorded_after_it_is_refused() -> None:
    """§6, §2.1: ATG-5's 1,000,000 shares were issued and delivered on the 2,000,000,000 authorized of DAY. A count of
    1,200,500,000 dated DAY recorded after them sorts before the exercise: the fold split the shares again and left
    500,000 of the delivered shares owed and held. Refused, naming the exercise; the same or a higher count, or the lower
    one dated the next day, is taken and the delivery stands."""
    delivered = ev.SharesDelivered(id="d5", on=DAY, actor="company:atg", option_no="ATG-5", notice="n5", book_entry=True)
    state, events = replay([*base_events(), *_quotes(), cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY),
                            surrender("s5", "ATG-5", "n5", on=DAY), payment("p5", "ATG-5", "n5", F(10), on=DAY), delivered])
    with pytest.raises(Refusal) as refused:
        decide(state, _authorized(1_200_500_000, DAY))
    assert refused.value.clause == "§6" and refused.value.field == "on" and "ATG-5" in str(refused.value)
    same = decide(state, _authorized(2_000_000_000, DAY))
    higher = decide(state, _authorized(3_000_000_000, DAY))
    later = decide(state, _authorized(1_200_500_000, NEXT))
    for taken in (same, higher, later):
        assert not [d for d in fold([*events, *taken]).options["ATG-5"].owed if d.held or d.deliverable]


def test_an_outstanding_count_dated_the_exercise_day_recorded_after_it_is_refused_if_it_leaves_no_room() -> None:
    """§6, §2.1: with 2,000,000,000 authorized, a count of 1,999,500,000 outstanding dated DAY recorded after ATG-5's
    1,000,000 shares were issued and delivered sorts before the exercise: the fold held back 500,000 of the delivered
    shares. Refused, naming the exercise; a count that leaves room (1,300,000,000), or dated after, is taken."""
    delivered = ev.SharesDelivered(id="d5", on=DAY, actor="company:atg", option_no="ATG-5", notice="n5", book_entry=True)
    state, events = replay([*base_events(), *_quotes(), cash_notice("n5", "ATG-5", "other", 1_000_000, on=DAY),
                            surrender("s5", "ATG-5", "n5", on=DAY), payment("p5", "ATG-5", "n5", F(10), on=DAY), delivered])

    def count(shares: int, on: date) -> ev.SharesOutstanding:
        return ev.SharesOutstanding(id=f"out-{on}", on=on, actor="company:atg", company="atg", shares=F(shares))

    with pytest.raises(Refusal) as refused:
        decide(state, count(1_999_500_000, DAY))
    assert refused.value.clause == "§6" and refused.value.field == "on" and "ATG-5" in str(refused.value)
    for taken in (decide(state, count(1_300_000_000, DAY)), decide(state, count(1_999_500_000, NEXT))):
        assert not [d for d in fold([*events, *taken]).options["ATG-5"].owed if d.held or d.deliverable]


def test_a_larger_ownership_certificate_dated_a_capped_exercise_day_recorded_after_it_is_refused() -> None:
    """§10, §2.1: GSSF certified 10,000,000 and exercised 40,000,000 of capped ATG-1 on DAY. Its certificate of
    59,000,000 dated DAY recorded afterwards sorts before the exercise: the fold held it at 99,000,000 (past 4.99% of
    1,200,000,000) and a replay in the fold's order refuses the exercise. Refused; the same figure, or dated after, is taken."""
    state, events = replay([*base_events(), *_quotes(), cash_notice("n1", "ATG-1", "gssf", 40_000_000, on=DAY),
                            surrender("s1", "ATG-1", "n1", on=DAY), payment("p1", "ATG-1", "n1", F(400), on=DAY)])

    def certified(shares: int, on: date) -> ev.BeneficialOwnership:
        return ev.BeneficialOwnership(id=f"own-{on}", on=on, actor="holder:gssf", holder="gssf", company="atg", shares=F(shares))

    with pytest.raises(Refusal) as refused:
        decide(state, certified(59_000_000, DAY))
    assert refused.value.clause == "§10" and refused.value.field == "on" and "ATG-1" in str(refused.value)
    for taken in (decide(state, certified(10_000_000, DAY)), decide(state, certified(59_000_000, NEXT))):
        replay([*events, *taken])  # the fold's order decides the same exercise


def test_a_stock_event_under_a_later_exercise_is_not_corrected_away() -> None:
    """§4(a), §2.1: after a 2-for-1 dividend ATG-5 was exercised for 150,000,000 of its 200,000,000 shares. Corrected
    away, the dividend left the fold at -50,000,000 (the exercise's figures on the basis before it). Refused while the
    exercise stands; once the exercise itself is corrected the dividend may be, and the 100,000,000 are back."""
    start, events = replay([*base_events(), *_quotes()])
    dividend = decide(start, _stock(start, ev.StockEventKind.DIVIDEND_ON_COMMON, DAY))
    state, events = replay([*events, *dividend, cash_notice("n5", "ATG-5", "other", 150_000_000, on=NEXT),
                            surrender("s5", "ATG-5", "n5", on=NEXT), payment("p5", "ATG-5", "n5", F(750), on=NEXT)])
    assert state.options["ATG-5"].remaining == 50_000_000
    later = date(2006, 3, 10)
    fix = ev.Correction(id="fix", on=later, actor="company:atg", corrects=dividend[0].id, reason="no dividend",
                        signed_by=("holder:other",))
    with pytest.raises(Refusal) as refused:
        decide(state, fix)
    assert refused.value.field == "corrects" and "ATG-5" in str(refused.value)
    undo = ev.Correction(id="undo", on=later, actor="company:atg", corrects="n5.effected", reason="on the wrong basis",
                         signed_by=("holder:other",))
    events = [*events, *decide(fold(events), undo)]
    events = [*events, *decide(fold(events), fix)]
    assert fold(events).options["ATG-5"].remaining == 100_000_000


def test_a_value_agreed_the_dividends_day_recorded_after_it_does_not_price_a_held_exercise_before_it() -> None:
    """§1.2(c), §4(a), §2.1: a cashless notice for 1,000 shares held for a value; a 2-for-1 dividend of record 2007-01-15
    scaled it to 2,000. A value agreed for 2007-01-15 recorded afterwards effected it for 2,000 at that day's close,
    before the dividend in the fold: 1,996,000 left where 1,998,000 are right. Refused; agreed the next day it prices the
    exercise on the new basis and the fold agrees."""
    from tests.conftest import make_book
    from tests.core.test_fmv_sources import NOT_TRADED

    state = make_book(NOT_TRADED, """
- {id: own-o, on: 2006-01-03, type: ownership, actor: holder:other, holder: other, company: atg, shares: 0}
- {id: n, on: 2007-01-10, type: exercise-notice, actor: holder:other, option_no: OTH-1, shares: 1000, method: cashless}
- {id: s, on: 2007-01-10, type: surrender, actor: company:atg, option_no: OTH-1, notice: n}
""").state
    events = list(state.events)
    day = date(2007, 1, 15)
    now = state.companies["atg"].outstanding_on(day)
    assert now is not None
    dividend = ev.StockEvent(id="div", on=day, actor="company:atg", issuer="atg", event=ev.StockEventKind.DIVIDEND_ON_COMMON,
                             outstanding_before=now, outstanding_after=2 * now)
    state, events = replay([*events, *decide(state, dividend)])

    def agreed(on: date) -> ev.FmvAgreed:
        return ev.FmvAgreed(id=f"ag-{on}", on=on, actor="company:atg", company="atg", value=F("0.004"),
                            agreed_by=("holder:other", "company:atg"))

    with pytest.raises(Refusal) as refused:
        decide(state, agreed(day))
    assert refused.value.field == "on" and "div" in str(refused.value)
    taken = decide(state, agreed(date(2007, 1, 16)))
    assert [e.shares_exercised for e in taken if isinstance(e, ev.ExerciseEffected)] == [2_000]
    assert fold([*events, *taken]).options["OTH-1"].remaining == 1_998_000
