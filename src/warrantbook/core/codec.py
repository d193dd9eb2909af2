"""Values <-> plain data (dicts, lists, strings) for the book file, the database and JSON.

One generic codec driven by the dataclasses' own type hints, so an event added to `events.py` is
readable and writable everywhere without more code. Exact numbers travel as text ("0.00001", "3/7");
dates as ISO text; enums by value. Decoding checks every field and names its path on error.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from fractions import Fraction
from functools import cache
from typing import Any, TypeVar

import msgspec

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


_SCALES: dict[int, tuple[int, int]] = {}  # denominator -> (decimal places of its finite expansion, 10**places // it); (0, 0): none


def _fraction(value: Any) -> Any:
    """`numbers.to_text`, with integer arithmetic only and each denominator's places (and scale) remembered."""
    den = value.denominator
    if den == 1:
        return str(value.numerator)
    scale = _SCALES.get(den)
    if scale is None:
        rest, twos, fives = den, 0, 0
        while rest % 2 == 0:
            rest //= 2
            twos += 1
        while rest % 5 == 0:
            rest //= 5
            fives += 1
        places = max(twos, fives) if rest == 1 else 0
        if len(_SCALES) > 4096:
            _SCALES.clear()
        scale = _SCALES[den] = (places, 10**places // den if places else 0)
    places, factor = scale
    if not places:
        return f"{value.numerator}/{den}"
    scaled = value.numerator * factor
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


def late_fields(cls: type) -> dict[str, Any]:
    """Fields a class gained after its first schema version (`SCHEMA`), with their defaults.

    The canonical text keeps every field of version 1, and a later field only when it differs from its
    default: an event stored before the field existed hashes exactly as it did (docs/ledger.md)."""
    late = getattr(cls, "LATE_FIELDS", ())
    defaults = _defaults(cls)
    return {name: defaults[name] for name in late}


def _dataclass_encoder(cls: type) -> Callable[[Any], Any]:
    """The encoder of one dataclass, written out field by field (the chain encodes every event it records, and a loop
    over the field names with a lookup of each by name cost about half of it). Each field is encoded by its value's
    class, as `_full` does; a late field equal to its default is left out (`late_fields`)."""
    late = late_fields(cls)
    lines = ["def encode_dataclass(value):",
             "    out = {'type': value.kind}" if issubclass(cls, Event) else "    out = {}"]
    namespace: dict[str, Any] = {"get": _ENCODERS.get, "full": _full}
    for i, (name, _hint, _required) in enumerate(_fields(cls)):
        indent = "    "
        lines.append(f"    item = value.{name}")
        if name in late:
            namespace[f"default_{i}"] = late[name]
            lines.append(f"    if not default_{i} == item:")
            indent += "    "
        lines.append(f"{indent}enc = get(type(item))")
        lines.append(f"{indent}out[{name!r}] = enc(item) if enc is not None else full(item)")
    lines.append("    return out")
    exec("\n".join(lines), namespace)  # noqa: S102 - generated from the dataclass's own field names
    return namespace["encode_dataclass"]  # type: ignore[no-any-return]


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
    try:
        decoder = _decoder(hint)
    except TypeError:  # a hint that cannot be cached (unhashable): the same steps, worked out on each call
        return _decode_generic(hint, data, path)
    return decoder(data, path)


def decode_dataclass(cls: Any, data: Any, path: str) -> Any:
    return _decoder(cls)(data, path)


# Decoding, compiled once per type: the same tests, in the same order and with the same messages as
# `_decode_generic` below (the reference), but the type hint is taken apart once per class instead of once
# per value (a fresh command decodes every event it reads; tests/core/test_codec_fast.py compares the two).

_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,60}(?:\.[0-9]{1,60})?")


def _number(data: Any, path: str) -> Fraction:
    """`exact(data, path)`, with plain decimal text ("12", "-0.00001", what the canonical form writes) read by integer
    arithmetic; any other input goes to `exact` itself."""
    if type(data) is str and _PLAIN_DECIMAL.fullmatch(data):
        whole, _, places = data.partition(".")
        if not places:
            return Fraction(int(whole))
        return Fraction(int(whole + places), 10 ** len(places))
    return exact(data, path)


def _bad_text(data: Any, path: str) -> str:
    if isinstance(data, (dict, list)) or data is None:
        raise BadInput(f"{path}: expected text", field=path)
    return str(data)


def _text(data: Any, path: str) -> Any:
    return data if type(data) is str else _bad_text(data, path)


def _bool(data: Any, path: str) -> Any:
    if isinstance(data, bool):
        return data
    if isinstance(data, str) and data.lower() in ("true", "yes", "false", "no"):
        return data.lower() in ("true", "yes")
    raise BadInput(f"{path}: expected true or false, got {data!r}", field=path)


