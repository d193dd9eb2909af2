"""§10 with affiliates (Rule 13d-3, 13d-5): H is the group's sum of each member's own certificate; a cure of an
Event of Default binds the holder only with its signature; an option no longer active takes no notice."""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_book
from warrantbook.core.clauses.cap import ownership_discrepancies
from warrantbook.core.decide import cap_limit, exercise_quote
from warrantbook.core.errors import BookErrors, Refusal
from warrantbook.core.rules.exercise import ExerciseRequest
from warrantbook.core.terms import PaymentMethod as M

C = F("0.0499")
AFFILIATE_OPTION = """
- {id: issue-2, on: 2005-09-07, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
   terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 50000000, exercise_price: "0.00001"}]}}
"""
DAY = date(2006, 1, 4)


def test_group_holdings_are_the_sum_of_each_members_certificate() -> None:
    state = make_book(AFFILIATE_OPTION, "- {id: oa, on: 2006-01-02, type: ownership, actor: holder:affiliate, holder: affiliate, company: atg, shares: 5000000}").state
    assert state.owned_on("gssf", "atg", DAY) == 15_000_000  # 10,000,000 (gssf) + 5,000,000 (affiliate), not the latest alone
    limit = cap_limit(state, state.options["ATG-1"], DAY)
    assert limit is not None and limit.shares == int(C * 1_200_000_000 - 15_000_000)


def test_a_member_with_options_but_no_certificate_blocks_the_cap() -> None:
    state = make_book(AFFILIATE_OPTION).state
    with pytest.raises(Refusal) as info:
        exercise_quote(state, "ATG-1", ExerciseRequest(F(1000), M.CASH), DAY)
    assert info.value.clause == "§10" and "affiliate" in info.value.message


def test_a_companys_figure_never_replaces_the_holders_certificate() -> None:
    state = make_book("- {id: oc, on: 2006-01-02, type: ownership, actor: company:atg, holder: gssf, company: atg, shares: 60000000}").state
    assert state.owned_on("gssf", "atg", DAY) == 10_000_000
    [(report, certified)] = ownership_discrepancies(state, "gssf", "atg", DAY)
    assert (report.shares, certified) == (60_000_000, 10_000_000)
    agreeing = make_book("- {id: oc, on: 2006-01-02, type: ownership, actor: company:atg, holder: gssf, company: atg, shares: 10000000}").state
    assert ownership_discrepancies(agreeing, "gssf", "atg", DAY) == []


@pytest.mark.parametrize(
    ("extra", "field", "clause"),
    [
        # a holder cannot put itself into another's group alone
        ("- {id: h3, on: 2005-09-08, type: holder, actor: holder:third, holder: {id: third, name: Third Fund, group: gssf-group}}", "holder.group", "§10"),
        # nor into a group named after another holder (that holder's group), alone
        ("- {id: h5, on: 2005-09-08, type: holder, actor: holder:third, holder: {id: third, name: Third Fund, group: other}}", "holder.group", "§10"),
        # a company cannot re-register a holder (its address and group are its own)
        ("- {id: h4, on: 2005-09-08, type: holder, actor: company:atg, holder: {id: other, name: Other Capital LLC}}", "actor", "§13"),
        # an ownership figure is whole shares
        ("- {id: o5, on: 2006-01-02, type: ownership, actor: holder:gssf, holder: gssf, company: atg, shares: '1.5'}", "shares", "§10"),
        # a waiver notice on an option superseded by transfer belongs on its pieces
        ("""- {id: tr, on: 2006-01-03, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 1000}],
   endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}
- {id: reg, on: 2006-01-04, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: tr, new_options: [A, B]}
- {id: w, on: 2006-01-05, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}""", "option", "§7, §12"),
        # a cure recorded by the company alone
        ("""- {id: d, on: 2006-01-03, type: default-notice, actor: holder:gssf, option_no: ATG-1}
- {id: c, on: 2006-02-03, type: default-cure, actor: company:atg, option_no: ATG-1}""", "signed_by", "§10"),
        # a cure with no Event of Default continuing
        ("- {id: c, on: 2006-02-03, type: default-cure, actor: holder:gssf, option_no: ATG-1}", "option", "§10"),
    ],
)
def test_refusals(extra: str, field: str, clause: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(extra)
    err = info.value.errors[0]
    assert (err.field, err.clause) == (field, clause), err.message


def test_joining_with_a_members_consent_and_cures_signed_by_the_holder() -> None:
    make_book("- {id: h3, on: 2005-09-08, type: holder, actor: holder:third, holder: {id: third, name: Third Fund, group: gssf-group}, consented_by: [holder:affiliate]}")
    default = "- {id: d, on: 2006-01-03, type: default-notice, actor: holder:gssf, option_no: ATG-1}"
    state = make_book(default, "- {id: c, on: 2006-02-03, type: default-cure, actor: company:atg, option_no: ATG-1, signed_by: [holder:gssf]}").state
    assert state.options["ATG-1"].default_cured == date(2006, 2, 3)
    make_book(default, "- {id: c, on: 2006-02-03, type: default-cure, actor: holder:gssf, option_no: ATG-1}")


def test_cure_by_both_needs_the_company_too() -> None:
    from tests.conftest import PREAMBLE
    preamble = PREAMBLE.replace('exercise_price: "0.00001"}]}', 'exercise_price: "0.00001"}], readings: {cure_by: both}}')
    default = "- {id: d, on: 2006-01-03, type: default-notice, actor: holder:gssf, option_no: ATG-1}"
    with pytest.raises(BookErrors):
        make_book(default, "- {id: c, on: 2006-02-03, type: default-cure, actor: holder:gssf, option_no: ATG-1}", preamble=preamble)
    make_book(default, "- {id: c, on: 2006-02-03, type: default-cure, actor: holder:gssf, option_no: ATG-1, signed_by: [company:atg]}", preamble=preamble)


@settings(max_examples=40, deadline=None)
@given(gssf=st.integers(0, 80_000_000), affiliate=st.integers(0, 80_000_000), outstanding=st.integers(1_000_000, 3_000_000_000))
def test_a_groups_allowance_never_exceeds_c_times_o_minus_the_groups_holdings(gssf: int, affiliate: int, outstanding: int) -> None:
    state = make_book(AFFILIATE_OPTION, f"""
- {{id: og, on: 2006-01-02, type: ownership, actor: holder:gssf, holder: gssf, company: atg, shares: {gssf}}}
- {{id: oa, on: 2006-01-02, type: ownership, actor: holder:affiliate, holder: affiliate, company: atg, shares: {affiliate}}}
- {{id: o2, on: 2006-01-02, type: outstanding, actor: company:atg, company: atg, shares: {outstanding}}}
""").state
    for no in ("ATG-1", "ATG-9"):
        limit = cap_limit(state, state.options[no], DAY)
        assert limit is not None
        assert limit.shares <= max(F(0), C * outstanding - gssf - affiliate)
        assert limit.shares >= 0
