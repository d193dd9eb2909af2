"""The whole quarter-close pack for an issuer with 1,000 instruments, beside a bare loop of the same Black-Scholes calls.

    python bench/bench_close.py              # 1,000 instruments, 5 rounds
    python bench/bench_close.py --options 200 --rounds 3

The book: one company on the bulletin board with a quote every trading day of 2006, 1,000 options issued on
2006-01-03 (every fourth a penny warrant at $0.00001, the others at $0.005 to $0.05, every tenth with a stated
Expiration Date; no §10 cap), one valuation input (a 60-day volatility window), and in the third quarter a
financing that leaves too few authorized shares for all of them (so the latest-issued become liabilities on
2006-08-15, ASC 815-40-35-12), twenty cashless exercises spread over the quarter, and the charter amendment on
2006-09-20 that reclassifies them to equity. Each option has its own holder, so the exercises are independent.

Timed (median of the rounds): `build_close` for 2006-07-01..2006-09-30 (every fold it needs, inputs, the
classification timeline, Level 3 with the remeasurements on each change date, activity, EPS, sensitivity and
the Monte Carlo cross-check at 100,000 paths), then the workbook (with formulas) and the JSON. Baseline: the
1,000 closing values, one scalar `bs_call` (scipy) per instrument in a plain loop. The load average is printed
beside the figures: the machine is shared. Target: the pack in under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from fractions import Fraction as F
from pathlib import Path

from warrantbook.accounting.close import build_close
from warrantbook.accounting.pricing import bs_call
from warrantbook.accounting.workbook import write_workbook
from warrantbook.core import events as ev
from warrantbook.core.calendars import is_trading_day
from warrantbook.core.decide import replay
from warrantbook.core.terms import Company, Expiration, Holder, PaymentMethod, Terms, Tranche, Venue


def build(options: int) -> list[ev.Event]:
    start = date(2006, 1, 3)
    co = "acme"
    out: list[ev.Event] = [
        ev.CompanyRegistered(id="acme", on=start, actor="company:acme", company=Company(id=co, name="Acme Micro-Cap, Inc.", state="Nevada")),
        ev.Listed(id="listing", on=start, actor="company:acme", company=co, venue=Venue.OTCBB),
        ev.SharesOutstanding(id="out", on=start, actor="company:acme", company=co, shares=F(1_000_000_000)),
        ev.AuthorizedShares(id="auth", on=start, actor="company:acme", company=co, shares=F(1_000_000_000 + options * 1_100_000)),
    ]
    for i in range(options):
        out.append(ev.HolderRegistered(id=f"h{i}", on=start, actor=f"holder:h{i}", holder=Holder(id=f"h{i}", name=f"Holder {i}")))
        price = F(1, 100_000) if i % 4 == 0 else F(5 + (i % 46), 1000)
        expiration = Expiration(date(2011, 1, 3), "stated in the instrument") if i % 10 == 0 else Expiration()
        terms = Terms(company=co, issue_date=start, tranches=(Tranche(F(1_000_000), price),), option_no=f"A-{i}", cap=None,
                      expiration=expiration)
        out.append(ev.OptionIssued(id=f"issue-{i}", on=start, actor="company:acme", option_no=f"A-{i}", holder=f"h{i}", terms=terms))
    d, n = date(2005, 9, 1), 0
    while d <= date(2006, 12, 29):
        if is_trading_day(d):
            mid = F(200 + (n * 7) % 23 - 11 + n // 10, 10_000)
            out.append(ev.Quote(id=f"q{d}", on=d, company=co, venue=Venue.OTCBB, bid=mid - F(1, 10_000), ask=mid + F(1, 10_000)))
            n += 1
        d += timedelta(days=1)
    out.append(ev.ValuationInput(id="vi", on=date(2006, 6, 30), actor="company:acme", company=co, rate=F("0.0475"), volatility_window=60,
                                 term_years=F(5), source="Treasury 5-year CMT; 60-day historical volatility"))
    out.append(ev.SharesOutstanding(id="financing", on=date(2006, 8, 15), actor="company:acme", company=co,
                                    shares=F(1_000_000_000 + options * 600_000)))
    for k in range(20):
        day = date(2006, 7, 5) + timedelta(days=4 * k)
        while not is_trading_day(day):
            day += timedelta(days=1)
        i = 4 * k * max(1, options // 100)  # penny warrants, spread over the issue order
        out.append(ev.ExerciseNoticeReceived(id=f"n{k}", on=day, actor=f"holder:h{i}", option_no=f"A-{i}", shares=F(100_000),
                                             method=PaymentMethod.CASHLESS))
        out.append(ev.OptionSurrendered(id=f"s{k}", on=day, actor="company:acme", option_no=f"A-{i}", notice=f"n{k}"))
    out.append(ev.AuthorizedShares(id="charter", on=date(2006, 9, 20), actor="company:acme", company=co, shares=F(10_000_000_000)))
    _, decided = replay(out)
    return decided


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--options", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    events = build(args.options)
    end, prior = date(2006, 9, 30), date(2006, 6, 30)
    pack = build_close(events, "acme", end, prior, mc_paths=100_000)
    closing = pack.closing
    liabilities = sum(1 for c in pack.classes_prior.values() if c.classification == "liability")
    print(f"{args.options} options, {len(events)} events; {len(closing)} closing rows, {len(pack.rows)} valuation rows; "
          f"reclassified {len(pack.reclassified)} times; Level 3 exercised {pack.level3['exercised']}; liabilities at the prior end {liabilities}")
    pack_times, book_times, base_times = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            p = build_close(events, "acme", end, prior, mc_paths=100_000)
            t1 = time.perf_counter()
            write_workbook(p, Path(tmp) / "close.xlsx")
            json.dumps(p.as_json(), default=str)
            t2 = time.perf_counter()
            for r in closing:
                bs_call(r.S, r.K, r.T, r.r, r.sigma, r.q)
            t3 = time.perf_counter()
            pack_times.append(t1 - t0)
            book_times.append(t2 - t0)
            base_times.append(t3 - t2)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"pack (build_close)                 median {statistics.median(pack_times):.3f} s  (rounds: {', '.join(f'{x:.3f}' for x in pack_times)})")
    print(f"pack + workbook + JSON             median {statistics.median(book_times):.3f} s  (target < 5 s)")
    print(f"baseline: {len(closing)} scalar bs_call calls median {statistics.median(base_times):.4f} s")


if __name__ == "__main__":
    main()
