"""The plain-text book: one YAML file holding every company, holder, option, event and fact of a user.

Format (docs/book-format.md): a mapping with `warrantbook: 1` and `events:`, a list of events, each a
mapping with `id`, `on`, `type`, `actor` and the fields of its type. Every scalar is read as text and then
typed by the event's own fields, so YAML never turns 0.00001 into a float or "No." into false.

`load` reports every problem at once, each with its line; `dump` writes only user-level events (derived
ones are recomputed on load), in the order they were recorded, so export -> import round-trips exactly.
"""

from __future__ import annotations

import re
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


def _plain(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in _NULLISH:  # a plain scalar: style None (Python parser) or "" (libyaml)
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, f"{path}[{i}]", lines) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                raise BadInput(f"{path}.{key}: given twice", field=f"{path}.{key}", line=key_node.start_mark.line + 1)
            out[key] = _plain(value_node, f"{path}.{key}" if path else key, lines)
        return out
    raise BadInput(f"{path}: unsupported YAML node", field=path, line=node.start_mark.line + 1)


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
    if root is None:
        raise BookErrors([BadInput("the book is empty: it needs 'warrantbook: 1' and 'events:'", line=1)])
    lines: dict[str, int] = {}
    data = _plain(root, "", lines)
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

    def represent_str(self, data: str) -> yaml.ScalarNode:
        # text the loader would read as "no value" must be quoted to stay text
        special = data in _NULLISH or any(not ch.isprintable() or ch in "\x85\u2028\u2029" for ch in data)
        style = '"' if special else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_NULLISH = {"", "~", "null", "Null", "NULL"}
_Dumper.add_representer(str, _Dumper.represent_str)


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
    Path(path).write_text(dumps(events, header), encoding="utf-8")
