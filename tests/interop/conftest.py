"""Fixtures of the interop tests: the official OCF 1.2.0 schemas as a local registry, the seed's life with
the cap-table facts OCF needs, and the agreement texts (the seed's from ../shared, the variants from here).

The schemas and samples are read from ../shared/ocf-1.2.0 and never copied into the project; tests that need
them skip, saying why, when ../shared is absent.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from warrantbook.core import events as ev

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
AGREEMENT = SHARED / "agreement" / "option-agreement-2005.txt"
OCF = SHARED / "ocf-1.2.0"
SCHEMAS = OCF / "schema"
SAMPLES = OCF / "samples"
VARIANTS = Path(__file__).resolve().parent / "agreements"


def _skip_without(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"../shared is absent ({path} not found): a fresh clone has no shared "
                              "folder; CI always has it")


needs_agreement = _skip_without(AGREEMENT)
needs_schemas = _skip_without(SCHEMAS)
needs_samples = _skip_without(SAMPLES)

SEED_FACTS = [("atg", "formation_date", "1988-05-02"), ("atg", "certificate_prefix", "C-"), ("atg", "votes_per_share", "1"),
              ("atg", "seniority", "1"), ("ATG-1", "purchase_price", "1000.00")]


def facts(rows: list[tuple[str, str, str]] = SEED_FACTS, on: date = date(2005, 9, 7), actor: str = "company:atg") -> list[ev.Event]:
    """Illustrative cap-table facts: what a user records so that OCF export has every required field."""
    return [ev.CapTableFact(id=f"fact-{subject}-{name}", on=on, actor=actor, subject=subject, name=name, value=value, source="illustrative")
            for subject, name, value in rows]


@pytest.fixture
def seed_events() -> list[ev.Event]:
    from warrantbook.seed import seed_life

    return seed_life() + facts()


class Schemas:
    """The OCF schemas by $id in a referencing Registry (no retrieval: an unknown $ref fails, never fetches)."""

    def __init__(self, root: Path):
        from jsonschema import Draft7Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_object_type: dict[str, dict[str, Any]] = {}
        self.by_file_type: dict[str, dict[str, Any]] = {}
        for path in sorted(root.rglob("*.schema.json")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            self.by_id[schema["$id"]] = schema
            const = schema.get("properties", {}).get("object_type", {}).get("const")
            if const and "/objects/" in schema["$id"] and "/primitives/" not in schema["$id"]:
                self.by_object_type[const] = schema
            file_const = schema.get("properties", {}).get("file_type", {}).get("const")
            if file_const and "/files/" in schema["$id"]:
                self.by_file_type[file_const] = schema
        self.registry = Registry().with_resources(
            (sid, Resource.from_contents(schema, default_specification=DRAFT7)) for sid, schema in self.by_id.items())
        self._validator = Draft7Validator
        self._cache: dict[str, Any] = {}

    def validator(self, schema: dict[str, Any]) -> Any:
        key = schema["$id"]
        if key not in self._cache:
            self._cache[key] = self._validator(schema, registry=self.registry, format_checker=self._validator.FORMAT_CHECKER)
        return self._cache[key]

    def object_errors(self, obj: dict[str, Any]) -> list[str]:
        schema = self.by_object_type.get(str(obj.get("object_type")))
        if schema is None:
            return [f"{obj.get('id')}: no schema for object_type {obj.get('object_type')!r}"]
        return [f"{obj.get('id')} ({obj['object_type']}): {e.json_path}: {e.message}" for e in self.validator(schema).iter_errors(obj)]

    def file_errors(self, content: dict[str, Any]) -> list[str]:
        schema = self.by_file_type[str(content.get("file_type"))]
        return [f"{content.get('file_type')}: {e.json_path}: {e.message}" for e in self.validator(schema).iter_errors(content)]


@pytest.fixture(scope="session")
def schemas() -> Schemas:
    if not SCHEMAS.exists():
        pytest.skip(f"../shared is absent ({SCHEMAS} not found): the OCF schemas live there")
    return Schemas(SCHEMAS)
