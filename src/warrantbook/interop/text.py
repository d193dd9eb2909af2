"""An agreement as filed on EDGAR, made readable: one flat text that still knows its lines and sections.

EDGAR text carries page markers (`<PAGE>`), page numbers ("2", "-3-", "Page 4 of 9"), words hyphenated
across lines, runs of spaces, and headings in many layouts ("1.", "1.1", "Section 7.", "ARTICLE II" /
"Section 2.01", lettered paragraphs "(a)"). `Document` drops the page furniture, joins each paragraph into
one line of text (rejoining hyphenated words), and keeps, for every character of that text, the line of
the file it came from and the section it belongs to. Readers then search the flat text and report lines
and sections of the file, never of the flattened copy.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

_PAGE_MARK = re.compile(r"^\s*<PAGE>\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?(?:\s*-)?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")

_EXHIBIT = re.compile(r"^(?:EXHIBIT|Exhibit|ANNEX|Annex|SCHEDULE|Schedule)\s+([A-Z0-9])(?:\s*[-:]\s*[A-Z][A-Z ,]*)?\s*$")
_ARTICLE = re.compile(r"^(?:ARTICLE|Article)\s+([IVXLC]+|\d{1,2})\b\.?\s*(.*)$")
_SECTION_WORD = re.compile(r"^(?:SECTION|Section)\s+(\d{1,2})(?:\.(\d{1,2}))?\.?\s+(.+)$")
_NUMBERED = re.compile(r"^(\d{1,2})\.\s+([\"'A-Z].*)$")
_SUB_NUMBERED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?\s+([\"'A-Z].*)$")
_LETTERED = re.compile(r"^\(([a-z])\)\s+\S")
_DEFINITIONS = re.compile(r"^(?:Definitions|DEFINITIONS)\b")
_WITNESS = re.compile(r"^IN\s+WITNESS\s+WHEREOF", re.IGNORECASE)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(text: str) -> int:
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total


def _title(rest: str) -> str:
    """A heading's title: its words up to the first full stop that ends a sentence."""
    parts = re.split(r"(?<!\bInc)(?<!\bNo)(?<!\bCo)\.(?=\s+[A-Z\"(]|$)", rest.strip(), maxsplit=1)
    return parts[0].strip().rstrip(":;")


@dataclass(frozen=True, slots=True)
class Section:
    start: int  # offset in the flat text
    label: str  # "§10", "§2.2(a)", "definitions (c)", "Exhibit A", "preamble", "legend", "signature page"
    title: str  # the heading's words, or the enclosing numbered section's when this one has none
    level: int  # 0 top (section, article, exhibit), 1 subsection, 2 lettered paragraph
    line: int


@dataclass(frozen=True, slots=True)
class Hit:
    """A match in the flat text, placed back in the file."""

    text: str
    start: int
    end: int
    line: int
    section: str
    groups: tuple[str | None, ...]

    def group(self, i: int) -> str | None:
        return self.groups[i - 1]


