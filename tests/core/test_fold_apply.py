"""`fold` (which changes values in place while no one else can see them) gives exactly the state that `apply`, one
event at a time on a state others may be reading, gives: the same values of the same types. And `apply` never
changes an option's value in place: a reader holding the old value still sees the old figures.

The events are random mixes over two companies and three options: §4 splits and combinations while notices are
open and deliveries owed (§2.1, §2.2(a)), exercises beyond the authorized shares (§6, held until more are
authorized), overpayments owed back, partial deliveries and holders' own certificates (§10).
"""

from __future__ import annotations

import dataclasses
import enum
from collections import ChainMap
from datetime import date, timedelta
from fractions import Fraction as F
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from warrantbook.core import events as ev
from warrantbook.core.state import BookState, CompanyState, EventIndex, apply, fold, ordered
from warrantbook.core.terms import Company, Holder, seed_terms

START = date(2005, 9, 7)
OPTIONS = (("O-0", "c0", "h0"), ("O-1", "c0", "h1"), ("O-2", "c1", "h0"))


def typed(value: Any) -> Any:
    """A comparable picture of a value that keeps its types: Fraction(1) and 1, a tuple and a list, differ."""
    t = type(value)
    if t is F:
        return ("Fraction", value.numerator, value.denominator)
    if isinstance(value, ev.Event):
        return ("event", value.id)  # the fold's input, shared as it is
    if isinstance(value, enum.Enum) or value is None or t in (int, str, bool, date):
        return (t.__name__, value)
    if t in (tuple, list):
        return (t.__name__, [typed(x) for x in value])
    if t in (set, frozenset):
        return (t.__name__, sorted(map(repr, value)))
    if isinstance(value, EventIndex):  # the fold's index by id, built when first read: compared as the dict it stands for
        return typed(dict(value.items()))
    if isinstance(value, (dict, ChainMap)):
        return (t.__name__, [(typed(k), typed(v)) for k, v in value.items()])
    if dataclasses.is_dataclass(value):
        return (t.__name__, [(f.name, typed(getattr(value, f.name))) for f in dataclasses.fields(value)])
    if isinstance(value, CompanyState):
        return (t.__name__, [(s, typed(getattr(value, s))) for s in CompanyState.__slots__])
    raise AssertionError(f"no picture for {t.__name__}")


def picture(state: BookState) -> Any:
    return [(f.name, typed(getattr(state, f.name))) for f in dataclasses.fields(state) if f.name != "folding"]


# one step: (kind, option index, a small number, same day as the step before)
steps = st.lists(st.tuples(st.sampled_from(["split", "combine", "notice", "effect", "deliver", "authorized", "outstanding",
                                            "ownership"]),
                           st.integers(0, len(OPTIONS) - 1), st.integers(1, 5), st.booleans()), max_size=45)


def effected(eid: str, day: date, no: str, notice: str, n: int, holder: str, company: str, refund_cash: F = F(0)) -> ev.ExerciseEffected:
    """A cash exercise of n whole shares at $0.00001, effected at the close of `day` (the figures the engine derives)."""
    return ev.ExerciseEffected(id=eid, on=day, option_no=no, notice=notice, tranche=0, shares_exercised=F(n), shares_issued=F(n),
                               whole_shares=F(n), fraction=F(0), fair_market_value=None, cash_in_lieu=F(0), cash_in_lieu_paid=F(0),
                               aggregate_exercise_price=F(n, 100_000), delivery_due=day, holder=holder, company=company,
                               refund_cash=refund_cash)


