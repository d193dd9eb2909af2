"""Fold 10,000 options x 100 events, beside a bare loop doing the same Fraction work on plain tuples.

    python bench/bench_fold.py            # 10,000 x 100 (1,000,000 events), 3 rounds
    python bench/bench_fold.py --quick    # 1,000 x 100
    python bench/bench_fold.py --quick --option-major   # and the detail line of each option on days of its own

Each option has its own company (so a §4 event touches one option, as most do) and a life of 100 events:
its company, the issue, then 98 events cycling through a 2-for-1 split or 1-for-2 combination, an exercise
notice, the exercise effected (with its figures, as the database keeps them) and the delivery. The baseline
applies the same Fraction operations (shares x ratio, price / ratio, shares - Y, and the company's running
count of shares outstanding plus the whole shares each exercise issued, which the fold keeps for §6 and §10)
to (shares, price) tuples in a dict, with no events, no ordering and no immutable state. (Until 2026-11 the
baseline left out the running count's addition, one Fraction operation an exercise that the fold does.) Explanations are not built (they are built
on demand, when someone asks for a figure); nor, since 2026-12-06, is the index of events by id (state.EventIndex:
built when first read, which a fold for a snapshot or a view never does; a process that records pays it once). The baselines run with the cyclic garbage collector paused, as
`fold` pauses it (until 2026-11 they ran with it on: at full size the collector's passes over the million
events made the first baseline slower than the second, which does more, and the ratio look better than it
was). Prints the median events/s of each and their ratio (target: the fold at least half the baseline's rate), by the
wall clock and by the process's CPU time (on a shared machine the wall clock also counts the time other processes
held the cores; CPU time counts only the work). A line of detail follows (it sets no target): the same Fraction-ops
baseline over the events in date order, the order the fold must apply them (the events as built are recorded option by
option, which gives the baseline, walking them as recorded, a locality the fold cannot have), and what ordering alone costs.
Another gives the fold walking the whole ledger in date order (`fold_in_date_order`): since 2026-12 the fold walks a
ledger of several companies company by company (core.commute.company_groups), which gives it back part of that
locality; the line shows what the walk by company buys, in the same run.
With --option-major, another: the fold of the same lives moved so that no two options share a day (date order is then
option by option), which shows what walking every option day by day costs the fold.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction as F

from warrantbook.core import events as ev
from warrantbook.core.state import fold, fold_in_date_order, ordered
from warrantbook.core.terms import Company, Holder, Tranche, seed_terms


def build(options: int, per_option: int) -> list[ev.Event]:
    start = date(2005, 9, 7)
    out: list[ev.Event] = [ev.HolderRegistered(id="h", on=start, holder=Holder(id="h", name="Holder"))]
    for i in range(options):
        company = f"c{i}"
        no = f"O-{i}"
        terms = seed_terms(option_no=no, company=company)
        out.append(ev.CompanyRegistered(id=f"{company}", on=start, company=Company(id=company, name=company, state="Nevada")))
        out.append(ev.OptionIssued(id=f"{no}.issue", on=start, option_no=no, holder="h", terms=terms))
        day = start
        for k in range(per_option - 2):
            day += timedelta(days=1)
            step = k % 4
            if step == 0:
                before, after = (F(1_000_000_000), F(2_000_000_000)) if (k // 4) % 2 == 0 else (F(2_000_000_000), F(1_000_000_000))
                out.append(ev.StockEvent(id=f"{no}.{k}", on=day, issuer=company, event=ev.StockEventKind.SUBDIVISION if after > before
                                         else ev.StockEventKind.COMBINATION, outstanding_before=before, outstanding_after=after))
            elif step == 1:
                out.append(ev.ExerciseNoticeReceived(id=f"{no}.{k}", on=day, option_no=no, shares=F(1)))
            elif step == 2:
                out.append(ev.ExerciseEffected(id=f"{no}.{k}", on=day, option_no=no, notice=f"{no}.{k - 1}", tranche=0,
                                               shares_exercised=F(1), shares_issued=F(1), whole_shares=F(1), fraction=F(0),
                                               fair_market_value=None, cash_in_lieu=F(0), cash_in_lieu_paid=F(0),
                                               aggregate_exercise_price=F(1, 100_000), delivery_due=day, holder="h", company=company))
            else:
                out.append(ev.SharesDelivered(id=f"{no}.{k}", on=day, option_no=no, notice=f"{no}.{k - 2}", book_entry=True))
    return out


def option_major(events: list[ev.Event], per_option: int) -> list[ev.Event]:
    """The same events, option i's life moved `per_option` x i days later: no two options share a day."""
    moved: list[ev.Event] = []
    for e in events:
        owner = getattr(e, "option_no", "") or getattr(e, "issuer", "") or (e.company.id if isinstance(e, ev.CompanyRegistered) else "")
        k = int(owner.rsplit("-", 1)[-1].lstrip("c")) if owner else 0
        shift = timedelta(days=per_option * k)
        changes: dict[str, date] = {"on": e.on + shift}
        if isinstance(e, ev.ExerciseEffected):
            changes["delivery_due"] = e.delivery_due + shift
        moved.append(replace(e, **changes))  # type: ignore[arg-type]
    return moved


