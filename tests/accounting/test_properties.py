"""Properties of the close over random ledgers: one period's closing is the next one's opening, and every table ties."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounting.books import quotes
from tests.conftest import make_book
from warrantbook.accounting.close import build_close
from warrantbook.core.calendars import is_trading_day

QUOTES = quotes(date(2005, 11, 1), date(2006, 6, 30))
INPUTS = """\
- {id: vi-1, on: 2005-12-30, type: valuation-input, actor: company:atg, company: atg, rate: "0.0435", volatility: "0.9", term_years: 5,
   source: test}
- {id: vi-2, on: 2006-04-03, type: valuation-input, actor: company:atg, company: atg, rate: "0.05", volatility_window: 30, term_years: 4,
   source: test}
"""


def _trading(day: date) -> date:
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


@st.composite
def ledgers(draw: Any) -> str:
    issue = _trading(date(2006, 1, 3) + timedelta(days=draw(st.integers(0, 40))))
    shares = draw(st.integers(10, 300)) * 1_000_000
    price = draw(st.sampled_from(["0.00001", "0.01", "0.015"]))
    financing = _trading(issue + timedelta(days=draw(st.integers(1, 60))))
    outstanding = 1_200_000_000 + draw(st.integers(300, 790)) * 1_000_000  # often too few authorized shares left
    out = [f"""- {{id: other-2, on: {issue}, type: issue, actor: company:atg, option_no: ATG-2, holder: other,
   terms: {{company: atg, issue_date: {issue}, cap: null, tranches: [{{shares: {shares}, exercise_price: "{price}"}}]}}}}""",
           f"- {{id: fin, on: {financing}, type: outstanding, actor: company:atg, company: atg, shares: {outstanding}}}"]
    for k in range(draw(st.integers(0, 3))):
        day = _trading(financing + timedelta(days=draw(st.integers(1, 80))))
        if day > date(2006, 6, 29):
            continue
        out.append(f"- {{id: n{k}, on: {day}, type: exercise-notice, actor: holder:other, option_no: ATG-2, shares: {shares // 10}, method: cashless}}")
        out.append(f"- {{id: s{k}, on: {day}, type: surrender, actor: company:atg, option_no: ATG-2, notice: n{k}}}")
    if draw(st.booleans()):
        day = _trading(date(2006, 4, 3) + timedelta(days=draw(st.integers(0, 80))))
        out.append(f"- {{id: charter, on: {day}, type: authorized, actor: company:atg, company: atg, shares: 4000000000}}")
    return "\n".join(out)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_closing_of_one_quarter_is_the_opening_of_the_next(extra: str) -> None:
    events = list(make_book(QUOTES, INPUTS, extra).events)
    q1 = build_close(events, "atg", date(2006, 3, 31), date(2005, 12, 31), mc_paths=2_000)
    q2 = build_close(events, "atg", date(2006, 6, 30), date(2006, 3, 31), mc_paths=2_000)
    assert q2.level3["opening"] == q1.level3["closing"]
    assert {(r.option_no, r.tranche): r.booked for r in q2.rows if r.role == "opening"} == \
        {(r.option_no, r.tranche): r.booked for r in q1.closing if r.classification == "liability"}
    assert q2.activity["outstanding_start"]["shares"] == q1.activity["outstanding_end"]["shares"]
    for q in (q1, q2):
        assert q.activity["ties"]
        L = q.level3
        assert L["opening"] + L["issued"] + L["reclassified_in"] - L["exercised"] - L["reclassified_out"] - L["expired"] \
            + L["change_in_fair_value"] == L["closing"]
        assert L["closing"] == sum((r.booked for r in q.closing if r.classification == "liability"), 0)
        assert {no: c.classification for no, c in q.classes.items()} == {r.option_no: r.classification for r in q.closing}
