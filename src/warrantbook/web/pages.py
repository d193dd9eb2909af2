"""Server-rendered pages (Jinja2 + htmx): dashboard, option page, exercise calculator, forms, uploads.

Every page is built from the same views as the API and the CLI (app.views, fed by web.service with the user's
Visibility) and records through the same path
(web.commands -> web.service.Book.record -> core.decide), so the pages hold no rule and compute no
figure. Every form carries the session's CSRF token; htmx sends it as the X-CSRF-Token header (set once on
<body>). Without JavaScript every form still works by a plain submit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from warrantbook.app import present
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, Refusal, WarrantbookError
from warrantbook.core.numbers import exact
from warrantbook.core.terms import PaymentMethod
from warrantbook.web import commands, forms, roles, service, svg
from warrantbook.web.auth import (
    ACCOUNT_FREE,
    ADDRESS_FREE,
    HASHING,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    Principal,
    retry_after,
    same,
)
from warrantbook.web.commands import build

router = APIRouter(include_in_schema=False)
TEMPLATE_DIR = __import__("pathlib").Path(__file__).parent / "templates"
# Every template escapes: the pages end in .html.j2, which Starlette's default selection (.html/.htm/.xml) renders raw.
ENV = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
templates = Jinja2Templates(env=ENV)


# Figures for reading: the one presentation rule of app.present (exact values stay in the API; `exact` gives them
# for a title attribute or an exact view). A figure rounded for display (marked …) carries its exact value in its title.
def _figure(kind: str) -> Callable[[Any], str]:
    def shown(value: Any) -> str:
        text = present.show(kind, value)
        if present.MARK not in text:
            return text
        return Markup('<span class="rounded" title="exact: {}">{}</span>').format(present.exact_text(value), text)
    return shown


for _kind in ("shares", "money", "percent", "price"):
    templates.env.filters[_kind] = _figure(_kind)
templates.env.filters["figure"] = lambda value, kind: present.show(kind, value)  # the text alone, where a title is given
templates.env.filters["exact"] = present.exact_text


# ---------------------------------------------------------------- who is asking


def session_of(request: Request) -> tuple[Principal, str] | None:
    """The signed-in user and the session's CSRF token: read from the server-side session once per request."""
    cached = request.scope.get("wb.session", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    found = request.app.state.sessions.read(request.cookies.get(SESSION_COOKIE))
    request.scope["wb.session"] = found
    return found  # type: ignore[no-any-return]


def https(request: Request) -> bool:
    """Served over HTTPS (directly, or behind a proxy the operator trusts that says so): cookies are then Secure."""
    from warrantbook.web.app import forwarded_https

    return forwarded_https(request.scope, bool(getattr(request.app.state, "trust_proxy", False)))


def client_address(request: Request) -> str:
    """The client's address: the peer, or (behind a trusted proxy) the last address the proxy added to X-Forwarded-For."""
    if getattr(request.app.state, "trust_proxy", False):
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:100]
    return request.client.host if request.client else "unknown"


def page_user(request: Request) -> tuple[Principal, str]:
    s = session_of(request)
    if s is None:
        raise roles.Unauthenticated("sign in", field="session")
    return s


async def posted(request: Request) -> tuple[Principal, dict[str, Any]]:
    """The signed-in user and the submitted form, after checking the CSRF token (form field or htmx header)."""
    p, csrf = await run_in_threadpool(page_user, request)  # a database read: never on the event loop
    form = await request.form(max_files=2, max_fields=200)
    values: dict[str, Any] = {}
    for key in form:
        items = form.getlist(key)
        values[key] = items if len(items) > 1 or key in ("signed_by", "functions") else items[0]
    token = values.get("csrf_token") or request.headers.get("x-csrf-token")
    if not same(str(token or ""), csrf):
        raise roles.Denied("this form is stale or did not come from this site (CSRF token missing or wrong): reload the page and try again",
                           field="csrf_token")
    return p, values


