"""The fold may walk the ledger company by company (core.commute.company_groups): it must give exactly the state the
walk in date order gives, values, types and the order of every index included.

The random ledgers interleave three companies' lives day by day: options issued over time (one of a company never
registered, so its facts are created by its first event), §4 splits and combinations while notices are open and
shares owed, exercises beyond the authorized shares (§6), holders' own certificates (§10) and others' reports of
them, holders registered and addresses furnished along the way (the book's registers). A §3 transaction joins two
companies' parts: the fold then walks the whole ledger in date order.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.test_fold_apply import effected, picture
from warrantbook.core import events as ev
from warrantbook.core.clauses import EFFECTS
from warrantbook.core.commute import _OF_BOOK, _OF_COMPANY, _OF_OPTION, company_groups
from warrantbook.core.state import EventIndex, fold, fold_in_date_order, ordered, sort_keys
from warrantbook.core.terms import Address, Company, Holder, seed_terms

START = date(2005, 9, 7)
COMPANIES = ("c0", "c1", "c2")  # c2 is never registered

steps = st.lists(st.tuples(st.sampled_from(["issue", "split", "combine", "notice", "effect", "deliver", "authorized", "ownership",
                                            "report", "holder", "address"]),
                           st.integers(0, 5), st.integers(1, 5), st.booleans()), max_size=60)


def ledger(plan: list[tuple[str, int, int, bool]]) -> list[ev.Event]:
    out: list[ev.Event] = [ev.HolderRegistered(id="h0", on=START, holder=Holder(id="h0", name="h0"))]
    out += [ev.CompanyRegistered(id=c, on=START, company=Company(id=c, name=c, state="Nevada")) for c in ("c1", "c0")]
    out += [ev.SharesOutstanding(id=f"{c}.out", on=START, company=c, shares=F(1_000)) for c in COMPANIES]
    outstanding = {c: F(1_000) for c in COMPANIES}
    options: list[tuple[str, str, str]] = []  # (number, company, holder)
    holders = ["h0"]
    notices: dict[str, list[str]] = {}
    owed: dict[str, list[str]] = {}
    day = START
    for k, (kind, i, n, same_day) in enumerate(plan):
        day = day if same_day else day + timedelta(days=1)
        company = COMPANIES[i % 3]
        eid = f"{kind}{k}"
        if kind == "issue":
            no, holder = f"O-{k}", holders[i % len(holders)]
            out.append(ev.OptionIssued(id=eid, on=day, option_no=no, holder=holder, terms=seed_terms(option_no=no, company=company)))
            options.append((no, company, holder))
            notices[no], owed[no] = [], []
        elif kind == "holder":
            holders.append(f"h{k}")
            out.append(ev.HolderRegistered(id=eid, on=day, holder=Holder(id=f"h{k}", name=f"h{k}")))
        elif kind == "address":
            out.append(ev.AddressFurnished(id=eid, on=day, holder=holders[i % len(holders)], address=Address(lines=(f"{k} Street",))))
        elif kind in ("split", "combine"):
            before = outstanding[company]
            after = before * (n + 1) if kind == "split" else before / (n + 1)
            if after.denominator != 1:
                continue
            outstanding[company] = after
            out.append(ev.StockEvent(id=eid, on=day, issuer=company, outstanding_before=before, outstanding_after=after, distinct=True,
                                     event=ev.StockEventKind.SUBDIVISION if kind == "split" else ev.StockEventKind.COMBINATION))
        elif kind == "authorized":
            out.append(ev.AuthorizedShares(id=eid, on=day, company=company, shares=outstanding[company] + n - 3))
        elif kind in ("ownership", "report"):
            holder = holders[i % len(holders)]
            actor = f"holder:{holder}" if kind == "ownership" else f"company:{company}"
            out.append(ev.BeneficialOwnership(id=eid, on=day, actor=actor, holder=holder, company=company, shares=F(n * 10)))
        elif options:
            no, company, holder = options[i % len(options)]
            if kind == "notice":
                out.append(ev.ExerciseNoticeReceived(id=eid, on=day, option_no=no, shares=F(n)))
                notices[no].append(eid)
            elif kind == "effect" and notices[no]:
                notice = notices[no].pop(0)
                out.append(effected(eid, day, no, notice, n, holder, company))
                owed[no].append(notice)
                outstanding[company] += n
            elif kind == "deliver" and owed[no]:
                out.append(ev.SharesDelivered(id=eid, on=day, option_no=no, notice=owed[no].pop(0), book_entry=True))
    return out


@settings(max_examples=150, deadline=None)
@given(plan=steps)
def test_company_by_company_gives_the_date_order_state(plan: list[tuple[str, int, int, bool]]) -> None:
    same_both_ways(ledger(plan), START + timedelta(days=len(plan) // 2))


def same_both_ways(events: list[ev.Event], as_of: date) -> None:
    """The two walks agree, whole and as of `as_of`; and each company's latest exercise day (which lets a step
    recorded in date order skip reading its options, §2.1) is exactly the latest of its options' own."""
    assert company_groups(ordered(events)) is not None  # every kind here is declared: the fold walks by company
    state = fold(events)
    assert isinstance(state.by_id, EventIndex) and not state.by_id.built  # no effect read the index by id
    assert picture(state) == picture(fold_in_date_order(events))
    for company, cs in state.companies.items():
        days = [d for no in state.by_company.get(company, ()) if (d := state.options[no].last_exercised) is not None]
        assert cs.last_exercised == (max(days) if days else None)
    assert picture(fold(events, as_of)) == picture(fold_in_date_order(events, as_of))
    # the parts are worked out on the events as recorded: recorded out of date order, the two walks still agree (an
    # option's event recorded before its issue makes the fold walk in date order). Events of one date and phase keep
    # their order of recording, which is their order: a ledger cannot record them otherwise.
    keys = dict(zip(map(id, events), sort_keys(events)))
    for shuffled in (sorted(events, key=lambda e: -keys[id(e)]), sorted(events, key=lambda e: keys[id(e)] % 3)):
        assert picture(fold(shuffled)) == picture(fold_in_date_order(shuffled))
        assert picture(fold(shuffled, as_of)) == picture(fold_in_date_order(shuffled, as_of))


