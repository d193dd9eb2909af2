"""The HTTP API under /api: every ledger command and view of the CLI, with the same JSON and the same errors.

- Views: GET /api/options, /api/options/{no}, .../history, .../quote, .../chart, .../terms, /api/history, /api/due,
  /api/reserve, /api/documents, /api/audit/head, /api/audit/verify, /api/me.
- Commands: POST /api/events takes any event as JSON (the codec's shape, as in the book file); named
  endpoints record the common ones with the option, company or holder taken from the path. Each takes an
  `Idempotency-Key` header: a retry records once and returns the first result; the key reused for another
  request is a 409, and so is a concurrent change that won.
- Exact numbers are JSON strings. Errors are `{"error", "field", "clause"}`: 400 bad input, 401 not signed
  in, 403 denied (this role may not), 404 not yours or no such thing, 409 conflict, 422 refused by the agreement.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from warrantbook.app import parsers
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, WarrantbookError
from warrantbook.core.numbers import exact
from warrantbook.core.terms import PaymentMethod
from warrantbook.web import roles, schema, service
from warrantbook.web.auth import SESSION_COOKIE, Principal, same
from warrantbook.web.commands import build

bearer = HTTPBearer(auto_error=False, description="An API token from 'warrantbook token new USER'.")
router = APIRouter(prefix="/api", responses=schema.ERRORS)  # type: ignore[arg-type]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def principal(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None) -> Principal:
    """The user: a bearer token (no CSRF: no cookie is involved), else a browser session (CSRF header on changes).

    A plain function: FastAPI runs it on the thread pool, so its database read never holds the event loop."""
    app = request.app.state
    if credentials is not None:
        p = app.users.by_token(credentials.credentials.strip())
        if p is None:
            raise roles.Unauthenticated("the bearer token is unknown or revoked", field="authorization")
        return p  # type: ignore[no-any-return]
    session = app.sessions.read(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise roles.Unauthenticated("sign in: send 'Authorization: Bearer TOKEN' (warrantbook token new USER)", field="authorization")
    p, csrf = session
    if request.method in UNSAFE and not same(request.headers.get("x-csrf-token"), csrf):
        raise roles.Denied("missing or wrong CSRF token (send the X-CSRF-Token header of your session)", field="csrf_token")
    return p  # type: ignore[no-any-return]


User = Annotated[Principal, Depends(principal)]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=300,
                                       description="Retry-safe key: a retry with the same key records once and returns the first result.")]
AsOf = Annotated[date | None, Query(description="Day the view is taken at (default today).")]
OptionNo = Annotated[str, PathParam(max_length=200, description="The option's number.", examples=["ATG-3"])]
CompanyId = Annotated[str, PathParam(max_length=200, description="The company's id.", examples=["atg"])]
HolderId = Annotated[str, PathParam(max_length=200, description="The holder's id.", examples=["gssf"])]


def book(request: Request) -> service.Book:
    return request.app.state.book  # type: ignore[no-any-return]


def _day(request: Request, value: date | None) -> date:
    return value if value is not None else book(request).today()


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


# ---------------------------------------------------------------- views


@router.get("/me", response_model=schema.MeOut, summary="Who you are: role, party, the commands you may give")
async def me(p: User) -> JSONResponse:
    return ok({**p.as_json(), "commands": sorted(roles.commands_for(p))})


@router.get("/options", response_model=schema.OptionList, summary="List the options you may see (CLI: list)")
def list_options(request: Request, p: User, as_of: AsOf = None,
                 active: Annotated[bool, Query(description="Only options still active.")] = False) -> JSONResponse:
    return ok(service.list_view(book(request), p, _day(request, as_of), active))


@router.get("/options/{option_no}", response_model=schema.OptionSummaryOut, summary="One option's state (CLI: show)")
def show(request: Request, p: User, option_no: OptionNo, as_of: AsOf = None) -> JSONResponse:
    b = book(request)
    day = _day(request, as_of)
    roles.option_for(b.state(), p, option_no)
    return ok(b.view(("show", option_no, day), lambda: service.show_view(b, p, option_no, day)))


@router.get("/options/{option_no}/terms", response_model=schema.Open, summary="The option's terms in force, dispute terms included")
def terms(request: Request, p: User, option_no: OptionNo, as_of: AsOf = None) -> JSONResponse:
    return ok(service.terms_view(book(request), p, option_no, _day(request, as_of)))


@router.get("/options/{option_no}/history", response_model=schema.HistoryOut, summary="The option's timeline with its lineage (CLI: history)")
def option_history(request: Request, p: User, option_no: OptionNo, as_of: AsOf = None,
                   facts: Annotated[bool, Query(description="Also the company's facts.")] = False) -> JSONResponse:
    return ok(service.history_view(book(request), p, _day(request, as_of), option_no, facts))


@router.get("/history", response_model=schema.HistoryOut, summary="Every event you may see, in the agreement's order (CLI: history)")
def history(request: Request, p: User, as_of: AsOf = None) -> JSONResponse:
    return ok(service.history_view(book(request), p, _day(request, as_of)))


QUOTE_TEXT = {"shares": "Option shares to exercise (Y), or 'max' for the cashless maximum.", "fmv": "Use this FMV instead of the book's quotes.",
              "outstanding": "Shares outstanding (default: the book's facts).", "owned": "Holder's beneficial ownership (default: the book's facts).",
              "cash": "Combination: cash paid.", "cancel": "Combination: option shares cancelled (W).",
              "stock_shares": "Combination: common shares delivered as payment."}
QUOTE_PARAMS = [
    *({"name": name, "in": "query", "required": name == "shares", "description": text, "schema": {"type": "string", "maxLength": 100}}
      for name, text in QUOTE_TEXT.items()),
    {"name": "method", "in": "query", "required": False, "description": "cash, stock, cashless or combination.",
     "schema": {"type": "string", "enum": [m.value for m in PaymentMethod], "default": "cash"}},
    {"name": "on", "in": "query", "required": False, "description": "Day the exercise is deemed made (default today).",
     "schema": {"type": "string", "format": "date"}},
    {"name": "tranche", "in": "query", "required": False, "description": "Price tranche (0-based).",
     "schema": {"type": "integer", "minimum": 0, "maximum": 1000}},
]


def _query(request: Request, name: str) -> str | None:
    """One query parameter of the quote, checked as its OpenAPI entry says (parsed here: this is the hot path)."""
    value = request.query_params.get(name)
    if value is not None and len(value) > 100:
        raise BadInput(f"{name}: at most 100 characters", field=name)
    return value


@router.get("/options/{option_no}/quote", response_model=schema.QuoteOut, openapi_extra={"parameters": QUOTE_PARAMS},
            summary="What-if: an exercise on a date, every figure explained (CLI: quote)")
def quote(request: Request, p: User, option_no: OptionNo) -> JSONResponse:
    shares = _query(request, "shares")
    if shares is None:
        raise BadInput("shares: required (a number of option shares, or 'max' with method=cashless)", field="shares")
    try:
        method = PaymentMethod(_query(request, "method") or "cash")
    except ValueError:
        raise BadInput(f"method: one of {', '.join(m.value for m in PaymentMethod)}", field="method", clause="§2.2(a)") from None
    on_text = _query(request, "on")
    on = _date(on_text, "on") if on_text is not None else None
    tranche_text = _query(request, "tranche")
    tranche = None
    if tranche_text is not None:
        if not (tranche_text.isascii() and tranche_text.isdigit()) or len(tranche_text) > 4 or int(tranche_text) > 1000:
            raise BadInput(f"tranche: {tranche_text!r} is not a whole number from 0 to 1000", field="tranche")
        tranche = int(tranche_text)
    fmv, outstanding, owned = _query(request, "fmv"), _query(request, "outstanding"), _query(request, "owned")
    cash, cancel, stock_shares = _query(request, "cash"), _query(request, "cancel"), _query(request, "stock_shares")
    day = _day(request, on)
    request_ = service.parse_request(shares, method, cash=cash, cancel=cancel, stock_shares=stock_shares, tranche=tranche)

    def num(value: str | None, field: str) -> Any:
        return None if value is None or not value.strip() else exact(value, field)

    b = book(request)
    given = (num(fmv, "fmv"), num(outstanding, "outstanding"), num(owned, "owned"))
    roles.option_for(b.state(), p, option_no)  # who may see it is checked on every request, cached or not

    def compute() -> dict[str, Any]:
        return service.quote(b, p, option_no, request_, day, fmv=given[0], outstanding=given[1], owned=given[2])

    return ok(b.view(("quote", option_no, request_, day, given), compute))


@router.get("/options/{option_no}/chart", response_model=schema.ChartOut,
            summary="Remaining shares, exercise price, cap allowance and shares outstanding over time")
def chart(request: Request, p: User, option_no: OptionNo, as_of: AsOf = None) -> JSONResponse:
    return ok(service.chart_series(book(request), p, option_no, _day(request, as_of)))


@router.get("/due", response_model=schema.DueOut, summary="Open items: deliveries due, certificates to mail, pending transfers (CLI: due)")
def due(request: Request, p: User, as_of: AsOf = None) -> JSONResponse:
    return ok(service.due_view(book(request), p, _day(request, as_of)))


@router.get("/reserve", response_model=schema.ReserveOut, summary="The §6 reservation of each company you may see (CLI: reserve)")
def reserve(request: Request, p: User, as_of: AsOf = None,
            company: Annotated[str | None, Query(max_length=200, description="Company id (default: every company you may see).")] = None,
            ) -> JSONResponse:
    return ok(service.reserve_view(book(request), p, _day(request, as_of), company))


@router.get("/book", response_class=Response, summary="The whole book as the plain-text YAML file (CLI: book export); an auditor's view",
            responses={200: {"content": {"application/yaml": {"schema": {"type": "string"}}}, "description": "The book file"}})
async def export_book(request: Request, p: User) -> Response:
    if p.role != "auditor":
        raise roles.Denied("the whole book (every company's and holder's events) is exported by an auditor; use the views for your own",
                           field="role")
    from warrantbook.book.io import dumps

    b = book(request)
    head = b.head()
    header = (f"warrantbook book exported from {b.label}\nledger head at export: {head.hash} ({head.count} events)\n"
              "Format: docs/book-format.md")
    text = await run_in_threadpool(dumps, b.events(), header)
    return Response(text, media_type="application/yaml", headers={"Content-Disposition": 'attachment; filename="book.yaml"'})


@router.get("/documents", response_model=schema.DocumentsOut, summary="Documents issued for the options you may see (CLI: doc list)")
def documents(request: Request, p: User,
              option: Annotated[str | None, Query(max_length=200, description="Only this option's.")] = None) -> JSONResponse:
    return ok(service.documents_view(book(request), p, option))


PDF_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                                                    "text/html": {"schema": {"type": "string"}}},
                                                        "description": "The document; its SHA-256 and recording event in the headers"}}


@router.post("/documents", responses=PDF_RESPONSES, response_class=Response,
             summary="Make a document (PDF or HTML) and record its SHA-256 (CLI: doc KIND)",
             openapi_extra=schema.body({"type": "object", "additionalProperties": False, "required": ["kind"], "properties": {
                 "kind": {"type": "string", "enum": ["exercise-notice", "transfer-form", "adjustment-certificate", "option-certificate",
                                                     "notice", "acknowledgment", "delivery-statement"]},
                 "option": {"type": "string", "maxLength": 200}, "event": {"type": "string", "maxLength": 200},
                 "format": {"type": "string", "enum": ["pdf", "html"]}, "on": {"type": "string", "format": "date"}}},
                 {"kind": "exercise-notice", "option": "ATG-3", "event": "notice-1", "format": "pdf"}))
async def make_document(request: Request, p: User) -> Response:
    data = await _json(request)
    if not isinstance(data, dict):
        raise BadInput("body: a JSON object {kind, option, event, format}", field="body")
    from warrantbook.web.documents import make

    made_on = _date(data.get("on"), "on") if data.get("on") else book(request).today()
    for name in ("kind", "option", "event", "format"):
        if data.get(name) is not None and not isinstance(data.get(name), str):
            raise BadInput(f"{name}: text", field=name)
    issued = await run_in_threadpool(make, book(request), p, str(data.get("kind") or ""), option_no=data.get("option") or None, event_id=data.get("event") or None,
                  fmt=str(data.get("format") or "pdf"), made_on=made_on)
    return issued


@router.post("/documents/verify", response_model=schema.VerdictOut, summary="Is this file a document the book issued? (CLI: doc verify)",
             openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def verify_document(request: Request, p: User) -> JSONResponse:
    from warrantbook.documents.issue import verify

    content = await request.body()
    verdict = await run_in_threadpool(verify, book(request).state(), content)
    data = verdict.as_json()
    if verdict.record is not None and verdict.record.option_no:
        now = book(request).state()
        option = now.options.get(verdict.record.option_no)
        if option is None or not roles.can_see(now, p, option):  # not yours: say only that it is not a document you may see
            data = {"ours": False, "sha256": verdict.sha256}
    return ok(data)


# ---------------------------------------------------------------- commands


MAX_JSON_DEPTH = 16  # an event's deepest field (terms.tranches[i].exercise_price) is 4 levels down
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(raw: bytes) -> int:
    """How deeply a JSON text nests, counted before parsing it (the parser recurses: a deep enough text would crash it)."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b"", raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BadInput(f"{key}: given twice in one JSON object (which one is meant?)", field=key)
        out[key] = value
    return out