def book(request: Request) -> service.Book:
    return request.app.state.book  # type: ignore[no-any-return]


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    s = session_of(request)
    base = {"user": s[0] if s else None, "csrf": s[1] if s else "", "today": book(request).today().isoformat(),
            "label": book(request).label}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def error_page(request: Request, status: int, body: dict[str, Any]) -> HTMLResponse:
    titles = {400: "That did not work", 401: "Sign in", 403: "Not allowed", 404: "Not found", 409: "Conflict",
              422: "Refused by the agreement"}
    return render(request, "error.html.j2", status, status=status, title=titles.get(status, "Error"), error=body)


def _day(request: Request, value: str | None, field: str = "as_of") -> date:
    if not value:
        return book(request).today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field}: {value!r} is not a date (YYYY-MM-DD)", field=field) from None


# ---------------------------------------------------------------- sign in and out


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    cookie, csrf = request.app.state.sessions.login_token()
    response = render(request, "login.html.j2", login_csrf=csrf, next=_safe_next(next), error=None)
    response.set_cookie(LOGIN_COOKIE, cookie, httponly=True, samesite="strict", max_age=3600, secure=https(request))
    return response


def _safe_next(value: str) -> str:
    """Only a path on this site: not //host, not /\\host (browsers read a backslash as a slash), no control characters."""
    ok = value.startswith("/") and not value.startswith("//") and "\\" not in value and value.isprintable() and len(value) <= 2000
    return value if ok else "/"


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form(max_files=2, max_fields=200)
    expected = request.app.state.sessions.read_login(request.cookies.get(LOGIN_COOKIE))
    nxt = _safe_next(str(form.get("next") or "/"))
    if not same(str(form.get("csrf_token") or ""), expected):
        raise roles.Denied("the sign-in form is stale (CSRF token missing or wrong): reload the page", field="csrf_token")
    store = request.app.state.users
    username = str(form.get("username") or "")[:200]
    password = str(form.get("password") or "")[:1000]
    keys = [(f"account:{username.strip().lower()}", ACCOUNT_FREE), (f"address:{client_address(request)}", ADDRESS_FREE)]
    secure = https(request)

    def again(status: int, error: str, headers: dict[str, str] | None = None) -> Response:
        cookie, csrf = request.app.state.sessions.login_token()
        response = render(request, "login.html.j2", status, login_csrf=csrf, next=nxt, error=error)
        response.set_cookie(LOGIN_COOKIE, cookie, httponly=True, samesite="strict", max_age=3600, secure=secure)
        response.headers.update(headers or {})
        return response

    wait = await run_in_threadpool(store.wait, [k for k, _free in keys])
    if wait > 0:
        return again(429, f"Too many failed sign-ins: try again in {retry_after(wait)} seconds.", {"Retry-After": retry_after(wait)})
    loop = asyncio.get_running_loop()
    p = await loop.run_in_executor(HASHING, store.authenticate, username, password)  # argon2 is slow by design: never on the loop
    if p is None:
        await run_in_threadpool(store.failed, keys)
        return again(401, "Wrong user name or password.")
    await run_in_threadpool(store.succeeded, keys[0][0])
    value, _csrf = await run_in_threadpool(request.app.state.sessions.issue, p.username)
    redirect = RedirectResponse(nxt, status_code=303)
    redirect.set_cookie(SESSION_COOKIE, value, httponly=True, samesite="lax", max_age=SESSION_MAX_AGE, secure=secure)
    redirect.delete_cookie(LOGIN_COOKIE)
    return redirect


