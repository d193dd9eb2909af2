"""The FastAPI application: the API under /api, the pages, static files served locally, errors as JSON or pages.

`create_app(source)` takes a Source (a database ledger or a book) or its address: a database URL, or a
book file path. Users and tokens live in the ledger's database; a book keeps them in a separate SQLite
file (`users=`). `app_from_env` builds the same app from environment variables, for uvicorn's workers.
"""

from __future__ import annotations

import html
import json
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from warrantbook.app.views import NotVisible
from warrantbook.core.errors import BadInput, Conflict, Refusal, WarrantbookError
from warrantbook.sources import BookSource, Source
from warrantbook.web import roles
from warrantbook.web.auth import Sessions, UserStore, session_key
from warrantbook.web.service import Book

HERE = Path(__file__).parent
DEFAULT_USERS = "sqlite:///warrantbook-users.db"


def open_source(address: str, *, create: bool = True) -> Source:
    """A database URL opens (or creates) a ledger; anything else is a book file."""
    if "://" in address:
        from warrantbook.store.ledger import DbSource

        return DbSource(address, create=create)
    return BookSource(address)


def status_of(exc: Exception) -> int:
    if isinstance(exc, roles.Denied):
        return exc.status
    if isinstance(exc, NotVisible):  # app.views: an option or company this user may not see (said alike for "none such")
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, Refusal):
        return 403 if exc.field == "actor" else 422
    if isinstance(exc, BadInput) and exc.field in ("idempotency_key", "id") and ("already" in exc.message or "first used" in exc.message):
        return 409
    return 400


def error_json(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, (roles.Denied, WarrantbookError)):
        return exc.as_json()
    return {"error": str(exc), "field": None, "clause": None}


