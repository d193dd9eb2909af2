"""The notations people type, read once for every shell: tranches, the cap, a §3.1 basket, transfer pieces,
addresses, numbers, dates and the prices CSV.

Each reader either returns the exact value or raises BadInput naming the field (and, for a file, the line), with
the section the notation serves. No reader holds a rule of the agreement: decide (core) judges the result.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput, BookErrors, WarrantbookError
from warrantbook.core.numbers import exact
from warrantbook.core.state import BookState
from warrantbook.core.terms import Address, Cap, Tranche, Venue

MAX_WHOLE = 100_000  # a count of days or a tranche index typed by a person


# ---------------------------------------------------------------- plain values


def number(value: Any, field: str) -> Fraction | None:
    """An exact number, or None when nothing was given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return exact(value, field)


def required_number(value: Any, field: str) -> Fraction:
    got = number(value, field)
    if got is None:
        raise BadInput(f"{field}: required (a number)", field=field)
    return got


def whole(value: Any, field: str) -> int | None:
    """A small whole number (days, an index): digits only, bounded."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadInput(f"{field}: expected a whole number, got a boolean", field=field)
    if isinstance(value, int):
        n = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            raise BadInput(f"{field}: {text!r} is not a whole number from 0 to {MAX_WHOLE:,}", field=field)
        n = int(text)
    if not 0 <= n <= MAX_WHOLE:
        raise BadInput(f"{field}: {n} is not a whole number from 0 to {MAX_WHOLE:,}", field=field)
    return n


def day(value: Any, field: str) -> date | None:
    """An ISO date, or None when nothing was given."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadInput(f"{field}: {value!r} is not a date (use YYYY-MM-DD)", field=field) from None


def lines(value: Any) -> list[str]:
    """Text lines (a textarea, or repeated options), blank ones dropped."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).splitlines()
    return [str(x).strip() for x in items if str(x).strip()]


def items(value: Any) -> list[Any]:
    """A list typed as repeated options, one per line, or comma-separated (values already read, such as enum members, kept)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [x.strip() if isinstance(x, str) else x for x in value if not isinstance(x, str) or x.strip()]
    return [x.strip() for x in str(value).replace("\n", ",").split(",") if x.strip()]


def address(value: Any, field: str = "address", *, required: bool = False) -> Address | None:
    """An address from its lines (§13, §2.2(b), §11, §3.2)."""
    cleaned = tuple(lines(value))
    if not cleaned:
        if required:
            raise BadInput(f"{field}: give at least one line (repeat --{field.replace('_', '-')} for each line)", field=field)
        return None
    return Address(cleaned)


# ---------------------------------------------------------------- §1.1 tranches, §10 cap


def tranches(values: Any, shares: Any = None, price: Any = None) -> tuple[Tranche, ...]:
    """SHARES@PRICE per tranche (§1.1), and/or one tranche from a shares and price pair."""
    out: list[Tranche] = []
    for i, text in enumerate(lines(values)):
        left, sep, right = text.partition("@")
        if not sep:
            raise BadInput(f"tranche[{i}]: {text!r} is not SHARES@PRICE (e.g. 140250000@0.00001)", field="tranche", clause="§1.1")
        out.append(Tranche(exact(left, f"tranche[{i}].shares"), exact(right, f"tranche[{i}].exercise_price")))
    given = (shares not in (None, ""), price not in (None, ""))
    if any(given):
        if not all(given):
            raise BadInput("--shares and --price go together (or use --tranche SHARES@PRICE)",
                           field="price" if given[0] else "shares", clause="§1.1")
        out.append(Tranche(exact(shares, "shares"), exact(price, "price")))
    return tuple(out)


