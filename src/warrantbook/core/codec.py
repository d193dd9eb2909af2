"""Values <-> plain data (dicts, lists, strings) for the book file, the database and JSON.

One generic codec driven by the dataclasses' own type hints, so an event added to `events.py` is
readable and writable everywhere without more code. Exact numbers travel as text ("0.00001", "3/7");
dates as ISO text; enums by value. Decoding checks every field and names its path on error.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from fractions import Fraction
from functools import cache
from typing import Any, TypeVar

from warrantbook.core.errors import BadInput
from warrantbook.core.events import REGISTRY, Event
from warrantbook.core.numbers import exact, to_text

T = TypeVar("T")

_HIDDEN = {"kind", "clause", "phase", "derived"}


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append((f.name, hints[f.name], required))
    return tuple(out)


def _defaults(cls: type) -> dict[str, Any]:
    result = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            result[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            result[f.name] = f.default_factory()
    return result


def _whole(value: Any) -> Any:
    return value


_PLACES: dict[int, int] = {}  # denominator -> decimal places of its finite expansion (0: none exists)


def _fraction(value: Any) -> Any:
    """`numbers.to_text`, with integer arithmetic only and the places of each denominator remembered."""
    den = value.denominator
    if den == 1:
        return str(value.numerator)
    places = _PLACES.get(den)
    if places is None:
        rest, twos, fives = den, 0, 0
        while rest % 2 == 0:
            rest //= 2
            twos += 1
        while rest % 5 == 0:
            rest //= 5
            fives += 1
        places = max(twos, fives) if rest == 1 else 0
        if len(_PLACES) > 4096:
            _PLACES.clear()
        _PLACES[den] = places
    if not places:
        return f"{value.numerator}/{den}"
    scaled = value.numerator * (10**places // den)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _date(value: Any) -> Any:
    return value.isoformat()


def _enum(value: Any) -> Any:
    return value.value


def _sequence(value: Any) -> Any:
    return [_full(v) for v in value]


def _set(value: Any) -> Any:
    return sorted(_full(v) for v in value)


def _dataclass_encoder(cls: type) -> Callable[[Any], Any]:
    names = tuple(name for name, _hint, _required in _fields(cls))
    is_event = issubclass(cls, Event)
    encoders = _ENCODERS

    def encode_dataclass(value: Any) -> Any:
        out: dict[str, Any] = {"type": value.kind} if is_event else {}
        for name in names:
            item = getattr(value, name)
            enc = encoders.get(type(item))
            out[name] = enc(item) if enc is not None else _encoder_of(type(item))(item)
        return out

    return encode_dataclass


_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _encoder_of(cls: type) -> Callable[[Any], Any]:
    """How `encode(..., keep_defaults=True)` treats a value of class `cls`: the same tests in the same order,
    made once per class instead of once per value (the chain encodes every event it records)."""
    if cls is type(None) or issubclass(cls, (bool, str, int)):
        enc: Callable[[Any], Any] = _whole
    elif issubclass(cls, Fraction):
        enc = _fraction
    elif issubclass(cls, date):
        enc = _date
    elif issubclass(cls, Enum):
        enc = _enum
    elif issubclass(cls, (tuple, list)):
        enc = _sequence
    elif issubclass(cls, frozenset):
        enc = _set
    elif dataclasses.is_dataclass(cls) and not issubclass(cls, type):
        enc = _dataclass_encoder(cls)
    else:
        raise TypeError(f"cannot encode {cls.__name__}")
    _ENCODERS[cls] = enc
    return enc


def _full(value: Any) -> Any:
    enc = _ENCODERS.get(type(value))
    if enc is None:
        enc = _encoder_of(type(value))
    return enc(value)


def encode(value: Any, *, keep_defaults: bool = False) -> Any:
    """A value as plain data. Fields equal to their default are left out unless `keep_defaults`."""
    if keep_defaults:
        return _full(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return to_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (tuple, list)):
        return [encode(v, keep_defaults=keep_defaults) for v in value]
    if isinstance(value, frozenset):
        return sorted(encode(v, keep_defaults=keep_defaults) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        if isinstance(value, Event):
            out["type"] = value.kind
        defaults = _defaults(type(value))
        for name, _hint, _required in _fields(type(value)):
            item = getattr(value, name)
            if not keep_defaults and name in defaults and defaults[name] == item:
                continue
            out[name] = encode(item, keep_defaults=keep_defaults)
        return out
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(hint: Any, data: Any, path: str) -> Any:
    """Plain data as a value of type `hint`; BadInput naming `path` when it does not fit."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if data is None:
            return None
        return decode(args[0], data, path)
    if hint is Any:
        return data
    if hint is str:
        if isinstance(data, (dict, list)) or data is None:
            raise BadInput(f"{path}: expected text", field=path)
        return str(data)
    if hint is bool:
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.lower() in ("true", "yes", "false", "no"):
            return data.lower() in ("true", "yes")
        raise BadInput(f"{path}: expected true or false, got {data!r}", field=path)
    if hint is int:
        if isinstance(data, bool):
            raise BadInput(f"{path}: expected a whole number", field=path)
        number = exact(data, path)
        if number.denominator != 1:
            raise BadInput(f"{path}: expected a whole number, got {data!r}", field=path)
        return int(number)
    if hint is Fraction:
        return exact(data, path)
    if hint is date:
        if isinstance(data, date):
            return data
        try:
            return date.fromisoformat(str(data))
        except ValueError:
            raise BadInput(f"{path}: {data!r} is not a date (use YYYY-MM-DD)", field=path) from None
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(data)
        except ValueError:
            choices = ", ".join(str(m.value) for m in hint)
            raise BadInput(f"{path}: {data!r} is not one of: {choices}", field=path) from None
    if origin in (tuple, frozenset):
        item_type = typing.get_args(hint)[0]
        if isinstance(data, str) and item_type is str:
            data = [data]  # a single line where a list of lines is expected
        if not isinstance(data, list):
            raise BadInput(f"{path}: expected a list", field=path)
        items = [decode(item_type, v, f"{path}[{i}]") for i, v in enumerate(data)]
        return tuple(items) if origin is tuple else frozenset(items)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode_dataclass(hint, data, path)
    raise TypeError(f"no decoder for {hint!r}")


