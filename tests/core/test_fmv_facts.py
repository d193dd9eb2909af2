"""§1.2: the market facts FMV is read from are refused when they cannot be right (one row per refusal)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_book
from warrantbook.core.errors import BookErrors, Refusal
from warrantbook.core.rules.fmv import fair_market_value
from warrantbook.core.terms import Readings

Q = "- {{id: {id}, on: 2006-03-15, type: quote, actor: system, company: atg, venue: otcbb, {fields}}}"


@pytest.mark.parametrize(
    ("events", "clause", "field"),
    [
        # a price is more than zero (close, bid, ask)
        ((Q.format(id="q", fields='close: "0"'),), "§1.2(a), §1.2(b)", "close"),
        ((Q.format(id="q", fields='bid: "-0.01", ask: "0.02"'),), "§1.2(a), §1.2(b)", "bid"),
        # §1.2(b): the bid is not above the ask
        ((Q.format(id="q", fields='bid: "0.03", ask: "0.02"'),), "§1.2(b)", "bid"),
        # a quote has a figure
        ((Q.format(id="q", fields='source: nothing'),), None, "close"),
        # one quote a venue a day; a second is a correction
        ((Q.format(id="q", fields='bid: "0.01", ask: "0.02"'), Q.format(id="q2", fields='bid: "0.01", ask: "0.03"')), None, "on"),
        # §1.2(c): an agreed or awarded value is more than zero
        (("- {id: ag, on: 2007-01-15, type: fmv-agreement, actor: company:atg, company: atg, value: '0', agreed_by: [holder:gssf, company:atg]}",),
         "§1.2(c)", "value"),
        (("- {id: aw, on: 2007-01-15, type: fmv-award, actor: arbitrator:aaa, company: atg, value: '-1', case: AAA 1}",), "§1.2(c)", "value"),
        # an award is about a registered company's stock
        (("- {id: aw, on: 2007-01-15, type: fmv-award, actor: arbitrator:aaa, company: zzz, value: '1', case: AAA 1}",), None, "company"),
    ],
)
def test_market_fact_refusals(events: tuple[str, ...], clause: str | None, field: str) -> None:
    with pytest.raises(BookErrors) as info:
        make_book(*events)
    err = info.value.errors[0]
    problems = getattr(err, "all_problems", None) or [err]
    assert any((p.clause, p.field) == (clause, field) for p in problems), [(p.clause, p.field, str(p)) for p in problems]


def test_fmv_refusals_for_missing_facts() -> None:
    """§1.2: no listing recorded on the day; §1.2(d): a liquidation value needs the shares outstanding."""
    state = make_book("""
    - {id: z, on: 2005-01-01, type: company, actor: company:z, company: {id: z, name: Zed Corp, state: Delaware}}
    - {id: liq, on: 2008-06-30, type: liquidation, actor: company:z, company: z, amount: "100"}
    """).state
    with pytest.raises(Refusal) as info:
        fair_market_value(state.companies["z"], date(2008, 7, 1), Readings())
    assert (info.value.clause, info.value.field) == ("§1.2", "listing")
    with pytest.raises(Refusal) as info:
        fair_market_value(state.companies["z"], date(2008, 6, 30), Readings())
    assert (info.value.clause, info.value.field) == ("§1.2(d)", "outstanding")
