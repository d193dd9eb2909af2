"""From a request (JSON or a form) to the event it proposes: the user's actor, an id, the fields the path fixes.

The event itself is built by the codec (core.codec), the same one the book file and the database use, so a
command sent to the API, typed into a form or written in a book decodes the same way and names the same
field when it is wrong. Ids take the prefix the command's declaration gives (app.commands), as on the CLI.

Irrevocable acts (app.commands: Command.irrevocable) are confirmed on the web: `seal` signs the exact form values
with the server's key (outside the database), bound to the user, the session, the page and the ledger's head;
`unseal` gives them back only when nothing of that changed and nobody edited them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from warrantbook.app.commands import BY_KIND
from warrantbook.app.commands import PREFIX as DECLARED_PREFIX
from warrantbook.core import events as ev
from warrantbook.core.audit import Head
from warrantbook.core.codec import event_from_data
from warrantbook.core.errors import BadInput
from warrantbook.web import roles
from warrantbook.web.auth import Principal

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$")
PREFIX = {**DECLARED_PREFIX, "correction": "correction", "quote": "quote"}
CONFIRM_MAX_AGE = 15 * 60  # seconds a confirmation page stays good


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


# ---------------------------------------------------------------- the confirmation of an irrevocable act


def irrevocable(kind: str) -> bool:
    """Whether the web asks for a confirmation before recording a `kind` event (its declaration says so)."""
    cmd = BY_KIND.get(kind)
    return bool(cmd and cmd.irrevocable)


def _serializer(secret: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="warrantbook-confirm")


def _binding(p: Principal, csrf: str, page: str, kind: str, head: Head) -> dict[str, Any]:
    return {"u": p.username, "s": hashlib.sha256(csrf.encode()).hexdigest()[:32], "p": page, "k": kind, "h": f"{head.count}:{head.hash}"}


def seal(secret: str | bytes, p: Principal, csrf: str, page: str, kind: str, head: Head, values: dict[str, Any]) -> str:
    """A signed token of the exact values to record, for this user's session, this page and this ledger head."""
    return str(_serializer(secret).dumps({**_binding(p, csrf, page, kind, head), "v": values}))


class Stale(Exception):
    """The ledger moved on since the confirmation page was shown: show it again with the values (still signed)."""

    def __init__(self, values: dict[str, Any]):
        super().__init__("the ledger changed since this confirmation was shown")
        self.values = values


def unseal(secret: str | bytes, p: Principal, csrf: str, page: str, kind: str, head: Head, token: str) -> dict[str, Any]:
    """The values a confirmation token carries, if it is ours, untouched, unexpired, and for this user, page and head."""
    if not token or len(token) > 20_000:
        raise roles.Denied("confirm_token: this confirmation is not valid (missing or too long); fill in the form again", field="confirm_token")
    try:
        data = _serializer(secret).loads(token, max_age=CONFIRM_MAX_AGE)
    except SignatureExpired:
        raise roles.Denied("confirm_token: this confirmation expired; fill in the form again", field="confirm_token") from None
    except BadSignature:
        raise roles.Denied("confirm_token: this confirmation was altered or did not come from this site; nothing was recorded",
                           field="confirm_token") from None
    if not isinstance(data, dict) or not isinstance(data.get("v"), dict):
        raise roles.Denied("confirm_token: this confirmation is not valid", field="confirm_token")
    want = _binding(p, csrf, page, kind, head)
    for name in ("u", "s", "p", "k"):
        if data.get(name) != want[name]:
            raise roles.Denied("confirm_token: this confirmation was made for another user, session or page; nothing was recorded",
                               field="confirm_token")
    if data.get("h") != want["h"]:
        raise Stale(data["v"])
    return data["v"]  # type: ignore[no-any-return]
