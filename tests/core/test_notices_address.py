"""§13: notices go to the address the holder furnished; until it furnishes one, to the last holder *of this
option* (the instruments it came from by §7 transfer or §8 replacement, and those that came from it) who
furnished one. Never to a holder of another option."""

from __future__ import annotations

import pytest

from tests.conftest import make_book
from warrantbook.core.errors import BookErrors
from warrantbook.core.summary import option_summary
from warrantbook.core.terms import Address

GSSF_NEW = Address(("2 New Street", "New York, NY 10001"))
OTHER_NEW = Address(("77 Elsewhere Avenue", "Chicago, IL 60601"))

# ATG-1 (gssf) is split: ATG-2 to affiliate (which never furnished an address), ATG-3 the balance for gssf.
SPLIT = """
- {id: ad-g, on: 2006-02-01, type: address, actor: holder:gssf, holder: gssf, address: {lines: [2 New Street, "New York, NY 10001"]}}
- {id: t1, on: 2006-06-01, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{holder: affiliate, shares: 1000000}],
   endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}
- {id: t1r, on: 2006-06-05, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: t1, new_options: [ATG-2, ATG-3]}
- {id: ad-o, on: 2006-07-01, type: address, actor: holder:other, holder: other, address: {lines: [77 Elsewhere Avenue, "Chicago, IL 60601"]}}
"""
# affiliate also holds an option of its own, issued directly: no instrument before it, so no fallback.
OWN = """
- {id: issue-9, on: 2006-08-01, type: issue, actor: company:atg, option_no: ATG-9, holder: affiliate,
   terms: {company: atg, issue_date: 2006-08-01, tranches: [{shares: 1000, exercise_price: "0.00001"}]}}
"""


def test_fallback_is_the_last_holder_of_this_options_lineage_never_another_holder() -> None:
    state = make_book(SPLIT, OWN).state
    # other furnished an address later than gssf, but other never held any instrument of ATG-2's lineage
    assert state.last_address("affiliate", "ATG-2") == ("gssf", GSSF_NEW)
    assert state.last_address("affiliate", "ATG-9") is None
    assert state.last_address("affiliate") is None  # without an option there is no fallback at all
    assert state.last_address("gssf", "ATG-3") == ("gssf", GSSF_NEW)
    assert state.lineage_holders("ATG-2") == {"gssf", "affiliate"}
    assert option_summary(state, state.options["ATG-9"], state.options["ATG-9"].issued_on)["notice_address"] is None


def test_a_holders_own_address_comes_before_any_fallback() -> None:
    state = make_book(SPLIT, """
    - {id: ad-a, on: 2006-09-01, type: address, actor: holder:affiliate, holder: affiliate, address: {lines: [3 Affiliate Row, "Stamford, CT"]}}
    """).state
    assert state.last_address("affiliate", "ATG-2") == ("affiliate", Address(("3 Affiliate Row", "Stamford, CT")))


@pytest.mark.parametrize(
    ("addressee", "lines"),
    [
        # §13: another option's holder's address is not this option's fallback
        ("other", '[77 Elsewhere Avenue, "Chicago, IL 60601"]'),
        # §13: the fallback is the last address the lineage's holder furnished, not its first
        ("gssf", '["1 Fund Street", "New York, NY 10022"]'),
    ],
)
def test_notice_to_an_address_outside_the_lineage_is_refused(addressee: str, lines: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(SPLIT, f"""
        - {{id: m, on: 2006-07-02, type: notice, actor: company:atg, option_no: ATG-2, subject: x, addressee: {addressee}, address: {{lines: {lines}}}}}
        """)
    err = info.value.errors[0]
    assert (err.clause, err.field) == ("§13", "address")
    assert "2 New Street" in str(err)


def test_notice_to_the_lineage_fallback_is_accepted() -> None:
    book = make_book(SPLIT, """
    - {id: m, on: 2006-07-02, type: notice, actor: company:atg, option_no: ATG-2, subject: x, addressee: gssf, address: {lines: [2 New Street, "New York, NY 10001"]}}
    """)
    assert "m" in book.state.by_id


@pytest.mark.parametrize(
    ("event", "clause", "field"),
    [
        # §11: the agent is appointed by a registered company, for at least one function
        ("- {id: ag, on: 2006-01-03, type: agent, actor: company:zzz, company: zzz, name: X, office: {lines: [y]}}", None, "company"),
        ("- {id: ag, on: 2006-01-03, type: agent, actor: company:atg, company: atg, name: X, office: {lines: [y]}, functions: []}",
         "§11", "functions"),
        # §13: an address is furnished by a registered holder and has a line
        ("- {id: ad, on: 2006-01-03, type: address, actor: holder:zzz, holder: zzz, address: {lines: [x]}}", None, "holder"),
        ("- {id: ad, on: 2006-01-03, type: address, actor: holder:gssf, holder: gssf, address: {lines: []}}", None, "address"),
        # §13: a notice regarding an event names one that is recorded
        ("- {id: m, on: 2006-01-03, type: notice, actor: company:atg, option_no: ATG-1, subject: x, addressee: gssf,"
         " address: {lines: [\"1 Fund Street\", \"New York, NY 10022\"]}, regarding: nothing-such}", None, "regarding"),
    ],
)
def test_agent_address_and_notice_refusals(event: str, clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(event)
    err = info.value.errors[0]
    problems = getattr(err, "all_problems", None) or [err]
    assert any((p.clause, p.field) == (clause, field) for p in problems), [(p.clause, p.field, str(p)) for p in problems]