@router.post("/logout")
async def logout(request: Request) -> Response:
    await posted(request)
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE))  # the session ends on the server, not just in this browser
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# ---------------------------------------------------------------- dashboard


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, as_of: str | None = None) -> Response:
    p, _ = page_user(request)
    b = book(request)
    day = _day(request, as_of)
    listing = service.list_view(b, p, day)
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in listing["options"]:
        groups.setdefault(f"{row['company']['name']} ({row['company']['id']})", {}).setdefault(
            f"{row['holder']['name']} ({row['holder']['id']})", []).append(row)
    due = service.due_view(b, p, day)
    reserve = service.reserve_view(b, p, day)["reserve"] if p.role != "holder" else []
    now = b.state()
    companies = sorted(roles.companies_seen(now, p)) if p.role != "holder" else []
    holders = sorted({now.holder_group(p.party)} | {h for h in now.holders if now.holder_group(h) == now.holder_group(p.party)}) \
        if p.role == "holder" else []
    notice = None
    if p.role == "agent" and not roles.appointed_companies(now, p.party):
        notice = (f"No company has appointed {p.party} as its option agent yet (§11): you will see its options, and may act "
                  "within the appointment's functions, once a company records the appointment.")
    return render(request, "dashboard.html.j2", as_of=day.isoformat(), groups=groups, count=len(listing["options"]), due=due["items"],
                  reserve=reserve, companies=companies, holders=[h for h in holders if h in now.holders], notice=notice)


# ---------------------------------------------------------------- the option page


def _allowed_forms(p: Principal, scope: str) -> list[forms.Form]:
    allowed = roles.commands_for(p)
    return [f for f in forms.forms_in(scope) if f.kind in allowed]


AFTER_LIFE = {"correction", "notice", "delivery", "acknowledgment"}  # still offered once an option is no longer active


@router.get("/options/{option_no}", response_class=HTMLResponse)
def option_page(request: Request, option_no: str, as_of: str | None = None, done: str | None = None, filed: str | None = None) -> Response:
    p, _ = page_user(request)
    b = book(request)
    day = _day(request, as_of)
    now = b.state()
    option = roles.option_for(now, p, option_no)
    state = b.state(day)
    if option_no not in state.options:
        raise roles.NotFound(f"option {option_no} was not issued by {day.isoformat()}", field="as_of")
    summary = service.show_view(b, p, option_no, day)
    terms = service.terms_view(b, p, option_no, day)
    history = service.history_view(b, p, day, option_no)
    points = service.chart_series(b, p, option_no, day)["points"]
    docs = service.documents_view(b, p, option_no)["documents"]
    from warrantbook.web.documents import HOLDER_KINDS

    choices = [c for c in service.document_choices(now, option) if p.role != "holder" or c["kind"] in HOLDER_KINDS]
    return render(request, "option.html.j2", as_of=day.isoformat(), s=summary, terms=terms, history=history["events"],
                  tree=svg.tree(history["lineage"], option_no), chart=svg.chart(points), points=points, documents=docs,
                  choices=choices, actions=[f for f in _allowed_forms(p, "option") if option.active or f.kind in AFTER_LIFE],
                  done=done, filed=filed,
                  can_correct=p.actor is not None and "correction" in roles.commands_for(p))


# ---------------------------------------------------------------- the exercise calculator


CALC_FIELDS = ("shares", "method", "on", "cash", "cancel", "stock_shares", "fmv", "tranche")


def _calculate(request: Request, p: Principal, option_no: str, q: dict[str, str]) -> dict[str, Any]:
    """The figures for the calculator: the same exercise_quote as the API's quote and the CLI's."""
    b = book(request)
    try:
        method = PaymentMethod(q.get("method") or "cash")
        day = _day(request, q.get("on"), "on")
        shares = (q.get("shares") or "").strip()
        if not shares and method is not PaymentMethod.CASHLESS:
            return {"error": None, "empty": True}
        tranche = int(exact(q["tranche"], "tranche")) if q.get("tranche") else None
        req = service.parse_request(shares or "max", method, cash=q.get("cash"), cancel=q.get("cancel"),
                                    stock_shares=q.get("stock_shares"), tranche=tranche)
        fmv = exact(q["fmv"], "fmv") if q.get("fmv") else None
        return {"error": None, "empty": False, "q": service.quote(b, p, option_no, req, day, fmv=fmv), "on": day.isoformat()}
    except ValueError:
        return {"error": {"error": f"method: {q.get('method')!r} is not one of cash, stock, cashless, combination", "field": "method",
                          "clause": "§2.2(a)"}}
    except WarrantbookError as exc:
        return {"error": exc.as_json()}


