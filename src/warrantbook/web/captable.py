"""The cap table on the web: a company's page, a fund's page, their CSV/XLSX downloads, and GET /api/captable.

Thin shell over app.captable (the figures), app.present (the Jinja filters of web.pages) and app.export. Who sees
what (web.roles, as it is): a company's users see their company's cap table, an agent the companies whose §11
appointment names it, the auditor every company; a holder sees no company's books, only its own options (and its
affiliates', as on the rest of the site) on its fund page. What a user may not see answers 404, like what does not
exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from warrantbook.app import export
from warrantbook.app.captable import NotVisible, cap_table_sheet, company_cap_table, fund_sheet, fund_view
from warrantbook.core.errors import BadInput
from warrantbook.web import roles, schema, service
from warrantbook.web.api import User
from warrantbook.web.auth import Principal
from warrantbook.web.pages import book, page_user, render

router = APIRouter()


def _day(request: Request, value: str | date | None) -> date:
    if value is None or value == "":
        return book(request).today()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"as_of: {value!r} is not a date (YYYY-MM-DD)", field="as_of") from None


def company_data(request: Request, p: Principal, company: str, as_of: str | date | None) -> dict[str, Any]:
    day = _day(request, as_of)
    now, state = book(request).states(day)
    try:
        return company_cap_table(state, company, day, roles.visibility(now, p))
    except NotVisible as exc:
        raise roles.NotFound(exc.message, field=exc.field) from None


def fund_data(request: Request, p: Principal, holder: str, as_of: str | date | None) -> dict[str, Any]:
    day = _day(request, as_of)
    now, state = book(request).states(day)
    viewer = roles.visibility(now, p)
    refused = roles.NotFound(f"holder: no holder {holder!r} that you may see", field="holder")
    if holder not in now.holders:
        raise refused
    if p.role == "holder" and now.holder_group(holder) != now.holder_group(p.party):
        raise refused
    if p.role in ("company", "agent") and not any(o.holder == holder and viewer.sees_option(o.option_no) for o in now.options.values()):
        raise refused
    try:
        return fund_view(state, holder, day, viewer)
    except NotVisible as exc:
        raise roles.NotFound(exc.message, field=exc.field) from None


def _download(data: bytes, kind: str, name: str) -> Response:
    media = export.XLSX_TYPE if kind == "xlsx" else export.CSV_TYPE
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:80] or "export"


# ---------------------------------------------------------------- pages


@router.get("/captable", response_class=HTMLResponse, include_in_schema=False)
def captable_index(request: Request) -> Response:
    """Where the cap tables are: the companies whose books this user may read, and the holders whose options it sees."""
    p, _ = page_user(request)
    now = book(request).state()
    viewer = roles.visibility(now, p)
    companies = sorted((cid, cs.name) for cid, cs in now.companies.items() if viewer.reserve and viewer.sees_company(cid))
    holders = sorted({o.holder for o in roles.visible(now, p)} | ({p.party} if p.role == "holder" and p.party in now.holders else set()))
    return render(request, "captable_index.html.j2", companies=companies,
                  holders=[(h, now.holders[h].name) for h in holders if h in now.holders])


@router.get("/companies/{company}/captable", response_class=HTMLResponse, include_in_schema=False)
def company_page(request: Request, company: str, as_of: str | None = None) -> Response:
    p, _ = page_user(request)
    d = company_data(request, p, company, as_of)
    return render(request, "captable.html.j2", d=d, as_of=d["as_of"])


@router.get("/holders/{holder}/captable", response_class=HTMLResponse, include_in_schema=False)
def fund_page(request: Request, holder: str, as_of: str | None = None) -> Response:
    p, _ = page_user(request)
    d = fund_data(request, p, holder, as_of)
    return render(request, "fund.html.j2", d=d, as_of=d["as_of"])


@router.get("/companies/{company}/captable.{kind}", include_in_schema=False)
def company_download(request: Request, company: str, kind: str, as_of: str | None = None) -> Response:
    if kind not in ("csv", "xlsx"):
        raise roles.NotFound(f"format: {kind!r}: a cap table downloads as .csv or .xlsx", field="format")
    p, _ = page_user(request)
    d = company_data(request, p, company, as_of)
    return _download(export.render([cap_table_sheet(d)], kind), kind, f"cap-table-{_safe(company)}-{d['as_of']}")


@router.get("/holders/{holder}/captable.{kind}", include_in_schema=False)
def fund_download(request: Request, holder: str, kind: str, as_of: str | None = None) -> Response:
    if kind not in ("csv", "xlsx"):
        raise roles.NotFound(f"format: {kind!r}: a fund view downloads as .csv or .xlsx", field="format")
    p, _ = page_user(request)
    d = fund_data(request, p, holder, as_of)
    return _download(export.render([fund_sheet(d)], kind), kind, f"fund-{_safe(holder)}-{d['as_of']}")


# The other views' downloads: the rows of the API's list, history and due (the same app.views functions, filtered by the
# user's Visibility), through the columns app.export declares for them.
VIEW_EXPORTS = {"options": (export.LIST_COLUMNS, "options"), "history": (export.HISTORY_COLUMNS, "events"),
                "due": (export.DUE_COLUMNS, "items")}


@router.get("/exports/{view}.{kind}", include_in_schema=False)
def view_download(request: Request, view: str, kind: str, as_of: str | None = None) -> Response:
    if kind not in ("csv", "xlsx") or view not in VIEW_EXPORTS:
        raise roles.NotFound(f"export: {view}.{kind}: options, history or due, as .csv or .xlsx", field="format")
    p, _ = page_user(request)
    day = _day(request, as_of)
    b = book(request)
    data = (service.list_view(b, p, day) if view == "options" else service.history_view(b, p, day) if view == "history"
            else service.due_view(b, p, day))
    columns, key = VIEW_EXPORTS[view]
    return _download(export.render([export.Sheet(view, columns, data[key])], kind), kind, f"{view}-{day}")


# ---------------------------------------------------------------- the API


@router.get("/api/captable", responses=schema.ERRORS, summary="A company's cap table, or a holder's options across companies (CLI: captable)")
async def api_captable(
    request: Request,
    p: User,
    company: Annotated[str | None, Query(max_length=200, description="The company's id: its cap table.")] = None,
    holder: Annotated[str | None, Query(max_length=200, description="A holder's id: its options across every company.")] = None,
    as_of: Annotated[date | None, Query(description="Day the view is taken at (default today).")] = None,
) -> JSONResponse:
    """Exact figures as strings (finite decimals or p/q); the basis of ownership is stated in `basis`. Give exactly one of
    `company` and `holder`."""
    if (company is None) == (holder is None):
        raise BadInput("company, holder: give exactly one (a company's cap table, or a holder's view across companies)",
                       field="company" if company is None else "holder")
    if company is not None:
        data = await run_in_threadpool(company_data, request, p, company, as_of)
    else:
        assert holder is not None
        data = await run_in_threadpool(fund_data, request, p, holder, as_of)
    return JSONResponse(data)
