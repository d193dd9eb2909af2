"""Fill a template: typst for PDF, Jinja2 for HTML. The same document and record give the same bytes.

Typst runs offline: it sees only the bundled templates and its own embedded fonts (system fonts are
ignored, so the PDF does not change with the machine), imports no packages, and stamps no date
(`#set document(date: none)`). The document's text reaches the template as one JSON value in
`sys.inputs`, so nothing is ever spliced into typst source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from warrantbook.core.audit import Head
from warrantbook.core.errors import BadInput
from warrantbook.documents.data import Document, long_date

FORMATS = ("pdf", "html")


@dataclass(frozen=True, slots=True)
class Record:
    """Printed on every document: the audit head of the source when it was made, and the day."""

    head: Head
    made_on: date
    draft: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"head": self.head.hash, "count": str(self.head.count), "made_on": long_date(self.made_on),
                "made_on_iso": self.made_on.isoformat(), "draft": self.draft}


def templates_dir() -> Path:
    path = Path(str(resources.files("warrantbook.documents") / "templates"))
    if not path.is_dir():  # pragma: no cover - an install without the package data
        raise BadInput("the document templates are not installed (warrantbook/documents/templates)", field="kind")
    return path


def payload(doc: Document, record: Record) -> dict[str, Any]:
    return {**doc.payload(), "record": {**record.as_json(), "kind": doc.kind, "event": doc.regarding, "option": doc.option_no}}


@cache
def _compiler(kind: str) -> Any:
    import typst

    root = templates_dir()
    return typst.Compiler(input=str(root / f"{kind}.typ"), root=str(root), ignore_system_fonts=True)


@cache
def _jinja() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(doc: Document, record: Record, fmt: str = "pdf") -> bytes:
    """The document as PDF or HTML bytes."""
    data = payload(doc, record)
    if fmt == "pdf":
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        out = _compiler(doc.kind).compile(format="pdf", sys_inputs={"data": text})
        assert isinstance(out, bytes)
        return out
    if fmt == "html":
        return _jinja().get_template(f"{doc.kind}.html.j2").render(d=data).encode("utf-8")
    raise BadInput(f"out: write .pdf or .html, not .{fmt}", field="out")


def format_of(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BadInput(f"out: {path} must end in .pdf or .html", field="out")
    return suffix
