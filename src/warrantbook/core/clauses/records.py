"""The record itself: corrections, documents issued and cap-table facts the agreement does not give.
"""

from __future__ import annotations

from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.core.state import (
    BookState,
)


def _check_correction(state: BookState, e: ev.Correction) -> None:
    if e.corrects not in state.by_id:
        raise BadInput(f"corrects: no event {e.corrects!r}", field="corrects")
    if e.corrects in state.corrections:
        raise BadInput(f"corrects: {e.corrects!r} was already corrected", field="corrects")
    if not e.reason.strip():
        raise BadInput("reason: say why the event is wrong", field="reason")


def _on_document(state: BookState, e: ev.DocumentIssued) -> None:
    state.documents.append(e)


CHECKS: dict[type[ev.Event], tuple[Any, ...]] = {
    ev.Correction: (_check_correction,),
    ev.DocumentIssued: (),
    ev.CapTableFact: (),
}

EFFECTS: dict[type[ev.Event], Any] = {
    ev.DocumentIssued: _on_document,
}
