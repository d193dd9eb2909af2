"""Commands that cost the same at any ledger size (issue 12): fresh-process views and recording on 10k, 100k, 1M events.

    python bench/bench_scale.py --sizes 10000,100000            # modest sizes first
    python bench/bench_scale.py --sizes 10000,100000,1000000    # the 1M ledger is built once into --dir and reused
    python bench/bench_scale.py --pg URL --sizes 10000,100000   # PostgreSQL: one database a size on that server
    python bench/bench_scale.py --audit                         # also `audit verify` (time and peak memory) at every size

Each ledger is 100 options (10 holders, one company, OTCBB quotes every trading day) whose lives grow with the
ledger: cash exercises (notice, surrender, payment, the exercise the engine derives, delivery), so the state has
the same options at every size and only the history grows (10,000 events: 100 a option; 1,000,000: 10,000 a
option; the company's price history and running share counts grow with the days, as they do in life). The
events are decided once by core.replay, imported, and folded once so the ledger saves its snapshot; the file
is kept in --dir and reused by later runs (a ledger that does not match the size is rebuilt).

Measured, each figure the median of --rounds fresh processes (wall and CPU seconds, peak memory), every size in
the same run, so each size's figure sits beside the 10,000-event figure (the baseline) and the process start
alone (`python -c 'import warrantbook.cli.main'`):
- `show --option O1`, `quote --option O1 --shares 1000 --method cash`, `list`, each as a fresh process, with
  snapshots (the default) and, for reference, with WARRANTBOOK_SNAPSHOTS=off (a full replay, the code before);
- CPU per recorded exercise: a fresh process opens the ledger and records --exercises cash exercises (notice,
  surrender, payment: three records each, the exercise derived), CPU seconds per exercise.
- with --audit: `audit verify` as a fresh process (it streams: its peak memory should not grow with the ledger).
With --pg (a URL such as $WARRANTBOOK_TEST_PG from scripts/pg.sh's wb_pg_start) the same figures are taken on
PostgreSQL: each size's ledger is a database `wb_scale_<size>` on that server, a copy of the SQLite ledger of that
size (built first when missing): the same rows (events with their hashes, the chain's head, the lock rows), so
the same chain; then folded once there so that it saves its own snapshot.
The load average is printed before and after. Not a test: no assertion on time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from fractions import Fraction as F
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

OPTIONS = 100


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def life(options: int, per_option: int) -> list[object]:
    """Every event of `options` options with about `per_option` events each, decided by core.replay (bench_ledger's
    parties, with exercises of 100 shares so that a long life stays inside the balance, the §6 reserve and the §10 cap)."""
    from bench_ledger import option_of, parties, trading_days  # type: ignore[import-not-found]

    from warrantbook.core import events as ev
    from warrantbook.core.decide import replay
    from warrantbook.core.terms import PaymentMethod

    holders, companies = 10, 1
    cycles = max(1, (per_option - 1) // 5)
    days = trading_days(date(2006, 1, 3), cycles * 2 + 2)
    user: list[ev.Event] = parties(companies, holders, days)
    for i in range(options):
        no, h = f"O{i}", f"h{i % holders}"
        user.append(option_of(i, holders, companies, 1_000_000))
        for c in range(cycles):
            on, paid = days[2 * c + 1], days[2 * c + 2]
            user += [ev.ExerciseNoticeReceived(id=f"{no}-n{c}", on=on, actor=f"holder:{h}", option_no=no, shares=F(100),
                                               method=PaymentMethod.CASH),
                     ev.OptionSurrendered(id=f"{no}-s{c}", on=on, actor="company:c0", option_no=no, notice=f"{no}-n{c}"),
                     ev.PaymentReceived(id=f"{no}-p{c}", on=on, actor="company:c0", option_no=no, notice=f"{no}-n{c}", cash=F("0.01")),
                     ev.SharesDelivered(id=f"{no}-d{c}", on=paid, actor="company:c0", option_no=no, notice=f"{no}-n{c}",
                                        certificates=(f"C-{i}-{c}",))]
    _, decided = replay(user)
    return decided


def build(path: Path, size: int) -> int:
    """A ledger of about `size` events at `path` (reused when it is there already)."""
    from warrantbook.store.ledger import DbSource

    url = f"sqlite:///{path}"
    if path.exists():
        src = DbSource(url)
        n = src.head().count
        if abs(n - size) <= size // 10 + 50:
            src.state()  # without a snapshot of this code's version, this folds from scratch and saves one
            if not any(i.current for i in src.snapshots()):  # a ledger shorter than the automatic interval: saved here,
                src.save_snapshot()  # so that every size starts from a snapshot (the same path at every size)
            src.close()
            return n
        src.close()
        path.unlink()
    per_option = size // OPTIONS
    began = time.perf_counter()
    decided = life(OPTIONS, per_option)
    src = DbSource(url, create=True)
    src.import_events(decided)
    src.close()
    src = DbSource(url)
    src.state()  # the first fold from scratch saves the snapshot (the ledger does so once it holds enough events)
    if not any(i.current for i in src.snapshots()):
        src.save_snapshot()
    n = src.head().count
    src.close()
    print(f"  built {path.name}: {n} events in {time.perf_counter() - began:.1f}s", flush=True)
    return n


COPY_COLUMNS = ("seq", "event_id", "option_no", "version", "kind", "on_date", "actor", "recorded_at", "corrects",
                "idempotency_key", "payload", "prev_hash", "hash", "acted_by")


def pg_url_for(server: str, size: int) -> str:
    """The URL of the database holding the `size` ledger on the PostgreSQL server of `server` (created when missing)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"wb_scale_{size}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def build_pg(url: str, path: Path, size: int) -> int:
    """The PostgreSQL ledger at `url`: a row-for-row copy of the SQLite ledger at `path` (reused when it holds as many)."""
    import sqlite3

    from warrantbook.store.ledger import DbSource

    if path.exists():  # only its rows are read (no fold of it here)
        with sqlite3.connect(path) as lite:
            n_sqlite = int(lite.execute("SELECT count FROM chain WHERE id = 1").fetchone()[0])
        if abs(n_sqlite - size) > size // 10 + 50:
            n_sqlite = build(path, size)
    else:
        n_sqlite = build(path, size)
    src = DbSource(url, create=True)
    n = src.head().count
    if n and abs(n - size) > size // 10 + 50:
        src.close()
        raise SystemExit(f"{url}: holds {n} events, not about {size}: drop the database wb_scale_{size} first")
    if not n:  # (a ledger already there is reused as it is: the benchmarks record on it, as on the SQLite ones)
        began = time.perf_counter()
        raw = src.engine.raw_connection()
        cur = raw.cursor()
        with sqlite3.connect(path) as lite:
            with cur.copy(f"COPY events ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {', '.join(COPY_COLUMNS)} FROM events ORDER BY seq"):
                    copy.write_row(row)
            with cur.copy('COPY locks ("key", last_seq, prev_seq) FROM STDIN') as copy:
                for row in lite.execute('SELECT "key", last_seq, prev_seq FROM locks'):
                    copy.write_row(row)
            count, head = lite.execute("SELECT count, hash FROM chain WHERE id = 1").fetchone()
        cur.execute("UPDATE chain SET count = %s, hash = %s WHERE id = 1", (count, head))
        raw.commit()
        raw.close()
        n = src.head().count
        print(f"  copied {path.name} into {url.split('?')[0].rsplit('/', 1)[-1]}: {n} events in {time.perf_counter() - began:.1f}s",
              flush=True)
    src.close()
    src = DbSource(url)
    src.state()  # without a snapshot of this code's version, this folds from scratch and saves one
    if not any(i.current for i in src.snapshots()):
        src.save_snapshot()
    src.close()
    return n


