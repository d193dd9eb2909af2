"""Decoding stored events: core.codec's compiled decoders with msgspec's JSON parser, beside the reference decoder
(the type hints taken apart per value, `_decode_generic`) with the standard library's json.loads, in the same run.

    python bench/bench_decode.py [--rounds 5] [--copies 40]

The payloads are the canonical JSON of the seed option's decided life (every kind it records) and of 500 cash
exercises' events (notice, surrender, payment, exercise, delivery: what a long ledger mostly holds). Prints the
median microseconds an event of each over the rounds, their ratio and the load average. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from warrantbook.core import codec  # noqa: E402
from warrantbook.core.audit import canonical  # noqa: E402
from warrantbook.core.decide import replay  # noqa: E402
from warrantbook.seed import seed_life  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=40, help="copies of the seed life's payloads")
    args = parser.parse_args()
    from bench_scale import life  # type: ignore[import-not-found]

    _, seed = replay(seed_life())
    events = list(seed) * args.copies + life(5, 500)
    payloads = [canonical(e) for e in events]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(payloads)} payloads")
    ref_times, fast_times = [], []
    for _ in range(args.rounds):
        began = time.perf_counter()
        ref = [codec._decode_dataclass_generic(codec.REGISTRY[d["type"]], d, "event") for d in map(json.loads, payloads)]
        ref_times.append((time.perf_counter() - began) / len(payloads))
        began = time.perf_counter()
        fast = [codec.event_from_json(p) for p in payloads]
        fast_times.append((time.perf_counter() - began) / len(payloads))
        assert fast == ref
    r, f = statistics.median(ref_times) * 1e6, statistics.median(fast_times) * 1e6
    print(f"reference (json.loads + generic decoder): {r:.1f} us an event; compiled + msgspec: {f:.1f} us; {r / f:.2f}x faster")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