def book(plan: list[tuple[str, int, int, bool]]) -> list[ev.Event]:
    out: list[ev.Event] = [ev.HolderRegistered(id=h, on=START, holder=Holder(id=h, name=h)) for h in ("h0", "h1")]
    out += [ev.CompanyRegistered(id=c, on=START, company=Company(id=c, name=c, state="Nevada")) for c in ("c0", "c1")]
    out += [ev.SharesOutstanding(id=f"{c}.out", on=START, company=c, shares=F(1_000)) for c in ("c0", "c1")]
    out += [ev.OptionIssued(id=no, on=START, option_no=no, holder=h, terms=seed_terms(option_no=no, company=c)) for no, c, h in OPTIONS]
    outstanding = {"c0": F(1_000), "c1": F(1_000)}
    open_notices: dict[str, list[str]] = {no: [] for no, _, _ in OPTIONS}
    owed: dict[str, list[str]] = {no: [] for no, _, _ in OPTIONS}
    day = START
    for k, (kind, i, n, same_day) in enumerate(plan):
        day = day if same_day else day + timedelta(days=1)
        no, company, holder = OPTIONS[i]
        eid = f"{kind}{k}"
        if kind in ("split", "combine"):
            before = outstanding[company]
            after = before * (n + 1) if kind == "split" else before / (n + 1)
            if after.denominator != 1:
                continue  # a combination that would leave a fraction of a share outstanding
            outstanding[company] = after
            out.append(ev.StockEvent(id=eid, on=day, issuer=company, outstanding_before=before, outstanding_after=after, distinct=True,
                                     event=ev.StockEventKind.SUBDIVISION if kind == "split" else ev.StockEventKind.COMBINATION))
        elif kind == "notice":
            out.append(ev.ExerciseNoticeReceived(id=eid, on=day, option_no=no, shares=F(n)))
            open_notices[no].append(eid)
        elif kind == "effect" and open_notices[no]:
            notice = open_notices[no].pop(0)
            out.append(effected(eid, day, no, notice, n, holder, company, refund_cash=F(n, 3) if n == 5 else F(0)))
            owed[no].append(notice)
            outstanding[company] += n  # at most: shares beyond the authorized are held, not issued
        elif kind == "deliver" and owed[no]:
            notice = owed[no][0] if n > 2 else owed[no].pop(0)  # sometimes a notice still owed shares is delivered again
            out.append(ev.SharesDelivered(id=eid, on=day, option_no=no, notice=notice, book_entry=True))
        elif kind == "authorized":  # sometimes fewer than outstanding: exercises after it are held (§6)
            out.append(ev.AuthorizedShares(id=eid, on=day, company=company, shares=outstanding[company] + n - 3))
        elif kind == "outstanding":
            out.append(ev.SharesOutstanding(id=eid, on=day, company=company, shares=outstanding[company]))
        elif kind == "ownership":
            out.append(ev.BeneficialOwnership(id=eid, on=day, actor=f"holder:{holder}", holder=holder, company=company, shares=F(n * 10)))
    return out


@settings(max_examples=120, deadline=None)
@given(plan=steps)
def test_fold_gives_the_state_apply_gives_and_apply_never_changes_a_value_in_place(plan: list[tuple[str, int, int, bool]]) -> None:
    events = book(plan)
    folded = fold(events)
    assert isinstance(folded.by_id, EventIndex) and not folded.by_id.built  # no effect read the index by id while folding
    state = BookState(as_of=None)
    for e in ordered(events):
        held = dict(state.options)  # what a reader of the state before this event holds
        seen = {no: typed(o) for no, o in held.items()}
        apply(state, e)
        assert {no: typed(o) for no, o in held.items()} == seen, e.id
    assert picture(folded) == picture(state)
    # the index a §4 event walks names exactly the holders with their own certificates of each company, in order
    assert folded.owners == {c: [h for h, c2 in folded.owned if c2 == c] for c in dict.fromkeys(c for _, c in folded.owned)}


def test_the_mix_reaches_the_paths_it_is_for() -> None:
    """The generator can produce what the property is about: a split while a notice is open and shares are owed
    (some held beyond the authorized shares), and a holder's certificate scaled by the split."""
    plan = [("ownership", 0, 2, False), ("notice", 0, 2, False), ("notice", 0, 1, False), ("authorized", 0, 1, False),
            ("effect", 0, 4, False), ("split", 0, 1, False), ("deliver", 0, 3, False), ("effect", 0, 5, True)]
    state = fold(book(plan))
    o = state.options["O-0"]
    assert o.pending == ()
    first, second = o.owed
    assert (first.whole, first.ratio, first.held, first.delivered, first.cash_paid) == (4, 2, 8, 0, True)  # all held, doubled
    assert second.held == 5  # still beyond the authorized after the split
    assert [(r.notice, r.cash) for r in o.refunds_due] == [("notice2", F(5, 3))]
    assert state.owned[("h0", "c0")][-1][1] == 20 * 2
    assert [c.event for c in o.certificates_due] == ["split5"]
    assert state.companies["c0"].outstanding[-1][1] == 1_004 * 2  # the generator's count: it cannot know what was held