def fresh(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Run a fresh process; (wall s, CPU s, peak RSS in MB)."""
    began = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args}: exit {status}: {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def last_day(url: str) -> date:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.exec_driver_sql("SELECT max(on_date) FROM events").scalar()
    engine.dispose()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def median_of(runs: list[tuple[float, float, int]]) -> dict[str, float]:
    return {"wall_s": round(statistics.median(r[0] for r in runs), 3), "cpu_s": round(statistics.median(r[1] for r in runs), 3),
            "rss_mb": statistics.median(r[2] for r in runs)}


RECORD = r"""
import sys, time
from datetime import date, timedelta
from fractions import Fraction as F
from warrantbook.core import events as ev
from warrantbook.core.calendars import is_trading_day
from warrantbook.core.terms import PaymentMethod
from warrantbook.store.ledger import DbSource
url, n, start, tag = sys.argv[1], int(sys.argv[2]), date.fromisoformat(sys.argv[3]), sys.argv[4]
began = time.process_time()
src = DbSource(url, snapshot_every=0)
src.state()
opened = time.process_time() - began
day = start
times = []
for k in range(n):
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    no, h = f"O{k % 100}", f"h{k % 100 % 10}"
    t0 = time.process_time()
    src.record(ev.ExerciseNoticeReceived(id=f"{tag}-n{k}", on=day, actor=f"holder:{h}", option_no=no, shares=F(10), method=PaymentMethod.CASH))
    src.record(ev.OptionSurrendered(id=f"{tag}-s{k}", on=day, actor="company:c0", option_no=no, notice=f"{tag}-n{k}"))
    out = src.record(ev.PaymentReceived(id=f"{tag}-p{k}", on=day, actor="company:c0", option_no=no, notice=f"{tag}-n{k}", cash=F("0.01")))
    assert out[-1].kind == "exercise", out
    times.append(time.process_time() - t0)
times.sort()
print(f"{opened} {times[len(times) // 2]} {sum(times) / len(times)}")
"""


def record_cpu(url: str, n: int, tag: str) -> tuple[float, float, float]:
    """A fresh process opens the ledger and records `n` cash exercises: (CPU s to open, median and mean CPU s an exercise)."""
    start = last_day(url)
    out = subprocess.run([sys.executable, "-c", RECORD, url, str(n), start.isoformat(), tag], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def web_first_answer(url: str, timeout: float) -> dict[str, float]:  # float-ok: seconds
    """Start the web app on the ledger (one worker, loopback only) and ask for one option's summary with a token:
    seconds until the first answer, the worker's memory then (VmRSS, MB) and after a second, different request."""
    import secrets
    import urllib.request

    wb = [sys.executable, "-m", "warrantbook.cli.main"]
    name = "bench" + secrets.token_hex(3)
    subprocess.run([*wb, "user", "add", name, "--role", "company", "--party", "c0", "--password", secrets.token_hex(12), "--db", url],
                   check=True, capture_output=True)
    token = json.loads(subprocess.run([*wb, "token", "new", name, "--json", "--db", url], check=True, capture_output=True,
                                      text=True).stdout)["token"]
    port = _free_port()
    day = last_day(url).isoformat()
    began = time.perf_counter()
    server = subprocess.Popen([*wb, "serve", "--db", url, "--port", str(port), "--today", day], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)

    def ask(route: str) -> bool:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{route}", headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def rss() -> float:  # float-ok: megabytes, for printing
        for line in Path(f"/proc/{server.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    try:
        while not ask(f"/api/options/O1?as_of={day}"):
            if time.perf_counter() - began > timeout or server.poll() is not None:
                return {"first_answer_s": -1.0, "rss_mb": rss() if server.poll() is None else 0.0}
            time.sleep(0.2)
        first = time.perf_counter() - began
        memory = rss()
        ask(f"/api/options/O2/quote?shares=100&method=cash&on={day}")
        return {"first_answer_s": round(first, 2), "rss_mb": round(memory), "rss_after_quote_mb": round(rss())}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="ledger sizes in events, comma-separated (the first is the baseline)")
    parser.add_argument("--dir", default="/tmp/wb-scale", help="where the ledgers are built once and kept")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per figure (median)")
    parser.add_argument("--exercises", type=int, default=30, help="exercises recorded per round")
    parser.add_argument("--no-replay", action="store_true", help="skip the reference runs without snapshots (a full replay each)")
    parser.add_argument("--web", action="store_true", help="also the web app's first answer and worker memory (one round per size)")
    parser.add_argument("--web-timeout", type=float, default=300.0, help="seconds to wait for the web app's first answer")
    parser.add_argument("--pg", nargs="?", const=os.environ.get("WARRANTBOOK_TEST_PG", ""), default=None,
                        help="PostgreSQL: the server's URL (default $WARRANTBOOK_TEST_PG); one database wb_scale_<size> a size")
    parser.add_argument("--audit", action="store_true", help="also `audit verify` as a fresh process at every size (time, peak memory)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.pg == "":
        parser.error("--pg: no URL given and $WARRANTBOOK_TEST_PG is not set (source scripts/pg.sh; wb_pg_start)")
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {_load()} ({os.cpu_count()} cores)", flush=True)
    paths = {size: folder / f"ledger-{size}.db" for size in sizes}
    ledgers = {size: pg_url_for(args.pg, size) if args.pg else f"sqlite:///{path}" for size, path in paths.items()}
    print(f"backend: {'postgresql' if args.pg else 'sqlite'}", flush=True)
    counts = {}
    for size, path in paths.items():  # built by a child process: this one stays small, so its children's peak memory is their own
        build_args = ["--build-pg", ledgers[size]] if args.pg else ["--build"]
        out = subprocess.run([sys.executable, __file__, *build_args, str(path), str(size)], check=True, capture_output=True, text=True)
        print(out.stdout, end="", flush=True)
        counts[size] = int(out.stdout.split()[-1])
    wb = [sys.executable, "-m", "warrantbook.cli.main"]
    start_only = median_of([fresh([sys.executable, "-c", "import warrantbook.cli.main"]) for _ in range(args.rounds)])
    print(f"process start (import warrantbook.cli.main): {start_only}", flush=True)
    figures: dict[str, object] = {"load_start": _load(), "process_start": start_only, "sizes": {}}
    commands = {
        "show": ["show", "--option", "O1", "--json"],
        "quote": ["quote", "--option", "O1", "--shares", "1000", "--method", "cash", "--json"],
        "list": ["list", "--json"],
    }
    results: dict[int, dict[str, object]] = {}
    for rnd in range(args.rounds):  # rounds interleave the sizes, so machine noise hits every size alike
        for size, url in ledgers.items():
            day = last_day(url).isoformat()
            r = results.setdefault(size, {"events": counts[size]})
            for name, cmd in commands.items():
                extra = ["--on", day] if name == "quote" else ["--as-of", day]
                runs = r.setdefault(name, [])
                assert isinstance(runs, list)
                runs.append(fresh([*wb, *cmd, *extra, "--db", url]))
            runs = r.setdefault("record", [])
            assert isinstance(runs, list)
            runs.append(record_cpu(url, args.exercises, f"b{int(time.time())}{rnd}"))
            if args.audit:
                runs = r.setdefault("audit_verify", [])
                assert isinstance(runs, list)
                runs.append(fresh([*wb, "audit", "verify", "--json", "--db", url]))
            if not args.no_replay and rnd == 0:
                r["show_without_snapshots"] = [fresh([*wb, *commands["show"], "--as-of", day, "--db", url],
                                                     {"WARRANTBOOK_SNAPSHOTS": "off"})]
    base = sizes[0]
    table: dict[str, object] = {}
    for size in sizes:
        r = results[size]
        row: dict[str, object] = {"events": r["events"]}
        for name in (*commands, "audit_verify", "show_without_snapshots"):
            if name in r:
                row[name] = median_of(r[name])  # type: ignore[arg-type]
        rec = r["record"]
        assert isinstance(rec, list)
        row["record"] = {"open_cpu_s": round(statistics.median(x[0] for x in rec), 3),
                         "cpu_ms_per_exercise": round(1000 * statistics.median(x[1] for x in rec), 3),
                         "mean_cpu_ms_per_exercise": round(1000 * statistics.median(x[2] for x in rec), 3)}
        table[str(size)] = row
    if args.web:
        for size, url in ledgers.items():
            table[str(size)]["web"] = web_first_answer(url, args.web_timeout)  # type: ignore[index]
            print(f"web {size:>9,} events: {table[str(size)]['web']}", flush=True)  # type: ignore[index]
    figures["sizes"] = table
    figures["load_end"] = _load()
    print(f"\n{'':14}" + "".join(f"{s:>22}" for s in sizes))
    for name in (*commands, "audit_verify", "show_without_snapshots"):
        line = f"{name:14}"
        for size in sizes:
            v = table[str(size)].get(name)  # type: ignore[union-attr]
            if v is None:
                line += f"{'-':>22}"
                continue
            b = table[str(base)][name]  # type: ignore[index]
            line += f"{v['wall_s']:>7.2f}s {v['cpu_s']:>5.2f}c {v['rss_mb']:>4.0f}M x{v['cpu_s'] / b['cpu_s']:>4.2f}"
        print(line)
    line = f"{'record ms/ex':14}"
    for size in sizes:
        v = table[str(size)]["record"]  # type: ignore[index]
        b = table[str(base)]["record"]  # type: ignore[index]
        line += f"{v['cpu_ms_per_exercise']:>9.2f}ms cpu  x{v['cpu_ms_per_exercise'] / b['cpu_ms_per_exercise']:>4.2f}"
    print(line)
    print(f"(wall s, CPU s, peak RSS, CPU relative to {base:,} events; process start alone {start_only['cpu_s']:.2f} CPU s)")
    print(f"load average at end: {_load()}")
    if args.json:
        print(json.dumps(figures, indent=2))
    _ = F, resource
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        print(f"  ledger {sys.argv[2]}: {build(Path(sys.argv[2]), int(sys.argv[3]))}")
        raise SystemExit(0)
    if sys.argv[1:2] == ["--build-pg"]:
        print(f"  ledger {sys.argv[2].split('?')[0]}: {build_pg(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))}")
        raise SystemExit(0)
    raise SystemExit(main())