@router.get("/options/{option_no}/calculator", response_class=HTMLResponse)
def calculator(request: Request, option_no: str) -> Response:
    p, _ = page_user(request)
    b = book(request)
    option = roles.option_for(b.state(), p, option_no)
    q = {k: str(v) for k, v in request.query_params.items() if k in CALC_FIELDS}
    q.setdefault("on", b.today().isoformat())
    q.setdefault("method", "cashless" if option.terms.cashless_allowed else "cash")
    result = _calculate(request, p, option_no, q)
    return render(request, "calculator.html.j2", option=option_no, q=q, r=result, methods=[m.value for m in PaymentMethod],
                  can_file=p.role == "holder" and "exercise-notice" in roles.commands_for(p))


@router.get("/options/{option_no}/calculator/result", response_class=HTMLResponse)
def calculator_result(request: Request, option_no: str) -> Response:
    p, _ = page_user(request)
    b = book(request)
    roles.option_for(b.state(), p, option_no)
    q = {k: str(v) for k, v in request.query_params.items() if k in CALC_FIELDS}
    result = _calculate(request, p, option_no, q)
    return render(request, "calc_result.html.j2", option=option_no, q=q, r=result,
                  can_file=p.role == "holder" and "exercise-notice" in roles.commands_for(p))


@router.post("/options/{option_no}/exercise-notice")
async def file_notice(request: Request, option_no: str) -> Response:
    """The holder turns the calculator's figures into an exercise notice; it then waits for surrender and payment."""
    p, values = await posted(request)
    return await run_in_threadpool(_file_notice, request, p, values, option_no)  # deciding and writing: off the event loop


def _file_notice(request: Request, p: Principal, values: dict[str, Any], option_no: str) -> Response:
    """The calculator's filing: the same act as the exercise-notice form, so it asks for the same confirmation first."""
    raw = {**values, "cancel_shares": values.get("cancel", values.get("cancel_shares", "")), "then": "filed"}
    return _act_record(request, p, raw, "option", option_no, "exercise-notice")


# ---------------------------------------------------------------- forms for every command


def _scope_ctx(request: Request, p: Principal, scope: str, key: str) -> forms.Ctx:
    b = book(request)
    now = b.state()
    q = {k: str(v) for k, v in request.query_params.items()}
    if scope == "option":
        option = roles.option_for(now, p, key)
        return forms.Ctx(now, b.today(), option, option.company, option.holder, q)
    if scope == "company":
        roles.require_company(now, p, key)
        return forms.Ctx(now, b.today(), None, key, "", q)
    require_holder(now, p, key)
    return forms.Ctx(now, b.today(), None, "", key, q)


def require_holder(state: Any, p: Principal, holder: str) -> None:
    if holder not in state.holders:
        raise roles.NotFound(f"holder: no holder {holder!r} that you may see", field="holder")
    if p.role == "holder" and state.holder_group(holder) != state.holder_group(p.party):
        raise roles.NotFound(f"holder: no holder {holder!r} that you may see", field="holder")
    if p.role in ("company", "agent") and not any(o.holder == holder for o in roles.visible(state, p)):
        raise roles.NotFound(f"holder: no holder {holder!r} that you may see", field="holder")


def _form_or_404(p: Principal, scope: str, kind: str) -> forms.Form:
    form = forms.form_for(kind, scope)
    if form is None:
        raise roles.NotFound(f"no form {kind!r} here", field="kind")
    if form.kind not in roles.commands_for(p):
        raise roles.Denied(f"a {p.role} user may not give a {form.kind!r} command", field="type")
    return form


def _seen_choices(p: Principal, f: forms.Field, choices: tuple[tuple[str, str], ...], c: forms.Ctx) -> tuple[tuple[str, str], ...]:
    """A form's choice of holder or company, cut to what this user may see (web.roles): a select never names a party the
    user's pages would answer 404 for."""
    if f.name == "holder" and not f.choices:
        seen = roles.holders_seen(c.state, p)
        return tuple(x for x in choices if x[0] in seen)
    if f.name == "company" and not f.choices and p.role != "auditor":
        companies = roles.companies_seen(c.state, p)
        return tuple(x for x in choices if x[0] in companies)
    return choices