def decode_dataclass(cls: Any, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise BadInput(f"{path}: expected a mapping of fields", field=path)
    known = {name for name, _h, _r in _fields(cls)}
    extra = set(data) - known - {"type"}
    if extra:
        raise BadInput(f"{path}: unknown field(s) {', '.join(sorted(extra))}", field=f"{path}.{sorted(extra)[0]}")
    kwargs = {}
    for name, hint, required in _fields(cls):
        if name not in data:
            if required:
                raise BadInput(f"{path}.{name}: required", field=f"{path}.{name}")
            continue
        kwargs[name] = decode(hint, data[name], f"{path}.{name}")
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise BadInput(f"{path}: {exc}", field=path) from None


def event_from_data(data: Any, path: str = "event") -> Event:
    if not isinstance(data, dict) or "type" not in data:
        raise BadInput(f"{path}: an event needs a type", field=f"{path}.type")
    kind = data["type"]
    cls = REGISTRY.get(str(kind))
    if cls is None:
        raise BadInput(f"{path}.type: unknown event type {kind!r} (known: {', '.join(sorted(REGISTRY))})", field=f"{path}.type")
    return decode_dataclass(cls, data, path)


def event_from_json(text: str | bytes, path: str = "event") -> Event:
    """A stored payload (an event's canonical JSON) as its event; BadInput or ValueError when it cannot be."""
    return event_from_data(json.loads(text), path)


def event_to_data(event: Event) -> dict[str, Any]:
    data = encode(event)
    assert isinstance(data, dict)
    return data