def _int(data: Any, path: str) -> Any:
    if isinstance(data, bool):
        raise BadInput(f"{path}: expected a whole number", field=path)
    number = _number(data, path)
    if number.denominator != 1:
        raise BadInput(f"{path}: expected a whole number, got {data!r}", field=path)
    return int(number)


def _day(data: Any, path: str) -> Any:
    if isinstance(data, date):
        return data
    try:
        return date.fromisoformat(str(data))
    except ValueError:
        raise BadInput(f"{path}: {data!r} is not a date (use YYYY-MM-DD)", field=path) from None


def _any(data: Any, path: str) -> Any:
    return data


def _enum_decoder(hint: type[Enum]) -> Callable[[Any, str], Any]:
    members = {m.value: m for m in hint if isinstance(m.value, str)}

    def decode_enum(data: Any, path: str) -> Any:
        if type(data) is str:
            found = members.get(data)
            if found is not None:
                return found
        try:
            return hint(data)
        except ValueError:
            choices = ", ".join(str(m.value) for m in hint)
            raise BadInput(f"{path}: {data!r} is not one of: {choices}", field=path) from None

    return decode_enum


def _collection_decoder(origin: Any, item_type: Any) -> Callable[[Any, str], Any]:
    item = _decoder(item_type)
    single = item_type is str
    make = tuple if origin is tuple else frozenset

    def decode_collection(data: Any, path: str) -> Any:
        if single and isinstance(data, str):
            data = [data]  # a single line where a list of lines is expected
        if not isinstance(data, list):
            raise BadInput(f"{path}: expected a list", field=path)
        return make([item(v, f"{path}[{i}]") for i, v in enumerate(data)])

    return decode_collection


def _dataclass_decoder(cls: Any) -> Callable[[Any, str], Any]:
    fields = [(name, "." + name, _decoder(hint), required) for name, hint, required in _fields(cls)]
    known = frozenset(name for name, _h, _r in _fields(cls))
    allowed = known | {"type"}

    def decode_dataclass(data: Any, path: str) -> Any:
        if not isinstance(data, dict):
            raise BadInput(f"{path}: expected a mapping of fields", field=path)
        if not allowed.issuperset(data):
            extra = set(data) - known - {"type"}
            raise BadInput(f"{path}: unknown field(s) {', '.join(sorted(extra))}", field=f"{path}.{sorted(extra)[0]}")
        kwargs = {}
        for name, suffix, dec, required in fields:
            if name not in data:
                if required:
                    raise BadInput(f"{path}.{name}: required", field=f"{path}.{name}")
                continue
            kwargs[name] = dec(data[name], path + suffix)
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise BadInput(f"{path}: {exc}", field=path) from None

    return decode_dataclass


@cache
def _decoder(hint: Any) -> Callable[[Any, str], Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _decoder([a for a in typing.get_args(hint) if a is not type(None)][0])

        def decode_optional(data: Any, path: str) -> Any:
            return None if data is None else inner(data, path)

        return decode_optional
    if hint is Any:
        return _any
    if hint is str:
        return _text
    if hint is bool:
        return _bool
    if hint is int:
        return _int
    if hint is Fraction:
        return _number
    if hint is date:
        return _day
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_decoder(hint)
    if origin in (tuple, frozenset):
        return _collection_decoder(origin, typing.get_args(hint)[0])
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    raise TypeError(f"no decoder for {hint!r}")


def _decode_generic(hint: Any, data: Any, path: str) -> Any:
    """The reference decoder: the type hint taken apart on every call (the compiled decoders above do the same)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if data is None:
            return None
        return _decode_generic(args[0], data, path)
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
        items = [_decode_generic(item_type, v, f"{path}[{i}]") for i, v in enumerate(data)]
        return tuple(items) if origin is tuple else frozenset(items)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_dataclass_generic(hint, data, path)
    raise TypeError(f"no decoder for {hint!r}")


def _decode_dataclass_generic(cls: Any, data: Any, path: str) -> Any:
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
        kwargs[name] = _decode_generic(hint, data[name], f"{path}.{name}")
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


def _loads(text: str | bytes) -> Any:
    """JSON text as plain data: msgspec's compiled parser, and the standard library's for whatever msgspec refuses
    (NaN, 1e400, lone surrogates, integers of thousands of digits), so the result is always what json.loads gives.
    (Not orjson: it reads an integer beyond 64 bits as a float, silently.)"""
    try:
        return _JSON_DECODE(text)
    except msgspec.DecodeError:
        return json.loads(text)


_JSON_DECODE = msgspec.json.Decoder().decode


def event_from_json(text: str | bytes, path: str = "event") -> Event:
    """A stored payload (an event's canonical JSON) as its event; BadInput or ValueError when it cannot be."""
    return event_from_data(_loads(text), path)


def event_to_data(event: Event) -> dict[str, Any]:
    data = encode(event)
    assert isinstance(data, dict)
    return data