def baseline(events: list[ev.Event]) -> dict[str, tuple[F, F]]:
    """The same Fraction operations on plain tuples: the floor any fold must pay."""
    options: dict[str, tuple[F, F]] = {}
    by_company: dict[str, str] = {}
    outstanding: dict[str, F] = {}  # company -> its running count of shares outstanding
    for e in events:
        kind = e.kind
        if kind == "issue":
            t: Tranche = e.terms.tranches[0]  # type: ignore[attr-defined]
            options[e.option_no] = (t.shares, t.exercise_price)  # type: ignore[attr-defined]
            by_company[e.terms.company] = e.option_no  # type: ignore[attr-defined]
        elif kind == "stock-event":
            no = by_company[e.issuer]  # type: ignore[attr-defined]
            shares, price = options[no]
            r = e.outstanding_after / e.outstanding_before  # type: ignore[attr-defined]
            options[no] = (shares * r, price / r)
            outstanding[e.issuer] = e.outstanding_after  # type: ignore[attr-defined]
        elif kind == "exercise":
            shares, price = options[e.option_no]  # type: ignore[attr-defined]
            options[e.option_no] = (shares - e.shares_exercised, price)  # type: ignore[attr-defined]
            if e.company in outstanding:  # type: ignore[attr-defined]
                outstanding[e.company] += e.whole_shares  # type: ignore[attr-defined]
    return options


