"""Tamper evidence: a hash chain over the recorded events.

Each event's link is SHA-256 over the previous link and the event's canonical content (sorted-key JSON of
its encoded fields, exact numbers as text). The chain is global, in the order events were recorded: one
head anchors everything, so a user keeps a single (hash, count) pair elsewhere to detect a cut-off tail.
The store and the book use the same functions, so a head printed on a document means the same thing
whichever source made it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec

from warrantbook.core.codec import encode
from warrantbook.core.events import Event

GENESIS = "0" * 64


# what json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds on every call, built once
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# the same text, written by msgspec (keys sorted, no spaces, text as UTF-8 with the same escapes: `"`, `\`, the
# control characters); the encoded data holds only str keys, str, int, bool, None, lists and dicts (no floats)
_CANONICAL_FAST = msgspec.json.Encoder(order="sorted")


def canonical_text(data: Any) -> str:
    """Plain data as canonical JSON text: the standard library's sorted, compact, non-ASCII-escaping form, byte for byte
    (tests/core/test_canonical_text.py). msgspec writes it several times faster; what it refuses (a lone surrogate)
    goes to the standard library, which gives what it always gave."""
    try:
        return _CANONICAL_FAST.encode(data).decode("utf-8")
    except (TypeError, ValueError, UnicodeError, OverflowError):
        return _CANONICAL_JSON.encode(data)


def canonical(event: Event) -> str:
    """The event's content as canonical text: what the chain hashes."""
    return canonical_text(encode(event, keep_defaults=True))


def link(previous: str, content: str) -> str:
    return hashlib.sha256((previous + "\n" + content).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Head:
    hash: str
    count: int

    def as_json(self) -> dict[str, object]:
        return {"hash": self.hash, "count": self.count}


def head_of(events: Iterable[Event]) -> Head:
    h = GENESIS
    n = 0
    for e in events:
        h = link(h, canonical(e))
        n += 1
    return Head(h, n)
