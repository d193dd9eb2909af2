"""Opposing counsel's attempts on the core (issue 9): each test asserts what the agreement demands, so it fails
if the hole is (re)opened. Attempts that held are kept pinned beside the ones that broke and were fixed."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from tests.conftest import PREAMBLE, make_book
from warrantbook.core import events as ev
from warrantbook.core.decide import decide
from warrantbook.core.errors import BookErrors, WarrantbookError

TRANSFER = """
- {id: tr, on: 2006-01-03, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 1000}],
   endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}
- {id: reg, on: 2006-01-04, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: tr, new_options: [ATG-2, ATG-3]}
"""


def fix(corrects: str, actor: str, signed: str = "[]") -> str:
    return f"- {{id: fix, on: 2006-01-05, type: correction, actor: {actor}, corrects: {corrects}, reason: wrong, signed_by: {signed}}}"


def refused(*extras: str, preamble: str = PREAMBLE) -> list[WarrantbookError]:
    with pytest.raises(BookErrors) as info:
        make_book(*extras, preamble=preamble)
    return list(info.value.errors)


def notice(actor: str, option: str = "ATG-1", on: str = "2006-01-05") -> str:
    return f"- {{id: n, on: {on}, type: exercise-notice, actor: '{actor}', option_no: {option}, shares: 1000, method: cash}}"


# ---------------------------------------------------------------- 1. authority: acting for another


@pytest.mark.parametrize("actor", ["holder:", "holder", "holder:gssf:x", "holder:gssf ", " holder:gssf", "Holder:gssf", "company:atg",
                                   "company:atg:x", "company:", "system", "system:gssf", "holder:affiliate", "holder:other",
                                   "agent:gssf", "trustee:gssf"])
def test_only_the_holder_itself_gives_its_exercise_notice(actor: str) -> None:
    """§12, Exhibit A: odd actor shapes, an affiliate, another holder, the company or the keeper never give the holder's notice."""
    errors = refused(notice(actor, on="2006-01-03"))
    assert any(e.field == "actor" and e.clause == "§12" for e in errors), [e.message for e in errors]


@pytest.mark.parametrize("actor", ["holder:affiliate", "holder:other", "system"])
def test_nobody_certifies_another_holders_holdings(actor: str) -> None:
    """§10 (reading 56): an affiliate, another holder or the keeper cannot certify gssf's H."""
    errors = refused(f"- {{id: o2, on: 2006-01-03, type: ownership, actor: {actor}, holder: gssf, company: atg, shares: 0}}")
    assert any(e.field == "actor" for e in errors)


def test_a_companys_ownership_figure_does_not_lower_h() -> None:
    """§10 (reading 56): the company's figure of 0 is a report, never the certificate; gssf's H stays 10,000,000."""
    state = make_book("- {id: o2, on: 2006-01-03, type: ownership, actor: company:atg, holder: gssf, company: atg, shares: 0}").state
    assert state.certified_on("gssf", "atg", date(2006, 1, 4)) == 10000000


def test_another_company_cannot_give_the_issuers_stock_event() -> None:
    errors = refused("- {id: c2, on: 2006-01-02, type: company, actor: company:zzz, company: {id: zzz, name: Z, state: Nevada, par_value: '0.001'}}",
                     "- {id: se, on: 2006-01-03, type: stock-event, actor: company:zzz, issuer: atg, event: combination, "
                     "outstanding_before: 1200000000, outstanding_after: 120000000}")
    assert any(e.field == "actor" and e.clause == "§4" for e in errors)


def test_another_company_cannot_re_register_the_issuer() -> None:
    errors = refused("- {id: c2, on: 2006-01-02, type: company, actor: company:zzz, company: {id: atg, name: Z, state: Nevada, par_value: '0.001'}}")
    assert any(e.field == "actor" for e in errors)


@pytest.mark.parametrize(("actor", "option"), [("holder:other", "ATG-3"), ("holder:gssf", "ATG-2")])
def test_after_a_transfer_each_piece_is_its_own_holders(actor: str, option: str) -> None:
    errors = refused(TRANSFER, notice(actor, option))
    assert any(e.field == "actor" and e.clause == "§12" for e in errors)


# ---------------------------------------------------------------- 2. acts on an instrument no longer active


