"""JSON Schemas for the API, written from the events' own type hints (the codec reads the same hints).

An event added to core.events gets its request schema here without more code. Exact numbers are JSON
strings ("0.00001", "3/7"); dates are ISO strings; enums list their values. Response bodies are described
by small pydantic models (the views return plain data made by core).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from enum import Enum
from fractions import Fraction
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from warrantbook.core.events import REGISTRY

NUMBER = {"type": "string", "pattern": r"^\$?-?[0-9][0-9,_]*(\.[0-9]+)?%?$|^-?[0-9]+/[0-9]+$",
          "description": "an exact number as text: 0.00001, 140250000, 3/7, 4.99%", "examples": ["0.00001"]}
HIDDEN = {"kind", "clause", "phase", "derived"}


def _schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = _schema(args[0])
        return {"anyOf": [inner, {"type": "null"}]}
    if hint is Any:
        return {}
    if hint is str:
        return {"type": "string", "maxLength": 2000}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": -1_000_000, "maximum": 1_000_000}
    if hint is Fraction:
        return dict(NUMBER)
    if hint is date:
        return {"type": "string", "format": "date"}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"type": "string", "enum": [str(m.value) for m in hint]}
    if origin in (tuple, frozenset):
        return {"type": "array", "items": _schema(typing.get_args(hint)[0]), "maxItems": 50}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return dataclass_schema(hint)
    raise TypeError(f"no schema for {hint!r}")  # pragma: no cover


def dataclass_schema(cls: type, *, omit: frozenset[str] = frozenset(), optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        if f.name in omit or f.name in HIDDEN:
            continue
        props[f.name] = _schema(hints[f.name])
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and f.name not in optional:
            required.append(f.name)
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


@cache
def event_schema(kind: str, omit: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The body of a command of `kind`: its event's fields; id and actor may be left out (generated, the user's own)."""
    cls = REGISTRY[kind]
    schema = dataclass_schema(cls, omit=omit, optional=frozenset({"id", "actor"}))
    schema["properties"] = {"type": {"type": "string", "const": kind}, **schema["properties"]} if "type" not in omit else schema["properties"]
    schema["title"] = f"{cls.__name__} ({cls.clause})"
    schema["description"] = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
    return schema


def any_event_schema(kinds: list[str]) -> dict[str, Any]:
    return {"oneOf": [{**event_schema(k), "required": sorted(set(event_schema(k).get("required", [])) | {"type"})} for k in kinds],
            "discriminator": {"propertyName": "type"}}


def body(schema: dict[str, Any], example: dict[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"requestBody": {"required": True, "content": {"application/json": content}}}


# ---------------------------------------------------------------- responses


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Error(BaseModel):
    """Every error: what went wrong, the field it concerns and the section of the agreement it cites."""

    model_config = ConfigDict(extra="allow")
    error: str
    field: str | None = None
    clause: str | None = None


class HeadOut(BaseModel):
    hash: str
    count: int


class EventOut(Open):
    id: str
    kind: str
    clause: str
    on: str
    actor: str
    derived: bool
    description: str
    data: dict[str, Any]


class RecordedOut(BaseModel):
    recorded: list[EventOut]
    replayed: bool
    head: HeadOut


class Party(Open):
    id: str
    name: str


class CapOut(Open):
    in_force: bool
    reason: str


class TrancheOut(BaseModel):
    shares: str
    exercise_price: str


class FmvOut(BaseModel):
    value: str
    clause: str
    source: str


class OptionRow(Open):
    option: str
    holder: Party
    company: Party
    status: str
    remaining_shares: str
    tranches: list[TrancheOut]
    cap: CapOut
    open_items: int
    current_fmv: FmvOut | None


class OptionList(BaseModel):
    as_of: str
    options: list[OptionRow]


class OpenItemOut(Open):
    kind: str
    clause: str
    option: str | None
    text: str
    due: str | None


class OptionSummaryOut(Open):
    option: str
    status: str
    holder: Party
    company: Party
    remaining_shares: str
    tranches: list[TrancheOut]
    aggregate_exercise_price: str
    cap: CapOut
    open_items: list[OpenItemOut]
    disputes: dict[str, Any]


class StepOut(BaseModel):
    clause: str
    label: str
    formula: str
    inputs: dict[str, Any]
    result: Any = None


class QuoteOut(Open):
    option: str
    on: str
    method: str
    tranche: int
    exercise_price: str
    shares_exercised: str
    shares_issued: str
    shares_issued_exact: str
    fraction: str
    cash_in_lieu: str
    fair_market_value: str | None
    fmv_source: str | None
    aggregate_exercise_price: str
    cash_due: str
    delivery_due: str
    cap_allowance: str | None
    cap_reason: str
    remaining_after: str
    explanation: list[StepOut]


class HistoryRow(EventOut):
    seq: int
    recorded_at: str | None
    acted_by: str | None  # the user (and token) that recorded it, kept and hashed with the event; None before issue 10
    hash: str | None
    corrected_by: str | None
    corrects: str | None


class LineageRow(Open):
    option: str
    parent: str | None
    origin: str
    children: list[str]
    status: str


class HistoryOut(BaseModel):
    as_of: str
    option: str | None
    lineage: list[LineageRow]
    events: list[HistoryRow]


class DueOut(BaseModel):
    as_of: str
    items: list[OpenItemOut]


class ReserveRow(Open):
    company: str
    required: str
    authorized: str | None
    available: str | None
    shortfall: str | None


class ReserveOut(BaseModel):
    as_of: str
    reserve: list[ReserveRow]


class ChartPoint(BaseModel):
    on: str
    remaining_shares: str
    exercise_price: str
    cap_allowance: str | None
    cap_reason: str
    outstanding: str | None
    status: str


class ChartOut(BaseModel):
    option: str
    as_of: str
    points: list[ChartPoint]


class MeOut(BaseModel):
    username: str
    role: str
    party: str | None
    actor: str | None
    via: str
    commands: list[str] = Field(default_factory=list)


class DocumentRow(BaseModel):
    id: str
    on: str
    kind: str
    option: str | None
    regarding: str | None
    sha256: str


class DocumentsOut(BaseModel):
    documents: list[DocumentRow]


class VerdictOut(Open):
    ours: bool
    sha256: str


class VerifyOut(Open):
    ok: bool
    events: int


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Error, "description": "Bad input: names the field"},
    401: {"model": Error, "description": "Not signed in: send a bearer token"},
    403: {"model": Error, "description": "Denied: this role may not (cites the section where the agreement says who acts)"},
    404: {"model": Error, "description": "No such option or party that this user may see"},
    409: {"model": Error, "description": "Conflict: a concurrent change won, or an idempotency key reused for another request"},
    422: {"model": Error, "description": "Refused by the agreement: cites the section"},
}
