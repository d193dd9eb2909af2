"""The plain-text book: one YAML file holding every company, holder, option, event and fact of a user.

Format (docs/book-format.md): a mapping with `warrantbook: 1` and `events:`, a list of events, each a
mapping with `id`, `on`, `type`, `actor` and the fields of its type. Every scalar is read as text and then
typed by the event's own fields, so YAML never turns 0.00001 into a float or "No." into false.

`load` reports every problem at once, each with its line; `dump` writes only user-level events (derived
ones are recomputed on load), in the order they were recorded, so export -> import round-trips exactly.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from warrantbook.core.codec import encode, event_from_data
from warrantbook.core.decide import replay
from warrantbook.core.errors import BadInput, BookErrors, Refusal, WarrantbookError
from warrantbook.core.events import REGISTRY, Event
from warrantbook.core.state import BookState

FORMAT_VERSION = "1"


@dataclass(frozen=True)
class Book:
    events: tuple[Event, ...]  # as recorded, user-level and derived
    state: BookState  # everything applied (as of no date: use fold for a view as of a date)
    path: str | None = None

    @property
    def user_events(self) -> list[Event]:
        return [e for e in self.events if not e.derived]


# ---------------------------------------------------------------- reading


class _PyLoader(yaml.SafeLoader):
    """Reads the tree with line marks; scalars stay text."""


# libyaml's parser (PyYAML's CSafeLoader) where it is installed: the same tree and marks, several times faster
_Loader: type = getattr(yaml, "CSafeLoader", None) or _PyLoader


MAX_DEPTH = 20  # a book's nesting (events[i].terms.tranches[j].shares is 5 deep)
MAX_NODES = 2_000_000  # values in one book


def _plain(node: yaml.Node, path: str, lines: dict[str, int], seen: set[int] | None = None, depth: int = 0) -> Any:
    """The tree as plain data. An anchor used again (an alias) is refused: a book never needs one, and aliases of
    aliases expand exponentially (the "billion laughs"); each node is visited once, so this stays linear."""
    if seen is None:
        seen = set()
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise BadInput(f"{path or 'book'}: YAML aliases (*name) are not used in a book; write the value out", field=path or "book",
                       line=line)
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        raise BadInput(f"book: more than {MAX_NODES:,} values", field="book", line=line)
    if depth > MAX_DEPTH:
        raise BadInput(f"{path}: nested more than {MAX_DEPTH} deep", field=path, line=line)
    lines[path] = line
    if isinstance(node, yaml.ScalarNode):
        # a plain scalar: style None (Python parser) or "" (libyaml)
        if not node.style and node.value in _NULLISH or node.tag == "tag:yaml.org,2002:null":
            return None  # (books exported before the fix wrote a missing value as !!null 'null')
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, f"{path}[{i}]", lines, seen, depth + 1) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise BadInput(f"{path}: a key is a name, not a list or mapping", field=path, line=key_node.start_mark.line + 1)
            key = str(key_node.value)
            if key == "<<":
                raise BadInput(f"{path}: YAML merge keys (<<) are not used in a book", field=path, line=key_node.start_mark.line + 1)
            if key in out:
                raise BadInput(f"{path}.{key}: given twice", field=f"{path}.{key}", line=key_node.start_mark.line + 1)
            out[key] = _plain(value_node, f"{path}.{key}" if path else key, lines, seen, depth + 1)
        return out
    raise BadInput(f"{path}: unsupported YAML node", field=path, line=line)


def _line_for(lines: dict[str, int], base: str, field: str | None) -> int | None:
    if field:
        path = f"{base}.{field}" if not field.startswith("event") else base + field[len("event"):]
        while path:
            if path in lines:
                return lines[path]
            path = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path) if re.search(r"(\.[^.\[]+|\[\d+\])$", path) else ""
    return lines.get(base)


def loads(text: str, path: str | None = None, *, loader: type | None = None) -> Book:
    """Parse and validate a book; BookErrors lists every problem with its line."""
    try:
        root = yaml.compose(text, Loader=loader or _Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BookErrors([BadInput(f"not valid YAML: {getattr(exc, 'problem', exc)}", line=mark.line + 1 if mark else None)]) from None
    except RecursionError:
        raise BookErrors([BadInput(f"the book is nested too deeply (at most {MAX_DEPTH} levels)", field="book", line=None)]) from None
    if root is None:
        raise BookErrors([BadInput("the book is empty: it needs 'warrantbook: 1' and 'events:'", line=1)])
    lines: dict[str, int] = {}
    try:
        data = _plain(root, "", lines)
    except BadInput as exc:
        raise BookErrors([exc]) from None
    errors: list[WarrantbookError] = []
    if not isinstance(data, dict):
        raise BookErrors([BadInput("the book is a mapping with 'warrantbook' and 'events'", line=1)])
    if data.get("warrantbook") != FORMAT_VERSION:
        errors.append(BadInput(f"warrantbook: the format version must be {FORMAT_VERSION}", field="warrantbook", line=lines.get("warrantbook", 1)))
    extra = set(data) - {"warrantbook", "events"}
    for key in sorted(extra):
        errors.append(BadInput(f"{key}: unknown top-level key (expected 'warrantbook' and 'events')", field=key, line=lines.get(key)))
    raw_events = data.get("events") or []
    if not isinstance(raw_events, list):
        raise BookErrors(errors + [BadInput("events: a list of events", field="events", line=lines.get("events"))])

    events: list[Event] = []
    where: dict[int, str] = {}  # id(event) -> path, for lines of later errors
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_events):
        base = f"events[{i}]"
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind in REGISTRY and REGISTRY[kind].derived:
            errors.append(BadInput(f"{base}: '{kind}' events are computed from the others, not written (§2.1)", field="type",
                                   line=_line_for(lines, base, "type")))
            continue
        try:
            event = event_from_data(raw, "event")
            check_names(event)
        except BadInput as exc:
            errors.append(BadInput(exc.message.replace("event", base, 1), field=exc.field, line=_line_for(lines, base, exc.field)))
            continue
        if event.id in seen:
            errors.append(BadInput(f"{base}.id: {event.id!r} is already used on line {seen[event.id]}", field="id",
                                   line=_line_for(lines, base, "id")))
            continue
        seen[event.id] = lines.get(base, 0)
        where[id(event)] = base
        events.append(event)

    def on_error(event: Event, exc: Exception) -> None:
        assert isinstance(exc, (BadInput, Refusal))
        base = where.get(id(event), "events")
        errors.append(exc.at_line(_line_for(lines, base, exc.field)))

    state, decided = replay(events, on_error=on_error)
    if errors:
        errors.sort(key=lambda e: e.line or 0)
        raise BookErrors(errors)
    # keep the recorded order of the file for export, derived events after what entailed them
    return Book(tuple(decided), state, path)


def load(path: str | Path) -> Book:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"book: no file {p}", field="book") from None
    return loads(text, str(p))


# ---------------------------------------------------------------- writing


def _texts(value: Any) -> Any:
    """Every scalar as text, so the file has no YAML types to misread."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return [_texts(v) for v in value]
    if isinstance(value, dict):
        return {k: _texts(v) for k, v in value.items()}
    return value