@pytest.mark.parametrize("act", [
    notice("holder:gssf"),
    "- {id: w, on: 2006-01-05, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}",
    "- {id: w, on: 2006-01-05, type: default-notice, actor: holder:gssf, option_no: ATG-1}",
    "- {id: w, on: 2006-01-05, type: acknowledgment-request, actor: holder:gssf, option_no: ATG-1}",
    "- {id: w, on: 2006-01-05, type: trustee, actor: holder:gssf, option_no: ATG-1, name: B, principal_office: {lines: [x, 'New York, NY 10001']}, "
    "bank_or_trust_company: true}",
    "- {id: w, on: 2006-01-05, type: replacement-request, actor: holder:gssf, option_no: ATG-1, cause: lost, evidence: x, indemnity: 100, "
    "indemnity_form: bond}",
    "- {id: w, on: 2006-01-05, type: amendment, actor: company:atg, option_no: ATG-1, binds: [], signed_by: [company:atg, holder:gssf], "
    "terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 140250000, exercise_price: '0.000001'}]}}",
])
def test_nothing_acts_on_an_option_superseded_by_transfer(act: str) -> None:
    errors = refused(TRANSFER, act)
    assert any(e.clause == "§7, §12" and e.field == "option" for e in errors), [e.message for e in errors]


# ---------------------------------------------------------------- 4. §14: shares moved between prices


TWO_TRANCHES = PREAMBLE.replace('tranches: [{shares: 140250000, exercise_price: "0.00001"}]',
                                'tranches: [{shares: 150, exercise_price: "0.01"}, {shares: 50, exercise_price: "0.02"}]')


def reshuffle(actor: str, tranches: str, more: str) -> str:
    return (f"- {{id: a, on: 2006-01-03, type: amendment, actor: {actor}, option_no: ATG-1, binds: [], signed_by: [{actor}], "
            f"terms: {{company: atg, issue_date: 2005-09-07, tranches: {tranches}{more}}}}}")


@pytest.mark.parametrize(("change", "missing"), [
    # 150 @ $0.01 + 50 @ $0.02 become 50 @ $0.01 + 150 @ $0.02: same total, same prices, the holder pays more; a faster
    # delivery (the company's burden) made the company's lone signature look enough. It was accepted.
    (reshuffle("company:atg", "[{shares: 50, exercise_price: '0.01'}, {shares: 150, exercise_price: '0.02'}]", ", delivery_days: 2"),
     "holder:gssf"),
    # the reverse: shares to the cheaper price, with a slower delivery (the holder's burden) signed by the holder alone
    (reshuffle("holder:gssf", "[{shares: 190, exercise_price: '0.01'}, {shares: 10, exercise_price: '0.02'}]", ", delivery_days: 4"),
     "company:atg"),
    # alone it was refused as "changes nothing", which it does not
    (reshuffle("company:atg", "[{shares: 50, exercise_price: '0.01'}, {shares: 150, exercise_price: '0.02'}]", ""), "holder:gssf"),
    # fewer tranches at an average price: prices both ways
    (reshuffle("company:atg", "[{shares: 200, exercise_price: '0.0125'}]", ""), "holder:gssf"),
])
def test_shares_moved_between_prices_burden_the_party_that_loses(change: str, missing: str) -> None:
    errors = refused(change, preamble=TWO_TRANCHES)
    assert any(e.clause == "§14" and e.field == "signed_by" and missing in e.message for e in errors), [e.message for e in errors]


def test_shares_moved_between_prices_signed_by_both_stand() -> None:
    change = reshuffle("company:atg", "[{shares: 50, exercise_price: '0.01'}, {shares: 150, exercise_price: '0.02'}]", "").replace(
        "signed_by: [company:atg]", "signed_by: [company:atg, holder:gssf]")
    state = make_book(change, preamble=TWO_TRANCHES).state
    assert [t.shares for t in state.options["ATG-1"].tranches] == [50, 150]


# ---------------------------------------------------------------- 5. corrections that erase another party's act


def test_the_company_cannot_erase_the_option_by_correcting_its_issue() -> None:
    """§14: erasing the issue terminates the holder's whole right; it was accepted with the company's signature alone."""
    errors = refused(fix("issue-1", "company:atg"))
    assert any(e.clause == "§14" and e.field == "signed_by" and "holder:gssf" in e.message for e in errors)
    state = make_book(fix("issue-1", "company:atg", "[holder:gssf]")).state
    assert "ATG-1" not in state.options  # with the holder's signature the clerical error is put right


def test_the_company_cannot_undo_a_registered_transfer_alone() -> None:
    """§7, §12: correcting the registration took ATG-2 from the transferee and gave ATG-1 back to gssf; it was accepted."""
    errors = refused(TRANSFER, fix("reg", "company:atg"))
    err = next(e for e in errors if e.field == "signed_by")
    assert err.clause == "§7, §12" and "holder:other" in err.message and "holder:gssf" in err.message
    state = make_book(TRANSFER, fix("reg", "company:atg", "[holder:gssf, holder:other]")).state
    assert state.options["ATG-1"].status.value == "active" and "ATG-2" not in state.options


