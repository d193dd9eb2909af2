"""The cap-table facts OCF needs that an option agreement does not give, kept in the book as `cap-table-fact` events.

Each name says what it is about (a company, a holder or an option), how its value is written and which OCF
field it fills. The exporter reads the latest value recorded on or before the as-of date; it never invents
a missing one: it names the fact to record instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.core.numbers import exact


@dataclass(frozen=True, slots=True)
class FactName:
    name: str
    about: str  # "company", "holder" or "option"
    kind: str  # "date", "number", "money", "text", "country", "subdivision", "choice"
    fills: str  # the OCF field
    choices: tuple[str, ...] = ()


FACT_NAMES: dict[str, FactName] = {f.name: f for f in (
    FactName("formation_date", "company", "date", "Issuer.formation_date"),
    FactName("country", "company", "country", "Issuer.country_of_formation (when the state of incorporation is not a US state)"),
    FactName("country_subdivision", "company", "subdivision", "Issuer.country_subdivision_of_formation (outside the US)"),
    FactName("stock_class_name", "company", "text", "StockClass.name (default: Common Stock, the agreement's defined term)"),
    FactName("certificate_prefix", "company", "text", "StockClass.default_id_prefix"),
    FactName("votes_per_share", "company", "number", "StockClass.votes_per_share"),
    FactName("seniority", "company", "number", "StockClass.seniority"),
    FactName("stakeholder_type", "holder", "choice", "Stakeholder.stakeholder_type (else read from an entity suffix: L.P., LLC, Inc., Ltd., Fund...)",
             ("individual", "institution")),
    FactName("relationship", "holder", "choice", "Stakeholder.current_relationship",
             ("advisor", "board_member", "consultant", "employee", "ex_advisor", "ex_consultant", "ex_employee", "executive",
              "founder", "investor", "non_us_employee", "officer", "other")),
    FactName("purchase_price", "option", "money", "WarrantIssuance.purchase_price of the option as first issued"),
)}


def parse_fact(name: str, value: str) -> Any:
    """The typed value of a fact; BadInput naming the fact when it does not read."""
    spec = FACT_NAMES.get(name)
    if spec is None:
        raise BadInput(f"cap-table-fact {name!r}: unknown (known: {', '.join(FACT_NAMES)})", field="name")
    text = value.strip()
    if spec.kind == "date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadInput(f"cap-table-fact {name}: {value!r} is not a date (YYYY-MM-DD)", field="value") from None
    if spec.kind in ("number", "money"):
        number = exact(text, f"cap-table-fact {name}")
        if number < 0:
            raise BadInput(f"cap-table-fact {name}: must not be negative", field="value")
        return number
    if spec.kind == "country" and not re.fullmatch(r"[A-Z]{2}", text):
        raise BadInput(f"cap-table-fact country: {value!r} is not an ISO 3166-1 alpha-2 code (e.g. US)", field="value")
    if spec.kind == "subdivision" and not re.fullmatch(r"[A-Z0-9]{1,3}", text):
        raise BadInput(f"cap-table-fact country_subdivision: {value!r} is not an ISO 3166-2 subdivision code (e.g. NV)", field="value")
    if spec.kind == "choice" and text.lower() not in spec.choices:
        raise BadInput(f"cap-table-fact {name}: {value!r} is not one of {', '.join(spec.choices)}", field="value")
    if not text:
        raise BadInput(f"cap-table-fact {name}: empty", field="value")
    return text.lower() if spec.kind == "choice" else text


class Facts:
    """The latest value of each (subject, name) recorded on or before the as-of date."""

    def __init__(self, events: Iterable[ev.Event]):
        self.values: dict[tuple[str, str], Any] = {}
        self.problems: list[str] = []
        for e in events:
            if isinstance(e, ev.CapTableFact):
                try:
                    self.values[(e.subject, e.name)] = parse_fact(e.name, e.value)
                except BadInput as exc:
                    self.problems.append(f"{e.id}: {exc.message}")

    def get(self, subject: str, name: str) -> Any:
        return self.values.get((subject, name))

    def number(self, subject: str, name: str) -> Fraction | None:
        value = self.get(subject, name)
        return value if isinstance(value, Fraction) else None


def record_hint(subject: str, name: str, example: str) -> str:
    return f"record a cap-table-fact {{subject: {subject}, name: {name}, value: {example}}}"