def _form_page(request: Request, p: Principal, scope: str, key: str, form: forms.Form, c: forms.Ctx, values: dict[str, Any],
               error: dict[str, Any] | None = None, status: int = 200) -> HTMLResponse:
    fields = [{"f": f, "choices": _seen_choices(p, f, forms.choices(form, f, c), c), "value": values.get(f.name, f.default)}
              for f in form.all_fields()]
    back = {"option": f"/options/{urlquote(key)}", "company": f"/companies/{urlquote(key)}", "holder": f"/holders/{urlquote(key)}"}[scope]
    return render(request, "form.html.j2", status, form=form, fields=fields, error=error, scope=scope, key=key, back=back,
                  action=f"{back}/act/{form.kind}")


def _act_get(request: Request, scope: str, key: str, kind: str) -> Response:
    p, _ = page_user(request)
    c = _scope_ctx(request, p, scope, key)
    form = _form_or_404(p, scope, kind)
    values: dict[str, Any] = {"on": book(request).today().isoformat()}
    if form.prefill:
        values.update(form.prefill(c))
    return _form_page(request, p, scope, key, form, c, values)


FIXED = {"option": "option_no", "company": "company", "holder": "holder"}


async def _act_post(request: Request, scope: str, key: str, kind: str) -> Response:
    p, raw = await posted(request)
    return await run_in_threadpool(_act_record, request, p, raw, scope, key, kind)  # deciding and writing: off the event loop


def _confirm_secret(request: Request) -> Any:
    return request.app.state.sessions.serializer.secret_key


def _confirm_page(request: Request, p: Principal, scope: str, key: str, form: forms.Form, values: dict[str, Any], event: ev.Event,
                  stale: bool, then: str) -> HTMLResponse:
    """What an irrevocable act will record and what follows, with a signed token of the exact values: nothing is recorded yet."""
    from warrantbook.app.consequences import preview

    b = book(request)
    head = b.head()  # read first: a record slipping in before the state is read makes the token stale, never the figures
    state = b.state()
    roles.check_command(state, p, event)
    shown = preview(state, event)  # decided, not recorded: a refusal shows on the form before any confirmation
    _, csrf = page_user(request)
    token = commands.seal(_confirm_secret(request), p, csrf, f"{scope}/{key}", form.kind, head, values)
    back = {"option": f"/options/{urlquote(key)}", "company": f"/companies/{urlquote(key)}", "holder": f"/holders/{urlquote(key)}"}[scope]
    return render(request, "confirm.html.j2", form=form, key=key, back=back, action=f"{back}/act/{form.kind}", token=token,
                  lines=shown.lines(), consequences=shown.consequences, stale=stale, then=then, on=event.on.isoformat())


def _act_record(request: Request, p: Principal, raw: dict[str, Any], scope: str, key: str, kind: str) -> Response:
    """Record a form's act; a confirmed one under the book's lock from the token's check against the head to the record,
    so no other writer of this server slips in between (what was confirmed is what the ledger was)."""
    if raw.get("confirm_token"):
        with book(request).lock:
            return _act_record_now(request, p, raw, scope, key, kind)
    return _act_record_now(request, p, raw, scope, key, kind)