def test_the_transferor_cannot_withdraw_a_registered_transfer_alone() -> None:
    state = make_book(TRANSFER).state
    correction = ev.Correction(id="fix", on=date(2006, 1, 5), actor="holder:gssf", corrects="tr", reason="changed my mind")
    with pytest.raises(WarrantbookError) as info:
        decide(state, correction)
    assert info.value.clause == "§7, §12" and "holder:other" in info.value.message


def test_the_company_cannot_undo_a_replacement_alone() -> None:
    book = """
- {id: rr, on: 2006-01-03, type: replacement-request, actor: holder:gssf, option_no: ATG-1, cause: lost, evidence: affidavit,
   indemnity: 1000, indemnity_form: indemnity agreement}
- {id: rep, on: 2006-01-04, type: replacement, actor: company:atg, option_no: ATG-1, request: rr, new_option: ATG-1R}
"""
    state = make_book(book).state
    assert "ATG-1R" in state.options
    correction = ev.Correction(id="fix", on=date(2006, 1, 5), actor="company:atg", corrects="rep", reason="x")
    with pytest.raises(WarrantbookError) as info:
        decide(state, correction)
    assert info.value.clause == "§8" and "holder:gssf" in info.value.message


# ---------------------------------------------------------------- 3. §10 groups: making H smaller


AFFILIATE = """
- {id: issue-2, on: 2005-09-07, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
   terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 50000000, exercise_price: "0.00001"}]}}
- {id: oa, on: 2006-01-02, type: ownership, actor: holder:affiliate, holder: affiliate, company: atg, shares: 5000000}
"""
LATER = date(2006, 1, 10)


@pytest.mark.parametrize("leave", [
    # gssf re-registers with no group (its own): its H fell from 15,000,000 to 10,000,000, and it was accepted
    "- {id: h2, on: 2006-01-03, type: holder, actor: holder:gssf, holder: {id: gssf, name: GSSF, address: {lines: ['1 Fund Street', 'New York, NY 10022']}}}",
    "- {id: h2, on: 2006-01-03, type: holder, actor: holder:affiliate, holder: {id: affiliate, name: A, group: elsewhere}}",
])
def test_a_member_cannot_leave_its_group_on_its_own_word(leave: str) -> None:
    errors = refused(AFFILIATE, leave)
    assert any(e.clause == "§10" and e.field == "holder.group" for e in errors), [e.message for e in errors]


def test_the_keeper_records_the_end_of_a_group_from_the_filing() -> None:
    leave = ("- {id: h2, on: 2006-01-03, type: holder, actor: system, holder: {id: gssf, name: 'GSSF Master Fund, L.P.', "
             "address: {lines: ['1 Fund Street', 'New York, NY 10022']}}}")
    state = make_book(AFFILIATE, leave).state
    assert state.owned_on("gssf", "atg", LATER) == 10_000_000


def test_a_member_changes_its_address_without_leaving() -> None:
    move = "- {id: h2, on: 2006-01-03, type: holder, actor: holder:gssf, holder: {id: gssf, name: GSSF, group: gssf-group, address: {lines: ['2 Fund Street', 'New York, NY 10022']}}}"
    state = make_book(AFFILIATE, move).state
    assert state.owned_on("gssf", "atg", LATER) == 15_000_000


def test_an_affiliates_exercise_counts_in_the_groups_h() -> None:
    book = make_book(AFFILIATE, """
- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:affiliate, option_no: ATG-9, shares: 1000000, method: cash}
- {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-9, notice: n}
- {id: p, on: 2006-01-04, type: payment, actor: company:atg, option_no: ATG-9, notice: n, cash: '10'}
""")
    assert book.state.owned_on("gssf", "atg", LATER) == 16_000_000  # 10M + 5M + the affiliate's 1M whole shares


def test_an_outsider_cannot_join_a_group_alone() -> None:
    errors = refused("- {id: h2, on: 2006-01-03, type: holder, actor: holder:other, holder: {id: other, name: Other, group: gssf-group}}")
    assert any(e.clause == "§10" and e.field == "holder.group" for e in errors)


# ---------------------------------------------------------------- 4. §14: restores_exercised read against what remains


EXERCISED_40M = """
- {id: n, on: 2005-12-01, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 40000000, method: cash}
- {id: s, on: 2005-12-01, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2005-12-01, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: "400"}
"""
COMBINED_1_10 = ("- {id: se, on: 2005-12-05, type: stock-event, actor: company:atg, issuer: atg, event: combination, "
                 "outstanding_before: 1200000000, outstanding_after: 120000000}")
SPLIT_2_1 = ("- {id: se, on: 2005-12-05, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, "
             "outstanding_before: 1200000000, outstanding_after: 2400000000}")