def test_indexes_keep_the_order_the_date_order_walk_creates_them_in() -> None:
    """c1's option is issued between two of c0's, and c2 (never registered) first appears last: walking c0's part first
    would list O-2 after O-3 and c2 before c1's facts; the indexes are put back in the order of the events."""
    plan = [("issue", 0, 1, False), ("issue", 1, 1, False), ("issue", 0, 1, False), ("ownership", 1, 1, False),
            ("ownership", 0, 1, False), ("issue", 2, 1, False)]
    events = ledger(plan)
    state = fold(events)
    assert list(state.options) == ["O-0", "O-1", "O-2", "O-5"]
    assert [state.options[no].company for no in state.options] == ["c0", "c1", "c0", "c2"]
    assert list(state.by_company) == ["c0", "c1", "c2"]
    assert list(state.companies) == ["c1", "c0", "c2"]  # registered in that order; c2's facts made by its first event
    assert list(state.owned) == [("h0", "c1"), ("h0", "c0")]
    assert picture(state) == picture(fold_in_date_order(events))


def test_a_section_3_transaction_makes_the_fold_walk_in_date_order() -> None:
    """§3.1: a merger joins two companies' parts (the successor's stock becomes the option's): no company-by-company walk."""
    events = ledger([("issue", 0, 1, False), ("issue", 1, 1, False)])
    merger = ev.Reorganized(id="m", on=START + timedelta(days=5), company="c0", successor="c1", successor_company="c1",
                            transaction=ev.ReorganizationKind.MERGER,
                            basket=(ev.BasketItem(item=ev.ItemKind.SECURITY, issuer="c1", quantity=F(1)),))
    assert company_groups(ordered([*events, merger])) is None
    assert company_groups(ordered(events)) is not None


