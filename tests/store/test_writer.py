"""The records' write transactions run on one kept driver connection (store.engine.HeldWriter): it is durable as
before, a lost race (Conflict) leaves it usable, a broken one is let go and the next record takes a fresh one, and
a forked process never uses its parent's.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from typing import Any

import pytest

from tests.store.backends import cash_notice, make_ledger, surrender
from warrantbook.core.errors import Conflict
from warrantbook.store.ledger import DbSource

CTX = mp.get_context("fork")


def test_records_share_one_kept_connection_with_durable_settings(url: str) -> None:
    src = make_ledger(url)
    src.record(cash_notice("n1", "ATG-5", "other", 1_000))
    kept = src._writer._raw
    assert kept is not None
    src.record(surrender("s1", "ATG-5", "n1"))
    assert src._writer._raw is kept  # no checkout per record
    if src.backend == "sqlite":  # the connection keeps the engine's durability settings
        with src._writer.transaction() as cur:
            cur.execute("PRAGMA synchronous")
            assert cur.fetchone()[0] == 2  # FULL
            cur.execute("PRAGMA journal_mode")
            assert cur.fetchone()[0] == "wal"
    src.close()
    again = DbSource(url)  # what was acknowledged is there for a fresh reader
    assert again.head().count == src.head().count
    assert "s1" in again.state().by_id and again.verify().ok
    again.close()


def test_a_lost_race_keeps_the_connection_and_the_next_record_goes_through(url: str) -> None:
    src = make_ledger(url)
    src.record(cash_notice("n1", "ATG-5", "other", 1_000))
    kept = src._writer._raw
    with pytest.raises(Conflict):
        with src._writer.transaction() as cur:  # a unique violation: another writer recorded the same id first
            cur.execute("INSERT INTO locks (\"key\", last_seq, prev_seq) VALUES ('x', 1, 0)")
            cur.execute("INSERT INTO locks (\"key\", last_seq, prev_seq) VALUES ('x', 1, 0)")
    assert src._writer._raw is kept  # rolled back cleanly: kept
    before = src.head()
    src.record(surrender("s1", "ATG-5", "n1"))
    assert src.head().count == before.count + 1
    assert src.verify().ok
    src.close()


def test_a_broken_connection_is_let_go_and_the_next_record_takes_a_fresh_one(url: str) -> None:
    src = make_ledger(url)
    src.record(cash_notice("n1", "ATG-5", "other", 1_000))
    broken = src._writer._raw
    broken.dbapi_connection.close()  # the server went away, say
    before = src.head()
    with pytest.raises(Exception) as failed:
        src.record(surrender("s1", "ATG-5", "n1"))
    assert not isinstance(failed.value, Conflict)
    assert src.head() == before  # nothing was written
    assert src._writer._raw is None  # let go
    src.record(surrender("s1", "ATG-5", "n1"))  # decided again, on a fresh connection
    assert src.head().count == before.count + 1
    assert src.verify().ok
    src.close()


def _child(src: DbSource, out: Any) -> None:
    try:
        src.record(surrender("s1", "ATG-5", "n1"))
        out.send((src._writer._pid, src.head().count))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        out.send(("error", repr(exc)))
    out.close()
    os._exit(0)


def test_a_forked_process_takes_its_own_connection(url: str) -> None:
    src = make_ledger(url)
    src.record(cash_notice("n1", "ATG-5", "other", 1_000))
    parents = src._writer._raw
    mine, theirs = CTX.Pipe(duplex=False)
    p = CTX.Process(target=_child, args=(src, theirs))
    p.start()
    answer = mine.recv() if mine.poll(60) else ("error", "no answer")
    p.join(30)
    assert answer[0] not in ("error", os.getpid()), answer
    assert src._writer._raw is parents
    src.close()
    again = DbSource(url)
    assert again.head().count == answer[1] and again.verify().ok
    again.close()
