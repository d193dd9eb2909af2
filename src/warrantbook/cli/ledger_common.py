"""Pieces shared by the ledger's commands: who acts, event ids, recording and printing what was recorded.

Every recording command builds one event (or a batch) and hands it to `source.record(...)`: the source
decides it against the agreement (core.decide) and appends it, so a command here never holds a rule.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from warrantbook.app import commands, parsers
from warrantbook.app.commands import Recorded, actor_of, new_id, pick_company, pick_holder, pick_option
from warrantbook.app.parsers import FileErrors
from warrantbook.cli.common import console, emit, handle_errors, parse_day, source
from warrantbook.core.codec import event_to_data
from warrantbook.core.errors import BadInput, BookErrors, WarrantbookError
from warrantbook.core.events import Event
from warrantbook.core.state import BookState
from warrantbook.core.terms import Address
from warrantbook.describe import describe
from warrantbook.sources import Source

ActorOpt = Annotated[str | None, typer.Option(
    "--actor", help="Who acts, as role:id (holder:gssf, company:atg, agent:NAME, arbitrator:NAME); default: the party the agreement expects.",
    show_default=False)]
IdOpt = Annotated[str | None, typer.Option("--id", help="Id for the new event (default: generated, printed).", show_default=False)]
NoteOpt = Annotated[str, typer.Option("--note", help="Free text kept with the event.")]
IdemOpt = Annotated[str | None, typer.Option(
    "--idempotency-key", help="Retry-safe key: a retry with the same key records once and returns the first result.", show_default=False)]
CompanyOpt = Annotated[str | None, typer.Option("--company", help="Company id; may be left out when the source holds one company.",
                                                show_default=False)]
HolderOpt = Annotated[str | None, typer.Option("--holder", help="Holder id; may be left out when the source holds one holder.",
                                               show_default=False)]
LinesOpt = Annotated[list[str] | None, typer.Option("--address", help="One address line; repeat for each line.", show_default=False)]



def number(value: str | None, field: str) -> Any:
    return parsers.number(value, field)


def address_of(lines: list[str] | None, field: str = "address", *, required: bool = False) -> Address | None:
    return parsers.address(lines, field, required=required)


@dataclass
class Ctx:
    """One command's source, effective day and the state it starts from."""

    src: Source
    day: date
    _state: BookState | None = None

    @property
    def state(self) -> BookState:
        if self._state is None:
            self._state = self.src.state()
        return self._state

    def option(self, option: str | None) -> str:
        return pick_option(self.state, option)


def ctx(book: str | None, db: str | None, on: str | None, field: str = "on") -> Ctx:
    return Ctx(source(book, db), parse_day(on, field))


def event_json(e: Event) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "clause": e.clause, "on": e.on.isoformat(), "actor": e.actor,
            "derived": e.derived, "description": describe(e), "data": event_to_data(e)}


def cli_actor() -> str:
    """Who records from the command line: the operating-system user running it (kept with each event, and hashed)."""
    import getpass
    import os

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # pragma: no cover - no user name in this environment
        return f"cli:uid-{os.getuid()}"


def record(c: Ctx, event: Event, *, idem: str | None, as_json: bool, extra: dict[str, Any] | None = None) -> list[Event]:
    """Record one event through the source (decided there) and print what was recorded."""
    from warrantbook.book.io import check_names

    check_names(event)
    decided = c.src.record(event, idempotency_key=idem, acted_by=cli_actor())
    show_recorded(c.src, decided, as_json, extra)
    return decided


COMMON_OPTIONS = ("book", "db", "as_json", "on", "actor", "event_id", "idempotency_key")


def interactive() -> bool:
    """A person at a terminal (cli.md: --json and a non-terminal skip the prompt before an irrevocable act)."""
    import sys

    return sys.stdin.isatty() and console.is_terminal


def confirmed(src: Source, event: Event) -> bool:
    """Say what an irrevocable act will record and what follows (app.consequences), and ask."""
    from warrantbook.app.consequences import preview

    shown = preview(src.state(), event)
    console.print("This will record:", markup=False, highlight=False)
    for line in shown.lines():
        console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    console.print("What follows:", markup=False, highlight=False)
    for c in shown.consequences:
        console.print(f"  [{c.clause}] {c.text}", markup=False, highlight=False, soft_wrap=True)
    return bool(typer.confirm("Record it?", default=False))


