"""CSV and XLSX of any list of rows with declared columns, safe from formula injection.

    sheet = Sheet("options", (Column("option", "Option"), Column("remaining", "Remaining shares", SHARES)), rows)
    to_csv(sheet) -> bytes;  to_xlsx([sheet, ...]) -> bytes;  write([sheet, ...], path)  (.csv or .xlsx by the name)

A row is a mapping; a column's `key` is a dotted path into it (`holder.name`). Exports are for machines and auditors:
numbers keep their exact value (the canonical text of core.numbers.to_text), never the rounded display of
app.present.

Formula injection (OWASP, "CSV Injection"): a text cell whose first character (after any leading spaces) is `=`, `+`,
`-`, `@`, a tab or a carriage return (or the full-width `＝ ＋ － ＠`, which some spreadsheets fold to them) after any
leading whitespace (spaces, line breaks, no-break and other Unicode spaces, which a spreadsheet or a reader may drop) is
written with a `'` in front, so no spreadsheet reads it as a formula. Number columns are not text: a value that is
not an exact number is refused (BadInput), so a number column can never carry a formula either.

XLSX: a number column is written as a number. A spreadsheet number is a binary double, shown to 15 significant digits:
a value it cannot hold as written (1/3, a 20-digit count) is written as the nearest double AND the column gets a
parallel text column "<title> (exact)" holding the exact value, so no precision is lost. Text is always written as a string
cell (openpyxl would otherwise store a string beginning with `=` as a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from warrantbook.core.errors import BadInput
from warrantbook.core.numbers import exact, finite_decimal, to_text

TEXT = "text"
SHARES = "shares"
PRICE = "price"
MONEY = "money"
PERCENT = "percent"  # a ratio (0.0499), written as a number with a percentage format
INTEGER = "integer"
NUMBER_KINDS = frozenset({SHARES, PRICE, MONEY, PERCENT, INTEGER})
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
MAX_ROWS = 1_000_000  # an XLSX sheet holds 1,048,576 rows
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # a dotted path into the row
    title: str
    kind: str = TEXT


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    rows: Sequence[Mapping[str, Any]]


def neutralise(text: str) -> str:
    """A text cell no spreadsheet will read as a formula (OWASP): a `'` before a leading trigger character."""
    return "'" + text if text.lstrip().startswith(TRIGGERS) or text.startswith(TRIGGERS) else text


def _get(row: Mapping[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _number(value: Any, column: Column, i: int) -> Fraction | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadInput(f"{column.key}: row {i + 1}: a number column holds {value!r}", field=column.key)
    try:
        return exact(value, column.key)
    except BadInput:
        raise BadInput(f"{column.key}: row {i + 1}: {str(value)[:40]!r} is not an exact number", field=column.key) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    return str(value)


def cells(sheet: Sheet) -> Iterable[list[tuple[Column, Any]]]:
    """Each row as (column, value) pairs: numbers as exact Fractions (or None), text neutralised."""
    if len(sheet.rows) > MAX_ROWS:
        raise BadInput(f"rows: at most {MAX_ROWS:,} rows in one export", field="rows")
    for i, row in enumerate(sheet.rows):
        out: list[tuple[Column, Any]] = []
        for c in sheet.columns:
            value = _get(row, c.key)
            out.append((c, _number(value, c, i) if c.kind in NUMBER_KINDS else neutralise(_text(value))))
        yield out


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheets read the accents), a header row of titles, exact numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.title) for c in sheet.columns])
    for row in cells(sheet):
        writer.writerow(["" if v is None else to_text(v) if c.kind in NUMBER_KINDS else v for c, v in row])
    return buffer.getvalue().encode("utf-8-sig")


SPREADSHEET_DIGITS = 15  # significant digits a spreadsheet keeps of a number typed in


def _as_double(value: Fraction) -> tuple[int | float, bool]:
    """The spreadsheet number for `value` and whether the spreadsheet holds it as written: an integer of at most
    SPREADSHEET_DIGITS digits (a 16-digit one below 2**53 is a double, but shown and re-typed to 15 digits), or a
    finite decimal of at most SPREADSHEET_DIGITS significant digits (0.425 is stored as the double nearest to it and
    shown, and re-read, as 0.425; 1/3 is not)."""
    if value.denominator == 1 and abs(value.numerator) < 2**53:
        return int(value.numerator), len(str(abs(value.numerator))) <= SPREADSHEET_DIGITS
    double = value.numerator / value.denominator  # float-ok: a spreadsheet cell is a double; the exact text goes beside it
    text = finite_decimal(value)
    return double, text is not None and len(text.lstrip("-").replace(".", "").strip("0")) <= SPREADSHEET_DIGITS


FORMATS = {SHARES: "#,##0.######", PRICE: "$#,##0.00########", MONEY: "$#,##0.00", PERCENT: "0.00%", INTEGER: "0"}


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for sheet in sheets:
        rows = list(cells(sheet))
        inexact = {c.key for row in rows for c, v in row if c.kind in NUMBER_KINDS and v is not None and not _as_double(v)[1]}
        layout: list[tuple[Column, bool]] = []  # (column, is its exact-text twin)
        for c in sheet.columns:
            layout.append((c, False))
            if c.key in inexact:
                layout.append((c, True))
        title = _sheet_name(sheet.name, used)
        ws = wb.create_sheet(title)
        for j, (c, twin) in enumerate(layout, start=1):
            cell = ws.cell(row=1, column=j)
            cell.value = neutralise(f"{c.title} (exact)" if twin else c.title)
            cell.data_type = "s"
            ws.column_dimensions[get_column_letter(j)].width = max(12, min(48, len(c.title) + 4))
        for i, row in enumerate(rows, start=2):
            values = dict((c.key, v) for c, v in row)
            for j, (c, twin) in enumerate(layout, start=1):
                v = values[c.key]
                cell = ws.cell(row=i, column=j)
                if v is None:
                    continue
                if c.kind not in NUMBER_KINDS or twin:
                    cell.value = v if not twin else to_text(v)
                    cell.data_type = "s"
                else:
                    cell.value = _as_double(v)[0]
                    cell.number_format = FORMATS[c.kind]
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:31] or "sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate = f"{clean[:28]}-{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def kind_of(path: str | Path) -> str:
    """"csv" or "xlsx" from a file name; anything else is refused."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in ("csv", "xlsx"):
        raise BadInput(f"out: {str(path)!r}: the export is written as .csv or .xlsx (by the file's name)", field="out")
    return suffix


