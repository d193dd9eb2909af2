"""SQLite pages written per commit: WAL frames per notice, exercise and quote, and by b-tree (table or index).

The commit loop of bench_ledger (cashless exercises, five a trading day, a quote of each company a day), on a fresh
SQLite ledger with automatic checkpoints off, so every page a commit writes stays in the WAL: frames counted from the
WAL's size, then mapped to the b-tree that owns each page (SQLite's dbstat table; a page is counted under its owner
at the end of the run). Beside it the raw baselines' tables: `id BIGINT PRIMARY KEY` (bench_ledger's first
baseline: a rowid table and an index) and `id INTEGER PRIMARY KEY` (the rowid itself). Counts, not timings.

Usage:
    python bench/bench_pages.py [--exercises 500]
"""

from __future__ import annotations

import argparse
import sqlite3
import struct
import sys
import tempfile
from collections import Counter
from datetime import date
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))

from bench_ledger import PAYLOAD, option_of, parties, trading_days  # noqa: E402

from warrantbook.core import events as ev  # noqa: E402
from warrantbook.core.terms import PaymentMethod, Venue  # noqa: E402
from warrantbook.store.ledger import DbSource  # noqa: E402

HEADER, FRAME_HEADER = 32, 24


def frames(wal: Path, page: int) -> int:
    size = wal.stat().st_size if wal.exists() else 0
    return (size - HEADER) // (FRAME_HEADER + page) if size else 0


def by_btree(db: Path, wal: Path, page: int) -> tuple[int, Counter[str]]:
    """(commits, frames per owning b-tree) of the WAL as it stands."""
    with sqlite3.connect(db) as con:
        label = {}
        for (index,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall():
            columns = [str(c[2]) for c in con.execute(f'PRAGMA index_info("{index}")')]
            label[index] = f"{index} ({', '.join(columns)})"
        owner = {number: label.get(name, name) for number, name in con.execute("SELECT pageno, name FROM dbstat")}
    data = wal.read_bytes()
    per: Counter[str] = Counter()
    commits = 0
    for at in range(HEADER, len(data) - FRAME_HEADER, FRAME_HEADER + page):
        number, size_after = struct.unpack(">II", data[at:at + 8])
        per[owner.get(number, "(freed)")] += 1
        commits += size_after != 0  # a commit's last frame records the database's size
    return commits, per


def keep_frames(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def ledger_pages(n: int) -> dict[str, Any]:
    holders, companies = 20, 2
    options = holders * 5
    with tempfile.TemporaryDirectory(prefix="wb-pages-") as folder:
        db = Path(folder) / "ledger.db"
        wal = Path(f"{db}-wal")
        url = f"sqlite:///{db}"
        src = DbSource(url, create=True, snapshot_every=0)  # every connection keeps every frame (keep_frames)
        src.record_all(parties(companies, holders, []) + [option_of(i, holders, companies, 100_000_000) for i in range(options)])
        with sqlite3.connect(db) as con:
            page = int(con.execute("PRAGMA page_size").fetchone()[0])
        days = trading_days(date(2006, 3, 1), (n + 100) // 5 + 3)
        k = 0
        spent = Counter[str]()

        def run(count: int) -> None:
            nonlocal k
            for _ in range(count // 5):
                day, quote_day = days[1 + k // 5], days[k // 5]
                before = frames(wal, page)
                for c in range(companies):
                    src.record(ev.Quote(id=f"q-c{c}-{quote_day}", on=quote_day, actor=f"company:c{c}", company=f"c{c}", venue=Venue.OTCBB,
                                        bid=F("0.0240"), ask=F("0.0260")))
                quoted = frames(wal, page)
                notices = []
                for _ in range(5):
                    notices.append(ev.ExerciseNoticeReceived(id=f"n{k}", on=day, actor=f"holder:h{k % options % holders}",
                                                             option_no=f"O{k % options}", shares=F(1000), method=PaymentMethod.CASHLESS))
                    k += 1
                for e in notices:
                    src.record(e)
                noticed = frames(wal, page)
                for e in notices:
                    company = f"company:c{int(e.actor.split(':h')[1]) % companies}"
                    src.record(ev.OptionSurrendered(id=f"s-{e.id}", on=e.on, actor=company, option_no=e.option_no, notice=e.id))
                spent["quote"] += quoted - before
                spent["notice"] += noticed - quoted
                spent["exercise"] += frames(wal, page) - noticed

        run(100)  # warm up: the tables past their first pages
        with sqlite3.connect(db) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        spent.clear()
        run(n)
        commits, per = by_btree(db, wal, page)
        src.close()
    quotes = n // 5 * companies
    return {"notice": spent["notice"] / n, "exercise": spent["exercise"] / n, "quote": spent["quote"] / quotes,
            "commits": commits, "by_btree": {name: count / commits for name, count in per.most_common()}}


def raw_pages(key: str, n: int) -> float:
    """WAL pages per commit of the raw baseline's insert + commit into `id <key> PRIMARY KEY`."""
    with tempfile.TemporaryDirectory(prefix="wb-pages-") as folder:
        db = Path(folder) / "raw.db"
        con = sqlite3.connect(db, isolation_level=None)
        try:
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "wal_autocheckpoint=0"):
                con.execute(f"PRAGMA {pragma}")
            con.execute(f"CREATE TABLE bench_raw (id {key} PRIMARY KEY, payload TEXT NOT NULL)")
            page = int(con.execute("PRAGMA page_size").fetchone()[0])
            for i in range(100 + n):
                if i == 100:  # warmed up: count from an empty WAL
                    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("BEGIN IMMEDIATE")
                con.execute("INSERT INTO bench_raw VALUES (?, ?)", (i, PAYLOAD))
                con.execute("COMMIT")
            return frames(Path(f"{db}-wal"), page) / n  # before closing: the last close checkpoints and removes the WAL
        finally:
            con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exercises", type=int, default=500, help="exercises to count (default 500)")
    args = parser.parse_args(argv)
    sa.event.listen(sa.engine.Engine, "connect", keep_frames)  # every engine's connections: no automatic checkpoint
    r = ledger_pages(args.exercises)
    print(f"SQLite WAL pages per commit ({args.exercises} exercises after 100 to warm up): notice {r['notice']:.2f}, "
          f"exercise {r['exercise']:.2f}, quote {r['quote']:.2f}")
    print(f"  by b-tree, per commit ({r['commits']} commits): "
          + ", ".join(f"{name} {count:.2f}" for name, count in r["by_btree"].items()))
    for key in ("BIGINT", "INTEGER"):
        print(f"  raw insert+commit into `id {key} PRIMARY KEY`: {raw_pages(key, args.exercises):.2f} pages per commit")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
