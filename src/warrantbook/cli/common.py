"""Shared pieces of every command: the source options, --json, dates, and the exit codes of cli.md.

0 done; 1 refused by the agreement (cites the section); 2 bad usage or input (names the field, the line
for files); 3 a concurrent change won (safe to retry); 4 the command failed for a reason that is neither the
agreement nor the input (a bug, the database unreachable, a full disk): never 1, which a script reads as a
refusal. WARRANTBOOK_DEBUG=1 prints the traceback.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import click
import typer
from rich.console import Console

from warrantbook.core.errors import BookErrors, WarrantbookError
from warrantbook.sources import Source, open_source

log = logging.getLogger(__name__)

console = Console()
err_console = Console(stderr=True)

BookOpt = Annotated[str | None, typer.Option("--book", "-f", help="Plain-text book file (YAML).", show_default=False)]
DbOpt = Annotated[str | None, typer.Option("--db", help="Database URL (sqlite:///file.db or postgresql+psycopg://...).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output; exact numbers as strings.")]
OptionOpt = Annotated[str | None, typer.Option("--option", help="Option number; may be left out when one option is active.", show_default=False)]
OnOpt = Annotated[str | None, typer.Option("--on", help="Day the action takes effect or the figure is computed for (YYYY-MM-DD; default today).", show_default=False)]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Day the view is taken at (YYYY-MM-DD; default today).", show_default=False)]

F = TypeVar("F", bound=Callable[..., Any])
CRASH = 4  # exit code of a failure that is neither a refusal (1), bad input (2) nor a lost race (3)


def today() -> date:
    """The shell's clock: the only place the date is read. Rules always receive it."""
    return date.today()


def parse_day(value: str | None, field: str) -> date:
    from warrantbook.core.errors import BadInput

    if value is None:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field}: {value!r} is not a date (use YYYY-MM-DD)", field=field) from None


def source(book: str | None, db: str | None) -> Source:
    return open_source(book, db)


def emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def handle_errors(fn: F) -> F:
    """Turn warrantbook errors into the exit codes and messages of cli.md (JSON when --json)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return fn(*args, **kwargs)
        except WarrantbookError as exc:
            log.info("%s %s: %s", fn.__name__, {1: "refused", 3: "conflict"}.get(exc.exit_code, "bad input"), exc)
            if as_json:
                emit(exc.as_json())
            elif isinstance(exc, BookErrors):
                err_console.print(f"[bold red]{len(exc.errors)} problem(s):[/]")
                for e in exc.errors:
                    err_console.print(f"  {e}", markup=False, highlight=False)
            else:
                kind = {1: "refused", 2: "error", 3: "conflict"}.get(exc.exit_code, "error")
                err_console.print(f"[bold red]{kind}:[/] ", end="")
                err_console.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, click.exceptions.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:  # a crash: its own exit code, never 1 (which means "refused by the agreement")
            what = _crash_text(exc)
            if os.environ.get("WARRANTBOOK_DEBUG"):
                traceback.print_exc()
            if as_json:
                emit({"error": what, "field": None, "clause": None, "internal": True})
            else:
                err_console.print("[bold red]failed:[/] ", end="")
                err_console.print(what + " (WARRANTBOOK_DEBUG=1 shows the traceback)", markup=False, highlight=False)
            raise typer.Exit(CRASH) from None

    return wrapper  # type: ignore[return-value]


def _crash_text(exc: Exception) -> str:
    try:
        import sqlalchemy as sa

        if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
            return "the database cannot be reached or used right now: " + str(getattr(exc, "orig", exc)).splitlines()[0][:300]
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, OSError):
        return f"the system refused: {exc}"
    return f"internal error ({type(exc).__name__}: {str(exc)[:300]}): a bug in warrantbook, please report it"