def cap(no_cap: bool, percent: Any, waiver_days: Any, no_waiver: bool, hard_ceiling: Any, default_voids: bool | None,
        base: Cap | None) -> Cap | None:
    """The §10 cap: the base (or the default 4.99% cap) with what was typed changed."""
    if no_cap:
        return None
    current = base or Cap()
    if percent not in (None, ""):
        current = replace(current, percent=exact(percent, "cap"))
    if no_waiver:
        current = replace(current, waiver_notice_days=None)
    else:
        days = whole(waiver_days, "waiver_days")
        if days is not None:
            current = replace(current, waiver_notice_days=days)
    if hard_ceiling not in (None, ""):
        current = replace(current, hard_ceiling=exact(hard_ceiling, "hard_ceiling"))
    if default_voids is not None:
        current = replace(current, void_on_default=default_voids)
    return current


# ---------------------------------------------------------------- §3.1 basket, §7 pieces


def basket(securities: Any, cash: Any, properties: Any) -> tuple[ev.BasketItem, ...]:
    """What one share became (§3.1): ISSUER=QUANTITY securities, cash, DESCRIPTION=QUANTITY@UNIT_VALUE property."""
    out: list[ev.BasketItem] = []
    for i, text in enumerate(lines(securities)):
        issuer, sep, qty = text.partition("=")
        if not sep or not issuer.strip():
            raise BadInput(f"security[{i}]: {text!r} is not ISSUER=QUANTITY (e.g. newco=0.5)", field="security", clause="§3.1")
        out.append(ev.BasketItem(ev.ItemKind.SECURITY, exact(qty, f"security[{i}].quantity"), issuer=issuer.strip(),
                                 description=f"common stock of {issuer.strip()}"))
    if cash not in (None, ""):
        out.append(ev.BasketItem(ev.ItemKind.CASH, exact(cash, "cash"), description="cash"))
    for i, text in enumerate(lines(properties)):
        desc, sep, rest = text.partition("=")
        qty, sep2, value = rest.partition("@")
        if not sep or not sep2 or not desc.strip():
            raise BadInput(f"property[{i}]: {text!r} is not DESCRIPTION=QUANTITY@UNIT_VALUE", field="property", clause="§3.1")
        out.append(ev.BasketItem(ev.ItemKind.PROPERTY, exact(qty, f"property[{i}].quantity"), description=desc.strip(),
                                 unit_value=exact(value, f"property[{i}].unit_value")))
    return tuple(out)


def pieces(values: Any) -> tuple[ev.TransferPiece, ...]:
    """Transferees (§7, Exhibit B): HOLDER=PERCENT%, HOLDER=SHARES, or HOLDER=PERCENT%,SHARES, one per entry."""
    out = []
    for i, text in enumerate(lines(values)):
        holder, sep, spec = text.partition("=")
        if not sep or not holder.strip() or not spec.strip():
            raise BadInput(f"piece[{i}]: {text!r} is not HOLDER=PERCENT% or HOLDER=SHARES or HOLDER=PERCENT%,SHARES", field="piece",
                           clause="§7")
        percent = shares = None
        for part in spec.split(","):
            part = part.strip()
            if not part:
                raise BadInput(f"piece[{i}]: {text!r} has an empty part", field="piece", clause="§7")
            if part.endswith("%"):
                if percent is not None:
                    raise BadInput(f"piece[{i}]: {text!r} gives the percentage twice", field="piece", clause="§7")
                percent = exact(part, f"piece[{i}].percent")
            else:
                if shares is not None:
                    raise BadInput(f"piece[{i}]: {text!r} gives the shares twice (write shares without a thousands comma: the comma separates the percentage from the shares)", field="piece", clause="§7")
                shares = exact(part, f"piece[{i}].shares")
        out.append(ev.TransferPiece(holder.strip(), percent=percent, shares=shares))
    return tuple(out)


# ---------------------------------------------------------------- prices CSV (§1.2)


class FileErrors(BookErrors):
    """Every problem of an input file, each with its line."""

    def __init__(self, errors: list[WarrantbookError], what: str):
        super().__init__(errors)
        self.what = what

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        data["error"] = f"{len(self.errors)} problem(s) in {self.what}; nothing was imported"
        return data


