"""Real parallel processes on both backends: exactly one wins, and no invariant of the agreement breaks.

Each worker is a separate OS process with its own connection. Workers first read the ledger (so each has
decided against the same state), then start their write together at a barrier. The winner commits; every
loser either gets Conflict (exit code 3: a concurrent change won, nothing written) or, when it read after
the winner committed, the agreement's own refusal (exit code 1, citing the section). Nothing else.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from fractions import Fraction as F
from multiprocessing.connection import Connection
from typing import Any

import pytest

from tests.store.backends import cash_notice, issue, make_ledger, payment, surrender
from warrantbook.core import events as ev
from warrantbook.core.decide import reservation
from warrantbook.core.errors import WarrantbookError
from warrantbook.store import ledger as ledger_module
from warrantbook.store.ledger import DbSource

CTX = mp.get_context("fork")
RESULTS: Counter[str] = Counter()  # tallied for the closing note (printed with -s)


def _worker(url: str, event: ev.Event, start: Any, out: Connection, hold: Any | None, busy_timeout: float | None,
            key: str | None, inside: bool) -> None:
    code, text = 0, ""
    try:
        src = DbSource(url, busy_timeout=busy_timeout)
        src.state()  # read first: every worker decides against the same state
        if hold is not None and not inside:  # force both to decide before either writes (the race the locks must catch)
            real = ledger_module.decide

            def decide_then_wait(state: Any, e: ev.Event) -> list[ev.Event]:
                decided = real(state, e)
                hold()
                return decided

            ledger_module.decide = decide_then_wait  # type: ignore[assignment]
        elif hold is not None:  # keep the write transaction (and SQLite's write lock) open for a while
            real_append = DbSource._append

            def append_then_wait(self: DbSource, *args: Any) -> int:
                count = real_append(self, *args)
                hold()
                return count

            DbSource._append = append_then_wait  # type: ignore[method-assign]
        start.wait(timeout=30)
        recorded = src.record(event, idempotency_key=key)
        text = ",".join(e.id for e in recorded)
    except WarrantbookError as exc:
        code, text = exc.exit_code, str(exc)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        code, text = 99, f"{type(exc).__name__}: {exc}"
    out.send((code, text))
    out.close()
    os._exit(0)


def race(url: str, events: list[ev.Event], *, hold: Callable[[], None] | None = None, busy_timeout: float | None = None,
         key: str | None = None, inside: bool = False) -> list[tuple[int, str]]:
    """Run one process per event, all writing at once; their (exit code, message or ids)."""
    start = CTX.Barrier(len(events))
    procs, pipes = [], []
    for e in events:
        mine, theirs = CTX.Pipe(duplex=False)
        p = CTX.Process(target=_worker, args=(url, e, start, theirs, hold, busy_timeout, key, inside))
        p.start()
        procs.append(p)
        pipes.append(mine)
    results = [pipe.recv() if pipe.poll(60) else (98, "no answer") for pipe in pipes]
    for p in procs:
        p.join(30)
    assert all(code in (0, 1, 3) for code, _ in results), results
    for code, _ in results:
        RESULTS[{0: "won", 1: "refused", 3: "conflict"}[code]] += 1
    return results


def _linger_first(gate: Any) -> None:
    """The first writer to append keeps its transaction (and SQLite's write lock) open for a while."""
    if not gate.is_set():
        gate.set()
        time.sleep(1.5)


def _one_winner(results: list[tuple[int, str]]) -> None:
    assert sum(1 for code, _ in results if code == 0) == 1, results


def _ledger(url: str) -> DbSource:
    src = make_ledger(url)
    src.close()  # no open connection is inherited by the forked workers
    return src


def test_two_exercises_of_one_option_never_over_issue(url: str) -> None:
    src = _ledger(url)
    # two notices of 60,000,000 each on ATG-5 (100,000,000, no cap), both surrendered: only one can be paid
    src.record_all([cash_notice("n-a", "ATG-5", "other", 60_000_000), cash_notice("n-b", "ATG-5", "other", 60_000_000),
                    surrender("s-a", "ATG-5", "n-a"), surrender("s-b", "ATG-5", "n-b")])
    src.close()
    results = race(url, [payment("p-a", "ATG-5", "n-a", F(600)), payment("p-b", "ATG-5", "n-b", F(600))])
    _one_winner(results)
    check = DbSource(url)
    option = check.state().options["ATG-5"]
    effected = [e for e in check.events() if isinstance(e, ev.ExerciseEffected)]
    assert option.remaining == 40_000_000 and [e.shares_exercised for e in effected] == [60_000_000]
    assert check.verify().ok
    check.close()


def test_two_exercises_of_different_options_of_one_group_never_over_cap(url: str) -> None:
    src = _ledger(url)
    # the group may receive 49,880,000 more shares (4.99% of 1,200,000,000 - 10,000,000): 30M + 30M is too much
    src.record_all([cash_notice("n-1", "ATG-1", "gssf", 30_000_000), cash_notice("n-9", "ATG-9", "affiliate", 30_000_000),
                    surrender("s-1", "ATG-1", "n-1"), surrender("s-9", "ATG-9", "n-9")])
    src.close()
    results = race(url, [payment("p-1", "ATG-1", "n-1", F(300)), payment("p-9", "ATG-9", "n-9", F(300))])
    _one_winner(results)
    check = DbSource(url)
    state = check.state()
    issued = sum(e.whole_shares for e in check.events() if isinstance(e, ev.ExerciseEffected))
    assert issued == 30_000_000
    assert state.owned_on("gssf", "atg", date(2007, 1, 1)) == 40_000_000  # 10M + one exercise, never two
    assert check.verify().ok
    check.close()


def test_two_issues_never_under_reserve(url: str) -> None:
    src = _ledger(url)
    src.close()
    # 800,000,000 available, 290,250,000 already needed: room for one 300,000,000 option, not two
    results = race(url, [issue("i-x", "ATG-X", "other", 300_000_000), issue("i-y", "ATG-Y", "other", 300_000_000)])
    _one_winner(results)
    check = DbSource(url)
    r = reservation(check.state(), "atg", date(2006, 3, 1))
    assert r.shortfall == 0 and r.required == 590_250_000
    assert check.verify().ok
    check.close()


def test_many_writers_on_one_option_exactly_one_wins(url: str) -> None:
    src = _ledger(url)
    src.record(cash_notice("n-only", "ATG-5", "other", 1_000))
    src.close()
    # four clerks record the same surrender at once (different ids): the option can be surrendered once
    results = race(url, [surrender(f"s-{i}", "ATG-5", "n-only") for i in range(4)])
    _one_winner(results)
    check = DbSource(url)
    assert sum(1 for e in check.events() if isinstance(e, ev.OptionSurrendered)) == 1
    assert check.verify().ok
    check.close()


def test_the_loser_of_a_true_race_gets_conflict(url: str) -> None:
    """Both decide against the same state before either writes: the locks, not the rules, must stop one."""
    src = _ledger(url)
    src.record_all([cash_notice("n-1", "ATG-1", "gssf", 30_000_000), cash_notice("n-9", "ATG-9", "affiliate", 30_000_000),
                    surrender("s-1", "ATG-1", "n-1"), surrender("s-9", "ATG-9", "n-9")])
    src.close()
    if src.backend == "sqlite":
        # SQLite lets one writer in at a time (BEGIN IMMEDIATE): a writer kept waiting past the busy timeout
        # gets Conflict ("database is locked"), not a crash and not a half-written event
        results = race(url, [payment("p-1", "ATG-1", "n-1", F(300)), payment("p-9", "ATG-9", "n-9", F(300))],
                       hold=functools.partial(_linger_first, CTX.Event()), busy_timeout=0.3, inside=True)
        assert sorted(code for code, _ in results) == [0, 3], results
        assert "locked" in next(text for code, text in results if code == 3)
    else:
        both = CTX.Barrier(2)
        results = race(url, [payment("p-1", "ATG-1", "n-1", F(300)), payment("p-9", "ATG-9", "n-9", F(300))],
                       hold=lambda: both.wait(timeout=20) and None)
        assert sorted(code for code, _ in results) == [0, 3], results
        message = next(text for code, text in results if code == 3)
        assert "group gssf-group" in message or "company atg" in message, message
        assert "Nothing was written" in message
    check = DbSource(url)
    assert sum(1 for e in check.events() if isinstance(e, ev.ExerciseEffected)) == 1
    assert check.verify().ok
    check.close()


def test_a_retry_racing_itself_records_once(url: str) -> None:
    src = _ledger(url)
    src.close()
    results = race(url, [cash_notice(f"n-{i}", "ATG-5", "other", 1_000) for i in range(3)], key="same-request")
    ok = [text for code, text in results if code == 0]
    assert len(ok) >= 1 and len(set(ok)) == 1, results  # every winner got the one first result
    assert all(code in (0, 3) for code, _ in results)
    check = DbSource(url)
    assert sum(1 for e in check.events() if isinstance(e, ev.ExerciseNoticeReceived)) == 1
    check.close()


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\nconcurrency outcomes: {dict(RESULTS)}")