def render(sheets: Sequence[Sheet], kind: str) -> bytes:
    """The export's bytes: XLSX holds every sheet; CSV holds one (a CSV of several sheets is refused, name one)."""
    if kind == "xlsx":
        return to_xlsx(sheets)
    if kind == "csv":
        if len(sheets) != 1:
            raise BadInput(f"format: a CSV holds one table; this export has {len(sheets)} ({', '.join(s.name for s in sheets)}): "
                           "choose one, or write .xlsx", field="format")
        return to_csv(sheets[0])
    raise BadInput(f"format: {kind!r} is not csv or xlsx", field="format")


def write(sheets: Sequence[Sheet], path: str | Path, kind: str | None = None) -> Path:
    """Write the export to `path` (its kind from the name unless given); returns the path."""
    target = Path(path)
    data = render(sheets, kind or kind_of(target))
    target.write_bytes(data)
    return target


# ---------------------------------------------------------------- the other views' columns (their --json / API rows)
# One call each once wired: render([Sheet("options", LIST_COLUMNS, data["options"])], kind), and likewise for
# due (data["items"]) and history (data["events"]).

LIST_COLUMNS = (Column("option", "Option"), Column("company.id", "Company"), Column("holder.id", "Holder"),
                Column("holder.name", "Holder name"), Column("status", "Status"), Column("status_since", "Since"),
                Column("remaining_shares", "Remaining shares", SHARES), Column("cap.percent", "Cap (§10)", PERCENT),
                Column("cap.in_force", "Cap in force"), Column("cap.reason", "Cap status"), Column("parent", "Came from"),
                Column("children", "Became"), Column("open_items", "Open items", INTEGER))
DUE_COLUMNS = (Column("due", "Due"), Column("option", "Option"), Column("kind", "Kind"), Column("clause", "Clause"),
               Column("text", "What"), Column("ref", "Regarding"))
HISTORY_COLUMNS = (Column("seq", "Seq", INTEGER), Column("on", "On"), Column("id", "Event"), Column("kind", "Kind"),
                   Column("clause", "Clause"), Column("actor", "Actor"), Column("acted_by", "Recorded by"),
                   Column("derived", "Derived"), Column("description", "What"), Column("corrected_by", "Corrected by"),
                   Column("recorded_at", "Recorded at"), Column("hash", "Hash"))