class Document:
    """The agreement's text, flattened paragraph by paragraph, with lines and sections kept."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self._starts: list[int] = []  # flat offset where each kept line's text begins
        self._numbers: list[int] = []  # ... and that line's number in the file
        self.sections: list[Section] = []
        self.flat = self._flatten()

    # ------------------------------------------------------------ building

    def _furniture(self) -> set[int]:
        """0-based indexes of page markers and page numbers."""
        marks = {i for i, line in enumerate(self.lines) if _PAGE_MARK.match(line)}
        out = set(marks)
        for i, line in enumerate(self.lines):
            if not _PAGE_NUMBER.match(line) or not line.strip():
                continue
            near_mark = any(abs(i - m) <= 4 for m in marks)
            indented = len(line) - len(line.lstrip()) >= 10
            if near_mark or indented:
                out.add(i)
        return out

    def _flatten(self) -> str:
        furniture = self._furniture()
        pieces: list[str] = []
        length = 0
        pending_break = False
        crossed_page = False
        previous = ""
        previous_blank = True
        top: int | None = None
        base = "preamble"
        base_title = ""
        letter = ""
        in_exhibit = False
        seen_heading = False
        legend_open = True
        for i, raw in enumerate(self.lines):
            if i in furniture:
                crossed_page = True
                continue
            text = _SPACES.sub(" ", raw.strip())
            if not text:
                pending_break = True
                previous_blank = True
                if length:
                    legend_open = False
                continue
            indent = len(raw) - len(raw.lstrip())
            # -- join to what came before
            if pieces:
                continues = crossed_page and not re.search(r"[.:;]$", previous) and text[:1].islower()
                if re.search(r"[A-Za-z]-$", previous) and not previous.endswith("--") and text[:1].islower() and (not pending_break or continues):
                    pieces[-1] = pieces[-1][:-1]  # rejoin a word hyphenated across lines
                    length -= 1
                    joiner = ""
                elif pending_break and not continues:
                    joiner = "\n"
                else:
                    joiner = " "
                pieces.append(joiner)
                length += len(joiner)
            start = length
            # -- is this line a heading?
            starts_paragraph = previous_blank or crossed_page or previous.endswith((".", ":"))
            label: str | None = None
            title = ""
            level = 0
            if legend_open and i == 0 and text.isupper():
                label, title = "legend", "restrictive legend"
            elif (m := _EXHIBIT.match(text)) and len(text) < 60:
                in_exhibit, label, title, letter = True, f"Exhibit {m[1]}", text, ""
            elif _WITNESS.match(text):
                in_exhibit, label, title, letter = True, "signature page", "signature page", ""
            elif in_exhibit:
                pass
            elif (m := _LETTERED.match(text)) and (indent >= 4 or starts_paragraph):
                wanted = chr(ord(letter) + 1) if letter else "a"
                if m[1] == wanted:
                    letter = m[1]
                    where = "definitions" if base == "preamble" else base
                    label, title, level = f"{where} ({m[1]})" if where == "definitions" else f"{where}({m[1]})", base_title, 2
            elif not starts_paragraph:
                pass
            elif (m := _ARTICLE.match(text)) and len(text) < 60:
                n = _roman(m[1]) if not m[1].isdigit() else int(m[1])
                if top is None or top < n <= top + 2:
                    top, letter = n, ""
                    following = self._next_text(i)
                    title = m[2].strip() or (following if following.isupper() and len(following) < 60 else "")
                    label, base, base_title, seen_heading = f"Article {m[1]}", f"Article {m[1]}", title, True
            elif m := _SECTION_WORD.match(text):
                n = int(m[1])
                sub = m[2]
                if sub is None and (top is None or top < n <= top + 2):
                    top, letter = n, ""
                    label, title, level = f"§{n}", _title(m[3]), 0
                elif sub is not None and (top is None or n in (top, top + 1)):
                    top, letter = n, ""
                    label, title, level = f"§{m[1]}.{sub}", _title(m[3]), 1
                if label:
                    base, base_title, seen_heading = label, title, True
            elif (m := _SUB_NUMBERED.match(text)) and top is not None and int(m[1]) in (top, top + 1):
                top, letter = int(m[1]), ""
                label, title, level = f"§{m[1]}.{m[2]}", _title(m[3]), 1
                base, base_title, seen_heading = label, title, True
            elif (m := _NUMBERED.match(text)) and (top is None and int(m[1]) <= 2 or top is not None and top < int(m[1]) <= top + 2):
                top, letter = int(m[1]), ""
                label, title, level = f"§{m[1]}", _title(m[2]), 0
                base, base_title, seen_heading = label, title, True
            elif _DEFINITIONS.match(text) and not seen_heading:
                label, title, base, base_title, letter = "definitions", "Definitions", "definitions", "Definitions", ""
            if label is not None:
                self.sections.append(Section(start, label, title or base_title, level, i + 1))
            elif not self.sections:
                self.sections.append(Section(start, "preamble", "", 0, i + 1))
            elif self.sections[-1].label == "legend" and not legend_open:
                self.sections.append(Section(start, "preamble", "", 0, i + 1))
            self._starts.append(start)
            self._numbers.append(i + 1)
            pieces.append(text)
            length += len(text)
            previous = text
            previous_blank = False
            pending_break = False
            crossed_page = False
        return "".join(pieces)

    def _next_text(self, i: int) -> str:
        for line in self.lines[i + 1:i + 3]:
            if line.strip():
                return _SPACES.sub(" ", line.strip())
        return ""

    # ------------------------------------------------------------ looking up

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._numbers[max(i, 0)]

    def offset_of_line(self, line: int) -> int:
        """Where the text of a file line (or the next kept line after it) begins in the flat text."""
        i = bisect.bisect_left(self._numbers, line)
        return self._starts[i] if i < len(self._starts) else len(self.flat)

    def section_entry(self, offset: int) -> Section:
        i = bisect.bisect_right([s.start for s in self.sections], offset) - 1
        return self.sections[max(i, 0)]

    def section_at(self, offset: int) -> str:
        return self.section_entry(offset).label

    def span_of(self, section: Section) -> tuple[int, int]:
        """The flat text a section covers: up to the next heading of its level or higher."""
        i = self.sections.index(section)
        for later in self.sections[i + 1:]:
            if later.level <= section.level:
                return section.start, later.start
        return section.start, len(self.flat)

    def hits(self, pattern: str | re.Pattern[str], start: int = 0, end: int | None = None, flags: int = re.IGNORECASE) -> Iterator[Hit]:
        """Every match of `pattern` in the flat text (or a span of it), placed at the line of its first group."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags)
        for m in regex.finditer(self.flat, start, len(self.flat) if end is None else end):
            at = m.start(1) if m.re.groups and m.start(1) >= 0 else m.start()
            yield Hit(m.group(0), m.start(), m.end(), self.line_at(at), self.section_at(at), m.groups())

    def sections_titled(self, pattern: str) -> list[tuple[int, int]]:
        regex = re.compile(pattern, re.IGNORECASE)
        return [self.span_of(s) for s in self.sections if s.level < 2 and regex.search(s.title)]

    def sentence_around(self, offset: int) -> tuple[int, int]:
        """The sentence holding `offset`: from the last full stop before it to the next one after it."""
        stop = re.compile(r"(?<!\bInc)(?<!\bCorp)(?<!\bCo)(?<!\bNo)(?<!\bp\.m)(?<!\ba\.m)(?<!\bL\.P)(?<!\bU\.S)\.(?=\s+[A-Z(\"]|\s*\n|\s*$)|\n")
        begin = 0
        for m in stop.finditer(self.flat, 0, offset):
            begin = m.end()
        m2 = stop.search(self.flat, offset)
        return begin, (m2.end() if m2 else len(self.flat))