class _Dumper(yaml.emitter.Emitter, yaml.serializer.Serializer, yaml.representer.SafeRepresenter, yaml.resolver.BaseResolver):
    """Writes text scalars plain wherever YAML allows, since the loader reads every scalar as text."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        yaml.emitter.Emitter.__init__(self, stream, width=kwargs.get("width", 110), allow_unicode=True)
        yaml.serializer.Serializer.__init__(self)
        yaml.representer.SafeRepresenter.__init__(self, sort_keys=False)
        yaml.resolver.BaseResolver.__init__(self)

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a book has no anchors or aliases: the loader refuses them

    def represent_none(self, data: Any) -> yaml.ScalarNode:
        return self.represent_scalar("tag:yaml.org,2002:str", "null", style=None)  # plain null: the loader reads "no value"

    def represent_str(self, data: str) -> yaml.ScalarNode:
        # text the loader would read as "no value" must be quoted to stay text
        special = data in _NULLISH or any(not ch.isprintable() or ch in "\x85\u2028\u2029" for ch in data)
        style = '"' if special else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_NULLISH = {"", "~", "null", "Null", "NULL"}
_Dumper.add_representer(str, _Dumper.represent_str)
_Dumper.add_representer(type(None), _Dumper.represent_none)


def _event_data(event: Event) -> dict[str, Any]:
    data = encode(event)
    # a stable, readable order: identity first, then the event's own fields
    head = {k: data.pop(k) for k in ("id", "on", "type", "actor") if k in data}
    return _texts({**head, **data})


def dumps(events: list[Event], header: str = "") -> str:
    user = [e for e in events if not e.derived]
    body = yaml.dump({"warrantbook": FORMAT_VERSION, "events": [_event_data(e) for e in user]}, Dumper=_Dumper,
                     default_flow_style=False)
    prefix = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) if header else ""
    return prefix + body


def dump(events: list[Event], path: str | Path, header: str = "") -> None:
    """Write a book so that it is never left broken: written aside, read back (it must load to the same events),
    then moved into place. A failure at any step leaves the file as it was, byte for byte."""
    write_text_atomic(path, dumps(events, header), check=True)


def write_text_atomic(path: str | Path, text: str, *, check: bool = False) -> None:
    """Write `text` to a temporary file beside `path`, fsync it, (with `check`: load it back as a book) and rename it
    over `path`. The temporary file is removed on any failure."""
    target = Path(path)
    if check:
        loads(text, str(target))  # BookErrors if what we would write does not read back
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself durable
        dirfd = os.open(str(target.parent), os.O_RDONLY)
        try:
            os.fsync(dirfd)
        finally:
            os.close(dirfd)


# ---------------------------------------------------------------- names


MAX_NAME = 100
_NAME_FIELDS = ("id", "option_no", "new_option", "corrects", "notice", "request", "regarding", "holder", "company", "issuer")


def check_name(value: str, field: str) -> None:
    """An id or option number: 1 to 100 printable characters, no quotes and no line breaks, no space at either end.
    Such a name is safe in a file name, a CSV cell, a command line and a book without quoting."""
    if not value or len(value) > MAX_NAME or not value.isprintable() or any(q in value for q in "\"'`") or value != value.strip():
        raise BadInput(f"{field}: {value[:40]!r} is not a usable id or number (1 to {MAX_NAME} printable characters, no quotes, "
                       "no line breaks, no space at either end)", field=field)


def check_names(event: Event) -> None:
    """Every id and option number an event introduces or refers to (also inside its holder, company and terms)."""
    for name in _NAME_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, str) and (value or name == "id" or name == "option_no" and event.kind == "issue"):
            check_name(value, name)
        elif name in ("holder", "company"):
            ident = getattr(value, "id", None)
            if isinstance(ident, str):
                check_name(ident, f"{name}.id")
    for no in getattr(event, "new_options", ()) or ():
        check_name(no, "new_options")
    terms = getattr(event, "terms", None)
    if terms is not None and isinstance(getattr(terms, "option_no", None), str) and terms.option_no:
        check_name(terms.option_no, "terms.option_no")