def test_the_index_by_id_is_the_date_order_walks_whatever_the_walk() -> None:
    """The index by id, built when first read, holds every event under its id in date order, the later of two
    like-named events kept: whichever way the fold walked (a §3 transaction midway makes it walk in date order, as does
    a book of one company), whole or as of a day."""
    events = ledger([("issue", 0, 1, False), ("issue", 1, 1, False), ("notice", 0, 1, False), ("effect", 0, 1, False),
                     ("split", 1, 1, False), ("notice", 1, 1, False), ("effect", 1, 1, True)])
    merger = ev.Reorganized(id="m", on=START + timedelta(days=2), company="c0", successor="c1", successor_company="c1",
                            transaction=ev.ReorganizationKind.MERGER,
                            basket=(ev.BasketItem(item=ev.ItemKind.SECURITY, issuer="c1", quantity=F(1)),))
    again = ev.AddressFurnished(id="address-again", on=START + timedelta(days=1), holder="h0", address=Address(lines=("1 Street",)))
    twice = ev.AddressFurnished(id="address-again", on=START + timedelta(days=4), holder="h0", address=Address(lines=("2 Street",)))
    one_company = [e for e in events if getattr(e, "company", None) != "c1" and getattr(e, "issuer", None) != "c1"
                   and not (isinstance(e, ev.OptionIssued) and e.terms.company == "c1")
                   and getattr(e, "option_no", "O-0") == "O-0"]
    for book in (events, [*events, merger], [twice, *events, again], one_company):
        for as_of in (None, START + timedelta(days=3)):
            want = {e.id: e for e in ordered(book) if as_of is None or e.on <= as_of}
            for by_company in (True, False):
                got = fold(book, as_of, by_company=by_company).by_id
                assert list(got.items()) == list(want.items())
    assert company_groups(ordered([*events, merger])) is None


def test_parts_are_found_on_the_events_as_recorded() -> None:
    """company_groups reads the events as recorded, with their sort keys: an option's event recorded before the
    option's issue, or dated before it, is not placed (the fold walks in date order); recorded after it and dated
    on or after it, it is."""
    events = ledger([("issue", 0, 1, False), ("issue", 1, 1, False), ("notice", 0, 1, False), ("notice", 1, 1, True)])
    issue, notice = events[-4], events[-2]
    assert isinstance(issue, ev.OptionIssued) and isinstance(notice, ev.ExerciseNoticeReceived)
    assert notice.option_no == issue.option_no
    assert company_groups(events) is not None
    before = [e for e in events if e is not notice]
    recorded_first = [notice, *before]
    assert company_groups(recorded_first) is None
    dated_before = [*before, ev.ExerciseNoticeReceived(id="early", on=issue.on - timedelta(days=1), option_no=issue.option_no,
                                                       shares=F(1))]
    assert company_groups(dated_before) is None  # (no fold can apply it: the option does not exist yet)
    assert picture(fold(recorded_first)) == picture(fold_in_date_order(recorded_first))


def test_every_kind_with_an_effect_is_declared_or_walks_in_date_order() -> None:
    """A kind added later must be placed by someone who read its effect: until then it makes the fold walk in date order.
    These are the kinds that do so today, each for a reason (§3 joins companies' parts)."""
    declared = _OF_OPTION | _OF_COMPANY | _OF_BOOK | {ev.StockEvent, ev.OptionIssued, ev.CompanyRegistered, ev.BeneficialOwnership}
    assert set(EFFECTS) - declared == {ev.Reorganized, ev.Dissolved, ev.DissolutionDelivered}


@settings(max_examples=100, deadline=None)
@given(moves=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=30))
def test_the_index_of_cap_groups_lists_exactly_each_groups_holders_in_order(moves: list[tuple[int, int]]) -> None:
    """§10 reads one group's members (`BookState.members`), not every holder: after any registrations and moves between
    groups (a holder's own id is its group when it names none), each group lists exactly its holders, in the order
    they were first registered, and `group_members` answers as a walk over every holder would."""
    events = [ev.HolderRegistered(id=f"r{k}", on=START + timedelta(days=k),
                                  holder=Holder(id=f"h{who}", name=f"h{who}", group=f"g{group}" if group else ""))
              for k, (who, group) in enumerate(moves)]
    state = fold(events)
    expected: dict[str, list[str]] = {}
    for hid, holder in state.holders.items():
        expected.setdefault(holder.cap_group, []).append(hid)
    assert state.members == expected
    for hid in [*state.holders, "stranger", "g1"]:
        group = state.holder_group(hid)
        walked = [h for h, x in state.holders.items() if x.cap_group == group]
        assert state.group_members(hid) == (walked if hid in walked else [hid, *walked])
