"""Ledger benchmarks, each printed beside a baseline measured in the same run on the same database.

1. Exercises committed per second, durably (SQLite: WAL, synchronous=FULL; PostgreSQL: default fsync),
   each a full `DbSource.record` transaction: read what changed, decide (FMV §1.2, cap §10 across the
   holder's group, the option's balance), lock the company row (§6 reserve) and the holder group row
   (§10 cap), append with the option's version and the hash chain, commit. Baseline: one raw row
   insert + commit per transaction through the same engine. Target: at least half the raw rate.
   A second, stricter baseline is printed too: the same insert + commit on the driver's own connection,
   kept open (no pool checkout, no SQLAlchemy statement), which is how the ledger's write transaction
   runs since 2026-12 (store.engine.HeldWriter): the ratio against it leaves no overhead to the baseline
   that the ledger no longer pays. A third baseline, beside the first: the same insert + commit through the same
   engine into a table of the fastest layout (`id INTEGER PRIMARY KEY` on SQLite, the rowid itself, one b-tree; the
   first baseline's `id BIGINT PRIMARY KEY` keeps a rowid b-tree and an index; on PostgreSQL the same BIGINT table),
   so the ratio reads both ways.
2. Rebuild the state of N options x 100 events (default 10,000 x 100 = 1,000,000 events) from the
   database, beside the floor: reading and decoding the same rows alone. Target: within 2x of the floor.
   Every rebuild here is a full replay (fold) of every event, with snapshots turned off (bench_scale.py measures
   fresh commands that start from a snapshot). The time to re-decide every
   event from scratch (core `replay`, what loading a book does) is reported too.

Usage (not a timed test):
    python bench/bench_ledger.py --quick            # 1,000 options x 100 events, fewer exercises
    python bench/bench_ledger.py                    # the full size
    python bench/bench_ledger.py --pg URL           # PostgreSQL too (default: $WARRANTBOOK_TEST_PG)
Run scripts/pg.sh's wb_pg_start first for a throwaway PostgreSQL server.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from fractions import Fraction as F
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from warrantbook.core import events as ev
from warrantbook.core.calendars import is_trading_day
from warrantbook.core.codec import event_from_data
from warrantbook.core.decide import replay
from warrantbook.core.terms import Address, Company, Holder, PaymentMethod, Terms, Tranche, Venue
from warrantbook.store import schema as t
from warrantbook.store.engine import make_engine, writing
from warrantbook.store.ledger import DbSource

D0 = date(2005, 9, 7)
PAYLOAD = "x" * 600  # about the size of an exercise event's canonical JSON


# ---------------------------------------------------------------- databases


@contextmanager
def database(backend: str, pg_url: str | None) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="wb-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    assert pg_url
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(pg_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def trading_days(start: date, n: int) -> list[date]:
    out, day = [], start
    while len(out) < n:
        if is_trading_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


# ---------------------------------------------------------------- 1. commits per second


def parties(companies: int, holders: int, quote_days: list[date]) -> list[ev.Event]:
    out: list[ev.Event] = []
    for c in range(companies):
        cid = f"c{c}"
        actor = f"company:{cid}"
        out += [ev.CompanyRegistered(id=f"company-{cid}", on=D0, actor=actor, company=Company(cid, f"Company {c}, Inc.", "Nevada",
                                                                                          Address((f"{c} Main St", "Reno, NV")))),
                ev.Listed(id=f"listing-{cid}", on=D0, actor=actor, company=cid, venue=Venue.OTCBB),
                ev.SharesOutstanding(id=f"out-{cid}", on=D0, actor=actor, company=cid, shares=F(1_000_000_000)),
                ev.AuthorizedShares(id=f"auth-{cid}", on=D0, actor=actor, company=cid, shares=F(20_000_000_000))]
        out += [ev.Quote(id=f"q-{cid}-{d}", on=d, actor=actor, company=cid, venue=Venue.OTCBB, bid=F("0.0240"), ask=F("0.0260"))
                for d in quote_days]
    for h in range(holders):
        hid = f"h{h}"
        out.append(ev.HolderRegistered(id=f"holder-{hid}", on=D0, actor=f"holder:{hid}",
                                       holder=Holder(hid, f"Holder {h} LP", Address((f"{h} Fund St", "New York, NY")))))
        out.append(ev.BeneficialOwnership(id=f"own-{hid}", on=D0, actor=f"holder:{hid}", holder=hid, company=f"c{h % companies}",
                                          shares=F(1_000_000)))
    return out


def option_of(i: int, holders: int, companies: int, shares: int) -> ev.OptionIssued:
    h = i % holders
    cid = f"c{h % companies}"
    terms = Terms(company=cid, issue_date=D0, tranches=(Tranche(F(shares), F("0.00001")),), option_no=f"O{i}")
    return ev.OptionIssued(id=f"issue-O{i}", on=D0, actor=f"company:{cid}", option_no=f"O{i}", holder=f"h{h}", terms=terms)


CPU: dict[str, list[float]] = {"raw": [], "raw_held": [], "raw_fast": [], "notice": [], "exercise": []}  # process CPU s per commit, per round


def raw_rate(url: str, n: int, start: int, fastest: bool = False) -> float:
    """The baseline: one row insert + commit per transaction through the engine. `fastest`: into a table of the fastest
    layout (SQLite: `id INTEGER PRIMARY KEY`, the rowid itself; PostgreSQL: the same BIGINT key)."""
    engine = make_engine(url)
    table = "bench_raw_fast" if fastest else "bench_raw"
    key = "INTEGER" if fastest and engine.dialect.name == "sqlite" else "BIGINT"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {table} (id {key} PRIMARY KEY, payload TEXT NOT NULL)")
    insert = sa.table(table, sa.column("id"), sa.column("payload")).insert()  # built once, as the ledger's are
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(start, start + n):
        with writing(engine) as conn:
            conn.execute(insert, {"id": i, "payload": PAYLOAD})
    elapsed = time.perf_counter() - began
    CPU["raw_fast" if fastest else "raw"].append((time.process_time() - cpu) / n)
    engine.dispose()
    return n / elapsed


def raw_rate_held(url: str, n: int, start: int) -> float:
    """The stricter baseline: the insert + commit on one kept driver connection, with the driver's own statement text
    (BEGIN IMMEDIATE on SQLite, as every ledger write), as the ledger's write transaction now runs."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_raw_held (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)")
    sqlite = engine.dialect.name == "sqlite"
    text = f"INSERT INTO bench_raw_held (id, payload) VALUES ({'?, ?' if sqlite else '%s, %s'})"
    raw = engine.raw_connection()
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(start, start + n):
        cur = raw.cursor()
        if sqlite:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(text, (i, PAYLOAD))
        raw.commit()
        cur.close()
    elapsed = time.perf_counter() - began
    CPU["raw_held"].append((time.process_time() - cpu) / n)
    raw.close()
    engine.dispose()
    return n / elapsed