def parse_json(raw: bytes) -> Any:
    """A request's JSON: nesting bounded, a key given twice refused, bare decimals refused (exact numbers are strings)."""
    if not raw:
        raise BadInput("body: a JSON object", field="body")
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise BadInput(f"body: JSON nested more than {MAX_JSON_DEPTH} levels deep", field="body")
    try:
        return json.loads(raw, parse_float=_no_float, parse_constant=_no_float, object_pairs_hook=_unique)
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"body: not JSON ({str(exc)[:200]})", field="body") from None


async def _json(request: Request) -> Any:
    return parse_json(await request.body())


def _no_float(text: str) -> Any:
    raise BadInput(f"body: {text} is a bare decimal; exact numbers travel as strings (\"0.00001\"): a float loses digits", field="body")


def _date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"{field}: {value!r} is not a date (YYYY-MM-DD)", field=field) from None


async def _record(request: Request, p: Principal, idem: str | None, *, kind: str | None = None,
                  fixed: dict[str, str] | None = None) -> JSONResponse:
    data = await _json(request)
    b = book(request)
    event = build(p, data, today=b.today(), kind=kind, fixed=fixed)
    recorded = await run_in_threadpool(b.record, p, event, idempotency_key=idem)
    return ok(recorded.as_json(), 200 if recorded.replayed else 201)


