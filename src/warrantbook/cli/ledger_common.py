"""Pieces shared by the ledger's commands: who acts, event ids, recording and printing what was recorded.

Every recording command builds one event (or a batch) and hands it to `source.record(...)`: the source
decides it against the agreement (core.decide) and appends it, so a command here never holds a rule.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from warrantbook.cli.common import console, emit, parse_day, pick_option, source
from warrantbook.core.codec import event_to_data
from warrantbook.core.errors import BadInput, BookErrors, WarrantbookError
from warrantbook.core.events import Event
from warrantbook.core.numbers import exact
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

ROLES = ("holder", "company", "agent", "trustee", "arbitrator", "system")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$")


def actor_of(given: str | None, default: str) -> str:
    """`--actor` if given (checked: role:id with a known role), else the party the agreement expects."""
    actor = given if given is not None else default
    role, _, ident = actor.partition(":")
    if role not in ROLES or (role != "system" and not ident.strip()):
        raise BadInput(f"actor: {actor!r} is not role:id with a role of {', '.join(ROLES)} (e.g. holder:gssf)", field="actor")
    return actor


def new_id(prefix: str, day: date, given: str | None = None) -> str:
    if given is not None:
        if not _ID.match(given):
            raise BadInput(f"id: {given!r} is not a usable id (letters, digits, . _ : -)", field="id")
        return given
    return f"{prefix}-{day:%Y%m%d}-{secrets.token_hex(3)}"


def number(value: str | None, field: str) -> Any:
    return None if value is None else exact(value, field)


def address_of(lines: list[str] | None, field: str = "address", *, required: bool = False) -> Address | None:
    cleaned = tuple(x.strip() for x in (lines or []) if x.strip())
    if not cleaned:
        if required:
            raise BadInput(f"{field}: give at least one line (repeat --{field.replace('_', '-')} for each line)", field=field)
        return None
    return Address(cleaned)


def pick_company(state: BookState, company: str | None) -> str:
    if company:
        if company not in state.companies:
            known = ", ".join(sorted(state.companies)) or "none"
            raise BadInput(f"company: no company {company!r} (known: {known}); add one with 'warrantbook company add'", field="company")
        return company
    if len(state.companies) == 1:
        return next(iter(state.companies))
    raise BadInput(f"--company: required, the source holds {len(state.companies)} companies "
                   f"({', '.join(sorted(state.companies)) or 'none'})", field="company")


def pick_holder(state: BookState, holder: str | None) -> str:
    if holder:
        if holder not in state.holders:
            known = ", ".join(sorted(state.holders)) or "none"
            raise BadInput(f"holder: no holder {holder!r} (known: {known}); add one with 'warrantbook holder add'", field="holder")
        return holder
    if len(state.holders) == 1:
        return next(iter(state.holders))
    raise BadInput(f"--holder: required, the source holds {len(state.holders)} holders ({', '.join(sorted(state.holders)) or 'none'})",
                   field="holder")


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


def show_recorded(src: Source, decided: list[Event], as_json: bool, extra: dict[str, Any] | None = None) -> None:
    replayed = bool(getattr(src, "replayed", False))
    head = src.head()
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
    record_all = getattr(src, "record_all", None)
    if record_all is None:  # pragma: no cover - every source in the project has it
        raise BadInput("this source cannot record a batch", field="book")
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
    result: list[Event] = record_all(events, idempotency_key=idem, on_error=on_error, progress=progress, acted_by=cli_actor())
    return result


class FileErrors(BookErrors):
    """Every problem of an input file, each with its line."""

    def __init__(self, errors: list[WarrantbookError], what: str):
        super().__init__(errors)
        self.what = what

    def as_json(self) -> dict[str, object]:
        data = super().as_json()
        data["error"] = f"{len(self.errors)} problem(s) in {self.what}; nothing was imported"
        return data


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