def acts(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A Typer command over the declared app command `name`: the function gives the options (its signature, help and
    example); the options are handed, as fields, to app.commands.record, and what was recorded is printed."""
    commands.command(name)  # declared, or this module does not import

    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def run(**given: Any) -> None:
            as_json = bool(given.get("as_json"))
            src = source(given.get("book"), given.get("db"))
            day = parse_day(given.get("on"), "on")
            fields = {k: v for k, v in given.items() if k not in COMMON_OPTIONS}
            if given.get("event_id") is not None:
                fields["id"] = given["event_id"]
            event = commands.propose(src.state(), name, fields, on=day, actor=given.get("actor"))
            if commands.command(name).irrevocable and not as_json and interactive() and not confirmed(src, event):
                console.print("nothing recorded", markup=False, highlight=False)
                return
            done = commands.record_event(src, event, idempotency_key=given.get("idempotency_key"), acted_by=cli_actor())
            show_recorded(src, done, as_json)

        return handle_errors(run)

    return wrap


def _option_of(arg: commands.Arg) -> Any:
    kind = arg.type if arg.type is not None else str | None
    flag = "--" + arg.name.rstrip("_").replace("_", "-")
    shown = arg.default not in (None, "", False)
    return Annotated[kind, typer.Option(flag, help=arg.help or arg.name.replace("_", " "), show_default=shown)]


def declared(name: str) -> Callable[..., None]:
    """A Typer command generated from the declaration of app command `name`: its fields become options (with the
    declared help, type and default), the scope adds --option/--company/--holder, then the options every command has."""
    import inspect

    from warrantbook.cli.common import BookOpt, DbOpt, JsonOpt, OnOpt, OptionOpt

    cmd = commands.command(name)
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter(a.name, kw, annotation=_option_of(a), default=a.default) for a in cmd.args]
    scope = {"option": [("option", OptionOpt)], "company": [("company", CompanyOpt)], "holder": [("holder", HolderOpt)],
             "holder+company": [("holder", HolderOpt), ("company", CompanyOpt)]}.get(cmd.scope, [])
    params += [inspect.Parameter(n, kw, annotation=t, default=None) for n, t in scope]
    params += [inspect.Parameter("on", kw, annotation=OnOpt, default=None), inspect.Parameter("actor", kw, annotation=ActorOpt, default=None),
               inspect.Parameter("event_id", kw, annotation=IdOpt, default=None), inspect.Parameter("note", kw, annotation=NoteOpt, default=""),
               inspect.Parameter("idempotency_key", kw, annotation=IdemOpt, default=None),
               inspect.Parameter("book", kw, annotation=BookOpt, default=None), inspect.Parameter("db", kw, annotation=DbOpt, default=None),
               inspect.Parameter("as_json", kw, annotation=JsonOpt, default=False)]

    def options(**given: Any) -> None:
        """(generated)"""

    options.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    options.__doc__ = cmd.help
    options.__name__ = options.__qualname__ = name.replace("-", "_")
    return acts(name)(options)


def register_declared(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Every declared command with a command line (Command.cli) gets it: `NAME` on the app, or `GROUP NAME` in a group."""
    for cmd in commands.COMMANDS.values():
        if not cmd.cli:
            continue
        if len(cmd.cli) == 1:
            app.command(cmd.cli[0])(declared(cmd.name))
            continue
        group, leaf = cmd.cli
        if group not in groups:
            groups[group] = typer.Typer(help=f"{group} commands.", no_args_is_help=True, rich_markup_mode=None)
            app.add_typer(groups[group], name=group)
        groups[group].command(leaf)(declared(cmd.name))


def show_recorded(src: Source, decided: list[Event] | Recorded, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    if isinstance(decided, Recorded):
        replayed, head, decided = decided.replayed, decided.head, decided.events
    else:
        replayed, head = src.replayed, src.head()
    if as_json:
        emit({"recorded": [event_json(e) for e in decided], "replayed": replayed, "head": head.as_json(), "source": src.label,
              **(extra or {})})
        return
    if replayed:
        console.print("already recorded under this idempotency key; the first result:")
    for e in decided[:20]:
        console.print(f"recorded {e.id} [{e.clause}] {describe(e)}", markup=False, highlight=False, soft_wrap=True)
    if len(decided) > 20:
        console.print(f"... and {len(decided) - 20} more", markup=False, highlight=False, soft_wrap=True)
    console.print(f"head {head.hash} ({head.count} events) in {src.label}", markup=False, highlight=False, soft_wrap=True)


def record_batch(src: Source, events: list[Event], *, idem: str | None = None,
                 on_error: Callable[[int, WarrantbookError], WarrantbookError] | None = None,
                 progress: Callable[[int], None] | None = None) -> list[Event]:
    """Record a batch, all or nothing (every source that records supports `record_all`)."""
    from warrantbook.book.io import check_names

    problems: list[WarrantbookError] = []
    for i, e in enumerate(events):
        try:
            check_names(e)
        except BadInput as exc:
            if on_error is None:
                raise
            problems.append(on_error(i, exc))
    if problems:
        raise BookErrors(problems)
    result: list[Event] = src.record_all(events, idempotency_key=idem, on_error=on_error, progress=progress, acted_by=cli_actor())
    return result


@contextmanager
def progress_bar(label: str, total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar on a terminal; silent under --json or when output is not a terminal."""
    if quiet or not console.is_terminal:
        yield lambda _done: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


__all__ = ["FileErrors", "Recorded", "acts", "actor_of", "address_of", "ctx", "new_id", "number", "pick_company", "pick_holder", "record",
           "record_batch", "show_recorded"]