USER_KINDS = sorted(k for k, cls in ev.REGISTRY.items() if not cls.derived and k not in roles.NEVER)
CREATED: dict[int | str, dict[str, Any]] = {201: {"model": schema.RecordedOut, "description": "Recorded: the event and what it entailed"},
                                            200: {"model": schema.RecordedOut, "description": "Already recorded under this idempotency key"}}


@router.post("/events", status_code=201, responses=CREATED, summary="Record any event, as JSON in the book's shape",
             openapi_extra=schema.body(schema.any_event_schema(USER_KINDS),
                                       {"type": "waiver-notice", "option_no": "ATG-3", "on": "2006-07-03"}))
async def post_event(request: Request, p: User, idempotency_key: IdemKey = None) -> JSONResponse:
    return await _record(request, p, idempotency_key)


OPTION_ROUTES = [
    ("exercise-notices", "exercise-notice", "The holder's exercise notice (Exhibit A), irrevocable from receipt"),
    ("surrenders", "surrender", "The option surrendered for an exercise (§2.1)"),
    ("payments", "payment", "Payment of the exercise price (§2.2(a))"),
    ("deliveries", "delivery", "Shares and cash in lieu delivered (§2.1)"),
    ("transfer-requests", "transfer-request", "A transfer with Exhibit B (§7)"),
    ("transfer-registrations", "transfer-registration", "The transfer entered on the company's books (§7, §12)"),
    ("replacement-requests", "replacement-request", "Replacement of a lost, stolen, destroyed or mutilated option (§8)"),
    ("replacements", "replacement", "The replacement option issued (§8)"),
    ("waiver-notices", "waiver-notice", "The holder's notice that ends the cap (§10)"),
    ("default-notices", "default-notice", "Notice of an Event of Default (§10)"),
    ("default-cures", "default-cure", "An Event of Default cured (§10)"),
    ("trustees", "trustee", "A trustee designated by the holder (§3.2)"),
    ("notices", "notice", "A notice mailed by the company (§13)"),
    ("amendments", "amendment", "New terms in a signed writing (§14)"),
    ("acknowledgment-requests", "acknowledgment-request", "The holder asks for the acknowledgment (§1.3)"),
    ("acknowledgments", "acknowledgment", "The company's acknowledgment (§1.3)"),
]
COMPANY_ROUTES = [
    ("stock-events", "stock-event", "issuer", "A stock dividend, split or combination (§4)"),
    ("outstanding", "outstanding", "company", "Shares outstanding (fact for §4, §10)"),
    ("authorized", "authorized", "company", "Authorized shares (fact for §6)"),
    ("listings", "listing", "company", "Where the stock trades (§1.2)"),
    ("quotes", "quote", "company", "One day's market data (§1.2)"),
    ("fmv-agreements", "fmv-agreement", "company", "FMV agreed by holder and company (§1.2(c))"),
    ("fmv-awards", "fmv-award", "company", "FMV awarded by an arbitrator (§1.2(c))"),
    ("liquidations", "liquidation", "company", "Amount payable to common on liquidation (§1.2(d))"),
    ("reorganizations", "reorganization", "company", "A reorganization, merger or asset transfer (§3.1)"),
    ("dissolutions", "dissolution", "company", "Dissolution (§3.2)"),
    ("agents", "agent", "company", "Appoint an option agent (§11)"),
]
HOLDER_ROUTES = [
    ("addresses", "address", "The holder furnishes its address (§13)"),
    ("ownership", "ownership", "The holder's certified beneficial ownership (§10)"),
]
BOOK_ROUTES = [
    ("/options", "issue", "Issue an option (§1.1)"),
    ("/companies", "company", "Register a company"),
    ("/holders", "holder", "Register a holder"),
    ("/corrections", "correction", "Correct an earlier event (nothing is edited; views show both)"),
]


