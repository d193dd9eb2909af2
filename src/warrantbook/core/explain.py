"""Derivations: every figure with the ordered steps that produced it.

A rule takes an optional `Trace`; when one is passed it records each step (section, inputs, formula,
result) as it computes, so the explanation is produced by the very code that computes the figure. When no
trace is passed (the fold of a million events) the rule pays nothing for explaining.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core.numbers import fmt, to_text

Value = Fraction | int | str | date | bool | None


def _text(value: Value) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, (Fraction, int)):
        return fmt(Fraction(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json(value: Value) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (Fraction, int)):
        return to_text(Fraction(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass(frozen=True, slots=True)
class Step:
    clause: str
    label: str
    formula: str
    inputs: tuple[tuple[str, Value], ...]
    result: Value

    def as_text(self) -> str:
        given = ", ".join(f"{k} = {_text(v)}" for k, v in self.inputs)
        return f"[{self.clause}] {self.label}: {self.formula}" + (f" with {given}" if given else "") + f" -> {_text(self.result)}"

    def as_json(self) -> dict[str, Any]:
        return {"clause": self.clause, "label": self.label, "formula": self.formula,
                "inputs": {k: _json(v) for k, v in self.inputs}, "result": _json(self.result)}


@dataclass(slots=True)
class Trace:
    """An append-only list of steps, filled by rules as they compute."""

    steps: list[Step] = field(default_factory=list)

    def step(self, clause: str, label: str, formula: str, result: Value, **inputs: Value) -> None:
        self.steps.append(Step(clause, label, formula, tuple(inputs.items()), result))

    def note(self, clause: str, label: str, text: str) -> None:
        self.steps.append(Step(clause, label, text, (), None))

    def as_text(self) -> list[str]:
        return [f"{i}. {s.as_text()}" for i, s in enumerate(self.steps, 1)]

    def as_json(self) -> list[dict[str, Any]]:
        return [s.as_json() for s in self.steps]


def record(trace: Trace | None, clause: str, label: str, formula: str, result: Value, **inputs: Value) -> None:
    """Record a step when someone is listening; free otherwise."""
    if trace is not None:
        trace.step(clause, label, formula, result, **inputs)
