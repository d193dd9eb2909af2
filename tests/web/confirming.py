"""The web's confirmation step before an irrevocable act, for tests that post a form: post it, and when the page asks for
a confirmation, confirm it (the way a user clicks "Confirm and record")."""

from __future__ import annotations

import html
import re
from typing import Any

TOKEN = re.compile(r'name="confirm_token" value="([^"]+)"')


def confirm_token(page: str) -> str | None:
    m = TOKEN.search(page)
    return html.unescape(m.group(1)) if m else None


def post_confirmed(client: Any, path: str, data: dict[str, Any], csrf: str | None = None, **kw: Any) -> Any:
    """POST a form; if the answer is a confirmation page, POST its Confirm button and return that answer."""
    kw.setdefault("follow_redirects", False)
    r = client.post(path, data=data, **kw)
    token = confirm_token(r.text) if r.status_code == 200 else None
    if token is None:
        return r
    body = {"confirm_token": token}
    if csrf is not None or "csrf_token" in data:
        body["csrf_token"] = csrf or data["csrf_token"]
    if "then=" not in path and 'name="then" value="filed"' in r.text:
        body["then"] = "filed"
    action = re.search(r'<form method="post" action="([^"]+)" class="inline">\s*<input type="hidden" name="csrf_token"[^>]*>\s*'
                       r'<input type="hidden" name="confirm_token"[^>]*>\s*<input type="hidden" name="then"', r.text)
    return client.post(html.unescape(action.group(1)) if action else path, data=body, **kw)