def _act_record_now(request: Request, p: Principal, raw: dict[str, Any], scope: str, key: str, kind: str) -> Response:
    c = _scope_ctx(request, p, scope, key)
    form = _form_or_404(p, scope, kind)
    b = book(request)
    confirm = commands.irrevocable(form.kind)
    token = str(raw.get("confirm_token") or "")
    idempotency_key = str(raw.get("idempotency_key") or "") or None
    then = "filed" if raw.get("then") == "filed" else "done"
    stale = False
    if confirm and token:
        _, csrf = page_user(request)
        try:
            values = commands.unseal(_confirm_secret(request), p, csrf, f"{scope}/{key}", form.kind, b.head(), token)
        except commands.Stale as exc:
            values, stale = exc.values, True
        if raw.get("edit"):
            return _form_page(request, p, scope, key, form, c, values)
        idempotency_key = idempotency_key or "confirm-" + hashlib.sha256(token.encode()).hexdigest()[:40]
    else:
        values = forms.values_of(form, raw)
    names = {f.name for f in dataclasses.fields(ev.REGISTRY[form.kind])}
    name = "issuer" if form.kind == "stock-event" else FIXED[scope]
    fixed = {name: key} if name in names and form.kind not in ("holder", "company") else {}
    try:
        data = forms.data_of(form, values, c)
        event = build(p, data, today=b.today(), kind=form.kind, fixed=fixed)
        if confirm and (not token or stale):
            return _confirm_page(request, p, scope, key, form, values, event, stale, then)
        recorded = b.record(p, event, idempotency_key=idempotency_key)
    except (WarrantbookError, roles.Denied) as exc:
        from warrantbook.web.app import status_of

        body = exc.as_json()
        if body.get("field"):
            body["field"] = str(body["field"]).removeprefix("event.").split(".")[0].split("[")[0]
        return _form_page(request, p, scope, key, form, c, values, body, status_of(exc))
    back = {"option": f"/options/{urlquote(key)}", "company": f"/companies/{urlquote(key)}", "holder": f"/holders/{urlquote(key)}"}[scope]
    if scope == "company" and form.kind == "issue":
        back = f"/options/{urlquote(recorded.events[0].option_no)}"  # type: ignore[attr-defined]
    return RedirectResponse(f"{back}?{then}={urlquote(recorded.events[0].id)}", status_code=303)


@router.get("/options/{option_no}/act/{kind}", response_class=HTMLResponse)
def option_act_page(request: Request, option_no: str, kind: str) -> Response:
    return _act_get(request, "option", option_no, kind)


@router.post("/options/{option_no}/act/{kind}", response_class=HTMLResponse)
async def option_act(request: Request, option_no: str, kind: str) -> Response:
    return await _act_post(request, "option", option_no, kind)


@router.get("/companies/{company}/act/{kind}", response_class=HTMLResponse)
def company_act_page(request: Request, company: str, kind: str) -> Response:
    return _act_get(request, "company", company, kind)


@router.post("/companies/{company}/act/{kind}", response_class=HTMLResponse)
async def company_act(request: Request, company: str, kind: str) -> Response:
    return await _act_post(request, "company", company, kind)


@router.get("/holders/{holder}/act/{kind}", response_class=HTMLResponse)
def holder_act_page(request: Request, holder: str, kind: str) -> Response:
    return _act_get(request, "holder", holder, kind)


@router.post("/holders/{holder}/act/{kind}", response_class=HTMLResponse)
async def holder_act(request: Request, holder: str, kind: str) -> Response:
    return await _act_post(request, "holder", holder, kind)


# ---------------------------------------------------------------- company and holder pages


@router.get("/companies/{company}", response_class=HTMLResponse)
def company_page(request: Request, company: str, as_of: str | None = None, done: str | None = None) -> Response:
    p, _ = page_user(request)
    b = book(request)
    now = b.state()
    roles.require_company(now, p, company)
    day = _day(request, as_of)
    state = b.state(day)
    cs = state.companies.get(company)
    facts: dict[str, Any] = {}
    if cs is not None:
        venue = cs.venue_on(day)
        facts = {"name": cs.name, "venue": venue.value if venue is not None else None,
                 "outstanding": cs.outstanding_on(day), "authorized": cs.authorized_on(day),
                 "agent": cs.agent, "quotes": len(cs.quotes), "reorganized": cs.reorganized, "dissolved": cs.dissolved}
    reserve = service.reserve_view(b, p, day, company)["reserve"] if p.role != "holder" else []
    options = [o for o in service.list_view(b, p, day)["options"] if o["company"]["id"] == company]
    return render(request, "company.html.j2", company=company, facts=facts, reserve=reserve, options=options, as_of=day.isoformat(),
                  actions=_allowed_forms(p, "company"), done=done,
                  can_upload="quote" in roles.commands_for(p) and p.role == "company")