# What every response carries. Pages may load script, style and images only from this site (no inline script,
# no eval), may not be framed, and send no Referer; API answers may load nothing at all.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
COMMON_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                  (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin"),
                  (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()")]
PAGE_HEADERS = [*COMMON_HEADERS, (b"content-security-policy", PAGE_CSP.encode())]
API_HEADERS = [*COMMON_HEADERS, (b"content-security-policy", API_CSP.encode())]
NO_STORE = (b"cache-control", b"no-store")
HSTS = (b"strict-transport-security", b"max-age=31536000")


def forwarded_https(scope: Mapping[str, Any], trust_proxy: bool) -> bool:
    """Was this request made over HTTPS: directly, or (only when the operator says a proxy is in front) per X-Forwarded-Proto."""
    if scope.get("scheme") == "https":
        return True
    if not trust_proxy:
        return False
    for k, v in scope.get("headers", []):
        if k == b"x-forwarded-proto":
            return v.split(b",")[0].strip().lower() == b"https"
    return False


class SecurityHeaders:
    """Adds the security headers as plain ASGI (no per-request task or body buffering).

    Every response: nosniff, no Referer, no framing, a CSP (pages: this site's script and style only, no inline
    script; the API: nothing). Everything but the static files: `Cache-Control: no-store`, so no page or answer
    of a signed-in user stays in a shared or browser cache. Over HTTPS: Strict-Transport-Security.
    """

    def __init__(self, app: Any, trust_proxy: bool = False):
        self.app = app
        self.trust_proxy = trust_proxy

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = list(API_HEADERS if path.startswith("/api/") and path != "/api/docs" or path == "/openapi.json" else PAGE_HEADERS)
        if not path.startswith("/static/"):
            extra.append(NO_STORE)
        if forwarded_https(scope, self.trust_proxy):
            extra.append(HSTS)

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((k, v) for k, v in extra if k not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


log = logging.getLogger("warrantbook.web")


def unreachable(exc: BaseException) -> bool:
    """Is this the database being down or unreachable (503), rather than a bug (500)?"""
    import sqlalchemy as sa

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError, ConnectionError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Errors:
    """The last word on a failure: 503 (with Retry-After) while the database is unreachable, else 500; never a
    traceback to the client (it goes to the server's log with a reference the answer gives). JSON under /api,
    a plain page elsewhere, both with the security headers."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            ref = secrets.token_hex(6)
            down = unreachable(exc)
            log.error("request %s %s failed (ref %s)", scope.get("method"), scope.get("path"), ref, exc_info=exc)
            if started:  # the answer was already on its way: nothing more can be said
                return
            status = 503 if down else 500
            text = ("the database cannot be reached right now; nothing was recorded: try again shortly" if down
                    else "internal error: nothing was recorded; the server's log has the details")
            path = str(scope.get("path", ""))
            is_api = path.startswith("/api/") or path == "/openapi.json"
            if is_api:
                body = json.dumps({"error": f"{text} (ref {ref})", "field": None, "clause": None}).encode()
                kind = b"application/json"
            else:
                body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{status}</title>"
                        f"<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main><h1>{status}</h1>"
                        f"<p>{html.escape(text)} (ref {ref})</p><p><a href=\"/\">Back</a></p></main></body></html>").encode()
                kind = b"text/html; charset=utf-8"
            headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()), NO_STORE,
                       *(API_HEADERS if is_api else PAGE_HEADERS)]
            if down:
                headers.append((b"retry-after", b"5"))
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})


MAX_BODY = 1 << 20  # 1 MiB: any JSON command or form
MAX_UPLOAD = 16 << 20  # 16 MiB: a document to verify, a prices CSV
UPLOAD_PATHS = ("/documents/verify", "/api/documents/verify", "/prices")


class BodyLimit:
    """413 for a request body past its limit: at once from Content-Length, or as soon as a streamed body passes it."""

    def __init__(self, app: Any, limit: int = MAX_BODY, upload_limit: int = MAX_UPLOAD):
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = self.upload_limit if path.endswith(UPLOAD_PATHS) else self.limit
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _too_large(scope, send, limit)
                return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message: dict[str, Any] = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise StarletteHTTPException(413, f"body: larger than {limit:,} bytes")
            return message

        await self.app(scope, counted, send)


async def _too_large(scope: dict[str, Any], send: Any, limit: int) -> None:
    body = json.dumps({"error": f"body: larger than {limit:,} bytes", "field": "body", "clause": None}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"),
                                                                           (b"content-length", str(len(body)).encode()),
                                                                           (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>warrantbook API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/init.js"></script>
</body></html>
"""


def create_app(source: Source | str, *, users: UserStore | str | None = None, today: date | Callable[[], date] | None = None,
               title: str = "warrantbook", trust_proxy: bool | None = None) -> FastAPI:
    """The app. `trust_proxy`: a reverse proxy in front sets X-Forwarded-Proto/-For and is the only way in (default:
    $WARRANTBOOK_WEB_TRUST_PROXY=1); only then are those headers believed (Secure cookies, HSTS, the client address)."""
    if trust_proxy is None:
        trust_proxy = os.environ.get("WARRANTBOOK_WEB_TRUST_PROXY", "") in ("1", "true", "yes")
    src = open_source(source) if isinstance(source, str) else source
    if isinstance(users, UserStore):
        store = users
    elif isinstance(users, str):
        store = UserStore.open(users)
    elif hasattr(src, "engine"):
        store = UserStore(src.engine)
    else:
        store = UserStore.open(DEFAULT_USERS)
    clock: Callable[[], date] | None
    if isinstance(today, date):
        pinned = today
        clock = lambda: pinned  # noqa: E731
    else:
        clock = today
    app = FastAPI(title=title, version="1", description=(
        "Administer stock options and penny warrants clause by clause. Exact numbers are JSON strings; errors are "
        "{error, field, clause}. Authenticate with 'Authorization: Bearer TOKEN' (warrantbook token new USER)."),
        docs_url=None, redoc_url=None, openapi_url="/openapi.json")

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> Response:
        """Swagger UI from the vendored files in static/swagger (never from another site), under the pages' CSP."""
        return HTMLResponse(DOCS_PAGE)

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> JSONResponse:
        """For a load balancer or a supervisor: the ledger answers (its head is read, off the event loop), no sign-in.
        A database that does not answer gives the app's 503 like any other request."""
        from starlette.concurrency import run_in_threadpool

        head = await run_in_threadpool(request.app.state.book.head)
        return JSONResponse({"status": "ok", "events": head.count})

    app.state.book = Book(src, today=clock)
    app.state.users = store
    app.state.sessions = Sessions(session_key(store.engine.url), store)

    from warrantbook.web.api import router as api_router
    from warrantbook.web.pages import error_page
    from warrantbook.web.pages import router as pages_router

    app.include_router(__import__("warrantbook.web.audit", fromlist=["router"]).router)  # the auditor's page and /api/audit/*
    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(__import__("warrantbook.web.close", fromlist=["router"]).router)  # the quarter close (docs/close.md)
    app.include_router(__import__("warrantbook.web.captable", fromlist=["router"]).router)  # cap tables, fund views, exports
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api") or request.url.path == "/openapi.json"

    async def on_error(request: Request, exc: Exception) -> Response:
        status = status_of(exc)
        if wants_json(request):
            return JSONResponse(error_json(exc), status_code=status)
        if status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return error_page(request, status, error_json(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        body = {"error": str(exc.detail), "field": None, "clause": None}
        if wants_json(request):
            return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return error_page(request, exc.status_code, body)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "path", "body", "header")]
        field = ".".join(loc) or None
        body = {"error": f"{field or 'request'}: {first.get('msg', 'invalid')}", "field": field, "clause": None}
        if wants_json(request):
            return JSONResponse(body, status_code=400)
        return error_page(request, 400, body)

    app.add_exception_handler(WarrantbookError, on_error)
    app.add_exception_handler(roles.Denied, on_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)

    app.state.trust_proxy = trust_proxy
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, trust_proxy=trust_proxy)
    app.add_middleware(Errors)  # outermost of ours: whatever fails inside, the client gets no traceback
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory` and its worker processes: WARRANTBOOK_WEB_SOURCE, _USERS, _TODAY (and WARRANTBOOK_LOG_LEVEL)."""
    from warrantbook.logs import configure_from_env

    configure_from_env()
    address = os.environ.get("WARRANTBOOK_WEB_SOURCE") or os.environ.get("WARRANTBOOK_DB") or "sqlite:///warrantbook.db"
    users = os.environ.get("WARRANTBOOK_WEB_USERS") or None
    today = os.environ.get("WARRANTBOOK_WEB_TODAY")
    return create_app(address, users=users, today=date.fromisoformat(today) if today else None)
