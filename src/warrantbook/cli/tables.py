"""Tables for a terminal: every column kept and every figure whole, whatever the width (issue 11).

A `FitTable` prints as columns when the terminal is wide enough for all of them, else as one block per row with each
column named: a narrow terminal never drops a column or cuts a number.
"""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text


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
