"""A bounded load test of the running server: reads and writes mixed, with and without slow requests among them.

    python bench/bench_load.py                       # about a minute: 24 connections, 2 uvicorn workers, 2 rounds
    python bench/bench_load.py --connections 32 --seconds 10 --rounds 3

The ledger is the seed option's illustrative life in a fresh SQLite file (WAL), served by `warrantbook.web.server`
(as `warrantbook serve` runs it) on 127.0.0.1 only. Every round runs two phases of --seconds each, one after the
other, against the same server:

- "quick only": every connection loops over quick requests: one option's summary, a quote for a varied number
  of shares, the option list, who-am-I; one request in eight is a write (a company's shares-outstanding fact,
  each with its own Idempotency-Key);
- "with slow": the same, while a quarter of the connections send slow requests instead: the option list as of a
  random day (a fold for a day not cached), the chain's full `audit verify`, a PDF document, a chart.

Printed: the p50 and p99 of the quick requests of each phase side by side (the median over the rounds), the
slow requests' p50, the rates, server errors (any 5xx: must be 0) and lost writes (a write the server
acknowledged with 201 that is not in the ledger afterwards: must be 0), with the load average before and after.
A timing is never asserted in the test suite; this script prints them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_web import free_port, start, stop  # noqa: E402


@dataclass
class Tally:
    quick: list[float] = field(default_factory=list)  # seconds  # float-ok: timings
    slow: list[float] = field(default_factory=list)  # float-ok: timings
    writes: list[float] = field(default_factory=list)  # float-ok: timings
    server_errors: int = 0
    other: dict[int | str, int] = field(default_factory=dict)
    acknowledged: list[str] = field(default_factory=list)  # ids of writes answered 201
    conflicts: int = 0


def p(values: list[float], q: float) -> float:  # float-ok: timings
    if not values:
        return float("nan")  # float-ok: timings
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def connection(client: httpx.AsyncClient, tokens: dict[str, str], tally: Tally, until: float, slow: bool, last: date) -> None:
    rnd = random.Random()
    holder = {"Authorization": f"Bearer {tokens['gssf']}"}
    company = {"Authorization": f"Bearer {tokens['atg']}"}
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    n = 0
    while time.monotonic() < until:
        n += 1
        if slow:
            pick = n % 4
            if pick == 0:
                day = date(2005, 9, 7) + timedelta(days=rnd.randrange(0, (last - date(2005, 9, 7)).days + 1))
                req = client.build_request("GET", f"/api/options?as_of={day.isoformat()}", headers=auditor)
            elif pick == 1:
                req = client.build_request("GET", "/api/audit/verify", headers=auditor)
            elif pick == 2:
                req = client.build_request("POST", "/api/documents", headers=auditor, json={"kind": "option-certificate", "option": "ATG-3"})
            else:
                day = date(2005, 9, 7) + timedelta(days=rnd.randrange(0, (last - date(2005, 9, 7)).days + 1))
                req = client.build_request("GET", f"/api/options/ATG-3/chart?as_of={day.isoformat()}", headers=auditor)
            kind = "slow"
        elif n % 8 == 0:
            key = f"load-{os.getpid()}-{id(tally)}-{rnd.getrandbits(64):x}"
            req = client.build_request("POST", "/api/companies/atg/outstanding", headers={**company, "Idempotency-Key": key},
                                       json={"shares": str(1_200_000_000), "source": "bench", "on": last.isoformat()})
            kind = "write"
        else:
            pick = n % 4
            path = ("/api/options/ATG-3", f"/api/options/ATG-3/quote?shares={rnd.randrange(1_000_000, 184_400_000)}&method=cashless"
                    f"&on=2006-10-02", "/api/options", "/api/me")[pick]
            req = client.build_request("GET", path, headers=holder)
            kind = "quick"
        t0 = time.perf_counter()
        try:
            r = await client.send(req)
        except httpx.HTTPError as exc:
            tally.server_errors += 1
            tally.other[type(exc).__name__] = tally.other.get(type(exc).__name__, 0) + 1
            continue
        took = time.perf_counter() - t0
        if r.status_code >= 500:
            tally.server_errors += 1
            tally.other[f"{r.status_code} {req.method} {req.url.path}"] = tally.other.get(f"{r.status_code} {req.method} {req.url.path}", 0) + 1
        elif kind == "write" and r.status_code == 201:
            tally.acknowledged.append(r.json()["recorded"][0]["id"])
        elif kind == "write" and r.status_code == 409:
            tally.conflicts += 1
        elif r.status_code not in (200, 201):
            tally.other[r.status_code] = tally.other.get(r.status_code, 0) + 1
        (tally.slow if kind == "slow" else tally.writes if kind == "write" else tally.quick).append(took)


async def phase(base: str, tokens: dict[str, str], connections: int, seconds: float, with_slow: bool, last: date) -> Tally:
    tally = Tally()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        until = time.monotonic() + seconds
        slow_n = connections // 4 if with_slow else 0
        await asyncio.gather(*(connection(client, tokens, tally, until, i < slow_n, last) for i in range(connections)))
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=12.0)  # float-ok: seconds
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    a = parser.parse_args()
    from warrantbook.cli.web import make_demo
    from warrantbook.store.ledger import DbSource
    from warrantbook.web.auth import UserStore

    folder = tempfile.mkdtemp(prefix="wb-bench-load-")
    url, _logins, last = make_demo(folder)
    store = UserStore.open(url)
    tokens = {name: store.new_token(name, "bench") for name in ("gssf", "atg", "auditor")}
    store.engine.dispose()
    env = {**os.environ, "WARRANTBOOK_WEB_SOURCE": url, "WARRANTBOOK_WEB_TODAY": last.isoformat()}
    env.pop("WARRANTBOOK_WEB_USERS", None)
    port = free_port()
    load_before = os.getloadavg()
    proc = start(["warrantbook.web.app:app_from_env", "--factory", "--workers", str(a.workers)], env, port)
    base = f"http://127.0.0.1:{port}"
    rounds: list[tuple[Tally, Tally]] = []
    try:
        asyncio.run(phase(base, tokens, 4, 2.0, True, last))  # warm both workers' caches and the document renderer
        for _ in range(a.rounds):
            quick_only = asyncio.run(phase(base, tokens, a.connections, a.seconds, False, last))
            with_slow = asyncio.run(phase(base, tokens, a.connections, a.seconds, True, last))
            rounds.append((quick_only, with_slow))
    finally:
        stop(proc)
    load_after = os.getloadavg()
    src = DbSource(url)
    stored = {e.id for e in src.events()}
    verified = src.verify()
    src.close()
    acknowledged = [i for q, s in rounds for t in (q, s) for i in t.acknowledged]
    lost = [i for i in acknowledged if i not in stored]
    errors = sum(t.server_errors for q, s in rounds for t in (q, s))

    def med(values: list[float]) -> float:  # float-ok: timings
        return statistics.median(values)

    ms = 1000.0  # float-ok: timings
    print(f"bench_load: {a.connections} connections, {a.workers} uvicorn workers, {a.rounds} round(s) of 2 x {a.seconds:g} s, "
          f"{os.cpu_count()} cores; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{'phase':<12} {'quick p50':>10} {'quick p99':>10} {'quick/s':>9} {'writes/s':>9} {'write p99':>10} {'slow p50':>9} {'slow/s':>7}")
    for name, idx in (("quick only", 0), ("with slow", 1)):
        ts = [r[idx] for r in rounds]
        print(f"{name:<12} {med([p(t.quick, 0.5) for t in ts]) * ms:>8.1f}ms {med([p(t.quick, 0.99) for t in ts]) * ms:>8.1f}ms "
              f"{med([len(t.quick) / a.seconds for t in ts]):>9.0f} {med([len(t.writes) / a.seconds for t in ts]):>9.1f} "
              f"{med([p(t.writes, 0.99) for t in ts]) * ms:>8.1f}ms "
              + (f"{med([p(t.slow, 0.5) for t in ts]) * ms:>7.0f}ms {med([len(t.slow) / a.seconds for t in ts]):>7.1f}" if idx else
                 f"{'-':>9} {'-':>7}"))
    others: dict[int | str, int] = {}
    for q, s in rounds:
        for t in (q, s):
            for k, v in t.other.items():
                others[k] = others.get(k, 0) + v
    conflicts = sum(t.conflicts for q, s in rounds for t in (q, s))
    print(f"server errors (5xx or dropped): {errors}; writes acknowledged: {len(acknowledged)}, lost: {len(lost)}; "
          f"409 conflicts (safe to retry): {conflicts}; other statuses: {others or 'none'}; chain verifies: {verified.ok}")
    if errors or lost or not verified.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