def restore(actor: str, shares: int, signed: str = "") -> str:
    return (f"- {{id: a, on: 2006-01-03, type: amendment, actor: {actor}, option_no: ATG-1, binds: [], signed_by: [{signed or actor}], "
            f"restores_exercised: true, terms: {{company: atg, issue_date: 2005-09-07, tranches: [{{shares: {shares}, exercise_price: '0.00001'}}]}}}}")


@pytest.mark.parametrize(("setup", "change", "missing"), [
    # 100,250,000 remain; "120,000,000" is fewer than the 140,250,000 written, so the holder alone signed and got 19,750,000 more
    (EXERCISED_40M, restore("holder:gssf", 120000000), "company:atg"),
    # after a 1:10 combination 14,025,000 remain at $0.0001; restoring 100,000,000 at $0.00001 on the holder's word alone
    (COMBINED_1_10, restore("holder:gssf", 100000000), "company:atg"),
    # after a 2:1 split 280,500,000 remain; "150,000,000" is more than written, so the company alone signed and took 130,500,000
    (SPLIT_2_1, restore("company:atg", 150000000), "holder:gssf"),
])
def test_restoring_exercised_shares_is_weighed_against_what_remains(setup: str, change: str, missing: str) -> None:
    errors = refused(setup, change)
    assert any(e.clause == "§14" and e.field == "signed_by" and missing in e.message for e in errors), [e.message for e in errors]


def test_restoring_signed_by_both_stands_as_written() -> None:
    state = make_book(EXERCISED_40M, restore("holder:gssf", 120000000, "holder:gssf, company:atg")).state
    assert state.options["ATG-1"].remaining == 120_000_000


# ---------------------------------------------------------------- 1. the §3.2 trustee: only for its holder, only as §1.4 allows


TRUSTEE = ("- {id: tru, on: 2006-01-02, type: trustee, actor: holder:gssf, option_no: ATG-1, name: 'GSSF Bank', "
           "principal_office: {lines: [x, 'New York, NY 10001']}, bank_or_trust_company: true}")
OTHER_CERTIFIES = "- {id: own2, on: 2006-01-02, type: ownership, actor: holder:other, holder: other, company: atg, shares: 0}"


def test_a_transferees_piece_does_not_carry_the_transferors_trustee() -> None:
    """§3.2: gssf's bank was inherited by other's piece ATG-2, so it could take other's payments and §3.2 delivery."""
    state = make_book(TRUSTEE, TRANSFER).state
    assert state.options["ATG-2"].trustee == ""  # other's piece
    assert state.options["ATG-3"].trustee == "GSSF Bank"  # gssf's own balance keeps its instruction


def test_the_transferors_trustee_cannot_take_the_transferees_payment() -> None:
    errors = refused(OTHER_CERTIFIES, TRUSTEE, TRANSFER,
                     "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:other, option_no: ATG-2, shares: 1000, method: cash}",
                     "- {id: s, on: 2006-01-05, type: surrender, actor: company:atg, option_no: ATG-2, notice: n}",
                     "- {id: p, on: 2006-01-05, type: payment, actor: 'trustee:GSSF Bank', option_no: ATG-2, notice: n, cash: '0.01'}")
    assert any(e.field == "actor" and e.clause == "§1.4" for e in errors), [e.message for e in errors]


GSSF_NOTICE = "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}"


@pytest.mark.parametrize("act", [
    "- {id: x, on: 2006-01-05, type: exercise-notice, actor: 'trustee:GSSF Bank', option_no: ATG-1, shares: 1000, method: cash}",
    GSSF_NOTICE + "\n- {id: x, on: 2006-01-05, type: surrender, actor: 'trustee:GSSF Bank', option_no: ATG-1, notice: n}",
    "- {id: x, on: 2006-01-05, type: transfer-request, actor: 'trustee:GSSF Bank', option_no: ATG-1, pieces: [{holder: other, shares: 1000}], "
    "endorsement_signed: true}",
    "- {id: x, on: 2006-01-05, type: waiver-notice, actor: 'trustee:GSSF Bank', option_no: ATG-1}",
])
def test_the_trustee_has_no_power_beyond_section_1_4(act: str) -> None:
    errors = refused(TRUSTEE, act)
    assert any(e.field == "actor" for e in errors), [e.message for e in errors]


# ---------------------------------------------------------------- 3, 6. §10 at its exact edge, one member's exercise counted for the group


AFFILIATE_OPTION_ZERO = """
- {id: issue-2, on: 2005-09-07, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
   terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 50000000, exercise_price: "0.00001"}]}}
- {id: oa, on: 2006-01-02, type: ownership, actor: holder:affiliate, holder: affiliate, company: atg, shares: 0}
"""