def _option_route(segment: str, kind: str, summary: str) -> None:
    async def endpoint(request: Request, p: User, option_no: OptionNo, idempotency_key: IdemKey = None) -> JSONResponse:
        return await _record(request, p, idempotency_key, kind=kind, fixed={"option_no": option_no})

    endpoint.__name__ = f"post_{kind.replace('-', '_')}"
    router.post(f"/options/{{option_no}}/{segment}", status_code=201, responses=CREATED, summary=summary, operation_id=f"post_{segment}",
                openapi_extra=schema.body(schema.event_schema(kind, frozenset({"option_no"}))))(endpoint)


def _company_route(segment: str, kind: str, field: str, summary: str) -> None:
    async def endpoint(request: Request, p: User, company: CompanyId, idempotency_key: IdemKey = None) -> JSONResponse:
        return await _record(request, p, idempotency_key, kind=kind, fixed={field: company})

    endpoint.__name__ = f"post_{kind.replace('-', '_')}"
    router.post(f"/companies/{{company}}/{segment}", status_code=201, responses=CREATED, summary=summary, operation_id=f"post_company_{segment}",
                openapi_extra=schema.body(schema.event_schema(kind, frozenset({field}))))(endpoint)


def _holder_route(segment: str, kind: str, summary: str) -> None:
    async def endpoint(request: Request, p: User, holder: HolderId, idempotency_key: IdemKey = None) -> JSONResponse:
        return await _record(request, p, idempotency_key, kind=kind, fixed={"holder": holder})

    endpoint.__name__ = f"post_{kind.replace('-', '_')}"
    router.post(f"/holders/{{holder}}/{segment}", status_code=201, responses=CREATED, summary=summary, operation_id=f"post_holder_{segment}",
                openapi_extra=schema.body(schema.event_schema(kind, frozenset({"holder"}))))(endpoint)


