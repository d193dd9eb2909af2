"""One golden text per kind: the PDF read back with `pdftotext -layout`, compared line by line.

The audit head is masked (it changes whenever the sample life gains an event; test_record checks it is the
source's head). To accept a deliberate change of wording or layout, run with WB_UPDATE_GOLDEN=1 and review
the diff of tests/documents/golden/ before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.documents.conftest import needs_poppler
from warrantbook.documents.sample import SAMPLE_CASES

pytestmark = needs_poppler

GOLDEN = Path(__file__).parent / "golden"
CASES = SAMPLE_CASES


def normalized(text: str) -> str:
    text = re.sub(r"audit head [0-9a-f]{64} · \d+ events", "audit head <hash> · <count> events", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"


@pytest.mark.parametrize("kind,event,option", CASES, ids=[c[0] for c in CASES])
def test_golden(make, kind, event, option):
    got = normalized(make(kind, event, option).text)
    path = GOLDEN / f"{kind}.txt"
    if os.environ.get("WB_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(got, encoding="utf-8")
        if os.environ.get("WB_UPDATE_GOLDEN") != "1":
            pytest.fail(f"wrote the missing golden file {path}; review it and run again")
    assert got == path.read_text(encoding="utf-8"), f"{kind} differs from {path} (WB_UPDATE_GOLDEN=1 to accept a deliberate change)"