def exercise(i: int, option: str, actor: str, shares: int) -> str:
    return f"""
- {{id: n{i}, on: 2006-01-04, type: exercise-notice, actor: {actor}, option_no: {option}, shares: {shares}, method: cash}}
- {{id: s{i}, on: 2006-01-04, type: surrender, actor: company:atg, option_no: {option}, notice: n{i}}}
- {{id: p{i}, on: 2006-01-04, type: payment, actor: company:atg, option_no: {option}, notice: n{i}, cash: '1000'}}
"""


def test_the_cap_admits_its_allowance_exactly_and_not_one_share_more() -> None:
    # c x O - H = 4.99% x 1,200,000,000 - (10,000,000 + 0) = 49,880,000
    make_book(AFFILIATE_OPTION_ZERO, exercise(1, "ATG-1", "holder:gssf", 49_880_000))
    errors = refused(AFFILIATE_OPTION_ZERO, exercise(1, "ATG-1", "holder:gssf", 49_880_001))
    assert any(e.clause == "§10" and e.field == "shares" for e in errors)


@pytest.mark.parametrize(("first", "second"), [(("ATG-1", "holder:gssf"), ("ATG-9", "holder:affiliate")),
                                               (("ATG-9", "holder:affiliate"), ("ATG-1", "holder:gssf"))])
def test_one_members_exercise_that_day_counts_against_the_other(first: tuple[str, str], second: tuple[str, str]) -> None:
    # after 49,880,000 issued: O = 1,249,880,000, H = 59,880,000; 4.99% x O - H = 2,489,012.12 -> 2,489,012
    make_book(AFFILIATE_OPTION_ZERO, exercise(1, *first, 49_880_000), exercise(2, *second, 2_489_012))
    errors = refused(AFFILIATE_OPTION_ZERO, exercise(1, *first, 49_880_000), exercise(2, *second, 2_489_013))
    assert any(e.clause == "§10" and e.field == "shares" and "2,489,012" in e.message for e in errors)


# ---------------------------------------------------------------- 6. an event landing between two steps of another


TRANSFER_REQUESTED = ("- {id: tr, on: 2006-01-03, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: other, shares: 1000}], "
                      "endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}")
TRANSFER_REGISTERED = ("- {id: reg, on: 2006-01-05, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: tr, "
                       "new_options: [ATG-2, ATG-3]}")
LOST = ("- {id: rr, on: 2006-01-03, type: replacement-request, actor: holder:gssf, option_no: ATG-1, cause: lost, evidence: affidavit, "
        "indemnity: 100, indemnity_form: bond}")
REPLACED = "- {id: rep, on: 2006-01-05, type: replacement, actor: company:atg, option_no: ATG-1, request: rr, new_option: ATG-1R}"
NOTICE_40M = "- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 40000000, method: cash}"
COMPLETE_40M = """
- {id: s, on: 2006-01-06, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2006-01-06, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: '400'}
"""


@pytest.mark.parametrize(("pending", "done", "clause"), [(TRANSFER_REQUESTED, TRANSFER_REGISTERED, "§7, §12"), (LOST, REPLACED, "§8")])
def test_a_notice_between_a_transfer_or_replacement_request_and_its_registration_is_refused(pending: str, done: str, clause: str) -> None:
    """The notice was accepted while the transfer was pending, and after registration 40,000,000 were exercised on the
    superseded ATG-1 while ATG-2 and ATG-3 still carried all 140,250,000: 180,250,000 shares in all."""
    errors = refused(pending, NOTICE_40M, done, COMPLETE_40M)
    assert any(e.clause == clause and e.field == "option" and "pending" in e.message for e in errors), [e.message for e in errors]


def test_a_notice_waits_for_the_new_option() -> None:
    state = make_book(TRANSFER_REQUESTED, TRANSFER_REGISTERED, NOTICE_40M.replace("ATG-1,", "ATG-3,").replace("01-04", "01-06"),
                      COMPLETE_40M.replace("ATG-1,", "ATG-3,")).state
    assert state.options["ATG-3"].remaining + state.options["ATG-2"].remaining == 140_250_000 - 40_000_000


@pytest.mark.parametrize("between", [TRANSFER_REQUESTED.replace("01-03", "01-05"), LOST.replace("01-03", "01-05")])
def test_a_transfer_or_replacement_between_notice_and_surrender_is_refused(between: str) -> None:
    errors = refused(NOTICE_40M, between)
    assert any(e.field == "option" and "still open" in e.message for e in errors)


def test_an_amendment_cutting_below_an_open_notice_leaves_the_notice_unhonoured_not_over_issued() -> None:
    """§14 signed by both between notice and payment: the exercise cannot take more than now remains (§1.1)."""
    cut = ("- {id: a, on: 2006-01-05, type: amendment, actor: company:atg, option_no: ATG-1, binds: [], signed_by: [company:atg, holder:gssf], "
           "terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 30000000, exercise_price: '0.00001'}]}}")
    errors = refused(NOTICE_40M, cut, COMPLETE_40M)
    assert any(e.clause == "§1.1" and e.field == "shares" for e in errors)


