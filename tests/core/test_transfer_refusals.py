"""§7, §8, §12, Exhibit B: one row per refusal of the transfer and replacement checks (each row fails when its
check is removed)."""

from __future__ import annotations

import pytest

from tests.conftest import make_book
from warrantbook.core.errors import BookErrors


def request(pieces: str, eid: str = "t1", on: str = "2006-06-01") -> str:
    return (f"- {{id: {eid}, on: {on}, type: transfer-request, actor: holder:gssf, option_no: ATG-1, pieces: [{pieces}], "
            "endorsement_signed: true, original_surrendered: true, opinion_received: true, transfer_taxes_paid: true}")


def register(new: str, request_id: str = "t1") -> str:
    return (f"- {{id: t1r, on: 2006-06-05, type: transfer-registration, actor: company:atg, option_no: ATG-1, request: {request_id}, "
            f"new_options: [{new}]}}")


REPLACEMENT = ("- {id: r1, on: 2007-01-05, type: replacement-request, actor: holder:gssf, option_no: ATG-1, cause: lost, "
               "evidence: affidavit of loss, indemnity: \"50000\"}")
NOTICE = "- {id: n, on: 2006-05-01, type: exercise-notice, actor: holder:gssf, option_no: ATG-1, shares: 10, method: cash}"


def replaced(new: str = "ATG-1R", request_id: str = "r1") -> str:
    return (f"- {{id: r1i, on: 2007-01-10, type: replacement, actor: company:atg, option_no: ATG-1, request: {request_id}, "
            f"new_option: {new}}}")


@pytest.mark.parametrize(
    ("events", "clause", "field"),
    [
        # §7: no transfer while an exercise notice is open
        ((NOTICE, request("{holder: other, shares: 10}")), "§7", "option"),
        # §7: one transfer at a time
        ((request("{holder: other, shares: 10}"), request("{holder: other, shares: 20}", eid="t2", on="2006-06-02")), "§7", "option"),
        # the transferee is a registered holder
        ((request("{holder: nobody, shares: 10}"),), None, "pieces[0].holder"),
        # Exhibit B: at least one transferee
        ((request(""),), "§7", "pieces"),
        # Exhibit B: a percentage is more than 0% and at most 100%
        ((request("{holder: other, percent: \"150%\"}"),), "Exhibit B", "pieces[0].percent"),
        ((request("{holder: other, percent: \"0%\"}"),), "Exhibit B", "pieces[0].percent"),
        # §7: a number of shares is whole and more than zero
        ((request("{holder: other, shares: \"10.5\"}"),), "§7", "pieces[0].shares"),
        ((request("{holder: other, shares: 0}"),), "§7", "pieces[0].shares"),
        # §7: one new number for each piece and one for the transferor's balance
        ((request("{holder: other, shares: 10}"), register("ATG-2")), "§7", "new_options"),
        # a new number is not already used
        ((request("{holder: other, shares: 10}"), register("ATG-1, ATG-2")), None, "new_options"),
        ((request("{holder: other, shares: 10}"), register("ATG-2, ATG-2")), None, "new_options"),
        # §8: no replacement while an exercise notice is open
        ((NOTICE, REPLACEMENT), "§8", "option"),
        # §8: the replacement answers the pending request
        ((REPLACEMENT, replaced(request_id="r9")), "§8", "request"),
        # §8: the new number is not already used
        ((REPLACEMENT, replaced(new="ATG-1")), None, "new_option"),
        # §8, §12: only a replaced or superseded instrument is void
        (("- {id: v, on: 2007-01-05, type: void-presented, actor: company:atg, option_no: ATG-1, presented_by: someone}",), None, "option_no"),
    ],
)
def test_transfer_and_replacement_refusals(events: tuple[str, ...], clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(*events)
    err = info.value.errors[0]
    problems = getattr(err, "all_problems", None) or [err]
    assert any((p.clause, p.field) == (clause, field) for p in problems), [(p.clause, p.field, str(p)) for p in problems]
