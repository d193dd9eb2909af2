"""Fixtures for the paperwork tests: the sample book written to a file, documents made from it, read back.

Documents are read back with poppler's `pdftotext` (Debian package poppler-utils; scripts/test.sh installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from warrantbook.book.io import dump
from warrantbook.core.decide import replay
from warrantbook.documents.issue import Issued, issue
from warrantbook.documents.sample import paperwork_life
from warrantbook.sources import BookSource

MADE_ON = date(2025, 1, 2)
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
AGREEMENT = SHARED / "agreement" / "option-agreement-2005.txt"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="pdftotext is missing: install Debian's poppler-utils (bash scripts/test.sh does)")
needs_shared = pytest.mark.skipif(not AGREEMENT.is_file(), reason=f"the agreement is not at {AGREEMENT} (../shared is absent)")


def pdf_text(content: bytes, *, mode: str = "-layout") -> str:
    """The text of a PDF as poppler reads it (`-layout` keeps each figure on its label's line)."""
    out = subprocess.run(["pdftotext", mode, "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def line_with(text: str, label: str) -> str:
    """The one line of a layout text that carries `label` (a figure's row in a table)."""
    found = [line for line in text.splitlines() if label in line]
    assert found, f"no line with {label!r} in:\n{text}"
    return found[0]


def flat(text: str) -> str:
    """Whitespace collapsed, so a sentence wrapped across lines reads as one."""
    return " ".join(text.split())


@dataclass
class Made:
    issued: Issued
    text: str  # pdftotext -layout, or the HTML for an HTML document

    @property
    def flat(self) -> str:
        return flat(self.text)


@pytest.fixture(scope="session")
def sample_events() -> list:
    _state, events = replay(paperwork_life())
    return events


@pytest.fixture
def book(tmp_path: Path, sample_events: list) -> BookSource:
    """A fresh copy of the sample book for a test that records."""
    path = tmp_path / "paperwork.yaml"
    dump(sample_events, path, "sample paperwork book (tests)")
    return BookSource(path)


@pytest.fixture(scope="session")
def shared_book(tmp_path_factory: pytest.TempPathFactory, sample_events: list) -> BookSource:
    """One copy of the sample book for the tests that only read (never record into it)."""
    path = tmp_path_factory.mktemp("paper") / "paperwork.yaml"
    dump(sample_events, path, "sample paperwork book (tests)")
    return BookSource(path)


@pytest.fixture(scope="session")
def make(shared_book: BookSource) -> Callable[..., Made]:
    """Make a document from the shared book without recording it, and read it back."""
    cache: dict[tuple, Made] = {}

    def _make(kind: str, event: str | None = None, option: str | None = None, fmt: str = "pdf") -> Made:
        key = (kind, event, option, fmt)
        if key not in cache:
            issued = issue(shared_book, kind, made_on=MADE_ON, fmt=fmt, option_no=option, event_id=event, record=False)
            cache[key] = Made(issued, pdf_text(issued.content) if fmt == "pdf" else issued.content.decode("utf-8"))
        return cache[key]

    return _make
