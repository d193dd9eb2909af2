"""The quarter close for the company and its auditor: a page and the workbook (docs/close.md).

Thin shell over warrantbook.accounting: the company sees its own close, the auditor every company's; a
holder does not (the close is the issuer's accounting). Nothing is recorded here.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from warrantbook.core.errors import BadInput, WarrantbookError
from warrantbook.web import roles
from warrantbook.web.pages import book, page_user, session_of

router = APIRouter(include_in_schema=False)
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True)
templates = Jinja2Templates(env=_env)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request: Request, company: str) -> Any:
    p, _ = page_user(request)
    b = book(request)
    roles.require_company(b.state(), p, company)
    if p.role not in ("company", "auditor"):
        raise roles.NotFound(f"company: no close of {company!r} that you may see", field="company")
    return b


def _pack(request: Request, company: str, period_end: str, prior: str | None, sequencing: str, net_income: str | None) -> Any:
    from warrantbook.accounting.classification import Sequencing
    from warrantbook.accounting.close import build_close

    b = _allowed(request, company)
    try:
        end = date.fromisoformat(period_end)
        before = date.fromisoformat(prior) if prior else None
    except ValueError:
        raise BadInput("period_end, prior: dates as YYYY-MM-DD", field="period_end") from None
    try:
        method = Sequencing(sequencing)
    except ValueError:
        raise BadInput(f"sequencing: one of {', '.join(s.value for s in Sequencing)}", field="sequencing") from None
    income = None
    if net_income:
        try:
            income = Decimal(net_income.replace(",", ""))
        except InvalidOperation:
            raise BadInput(f"net_income: {net_income!r} is not an amount", field="net_income") from None
        if not income.is_finite() or abs(income) >= Decimal("1e15") or income.as_tuple().exponent < -2:  # type: ignore[operator]
            raise BadInput("net_income: dollars and cents below 10^15", field="net_income")
    return build_close(b.events(), company, end, before, head=b.head(), net_income=income, sequencing=method, mc_paths=20_000)


@router.get("/companies/{company}/close", response_class=HTMLResponse)
def close_page(request: Request, company: str, period_end: str | None = None, prior: str | None = None,
               sequencing: str = "latest-first", net_income: str | None = None) -> Response:
    b = _allowed(request, company)
    s = session_of(request)
    base = {"user": s[0] if s else None, "csrf": s[1] if s else "", "today": b.today().isoformat(), "label": b.label}
    pack, error = None, None
    if period_end:
        try:
            pack = _pack(request, company, period_end, prior, sequencing, net_income)
        except WarrantbookError as exc:
            error = exc.as_json()
    return templates.TemplateResponse(request, "close.html.j2", {
        **base, "company": company, "pack": pack, "error": error, "fraction": Fraction,
        "form": {"period_end": period_end or "", "prior": prior or "", "sequencing": sequencing, "net_income": net_income or ""}},
        status_code=200 if error is None else 422 if error.get("clause") else 400)


@router.get("/companies/{company}/close.xlsx")
def close_workbook(request: Request, company: str, period_end: str, prior: str | None = None, sequencing: str = "latest-first",
                   net_income: str | None = None) -> Response:
    from warrantbook.accounting.workbook import write_workbook

    pack = _pack(request, company, period_end, prior, sequencing, net_income)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "close.xlsx"
        write_workbook(pack, path)
        body = path.read_bytes()
    name = f"close-{company}-{pack.period_end.isoformat()}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