COLUMNS = ("date", "venue", "close", "bid", "ask")
MAX_ROWS = 100_000  # a price file's rows (a century of trading days on four venues)
MAX_CELL = 100  # characters in one cell
_ALIASES = {"otc": "otcbb", "otc-bb": "otcbb", "bulletin-board": "otcbb", "amex": "exchange", "nyse": "exchange"}


def venue(text: str) -> Venue | None:
    key = text.strip().lower().replace(" ", "-").replace("_", "-")
    key = _ALIASES.get(key, key)
    for v in Venue:
        if v.value == key:
            return v
    return None


def read_prices(path: Path, company: str, source: str) -> tuple[list[ev.Quote], list[int]]:
    """A prices CSV file: parse_prices over its text."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInput(f"file: no file {path}", field="file") from None
    except UnicodeDecodeError:
        raise BadInput(f"file: {path} is not UTF-8 text", field="file") from None
    return parse_prices(text, company, source or path.name, str(path))


def decode_upload(raw: bytes) -> str:
    """An uploaded CSV's text (UTF-8, with or without the byte-order mark)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("file: not UTF-8 text", field="file") from None


def parse_prices(text: str, company: str, source: str, what: str = "the CSV") -> tuple[list[ev.Quote], list[int]]:
    """The rows of a prices CSV (date,venue,close,bid,ask), every row checked: all problems at once with their lines, or the
    quotes and the line of each. Bounded: at most MAX_ROWS rows of MAX_CELL characters a cell."""
    lines_of_text = text.splitlines()
    if len(lines_of_text) > MAX_ROWS + 1:
        raise FileErrors([BadInput(f"file: at most {MAX_ROWS:,} rows", field="file", line=MAX_ROWS + 2)], what)
    try:
        rows = list(csv.reader(lines_of_text))
    except csv.Error as exc:
        raise FileErrors([BadInput(f"file: not a CSV file ({exc})", field="file", line=None)], what) from None
    for line, row in enumerate(rows, start=1):
        if len(row) > 20 or any(len(cell) > MAX_CELL for cell in row):
            raise FileErrors([BadInput(f"file: a row has at most 20 cells of at most {MAX_CELL} characters", field="file", line=line)], what)
    if not rows:
        raise FileErrors([BadInput(f"file: the file is empty: it needs a header {','.join(COLUMNS)}", field="file", line=1)], what)
    header = [h.strip().lower() for h in rows[0]]
    missing = [col for col in COLUMNS if col not in header]
    if missing:
        raise FileErrors([BadInput(f"header: missing column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})", field="header",
                                   line=1)], what)
    index = {col: header.index(col) for col in COLUMNS}
    errors: list[WarrantbookError] = []
    quotes: list[ev.Quote] = []
    found: list[int] = []
    seen: dict[tuple[Venue, date], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problems, quote, where = _row(row, index, company, source)
        if where is not None:
            first = seen.get(where)
            if first is not None:
                problems.append(("date", f"{where[1]} on {where[0].value} is already on line {first}"))
                quote = None
            else:
                seen[where] = line
        for fld, message in problems:
            errors.append(BadInput(f"{fld}: {message}", field=fld, line=line, clause="§1.2"))
        if not problems and quote is not None:
            quotes.append(quote)
            found.append(line)
    if errors:
        raise FileErrors(errors, what)
    return quotes, found


def _row(row: list[str], index: dict[str, int], company: str,
         source: str) -> tuple[list[tuple[str, str]], ev.Quote | None, tuple[Venue, date] | None]:
    """One row's problems (field, message), its quote when it has none, and its (venue, day) when both read."""
    problems: list[tuple[str, str]] = []

    def cell(col: str) -> str:
        i = index[col]
        return row[i].strip() if i < len(row) else ""

    on = None
    try:
        on = date.fromisoformat(cell("date"))
    except ValueError:
        problems.append(("date", f"{cell('date')!r} is not a date (YYYY-MM-DD)"))
    where = venue(cell("venue"))
    if where is None:
        problems.append(("venue", f"unknown venue {cell('venue')!r} (known: {', '.join(v.value for v in Venue)})"))
    prices: dict[str, Fraction | None] = {}
    for col in ("close", "bid", "ask"):
        raw = cell(col)
        prices[col] = None
        if not raw:
            continue
        try:
            value = exact(raw, col)
        except BadInput as exc:
            problems.append((col, exc.message.removeprefix(f"{col}: ")))
            continue
        if value <= 0:
            problems.append((col, f"{raw} is not a price: it must be more than zero"))
        prices[col] = value
    bid, ask = prices["bid"], prices["ask"]
    if bid is not None and ask is not None and bid > 0 and bid > ask:
        problems.append(("bid", f"bid {cell('bid')} is above ask {cell('ask')}"))
    if prices["close"] is None and (bid is None or ask is None) and not any(f in ("close", "bid", "ask") for f, _ in problems):
        problems.append(("close", "a row needs a close, or a bid and an ask"))
    if on is None or where is None:
        return problems, None, None
    if problems:
        return problems, None, (where, on)
    return problems, ev.Quote(id=f"quote-{company}-{where.value}-{on.isoformat()}", on=on,
                              actor=ev.default_actor(ev.Quote, company=company), company=company, venue=where,
                              close=prices["close"], bid=bid, ask=ask, source=source), (where, on)


# ---------------------------------------------------------------- a price file against the days already recorded


@dataclass(frozen=True, slots=True)
class Overlap:
    """A row of the file whose venue and day the ledger already holds."""

    line: int
    on: date
    venue: Venue
    recorded: ev.Quote
    given: ev.Quote

    @property
    def identical(self) -> bool:
        return (self.recorded.close, self.recorded.bid, self.recorded.ask) == (self.given.close, self.given.bid, self.given.ask)

    def differences(self) -> dict[str, tuple[Fraction | None, Fraction | None]]:
        """Each figure that differs: (recorded, in the file)."""
        return {name: (getattr(self.recorded, name), getattr(self.given, name)) for name in ("close", "bid", "ask")
                if getattr(self.recorded, name) != getattr(self.given, name)}

    def as_json(self) -> dict[str, Any]:
        from warrantbook.core.numbers import to_text

        def t(x: Fraction | None) -> str | None:
            return None if x is None else to_text(x)

        return {"line": self.line, "date": self.on.isoformat(), "venue": self.venue.value, "identical": self.identical,
                "recorded": {n: t(getattr(self.recorded, n)) for n in ("close", "bid", "ask")},
                "file": {n: t(getattr(self.given, n)) for n in ("close", "bid", "ask")},
                "differs": sorted(self.differences())}


def overlaps(state: BookState, company: str, quotes: list[ev.Quote], found: list[int]) -> list[Overlap]:
    """The rows whose (venue, day) the ledger already records for the company, each with the recorded quote."""
    cs = state.companies.get(company)
    if cs is None:
        return []
    out = []
    for q, line in zip(quotes, found, strict=True):
        recorded = cs.quotes.get((q.venue, q.on))
        if recorded is not None:
            out.append(Overlap(line, q.on, q.venue, recorded, q))
    return out


def overlap_errors(found: list[Overlap]) -> list[WarrantbookError]:
    """A differing overlap is an error naming the day and each figure, recorded vs in the file (§1.2: one price a day)."""
    from warrantbook.core.numbers import to_text

    def t(x: Fraction | None) -> str:
        return "none" if x is None else to_text(x)

    out: list[WarrantbookError] = []
    for o in found:
        if o.identical:
            out.append(BadInput(f"date: {o.on} on {o.venue.value} is already recorded with the same figures (skip identical rows to "
                                "import the rest)", field="date", line=o.line, clause="§1.2"))
            continue
        diffs = "; ".join(f"{name} recorded {t(a)}, file {t(b)}" for name, (a, b) in o.differences().items())
        out.append(BadInput(f"date: {o.on} on {o.venue.value} is already recorded and differs: {diffs}", field="date", line=o.line,
                            clause="§1.2"))
    return out