def baseline_transitions(events: list[ev.Event]) -> dict[str, tuple]:  # type: ignore[type-arg]
    """The same state transitions as the fold (pending notices, deliveries due, certificates due) on plain
    tuples: shows what the fold's dataclasses, dispatch and ordering cost beyond the bookkeeping itself."""
    options: dict[str, tuple] = {}  # type: ignore[type-arg]
    by_company: dict[str, str] = {}
    for e in events:
        kind = e.kind
        if kind == "issue":
            t = e.terms.tranches[0]  # type: ignore[attr-defined]
            options[e.option_no] = (t.shares, t.exercise_price, (), (), ())  # type: ignore[attr-defined]
            by_company[e.terms.company] = e.option_no  # type: ignore[attr-defined]
        elif kind == "stock-event":
            no = by_company[e.issuer]  # type: ignore[attr-defined]
            shares, price, pending, due, certs = options[no]
            r = e.outstanding_after / e.outstanding_before  # type: ignore[attr-defined]
            options[no] = (shares * r, price / r, pending, due, certs + ((e.id, e.on),))
        elif kind == "exercise-notice":
            shares, price, pending, due, certs = options[e.option_no]  # type: ignore[attr-defined]
            options[e.option_no] = (shares, price, pending + (e,), due, certs)  # type: ignore[attr-defined]
        elif kind == "exercise":
            shares, price, pending, due, certs = options[e.option_no]  # type: ignore[attr-defined]
            options[e.option_no] = (shares - e.shares_exercised, price, tuple(p for p in pending if p.id != e.notice),  # type: ignore[attr-defined]
                                    due + (e,), certs)
        elif kind == "delivery":
            shares, price, pending, due, certs = options[e.option_no]  # type: ignore[attr-defined]
            options[e.option_no] = (shares, price, pending, tuple(d for d in due if d.notice != e.notice), certs)  # type: ignore[attr-defined]
    return options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--options", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1,000 options")
    parser.add_argument("--option-major", action="store_true",
                        help="detail: also fold the same lives moved so that each option has days of its own (date order is "
                             "then option by option, as the baselines walk the events as built)")
    args = parser.parse_args()
    if args.quick:
        args.options = 1_000
    events = build(args.options, args.events)
    n = len(events)
    print(f"{args.options:,} options x {args.events} events = {n:,} events")
    fold_times, base_times, trans_times = [], [], []
    fold_cpu, base_cpu = [], []
    dated_cpu, order_cpu, walk_cpu = [], [], []
    in_date_order = ordered(events)  # detail: the baseline over the order the fold must follow, and what ordering costs
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for _ in range(args.rounds):
        gc.disable()  # as fold does for itself
        t0, c0 = time.perf_counter(), time.process_time()
        ref = baseline(events)
        base_times.append(time.perf_counter() - t0)
        base_cpu.append(time.process_time() - c0)
        t0 = time.perf_counter()
        baseline_transitions(events)
        trans_times.append(time.perf_counter() - t0)
        c0 = time.process_time()
        baseline(in_date_order)
        dated_cpu.append(time.process_time() - c0)
        c0 = time.process_time()
        ordered(events)
        order_cpu.append(time.process_time() - c0)
        gc.enable()
        c0 = time.process_time()
        fold_in_date_order(events)
        walk_cpu.append(time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        state = fold(events)
        fold_times.append(time.perf_counter() - t0)
        fold_cpu.append(time.process_time() - c0)
    # the two must agree, or the comparison means nothing
    for no, (shares, price) in ref.items():
        o = state.options[no]
        assert (o.remaining, o.exercise_price) == (shares, price), no
    base, folded, trans = statistics.median(base_times), statistics.median(fold_times), statistics.median(trans_times)
    print(f"baseline (Fraction ops on tuples):      {n / base:>12,.0f} events/s  (median {base:.2f} s of {args.rounds})")
    print(f"baseline (same transitions on tuples):  {n / trans:>12,.0f} events/s  (median {trans:.2f} s of {args.rounds})")
    print(f"fold (events -> state):                 {n / folded:>12,.0f} events/s  (median {folded:.2f} s of {args.rounds})")
    print(f"ratio fold / Fraction-ops baseline: {base / folded:.2f} (target >= 0.50)")
    print(f"ratio fold / transitions baseline:  {trans / folded:.2f}")
    bc, fc = statistics.median(base_cpu), statistics.median(fold_cpu)
    print(f"by CPU time: baseline {n / bc:,.0f} events/s, fold {n / fc:,.0f} events/s, ratio {bc / fc:.2f} (target >= 0.50)")
    dc, oc = statistics.median(dated_cpu), statistics.median(order_cpu)
    print(f"detail (CPU time): the Fraction-ops baseline over the events in date order (the order the fold applies them, "
          f"with less locality) {n / dc:,.0f} events/s, fold / it {dc / fc:.2f}; ordering alone {oc / n * 1e6:.2f} us an event "
          f"of the fold's {fc / n * 1e6:.2f}")
    wc = statistics.median(walk_cpu)
    print(f"detail (CPU time): the fold walking the whole ledger in date order (fold_in_date_order, what fold did before it "
          f"walked company by company) {n / wc:,.0f} events/s, ratio to the baseline {bc / wc:.2f}")
    if args.option_major:
        moved = option_major(events, args.events)
        cpu = []
        for _ in range(args.rounds):
            c0 = time.process_time()
            fold(moved)
            cpu.append(time.process_time() - c0)
        mc = statistics.median(cpu)
        print(f"detail (CPU time): the fold of the same lives, each option on days of its own: {n / mc:,.0f} events/s, "
              f"ratio to the baseline {bc / mc:.2f} (what walking the options day by day costs the fold in locality)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
