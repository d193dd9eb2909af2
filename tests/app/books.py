"""Small inline books for the cap table tests: the seed's illustrative life, and two companies with an uneven split."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction as F

from warrantbook.core import events as ev
from warrantbook.core.decide import replay
from warrantbook.core.state import BookState, fold
from warrantbook.core.terms import Address, Company, Holder, Tranche, Venue, seed_terms

ISSUE = date(2006, 1, 3)
SPLIT = date(2006, 3, 1)
AS_OF = date(2006, 3, 10)  # a Friday; the FMV is the mean of the 2006-03-09 bid and ask (§1.2(b))


def _company(cid: str, name: str, outstanding: int, authorized: int) -> list[ev.Event]:
    actor = f"company:{cid}"
    return [ev.CompanyRegistered(id=cid, on=ISSUE, actor=actor, company=Company(id=cid, name=name, state="Nevada",
                                                                                  office=Address(("1 Example Way", "Reno, NV 89501")))),
            ev.Listed(id=f"{cid}-listing", on=ISSUE, actor=actor, company=cid, venue=Venue.OTCBB),
            ev.SharesOutstanding(id=f"{cid}-out", on=ISSUE, actor=actor, company=cid, shares=F(outstanding), source="test"),
            ev.AuthorizedShares(id=f"{cid}-auth", on=ISSUE, actor=actor, company=cid, shares=F(authorized), source="test")]


def _holder(hid: str, name: str) -> ev.Event:
    return ev.HolderRegistered(id=hid, on=ISSUE, actor=f"holder:{hid}", holder=Holder(id=hid, name=name, address=Address(("1 Fund St",))))


def _option(no: str, company: str, holder: str, shares: int, price: str) -> ev.Event:
    terms = replace(seed_terms(option_no=no, company=company), issue_date=ISSUE, tranches=(Tranche(F(shares), F(price)),))
    return ev.OptionIssued(id=f"issue-{no}", on=ISSUE, actor=f"company:{company}", option_no=no, holder=holder, terms=terms)


def _quote(company: str, day: date, bid: str, ask: str) -> ev.Event:
    return ev.Quote(id=f"q-{company}-{day}", on=day, actor="system", company=company, venue=Venue.OTCBB, bid=F(bid), ask=F(ask), source="test")


def two_companies(holder_name: str = "Alpha Fund LP") -> list[ev.Event]:
    """alpha: 3,000,000 outstanding, 10,000,000 authorized; option A-1 of 1,000,000 shares at $0.01 to the fund, which
    certifies 700,000 shares of its own; a 7-for-3 subdivision on 2006-03-01 (3,000,000 -> 7,000,000); quotes after it.
    beta: 2,000,000 outstanding; option B-1 of 500,000 shares at $0.10 to the same fund; option B-2 of 100,000 at $0.50 to
    another holder (out of the money)."""
    events: list[ev.Event] = [*_company("alpha", "Alpha Corp.", 3_000_000, 10_000_000), *_company("beta", "Beta Inc.", 2_000_000, 5_000_000),
                              _holder("fund", holder_name), _holder("other", "Other Holder LLC"),
                              _option("A-1", "alpha", "fund", 1_000_000, "0.01"), _option("B-1", "beta", "fund", 500_000, "0.10"),
                              _option("B-2", "beta", "other", 100_000, "0.50"),
                              ev.BeneficialOwnership(id="fund-own", on=ISSUE, actor="holder:fund", holder="fund", company="alpha",
                                                     shares=F(700_000), source="test certificate"),
                              ev.StockEvent(id="split", on=SPLIT, actor="company:alpha", issuer="alpha", event=ev.StockEventKind.SUBDIVISION,
                                            outstanding_before=F(3_000_000), outstanding_after=F(7_000_000), note="7-for-3")]
    for day in (date(2006, 3, 8), date(2006, 3, 9)):
        events += [_quote("alpha", day, "0.02", "0.03"), _quote("beta", day, "0.30", "0.34")]
    return events


def state_of(events: list[ev.Event], as_of: date = AS_OF) -> BookState:
    _state, decided = replay(events)
    return fold(decided, as_of)


def seed_state(as_of: date = date(2006, 12, 29)) -> BookState:
    from warrantbook.seed import seed_life

    return state_of(seed_life(), as_of)