def _book_route(path: str, kind: str, summary: str) -> None:
    async def endpoint(request: Request, p: User, idempotency_key: IdemKey = None) -> JSONResponse:
        return await _record(request, p, idempotency_key, kind=kind)

    endpoint.__name__ = f"post_{kind.replace('-', '_')}"
    router.post(path, status_code=201, responses=CREATED, summary=summary, operation_id=f"post_{kind.replace('-', '_')}",
                openapi_extra=schema.body(schema.event_schema(kind)))(endpoint)


for _segment, _kind, _summary in OPTION_ROUTES:
    _option_route(_segment, _kind, _summary)
for _segment, _kind, _field, _summary in COMPANY_ROUTES:
    _company_route(_segment, _kind, _field, _summary)
for _segment, _kind, _summary in HOLDER_ROUTES:
    _holder_route(_segment, _kind, _summary)
for _path, _kind, _summary in BOOK_ROUTES:
    _book_route(_path, _kind, _summary)


def import_prices(b: service.Book, p: Principal, company: str, text: str, source: str, idem: str | None, *,
                  skip_identical: bool = False) -> tuple[service.Recorded | None, list[parsers.Overlap]]:
    """A prices CSV (date,venue,close,bid,ask): every row checked by app.parsers, all rows or none. A row for a day already
    recorded is an error showing the recorded and the file's figures; with skip_identical an identical one is left out
    (returned) and the rest imported. Nothing left to import: (None, skipped)."""
    roles.require_company(b.state(), p, company)
    quotes, lines = parsers.parse_prices(text, company, source or "uploaded CSV", "the uploaded CSV")
    actor = roles.require_writer(p)
    quotes = [replace(q, actor=actor) for q in quotes]
    if not quotes:
        raise BadInput("file: no rows", field="file", line=2)
    found = parsers.overlaps(b.state(), company, quotes, lines)
    skipped = [o for o in found if o.identical] if skip_identical else []
    problems = parsers.overlap_errors([o for o in found if o not in skipped])
    if problems:
        raise parsers.FileErrors(problems, "the uploaded CSV")
    left = {o.line for o in skipped}
    pairs = [(q, line) for q, line in zip(quotes, lines, strict=True) if line not in left]
    if not pairs:
        return None, skipped
    kept = [line for _, line in pairs]

    def on_error(i: int, exc: WarrantbookError) -> WarrantbookError:
        return exc.at_line(kept[i])

    return b.record_batch(p, [q for q, _ in pairs], idempotency_key=idem, on_error=on_error), skipped