@pytest.mark.parametrize("act", [
    "- {id: x, on: 2006-01-05, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}",
    "- {id: x, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1, method: cash}",
    "- {id: x, on: 2006-01-05, type: amendment, actor: company:atg, option_no: ATG-1, binds: [], signed_by: [company:atg, holder:gssf], "
    "restores_exercised: true, terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 1000, exercise_price: '0.00001'}]}}",
])
def test_nothing_acts_on_an_option_exercised_in_full(act: str) -> None:
    full = """
- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 140250000, method: cash}
- {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2006-01-04, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: '1402.5'}
- {id: d0, on: 2006-01-01, type: default-notice, actor: holder:gssf, option_no: ATG-1}
"""  # the Event of Default notice voids the cap, so the whole balance goes at once
    errors = refused(full, act)
    assert any(e.field == "option" and "fully exercised" in e.message for e in errors), [e.message for e in errors]


# ---------------------------------------------------------------- 3, 5. leaving a group by correcting the joining


OTHER_JOINS = """
- {id: oo, on: 2006-01-02, type: ownership, actor: holder:other, holder: other, company: atg, shares: 7000000}
- {id: join, on: 2006-01-03, type: holder, actor: holder:other, holder: {id: other, name: Other, group: gssf-group,
   address: {lines: ['9 Other Road', 'Boston, MA 02110']}}, consented_by: [holder:gssf]}
"""


def test_a_joiner_cannot_leave_by_correcting_its_joining_alone() -> None:
    """§10: other's correction of its own joining took its 7,000,000 out of the group's H (17,000,000 -> 10,000,000)."""
    assert make_book(OTHER_JOINS).state.owned_on("gssf", "atg", LATER) == 17_000_000
    errors = refused(OTHER_JOINS, fix("join", "holder:other"))
    assert any(e.clause == "§10" and e.field == "signed_by" and "holder:gssf" in e.message for e in errors)
    state = make_book(OTHER_JOINS, fix("join", "holder:other", "[holder:gssf]")).state  # both sides of the group agreement
    assert state.owned_on("gssf", "atg", LATER) == 10_000_000


# ---------------------------------------------------------------- 6. §10 notices at their edges; withdrawing what an exercise relied on


def exercise_60m(day: str) -> str:
    return f"""
- {{id: n, on: {day}, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 60000000, method: cash}}
- {{id: s, on: {day}, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}}
- {{id: p, on: {day}, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: '600'}}
"""


WAIVED = "- {id: w, on: 2006-01-01, type: waiver-notice, actor: holder:gssf, option_no: ATG-1}"
DEFAULTED = "- {id: d, on: 2006-01-02, type: default-notice, actor: holder:gssf, option_no: ATG-1}"


def test_the_waiver_takes_effect_75_days_after_the_notice_not_a_day_sooner() -> None:
    """§10 "upon 75 days prior notice": a notice of 1 January voids the cap from 17 March (allowance 49,880,000)."""
    errors = refused(WAIVED, exercise_60m("2006-03-16"))
    assert any(e.clause == "§10" and e.field == "shares" for e in errors)
    make_book(WAIVED, exercise_60m("2006-03-17"))


def test_a_cure_on_the_day_brings_the_cap_back_for_that_days_exercise() -> None:
    errors = refused(DEFAULTED, "- {id: c, on: 2006-01-04, type: default-cure, actor: holder:gssf, option_no: ATG-1}", exercise_60m("2006-01-04"))
    assert any(e.clause == "§10" and e.field == "shares" for e in errors)


def test_the_holder_cannot_withdraw_a_default_notice_an_effected_exercise_relied_on() -> None:
    make_book(DEFAULTED, exercise_60m("2006-01-04"))
    errors = refused(DEFAULTED, exercise_60m("2006-01-04"), fix("d", "holder:gssf"))
    assert any(e.clause == "§10" for e in errors)


# ---------------------------------------------------------------- 1. §1.2(c): who agrees a value, who makes an award


NOT_TRADED = "- {id: l2, on: 2006-01-02, type: listing, actor: company:atg, company: atg, venue: not-traded}"


@pytest.mark.parametrize(("value", "field"), [
    ("actor: holder:gssf, company: atg, value: '5', agreed_by: [holder:gssf]", "agreed_by"),
    ("actor: company:atg, company: atg, value: '5', agreed_by: [company:atg]", "agreed_by"),
    ("actor: company:atg, company: atg, value: '5', agreed_by: [company:atg, holder:other]", "agreed_by"),  # holds no option of atg
])
def test_an_agreed_value_needs_the_holder_and_the_company(value: str, field: str) -> None:
    errors = refused(NOT_TRADED, f"- {{id: f, on: 2006-01-03, type: fmv-agreement, {value}}}")
    assert any(e.clause == "§1.2(c)" and e.field == field for e in errors)


