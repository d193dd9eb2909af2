"""Tables for a terminal: every column kept and every figure whole, whatever the width (issue 11).

A `FitTable` prints as columns when the terminal is wide enough for all of them, else as one block per row with each
column named: a narrow terminal never drops a column or cuts a number. Exports (--out, --format) write the rows of
--json to CSV or XLSX through app.export.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from warrantbook.app.export import Sheet, kind_of, write
from warrantbook.cli.common import console, emit
from warrantbook.core.errors import BadInput


class FitTable:
    """A table that prints as columns when the terminal is wide enough for every column, else stacked (one block per
    row, "column: value" lines): never a dropped column or a cut-off number, whatever the width."""

    def __init__(self, title: str, columns: list[tuple[str, str]]):
        self.title = title
        self.columns = columns
        self.rows: list[list[str]] = []

    def add_row(self, *cells: str) -> None:
        self.rows.append(list(cells))

    def min_width(self) -> int:
        """The narrowest the columns can be with every figure whole on one line and every word of text unbroken."""
        total = 0
        for i, (name, justify) in enumerate(self.columns):
            texts = [row[i] for row in self.rows if i < len(row)]
            if justify == "right":
                widest = max([cell_len(t) for t in texts] + [max((cell_len(w) for w in name.split()), default=0)])
            else:
                widest = max([cell_len(w) for t in [*texts, name] for w in t.split()] + [6])
            total += widest + 2
        return total + 2

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = _table(self.title, self.columns)
        for row in self.rows:
            table.add_row(*(Text(cell) for cell in row))  # Text: a name is never read as Rich markup
        if self.min_width() <= options.max_width:
            yield table
            return
        yield Text(self.title)
        for row in self.rows:
            for (name, _justify), cell in zip(self.columns, row):
                if cell:
                    yield Text(f"  {name or 'item'}: {cell}")
            yield Text("")


def _table(title: str, columns: list[tuple[str, str]]) -> Table:
    """Figures (right-aligned) never wrap inside a number; text wraps at spaces, or folds: nothing is cut off."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name, justify in columns:
        table.add_column(name, justify=justify, overflow="fold", no_wrap=justify == "right",  # type: ignore[arg-type]
                         min_width=6 if justify == "left" else None)
    return table


# ---------------------------------------------------------------- exports (app.export): the same rows as --json, exact

FormatOpt = Annotated[str | None, typer.Option("--format", help="Export format: csv or xlsx (default: from --out's name).",
                                               show_default=False)]
OutOpt = Annotated[str | None, typer.Option("--out", help="Write the export to this file (.csv or .xlsx); exact values.",
                                            show_default=False)]


def export_kind(out: str | None, export_format: str | None) -> str | None:
    """The export asked for (csv or xlsx), or None for none; checked before any work is done."""
    if export_format is not None and export_format not in ("csv", "xlsx"):
        raise BadInput(f"--format: {export_format!r} is not csv or xlsx", field="format")
    if export_format is not None and out is None:
        raise BadInput("--out: an export needs the file to write (--out FILE)", field="out")
    return export_format or (kind_of(out) if out else None)


def write_export(sheets: list[Sheet], out: str, kind: str, data: dict[str, Any], as_json: bool) -> None:
    """Write the sheets to `out` and say so (with --json: the view's data plus where it was written)."""
    path = write(sheets, out, kind)
    if as_json:
        emit({**data, "written": str(path), "format": kind})
    else:
        rows = sum(len(s.rows) for s in sheets)
        console.print(f"wrote {path} ({kind}, {rows} rows, exact values)", markup=False, highlight=False)
