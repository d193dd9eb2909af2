"""The chain's canonical text (core.audit.canonical_text) is written by msgspec but must be, byte for byte, what the
standard library's sorted, compact, non-ASCII-escaping JSON gives: every hash ever recorded depends on it.

Generated plain data of every shape the codec produces (str keys; text from the whole of Unicode, control characters,
quotes and backslashes included; integers of any size; booleans, None, lists, nested objects), and the cases msgspec
refuses (a lone surrogate), which go to the standard library.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from warrantbook.core.audit import canonical, canonical_text
from warrantbook.core.codec import encode
from warrantbook.seed import seed_life

REFERENCE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

TEXT = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", '"', "\\", "\x00\x1f\x7f", "\t\n\r\b\f", "\u2028\u2029", "é𝄞", "\uffff", "</script>", "0.00001", "1/3"])
SCALARS = st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**200), max_value=2**200) | TEXT
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(TEXT, inner, max_size=5), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(DATA)
def test_canonical_text_is_the_standard_librarys(data: Any) -> None:
    assert canonical_text(data) == REFERENCE.encode(data)


def test_what_msgspec_refuses_is_written_by_the_standard_library() -> None:
    data = {"lone": "a\ud800b", "ok": "é"}
    assert canonical_text(data) == REFERENCE.encode(data)


def test_every_event_of_the_seed_life_keeps_its_canonical_text() -> None:
    events = seed_life()
    assert events
    for e in events:
        assert canonical(e) == REFERENCE.encode(encode(e, keep_defaults=True)), e.id
