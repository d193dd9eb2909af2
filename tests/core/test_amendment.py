"""§14: a change is enforced only against a party that signed it; who it burdens is read from the change."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_book
from warrantbook.core.decide import exercise_quote
from warrantbook.core.errors import BookErrors
from warrantbook.core.rules.amendment import burdens
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.terms import Cap, Expiration, PaymentMethod, Tranche, seed_terms

TERMS = "{{company: atg, issue_date: 2005-09-07, tranches: [{{shares: {shares}, exercise_price: '{price}'}}]{more}}}"


def amend(shares: int = 140250000, price: str = "0.00001", more: str = "", signed: str = "[company:atg, holder:gssf]",
          actor: str = "company:atg", extra: str = "") -> str:
    return (f"- {{id: a, on: 2006-01-03, type: amendment, actor: {actor}, option_no: ATG-1, binds: [], signed_by: {signed}{extra}, "
            f"terms: {TERMS.format(shares=shares, price=price, more=more)}}}")


EXERCISE = """
- {id: n, on: 2005-12-01, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 40000000, method: cash}
- {id: s, on: 2005-12-01, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2005-12-01, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "400"}
"""


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        (amend(shares=100000000, signed="[company:atg]"), "holder:gssf"),  # fewer shares burden the holder
        (amend(price="0.00002", signed="[company:atg]"), "holder:gssf"),  # a higher price burdens the holder
        (amend(more=", expiration: {on: 2009-01-01}", signed="[company:atg]"), "holder:gssf"),  # a new expiration
        (amend(more=", cap: {percent: '2%'}", signed="[company:atg]"), "holder:gssf"),  # a tighter cap
        (amend(more=", payment_methods: [cash]", signed="[company:atg]"), "holder:gssf"),  # fewer ways to pay
        (amend(shares=150000000, signed="[holder:gssf]", actor="holder:gssf"), "company:atg"),  # more shares burden the company
        (amend(price="0.000005", signed="[holder:gssf]", actor="holder:gssf"), "company:atg"),  # a lower price
        (amend(more=", cap: null", signed="[holder:gssf]", actor="holder:gssf"), "company:atg"),  # no cap
        (amend(more=", delivery_days: 2", signed="[holder:gssf]", actor="holder:gssf"), "company:atg"),  # faster delivery
        (amend(shares=150000000, price="0.00002", signed="[holder:gssf]", actor="holder:gssf"), "company:atg"),  # mixed: both
        (amend(shares=150000000, price="0.00002", signed="[company:atg]"), "holder:gssf"),
        (amend(more=", legend: false", signed="[company:atg]"), "holder:gssf"),  # direction unknown: both sign
    ],
)
def test_unsigned_burdened_party_refuses_the_change(change: str, missing: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(change)
    err = info.value.errors[0]
    assert (err.clause, err.field) == ("§14", "signed_by") and missing in err.message, err.message


def test_signed_by_the_burdened_party_it_stands() -> None:
    state = make_book(amend(shares=100000000, signed="[holder:gssf]", actor="holder:gssf")).state
    assert state.options["ATG-1"].remaining == 100000000


def test_the_recorder_must_have_signed() -> None:
    with pytest.raises(BookErrors) as info:
        make_book(amend(shares=150000000, signed="[company:atg]", actor="holder:gssf"))
    assert "has not signed" in info.value.errors[0].message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (amend(), "terms"),  # nothing changes
        (amend(shares=100000000, extra=", binds: [holder:other]"), "binds"),  # not a party to this option
    ],
)
def test_malformed_amendments(change: str, field: str) -> None:
    text = change.replace("binds: [], ", "") if "binds: [holder:other]" in change else change
    with pytest.raises(BookErrors) as info:
        make_book(text)
    assert info.value.errors[0].field == field


def test_a_change_in_shares_applies_to_what_remains() -> None:
    """After 40,000,000 are exercised, cutting the face to 120,000,000 leaves 80,000,000, not 120,000,000."""
    state = make_book(EXERCISE, amend(shares=120000000, signed="[holder:gssf, company:atg]")).state
    assert state.options["ATG-1"].remaining == 80000000


def test_a_change_below_what_was_exercised_is_refused() -> None:
    with pytest.raises(BookErrors) as info:
        make_book(EXERCISE, amend(shares=30000000, signed="[holder:gssf, company:atg]"))
    assert info.value.errors[0].field == "terms.tranches[0].shares"


def test_bringing_back_exercised_shares_needs_saying_so() -> None:
    two = "{company: atg, issue_date: 2005-09-07, tranches: [{shares: 70000000, exercise_price: '0.00001'}, {shares: 70250000, exercise_price: '0.00001'}]}"
    text = f"- {{id: a, on: 2006-01-03, type: amendment, actor: company:atg, option_no: ATG-1, binds: [], signed_by: [company:atg, holder:gssf], terms: {two}}}"
    with pytest.raises(BookErrors) as info:
        make_book(EXERCISE, text)
    assert info.value.errors[0].field == "terms.tranches"
    restored = make_book(EXERCISE, text.replace("binds: []", "binds: [], restores_exercised: true")).state
    assert restored.options["ATG-1"].remaining == 140250000


def test_a_split_before_the_change_scales_it() -> None:
    """A 2:1 split doubles what remains; a later cut of the face by 10,000,000 takes 20,000,000 post-split shares."""
    split = "- {id: se, on: 2005-11-01, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, outstanding_before: 1200000000, outstanding_after: 2400000000}"
    state = make_book(split, amend(shares=130250000, signed="[holder:gssf, company:atg]")).state
    assert state.options["ATG-1"].remaining == 2 * 130250000


# ---------------------------------------------------------------- the invariant, across random changes

changes = st.fixed_dictionaries({
    "shares": st.sampled_from([100_000_000, 140_250_000, 160_000_000]),
    "price": st.sampled_from([F("0.000005"), F("0.00001"), F("0.00002")]),
    "expiration": st.sampled_from([None, date(2008, 1, 1), date(2012, 1, 1)]),
    "cap": st.sampled_from([None, F("0.0499"), F("0.02"), F("0.0999")]),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=changes, after=changes, signers=st.sampled_from([("holder",), ("company",), ("holder", "company")]))
def test_no_amendment_changes_a_figure_against_a_party_that_did_not_sign(before: dict, after: dict, signers: tuple[str, ...]) -> None:
    def terms(x: dict):  # type: ignore[no-untyped-def]
        t = seed_terms()
        from dataclasses import replace
        return replace(t, tranches=(Tranche(F(x["shares"]), x["price"]),), expiration=Expiration(x["expiration"], "test"),
                       cap=None if x["cap"] is None else Cap(percent=x["cap"]))

    old, new = terms(before), terms(after)
    burdened = {b.party for b in burdens(old, new)}
    if not burdened <= set(signers):
        return  # decide refuses it (the table tests above): nothing changes
    # what each figure does to the holder: more shares, a lower price, a later expiration, a looser cap are the holder's gains
    holder_loses = (new.shares < old.shares or new.tranches[0].exercise_price > old.tranches[0].exercise_price
                    or (old.expiration.on is None and new.expiration.on is not None)
                    or (old.expiration.on is not None and new.expiration.on is not None and new.expiration.on < old.expiration.on)
                    or (old.cap is None and new.cap is not None)
                    or (old.cap is not None and new.cap is not None and new.cap.percent < old.cap.percent))
    company_loses = (new.shares > old.shares or new.tranches[0].exercise_price < old.tranches[0].exercise_price
                     or (old.expiration.on is not None and new.expiration.on is None)
                     or (old.expiration.on is not None and new.expiration.on is not None and new.expiration.on > old.expiration.on)
                     or (old.cap is not None and new.cap is None)
                     or (old.cap is not None and new.cap is not None and new.cap.percent > old.cap.percent))
    assert not holder_loses or "holder" in signers
    assert not company_loses or "company" in signers


def test_an_accepted_amendment_is_what_the_engine_prices() -> None:
    """The engine's figure after a signed lower price: the aggregate price for 1,000,000 shares halves."""
    state = make_book(amend(price="0.000005", signed="[company:atg]")).state
    r = exercise_quote(state, "ATG-1", ExerciseRequest(F(1_000_000), PaymentMethod.CASH), date(2006, 1, 4))
    assert r.aggregate_exercise_price == F(5)
