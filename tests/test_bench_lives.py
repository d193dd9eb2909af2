"""The lives the benchmarks record are lives the rules accept: a rule that tightens (a §10 cure now needs the holder's
signature) must not leave a benchmark raising at its first refusal. Small sizes; the figures are the benchmarks' own."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench_ledger():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("bench_ledger")
    finally:
        sys.path.remove(str(BENCH))


def test_the_rebuild_life_is_decided_whole(bench_ledger) -> None:  # type: ignore[no-untyped-def]
    decided, _seconds = bench_ledger.life(options=3, per_option=20, holders=2, companies=1)
    kinds = {e.kind for e in decided}
    assert {"exercise", "delivery", "default-cure"} <= kinds  # the life reached its closing events, the cure included
    assert len([e for e in decided if e.kind == "exercise"]) == 3 * ((20 - 5) // 5)