def bench_commits(backend: str, url: str, n: int, rounds: int, per_day: int) -> dict[str, object]:
    """Cashless exercises, `per_day` on each trading day: each a notice, then the surrender that effects it."""
    days = trading_days(date(2006, 3, 1), rounds * n // per_day + 3)
    holders, companies = 20, 2
    src = DbSource(url, create=True)
    src.record_all(parties(companies, holders, []) + [option_of(i, holders, companies, 100_000_000) for i in range(holders * 5)])
    options = holders * 5
    exercise_rates, notice_rates, raw_rates, held_rates, fast_rates = [], [], [], [], []
    k = 0
    for r in range(rounds):
        raw_rates.append(raw_rate(url, n, r * n))
        held_rates.append(raw_rate_held(url, n, r * n))
        fast_rates.append(raw_rate(url, n, r * n, fastest=True))
        notice_time = exercise_time = notice_cpu = exercise_cpu = 0.0
        for _ in range(n // per_day):  # the baseline of this round ran just before: disk noise hits both alike
            day = days[1 + k // per_day]
            quote_day = days[k // per_day]  # §1.2(b): the trading day before the determination date
            for c in range(companies):
                src.record(ev.Quote(id=f"q-c{c}-{quote_day}", on=quote_day, actor=f"company:c{c}", company=f"c{c}", venue=Venue.OTCBB,
                                    bid=F("0.0240"), ask=F("0.0260")))
            notices = []
            for _ in range(per_day):
                notices.append(ev.ExerciseNoticeReceived(id=f"n{k}", on=day, actor=f"holder:h{k % options % holders}",
                                                         option_no=f"O{k % options}", shares=F(1000), method=PaymentMethod.CASHLESS))
                k += 1
            began, cpu = time.perf_counter(), time.process_time()
            for e in notices:
                src.record(e)
            notice_time += time.perf_counter() - began
            notice_cpu += time.process_time() - cpu
            began, cpu = time.perf_counter(), time.process_time()
            for e in notices:
                company = f"company:c{int(e.actor.split(':h')[1]) % companies}"
                out = src.record(ev.OptionSurrendered(id=f"s-{e.id}", on=e.on, actor=company, option_no=e.option_no, notice=e.id))
                assert out[-1].kind == "exercise", out
            exercise_time += time.perf_counter() - began
            exercise_cpu += time.process_time() - cpu
        notice_rates.append(n / notice_time)
        CPU["notice"].append(notice_cpu / n)
        CPU["exercise"].append(exercise_cpu / n)
        exercise_rates.append(n / exercise_time)
    assert src.verify().ok
    events = src.head().count
    src.close()
    raw = statistics.median(raw_rates)
    exercise = statistics.median(exercise_rates)
    notice = statistics.median(notice_rates)
    ratio = statistics.median(x / r for x, r in zip(exercise_rates, raw_rates))  # each round against its own baseline
    held = statistics.median(held_rates)
    held_ratio = statistics.median(x / r for x, r in zip(exercise_rates, held_rates))
    fast = statistics.median(fast_rates)
    fast_ratio = statistics.median(x / r for x, r in zip(exercise_rates, fast_rates))
    return {"backend": backend, "raw_insert_commit_per_s": round(raw), "exercises_per_s": round(exercise),
            "notices_per_s": round(notice), "exercise_vs_raw": round(ratio, 2), "notice_vs_raw": round(notice / raw, 2),
            "raw_held_connection_per_s": round(held), "exercise_vs_raw_held": round(held_ratio, 2),
            "notice_vs_raw_held": round(statistics.median(x / r for x, r in zip(notice_rates, held_rates)), 2),
            "raw_fastest_layout_per_s": round(fast), "exercise_vs_raw_fastest_layout": round(fast_ratio, 2),
            "notice_vs_raw_fastest_layout": round(statistics.median(x / r for x, r in zip(notice_rates, fast_rates)), 2),
            "cpu_ms_per_commit": {k: round(1000 * statistics.median(v[-rounds:]), 3) for k, v in CPU.items()},
            "round_rates": [{"raw": round(a), "raw_held": round(b), "raw_fast": round(f), "exercises": round(c), "notices": round(d)}
                            for a, b, f, c, d in zip(raw_rates, held_rates, fast_rates, exercise_rates, notice_rates)],
            "rounds": rounds, "per_round": n, "per_day": per_day, "ledger_events_at_end": events}


# ---------------------------------------------------------------- 2. rebuild


def life(options: int, per_option: int, holders: int, companies: int) -> tuple[list[ev.Event], float]:
    """Every event of `options` options with `per_option` events each, decided by core.replay."""
    cycles = (per_option - 5) // 5  # issue, 4 closing events, and cycles of 5 (notice, surrender, payment, exercise, delivery)
    days = trading_days(date(2006, 1, 3), cycles * 2 + 4)
    user: list[ev.Event] = parties(companies, holders, days)
    for i in range(options):
        no = f"O{i}"
        h = f"h{i % holders}"
        cid = f"c{(i % holders) % companies}"
        company = f"company:{cid}"
        user.append(option_of(i, holders, companies, 1_000_000))
        for c in range(cycles):
            on = days[2 * c + 1]
            paid = days[2 * c + 2]
            user += [ev.ExerciseNoticeReceived(id=f"{no}-n{c}", on=on, actor=f"holder:{h}", option_no=no, shares=F(10_000),
                                               method=PaymentMethod.CASH),
                     ev.OptionSurrendered(id=f"{no}-s{c}", on=on, actor=company, option_no=no, notice=f"{no}-n{c}"),
                     ev.PaymentReceived(id=f"{no}-p{c}", on=on, actor=company, option_no=no, notice=f"{no}-n{c}", cash=F("0.10")),
                     ev.SharesDelivered(id=f"{no}-d{c}", on=paid, actor=company, option_no=no, notice=f"{no}-n{c}",
                                        certificates=(f"C-{i}-{c}",))]
        last = days[-2]
        user += [ev.AcknowledgmentRequested(id=f"{no}-ackr", on=last, actor=f"holder:{h}", option_no=no),
                 ev.AcknowledgmentGiven(id=f"{no}-ack", on=last, actor=company, option_no=no, request=f"{no}-ackr"),
                 ev.DefaultNoticeReceived(id=f"{no}-def", on=days[-1], actor=f"holder:{h}", option_no=no, default="illustrative"),
                 ev.DefaultCured(id=f"{no}-cure", on=days[-1], actor=company, option_no=no, signed_by=(f"holder:{h}",))]  # §10: the holder signs a cure
    began = time.perf_counter()
    _, decided = replay(user)
    return decided, time.perf_counter() - began


def floor_read_decode(url: str) -> tuple[float, int]:
    engine = make_engine(url)
    gc.disable()  # as the ledger's own first read does: the floor is the best read+decode there is
    began = time.perf_counter()
    n = 0
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=2000).execute(sa.select(t.events.c.payload).order_by(t.events.c.seq))
        events = [event_from_data(json.loads(p)) for (p,) in result]
        n = len(events)
    elapsed = time.perf_counter() - began
    gc.enable()
    engine.dispose()
    del events
    gc.collect()
    return elapsed, n


def full_rebuild(url: str) -> tuple[float, int]:
    began = time.perf_counter()
    src = DbSource(url, use_snapshots=False, snapshot_every=0)  # a full replay every time (bench_scale measures snapshots)
    state = src.state()
    elapsed = time.perf_counter() - began
    n = len(state.options)
    src.close()
    del state, src
    gc.collect()
    return elapsed, n


def bench_rebuild(backend: str, url: str, decided: list[ev.Event], repeat: int, say: Callable[[str], None]) -> dict[str, object]:
    src = DbSource(url, create=True)
    began = time.perf_counter()
    src.import_events(decided)
    load = time.perf_counter() - began
    src.close()
    floors, rebuilds = [], []
    options = 0
    for r in range(repeat):
        f, n = floor_read_decode(url)
        b, options = full_rebuild(url)
        floors.append(f)
        rebuilds.append(b)
        say(f"  {backend} round {r + 1}: floor {f:.2f}s, rebuild {b:.2f}s ({n} events)")
    floor = statistics.median(floors)
    rebuild = statistics.median(rebuilds)
    return {"backend": backend, "events": len(decided), "options": options, "import_s": round(load, 2),
            "floor_read_decode_s": round(floor, 2), "rebuild_full_replay_s": round(rebuild, 2),
            "rebuild_vs_floor": round(rebuild / floor, 2), "fold_only_s": round(rebuild - floor, 2), "repeat": repeat}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 options x 100 events and 300 exercises a round")
    parser.add_argument("--options", type=int, default=None, help="options to rebuild (default 10,000; --quick 1,000)")
    parser.add_argument("--per-option", type=int, default=100, help="events per option (default 100)")
    parser.add_argument("--exercises", type=int, default=None, help="exercises per round (default 1,000; --quick 300)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the commit benchmark, each with its own baseline (median)")
    parser.add_argument("--per-day", type=int, default=5, help="exercises on each trading day (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds (median)")
    parser.add_argument("--pg", default=os.environ.get("WARRANTBOOK_BENCH_PG") or os.environ.get("WARRANTBOOK_TEST_PG"),
                        help="PostgreSQL URL (postgresql+psycopg://...); default $WARRANTBOOK_TEST_PG")
    parser.add_argument("--only", choices=["commits", "rebuild"], default=None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    args = parser.parse_args(argv)
    options = args.options or (1_000 if args.quick else 10_000)
    exercises = args.exercises or (300 if args.quick else 1_000)
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])

    def say(text: str) -> None:
        print(text, file=sys.stderr if args.json else sys.stdout, flush=True)

    if not args.pg:
        say("no PostgreSQL URL (--pg or $WARRANTBOOK_TEST_PG): SQLite only")
    say(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    figures: dict[str, object] = {}
    if args.only in (None, "commits"):
        say(f"1. exercises committed per second ({exercises} a round, {args.per_day} a day, {args.rounds} rounds, median), "
            "beside raw insert+commit")
        for backend in backends:
            with database(backend, args.pg) as url:
                r = bench_commits(backend, url, exercises, args.rounds, args.per_day)
            figures[f"commits_{backend}"] = r
            say(f"  {backend:10}: exercises {r['exercises_per_s']}/s, notices {r['notices_per_s']}/s, raw insert+commit "
                f"{r['raw_insert_commit_per_s']}/s -> exercise/raw {r['exercise_vs_raw']} (target >= 0.5), notice/raw "
                f"{r['notice_vs_raw']}")
            say(f"  {'':10}  stricter baseline, raw insert+commit on a kept driver connection {r['raw_held_connection_per_s']}/s -> "
                f"exercise/raw {r['exercise_vs_raw_held']}, notice/raw {r['notice_vs_raw_held']}")
            layout = "INTEGER PRIMARY KEY, the rowid" if backend == "sqlite" else "the same BIGINT PRIMARY KEY"
            say(f"  {'':10}  fastest layout baseline, raw insert+commit into a table keyed {layout} "
                f"{r['raw_fastest_layout_per_s']}/s -> exercise/raw {r['exercise_vs_raw_fastest_layout']}, "
                f"notice/raw {r['notice_vs_raw_fastest_layout']}")
            c = r["cpu_ms_per_commit"]
            say(f"  {'':10}  CPU (this process) per commit: raw {c['raw']} ms, raw kept connection {c['raw_held']} ms, "  # type: ignore[index]
                f"raw fastest layout {c['raw_fast']} ms, notice {c['notice']} ms, exercise {c['exercise']} ms")  # type: ignore[index]
            say(f"  {'':10}  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.only in (None, "rebuild"):
        holders = max(10, options // 10)
        say(f"2. rebuild {options} options x {args.per_option} events from the database, beside read+decode alone")
        decided, redecide = life(options, args.per_option, holders, max(1, holders // 100))
        say(f"  generated {len(decided)} events; full re-decide replay (core.replay, as a book load does): {redecide:.2f}s")
        figures["redecide_replay_s"] = round(redecide, 2)
        for backend in backends:
            with database(backend, args.pg) as url:
                r = bench_rebuild(backend, url, decided, args.repeat, say)
            figures[f"rebuild_{backend}"] = r
            say(f"  {backend:10}: rebuild (full replay) {r['rebuild_full_replay_s']}s vs floor (read+decode) "
                f"{r['floor_read_decode_s']}s -> {r['rebuild_vs_floor']}x (target <= 2); fold alone {r['fold_only_s']}s; "
                f"import {r['import_s']}s")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