@router.post("/companies/{company}/prices", status_code=201, responses=CREATED,
             summary="Import daily prices from CSV (date,venue,close,bid,ask): every bad row reported with its line, nothing imported then",
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string", "maxLength": 100000},
                                                                                       "example": "date,venue,close,bid,ask\n2007-01-03,otcbb,,0.03,0.031\n"}}}})
async def post_prices(request: Request, p: User, company: CompanyId, idempotency_key: IdemKey = None,
                      source: Annotated[str, Query(max_length=200, description="Where the prices come from.")] = "",
                      skip_identical: Annotated[bool, Query(description="Leave out rows for days already recorded with the same "
                                                                        "figures (a differing one stays an error).")] = False,
                      ) -> JSONResponse:
    text = parsers.decode_upload(await request.body())
    recorded, skipped = await run_in_threadpool(import_prices, book(request), p, company, text, source, idempotency_key,
                                                skip_identical=skip_identical)
    extra = {"skipped": [o.as_json() for o in skipped]}
    if recorded is None:
        head = book(request).head()
        return ok({"recorded": [], "replayed": False, "head": head.as_json(), "imported": 0, **extra}, 200)
    return ok({**recorded.as_json(), "imported": len(recorded.events), **extra}, 200 if recorded.replayed else 201)


__all__ = ["BookErrors", "router", "principal", "import_prices"]