@pytest.mark.parametrize("actor", ["'arbitrator:'", "'arbitrator: '"])
def test_an_award_is_presented_under_a_name(actor: str) -> None:
    """§1.2(c): a bare 'arbitrator:' set FMV. (An AAA actor presenting J. Doe's award is kept: test_fmv_calendars.)"""
    errors = refused(NOT_TRADED, f"- {{id: f, on: 2006-01-03, type: fmv-award, actor: {actor}, company: atg, value: '5', arbitrator: Jane, case: 'AAA 1'}}")
    assert any(e.clause == "§1.2(c)" and e.field == "actor" for e in errors), [e.message for e in errors]
    make_book(NOT_TRADED, "- {id: f, on: 2006-01-03, type: fmv-award, actor: 'arbitrator:Jane', company: atg, value: '5', arbitrator: Jane, case: 'AAA 1'}")


def test_a_companys_figure_does_not_fill_an_uncertified_members_gap() -> None:
    """§10 (reading 55, 56): the affiliate holds ATG-9 and has certified nothing; the company's 0 is no certificate."""
    errors = refused("""
- {id: issue-2, on: 2005-09-07, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
   terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 50000000, exercise_price: "0.00001"}]}}
- {id: ca, on: 2006-01-02, type: ownership, actor: company:atg, holder: affiliate, company: atg, shares: 0}
- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}
""")
    assert any(e.clause == "§10" and e.field == "owned" and "affiliate" in e.message for e in errors)


@pytest.mark.parametrize(("holder", "field"), [
    # the keeper re-registered gssf with a Miami address and §13 notices went there; accepted before
    ("{id: gssf, name: 'GSSF Master Fund, L.P.', group: gssf-group, address: {lines: ['666 Elsewhere', 'Miami, FL 33101']}}", "holder.address"),
    ("{id: gssf, name: Someone Else, group: gssf-group}", "holder.name"),
])
def test_the_keeper_does_not_change_a_holders_address_or_name(holder: str, field: str) -> None:
    errors = refused(f"- {{id: h2, on: 2006-01-03, type: holder, actor: system, holder: {holder}}}")
    assert any(e.field == field for e in errors), [e.message for e in errors]


@pytest.mark.parametrize("actor", ["holder:other", "company:atg", "system"])
def test_nobody_furnishes_another_holders_address(actor: str) -> None:
    errors = refused(f"- {{id: ad, on: 2006-01-03, type: address, actor: {actor}, holder: gssf, address: {{lines: ['x', 'Boston, MA 02110']}}}}")
    assert any(e.clause == "§13" and e.field == "actor" for e in errors)


# ---------------------------------------------------------------- 6. numbers at the edges of an exercise notice


QUOTED = "- {id: q, on: 2006-01-03, type: quote, actor: system, company: atg, venue: otcbb, bid: '0.01', ask: '0.03', source: x}"


@pytest.mark.parametrize(("extra", "field"), [
    (", shares: 0, method: cash", "shares"),
    (", shares: -5, method: cash", "shares"),
    (", shares: 1.5, method: cash", "shares"),
    (", shares: 10, method: cash, tranche: -1", "tranche"),  # not Python's last tranche
    (", shares: 10, method: cash, tranche: 2", "tranche"),
    (", shares: 100, method: combination, cash: '0.5', cancel_shares: -10", "cancel_shares"),
    (", shares: 100, method: combination, cancel_shares: 100", "shares"),  # 100 bought + 100 cancelled > 150 remaining
    (", shares: 100, method: stock, stock_shares: -1", "stock_shares"),  # accepted before (ignored for the method, but stated)
    (", shares: 100, method: cash, stated_fmv: '-1'", "stated_fmv"),  # accepted before
])
def test_a_notices_numbers_are_bounded(extra: str, field: str) -> None:
    errors = refused(QUOTED, f"- {{id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1{extra}}}",
                     preamble=TWO_TRANCHES)
    assert any(e.field == field for e in errors), [e.message for e in errors]


def test_a_trustee_takes_no_payment_before_section_3_2_applies() -> None:
    """§1.4, §3.2: the holder named its own bank "trustee" with no dissolution in sight, paid the bank, and the bank's
    receipt completed the exercise: the company never received the price. Accepted before."""
    errors = refused(TRUSTEE, "- {id: n, on: 2006-01-05, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cash}",
                     "- {id: s, on: 2006-01-05, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}",
                     "- {id: p, on: 2006-01-05, type: payment, actor: 'trustee:GSSF Bank', option_no: ATG-1, notice: n, cash: '0.01'}")
    assert any(e.clause == "§1.4" and e.field == "actor" and "§3.2" in e.message for e in errors), [e.message for e in errors]


