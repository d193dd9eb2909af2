"""Crash safety: SIGKILL the writing process inside a transaction, in the middle of a stream of commands.

Afterwards every acknowledged event is there, the one in flight is not, nothing is half-written (no
exercise effected without the payment that completed it, or the reverse), the chain verifies, and the
ledger takes the next command.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction as F
from multiprocessing.connection import Connection
from typing import Any

import pytest

from tests.store.backends import cash_notice, make_ledger, payment, surrender
from warrantbook.core import events as ev
from warrantbook.store.ledger import DbSource

CTX = mp.get_context("fork")
CRASHES: Counter[str] = Counter()


def _stream(i: int) -> list[ev.Event]:
    """One cash exercise of 1,000 shares of ATG-5: three commands, the last writes two events."""
    return [cash_notice(f"n{i}", "ATG-5", "other", 1_000), surrender(f"s{i}", "ATG-5", f"n{i}"), payment(f"p{i}", "ATG-5", f"n{i}", F("0.01"))]


def _writer(url: str, out: Connection, kill_inside: int | None) -> None:
    src = DbSource(url)
    if kill_inside is not None:
        real = DbSource._append
        done = [0]

        def append_then_wait(self: DbSource, conn: Any, decided: list[ev.Event], *args: Any) -> int:
            count = real(self, conn, decided, *args)  # rows written, head moved, not yet committed
            done[0] += 1
            if done[0] == kill_inside:
                out.send(("inside", [e.id for e in decided]))
                time.sleep(60)  # the parent kills us here
            return count

        DbSource._append = append_then_wait  # type: ignore[method-assign]
    for i in range(10_000):
        for e in _stream(i):
            recorded = src.record(e)
            out.send(("ack", [x.id for x in recorded]))
    os._exit(0)


def _crash(url: str, kill_inside: int | None, after_seconds: float = 0.0) -> tuple[set[str], set[str]]:
    """Run the stream and kill it; the acknowledged ids and the ids in flight when it died."""
    mine, theirs = CTX.Pipe(duplex=False)
    proc = CTX.Process(target=_writer, args=(url, theirs, kill_inside))
    proc.start()
    theirs.close()
    acked: set[str] = set()
    in_flight: set[str] = set()
    deadline = time.monotonic() + (after_seconds if kill_inside is None else 60)
    while time.monotonic() < deadline:
        if not mine.poll(0.01):
            continue
        kind, ids = mine.recv()
        if kind == "ack":
            acked.update(ids)
        else:
            in_flight.update(ids)
            break
    os.kill(proc.pid or 0, signal.SIGKILL)
    proc.join(10)
    while mine.poll(0.05):  # acknowledgments already sent before the kill still count
        try:
            kind, ids = mine.recv()
        except EOFError:
            break
        (acked if kind == "ack" else in_flight).update(ids)
    return acked, in_flight


@pytest.fixture
def ledger_url(url: str) -> Iterator[str]:
    make_ledger(url).close()
    yield url


@pytest.mark.parametrize("kill", ["inside the 4th transaction", "inside the 17th transaction", "at a random moment"])
def test_sigkill_mid_stream_loses_nothing_acknowledged_and_leaves_nothing_half_written(ledger_url: str, kill: str) -> None:
    kill_inside = {"inside the 4th transaction": 4, "inside the 17th transaction": 17}.get(kill)
    acked, in_flight = _crash(ledger_url, kill_inside, after_seconds=random.uniform(0.3, 0.8))
    assert acked, "the writer acknowledged nothing before it was killed"
    if kill_inside is not None:
        assert in_flight, "the writer was not inside a transaction when killed"
    src = DbSource(ledger_url)
    ids = {e.id for e in src.events()}
    assert acked <= ids, acked - ids  # every acknowledged event survived
    assert not (in_flight & ids), in_flight & ids  # the one in flight left no trace
    for e in src.events():  # nothing half-written: a payment that completed an exercise and the exercise go together
        if isinstance(e, ev.ExerciseEffected):
            assert f"p{e.notice[1:]}" in ids
        if isinstance(e, ev.PaymentReceived):
            assert f"{e.notice}.effected" in ids
    assert src.verify().ok
    head = src.head()
    src.record(cash_notice("after-crash", "ATG-5", "other", 1_000))  # and the ledger goes on
    assert src.head().count == head.count + 1
    src.close()
    CRASHES["killed" if kill_inside is None else "killed inside a transaction"] += 1
    CRASHES["acknowledged events found"] += len(acked)
    CRASHES["in-flight events found"] += len(in_flight & ids)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\ncrash results: {dict(CRASHES)}")