@router.get("/holders/{holder}", response_class=HTMLResponse)
def holder_page(request: Request, holder: str, done: str | None = None) -> Response:
    p, _ = page_user(request)
    b = book(request)
    now = b.state()
    require_holder(now, p, holder)
    h = now.holders[holder]
    last = now.last_address(holder)
    options = [o for o in service.list_view(b, p, b.today())["options"] if o["holder"]["id"] == holder]
    actions = _allowed_forms(p, "holder") if p.role == "holder" and holder == p.party else []
    return render(request, "holder.html.j2", holder=h, address=last, options=options, actions=actions, done=done)


# ---------------------------------------------------------------- prices upload


@router.post("/companies/{company}/prices", response_class=HTMLResponse)
async def upload_prices(request: Request, company: str) -> Response:
    p, values = await posted(request)
    upload = values.get("file")
    if not isinstance(upload, UploadFile):
        raise BadInput("file: choose a CSV file (date,venue,close,bid,ask)", field="file")
    raw = await upload.read()
    return await run_in_threadpool(_import_prices, request, p, values, company, raw, upload.filename)


def _import_prices(request: Request, p: Principal, values: dict[str, Any], company: str, raw: bytes, filename: str | None) -> Response:
    b = book(request)
    roles.require_company(b.state(), p, company)
    if p.role != "company":
        raise roles.Denied("prices are recorded by the company", field="type")
    from warrantbook.app import parsers
    from warrantbook.web.api import import_prices

    problems: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    imported = 0
    skip = values.get("skip_identical") not in (None, "", "off")
    try:
        text = parsers.decode_upload(raw)
        recorded, left_out = import_prices(b, p, company, text, str(values.get("source") or filename or ""), None, skip_identical=skip)
        imported = len(recorded.events) if recorded is not None else 0
        skipped = [o.as_json() for o in left_out]
    except BookErrors as exc:
        problems = [{"line": e.line, "field": e.field, "error": e.message, "clause": e.clause} for e in exc.errors]
        differences = _recorded_days(b, company, raw)
    except (BadInput, Refusal) as exc:
        problems = [{"line": exc.line, "field": exc.field, "error": exc.message, "clause": exc.clause}]
    return render(request, "prices.html.j2", 400 if problems else 200, company=company, problems=problems, imported=imported,
                  filename=filename, differences=differences, skipped=skipped, skip=skip)


def _recorded_days(b: service.Book, company: str, raw: bytes) -> list[dict[str, Any]]:
    """The file's rows for days already recorded, recorded figures beside the file's (rows that parse; none if the file does not)."""
    from warrantbook.app import parsers

    try:
        quotes, lines = parsers.parse_prices(parsers.decode_upload(raw), company, "", "the uploaded CSV")
    except (BookErrors, BadInput):
        return []
    return [o.as_json() for o in parsers.overlaps(b.state(), company, quotes, lines)]


# ---------------------------------------------------------------- documents


@router.post("/options/{option_no}/documents")
async def option_document(request: Request, option_no: str) -> Response:
    p, values = await posted(request)
    from warrantbook.web.documents import make

    kind = str(values.get("kind") or "")
    event = str(values.get("event") or "") or None
    if values.get("doc"):
        kind, _, picked = str(values["doc"]).partition("|")
        event = picked or None
    fmt_ = str(values.get("format") or "pdf")
    return await run_in_threadpool(make, book(request), p, kind, option_no=option_no, event_id=event, fmt=fmt_,  # PDF rendering: off the loop
                                   made_on=book(request).today())


@router.post("/documents/verify", response_class=HTMLResponse)
async def verify_document(request: Request) -> Response:
    p, values = await posted(request)
    from warrantbook.documents.issue import verify

    upload = values.get("file")
    if not isinstance(upload, UploadFile):
        raise BadInput("file: choose the PDF or HTML file to check", field="file")
    content = await upload.read()
    b = book(request)
    verdict = await run_in_threadpool(verify, b.state(), content)
    record = verdict.record
    if record is not None and record.option_no:
        option = b.state().options.get(record.option_no)
        if option is None or not roles.can_see(b.state(), p, option):
            record = None
    return render(request, "verify.html.j2", verdict=verdict, record=record, filename=upload.filename)