# ---------------------------------------------------------------- 5. correcting a fact that priced an exercise already effected


CASHLESS_DELIVERED = """
- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cashless}
- {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: d, on: 2006-01-05, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, book_entry: true}
"""
REQUOTED = "- {id: q2, on: 2006-01-03, type: quote, actor: system, company: atg, venue: otcbb, bid: '0.00001', ask: '0.00003', source: x}"


def test_the_keeper_cannot_reprice_a_delivered_exercise_by_correcting_its_quote() -> None:
    """§2.1, §1.2(b): 999,500 shares were issued and delivered at FMV $0.02; the keeper's lone correction of the quote
    (and a new one) made the book say 500,000. Accepted before."""
    base = make_book(QUOTED, CASHLESS_DELIVERED)
    assert [e.whole_shares for e in base.events if isinstance(e, ev.ExerciseEffected)] == [999_500]
    errors = refused(QUOTED, CASHLESS_DELIVERED, fix("q", "system").replace("2006-01-05", "2006-02-01"), REQUOTED)
    assert any(e.clause == "§2.1, §1.2" and e.field == "signed_by" and "holder:gssf" in e.message and "company:atg" in e.message
               for e in errors), [e.message for e in errors]
    both = make_book(QUOTED, CASHLESS_DELIVERED, fix("q", "system", "[holder:gssf, company:atg]").replace("2006-01-05", "2006-02-01"), REQUOTED)
    assert [e.whole_shares for e in both.events if isinstance(e, ev.ExerciseEffected)] == [500_000]  # both admit the error


def test_a_quote_no_exercise_relied_on_is_corrected_by_the_keeper() -> None:
    make_book(QUOTED, fix("q", "system"))


def test_the_company_cannot_undo_a_split_that_adjusted_a_delivered_exercise_alone() -> None:
    """§2.1, §4: a 2:1 split between notice and completion made 1,000,000 option shares deliver 2,000,000; the company's
    lone correction of the split made the book say 1,000,000 were issued. Accepted before."""
    notice = "- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000000, method: cash}"
    split = ("- {id: se, on: 2006-01-05, type: stock-event, actor: company:atg, issuer: atg, event: subdivision, "
             "outstanding_before: 1200000000, outstanding_after: 2400000000}")
    complete = """
- {id: s, on: 2006-01-06, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
- {id: p, on: 2006-01-06, type: payment, actor: company:atg, option_no: ATG-1, notice: n, cash: '10'}
- {id: d, on: 2006-01-07, type: delivery, actor: company:atg, option_no: ATG-1, notice: n, book_entry: true}
"""
    assert [e.whole_shares for e in make_book(notice, split, complete).events if isinstance(e, ev.ExerciseEffected)] == [2_000_000]
    errors = refused(notice, split, complete, fix("se", "company:atg").replace("2006-01-05", "2006-02-01"))
    assert any(e.clause == "§2.1, §4" and e.field == "signed_by" and "holder:gssf" in e.message for e in errors)
    make_book(split, fix("se", "company:atg").replace("2006-01-05", "2006-02-01"))  # no exercise relied on it: the company's own record


# ---------------------------------------------------------------- 6. §2.2(b) at its edge


CASHLESS_1000 = """
- {id: n, on: 2006-01-04, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 1000, method: cashless}
- {id: s, on: 2006-01-04, type: surrender, actor: company:atg, option_no: ATG-1, notice: n}
"""


def quote(bid: str, ask: str) -> str:
    return f"- {{id: q, on: 2006-01-03, type: quote, actor: system, company: atg, venue: otcbb, bid: '{bid}', ask: '{ask}', source: x}}"


@pytest.mark.parametrize(("bid", "ask"), [("0.00001", "0.00001"), ("0.000005", "0.000005")])
def test_cashless_needs_fmv_above_the_price(bid: str, ask: str) -> None:
    errors = refused(quote(bid, ask), CASHLESS_1000)
    assert any(e.clause == "§2.2(b)" for e in errors)


def test_cashless_just_above_the_price_gives_whole_shares_and_the_fraction_in_cash() -> None:
    # A = $0.0000105, B = $0.00001, Y = 1,000: X = 1,000 x 0.0000005 / 0.0000105 = 47 13/21
    effected = [e for e in make_book(quote("0.00001", "0.000011"), CASHLESS_1000).events if isinstance(e, ev.ExerciseEffected)]
    assert [(e.whole_shares, e.fraction, e.cash_in_lieu_paid) for e in effected] == [(47, Fraction(13, 21), 0)]
