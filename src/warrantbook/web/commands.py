"""From a request (JSON or a form) to the event it proposes: the user's actor, an id, the fields the path fixes.

The event itself is built by the codec (core.codec), the same one the book file and the database use, so a
command sent to the API, typed into a form or written in a book decodes the same way and names the same
field when it is wrong.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.codec import event_from_data
from warrantbook.core.errors import BadInput
from warrantbook.web import roles
from warrantbook.web.auth import Principal

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$")
PREFIX = {"exercise-notice": "notice", "transfer-request": "transfer", "transfer-registration": "transfer-reg",
          "replacement-request": "replace", "acknowledgment-request": "ack-request", "fmv-agreement": "fmv", "fmv-award": "award"}


def new_id(kind: str, day: date) -> str:
    return f"{PREFIX.get(kind, kind)}-{day:%Y%m%d}-{secrets.token_hex(3)}"


def build(p: Principal, data: Any, *, today: date, kind: str | None = None, fixed: dict[str, str] | None = None) -> ev.Event:
    """The event a user proposes. `kind` and `fixed` come from the route (e.g. the option number in the path)."""
    if not isinstance(data, dict):
        raise BadInput("body: a JSON object with the event's fields", field="body")
    data = dict(data)
    if kind is not None:
        given = data.get("type", kind)
        if given != kind:
            raise BadInput(f"type: this endpoint records {kind!r} events, not {given!r}", field="type")
        data["type"] = kind
    kind = str(data.get("type", ""))
    if kind in roles.NEVER:
        raise roles.Denied(f"a {kind!r} event is not given by anyone: " + ("the engine decides it when surrender and payment are complete "
                           "(§2.1)" if kind == "exercise" else "documents are recorded when they are issued (POST /api/documents)"), field="type")
    if kind not in ev.REGISTRY:
        raise BadInput(f"type: unknown event type {data.get('type')!r} (known: {', '.join(sorted(ev.REGISTRY))})", field="type")
    for name, value in (fixed or {}).items():
        if name in data and data[name] != value:
            raise BadInput(f"{name}: the path says {value!r}, the body {data[name]!r}", field=name)
        data[name] = value
    actor = roles.require_writer(p)
    if "actor" in data and data["actor"] != actor:
        raise roles.Denied(f"you act as {actor}; an event recorded by you cannot name {data['actor']!r}", field="actor")
    data["actor"] = actor
    if data.get("on") in (None, ""):
        data["on"] = today.isoformat()
    if data.get("id") in (None, ""):
        on = data["on"]
        try:
            day = date.fromisoformat(str(on))
        except ValueError:
            raise BadInput(f"on: {on!r} is not a date (use YYYY-MM-DD)", field="on") from None
        data["id"] = new_id(kind, day)
    elif not isinstance(data["id"], str) or not _ID.match(data["id"]):
        raise BadInput(f"id: {data['id']!r} is not a usable id (letters, digits, . _ : -)", field="id")
    return event_from_data(data, "event")
