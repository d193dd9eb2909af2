"""Read an option or warrant agreement of the seed's family from its plain text, term by term.

Each term comes back as a `Reading`: its value, the line of the file it came from and the section it
belongs to, or why it has none:
  found    the text states it (value, line, section);
  absent   the text has no such clause, which is itself a reading (no cap, no cashless exercise, no jury waiver);
  missing  the text relies on it without defining it (the seed's Expiration Date): never guessed;
  unclear  the text gives more than one value, or words the reader cannot map: the candidates, each with its line.
A wrong value is worse than none, so the reader only reports `found` when every place that states the
term agrees. "Option" and "Warrant" name the same instrument.

`book_events` turns a reading into the events of a book (company, holder, the option's issue with its
terms); every term that is missing or unclear and that the book needs becomes a marked gap
("FILL IN: ...") that `warrantbook check` refuses, with its line, until the user writes the value.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import Any

from warrantbook.core import events as ev
from warrantbook.core.codec import encode
from warrantbook.core.numbers import exact, fmt
from warrantbook.core.terms import (
    Cap,
    Company,
    DisputeTerms,
    Expiration,
    Holder,
    PaymentMethod,
    RelatedAgreement,
    Terms,
    Tranche,
    Venue,
)
from warrantbook.interop.places import STATE_PATTERN, state_name
from warrantbook.interop.text import Document, Hit


class Status(Enum):
    FOUND = "found"
    ABSENT = "absent"
    MISSING = "missing"
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class Candidate:
    value: Any
    text: str
    line: int
    section: str


@dataclass(frozen=True, slots=True)
class Reading:
    term: str
    status: Status
    value: Any = None
    text: str = ""
    line: int | None = None
    section: str = ""
    note: str = ""
    candidates: tuple[Candidate, ...] = ()  # unclear: every value the text gives; found: every place that agrees
    items: tuple[Candidate, ...] = ()  # a term with several parts (tranches, related agreements), each with its line

    @property
    def found(self) -> bool:
        return self.status is Status.FOUND

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"term": self.term, "status": self.status.value, "value": plain(self.value)}
        if self.text:
            out["text"] = self.text
        out["line"] = self.line
        out["section"] = self.section or None
        if self.note:
            out["note"] = self.note
        if self.status is Status.UNCLEAR or len(self.candidates) > 1:
            out["candidates"] = [{"value": plain(c.value), "text": c.text, "line": c.line, "section": c.section} for c in self.candidates]
        if self.items:
            out["items"] = [{"value": plain(c.value), "text": c.text, "line": c.line, "section": c.section} for c in self.items]
        return out


def plain(value: Any) -> Any:
    """A reading's value as JSON data, by the codec (exact numbers as text, dates ISO, enums by value)."""
    try:
        return encode(value)
    except TypeError:
        return str(value)


@dataclass
class AgreementReading:
    """Everything read from one agreement, in a stable order of terms."""

    source: str
    instrument: str  # "option" or "warrant"
    readings: dict[str, Reading] = field(default_factory=dict)

    def __getitem__(self, term: str) -> Reading:
        return self.readings[term]

    def value(self, term: str) -> Any:
        r = self.readings.get(term)
        return r.value if r is not None and r.found else None

    def with_status(self, status: Status) -> list[Reading]:
        return [r for r in self.readings.values() if r.status is status]

    def as_json(self) -> dict[str, Any]:
        counts = {s.value: len(self.with_status(s)) for s in Status}
        return {"source": self.source, "instrument": self.instrument, "counts": counts,
                "terms": [r.as_json() for r in self.readings.values()],
                "missing": [r.term for r in self.with_status(Status.MISSING)],
                "unclear": [r.term for r in self.with_status(Status.UNCLEAR)]}


# ---------------------------------------------------------------- words and numbers

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
DATE = r"((?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2},?\s+\d{4})"
MONEY = r"\$\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)"
SHARES = r"(\d{1,3}(?:,\d{3})+|\d{5,})"
PERCENT = r"(\d{1,2}(?:\.\d{1,4})?)\s?(?:%|percent\b)"
UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
         "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
         "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
COUNT = r"(?:([A-Za-z]+(?:-[A-Za-z]+)?)\s+)?(?:\((\d{1,3})\)|(\d{1,3}))"
NO_HEADINGS = ("Exhibit", "signature page")


def words_number(text: str) -> int | None:
    """"sixty-one", "sixtyone" (a hyphen lost at a line end), "seventy five", "three" -> the number."""
    word = re.sub(r"[\s\-]", "", text.lower())
    if word in UNITS:
        return UNITS[word]
    for tens, value in TENS.items():
        if word == tens:
            return value
        if word.startswith(tens) and word[len(tens):] in UNITS and UNITS[word[len(tens):]] < 10:
            return value + UNITS[word[len(tens):]]
    return None


def count_of(words: str | None, paren: str | None, bare: str | None) -> tuple[int | None, str]:
    """A count written as words, digits, or both ("sixty-one (61)"); a disagreement is reported, not resolved."""
    number = paren or bare
    digits = int(number) if number else None
    spelled = words_number(words) if words else None
    if digits is not None and spelled is not None and digits != spelled:
        return None, f"the words say {spelled} and the digits {digits}"
    return (digits if digits is not None else spelled), ""


def parse_date(text: str) -> date:
    m = re.match(r"([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})", " ".join(text.split()))
    assert m, text
    return date(int(m[3]), MONTHS.index(m[1].lower()) + 1, int(m[2]))


def money_of(text: str) -> Fraction:
    return exact(text.replace(" ", ""), "amount")


def squash(text: str) -> str:
    return " ".join(text.split())


def name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


# ---------------------------------------------------------------- the reader


class Reader:
    """One pass over a document; each `_read_*` method adds the readings of one family of terms."""

    def __init__(self, text: str, source: str = "agreement"):
        self.doc = Document(text)
        self.out = AgreementReading(source, self._instrument())
        self.body_end = self._body_end()

    # -- helpers

    def _body_end(self) -> int:
        for s in self.doc.sections:
            if s.label.startswith(NO_HEADINGS):
                return s.start
        return len(self.doc.flat)

    def hits(self, pattern: str, start: int = 0, end: int | None = None, flags: int = re.IGNORECASE) -> list[Hit]:
        return list(self.doc.hits(pattern, start, self.body_end if end is None else end, flags))

    def add(self, reading: Reading) -> None:
        self.out.readings[reading.term] = reading

    def found(self, term: str, hit: Hit, value: Any, note: str = "", candidates: tuple[Candidate, ...] = ()) -> None:
        self.add(Reading(term, Status.FOUND, value, squash(hit.text), hit.line, hit.section, note, candidates))

    def absent(self, term: str, value: Any, note: str) -> None:
        self.add(Reading(term, Status.ABSENT, value, note=note))

    def missing(self, term: str, note: str, line: int | None = None, section: str = "") -> None:
        self.add(Reading(term, Status.MISSING, None, line=line, section=section, note=note))

    def unclear(self, term: str, candidates: Iterable[Candidate], note: str) -> None:
        cands = tuple(candidates)
        first = cands[0] if cands else None
        self.add(Reading(term, Status.UNCLEAR, None, line=first.line if first else None, section=first.section if first else "",
                         note=note, candidates=cands))

    def agree(self, term: str, cands: list[tuple[Hit, Any]], *, prefer: Callable[[Hit, Any], Any] | None = None,
              key: Callable[[Any], Any] = lambda v: v, what: str = "values") -> bool:
        """Found when every candidate gives the same value (by `key`), else unclear with all of them."""
        if not cands:
            return False
        as_cands = tuple(Candidate(v, squash(h.text), h.line, h.section) for h, v in cands)
        distinct = {key(v) for _h, v in cands}
        if len(distinct) > 1:
            self.unclear(term, as_cands, f"the text gives different {what}: " + "; ".join(
                f"{plain_text(c.value)} (line {c.line}, {c.section})" for c in as_cands))
            return True
        order = sorted(range(len(cands)), key=lambda i: prefer(*cands[i]) if prefer else 0)
        hit, value = cands[order[0]]
        others = [f"line {h.line} ({h.section})" for i, (h, _v) in enumerate(cands) if i != order[0]]
        note = ("agrees with " + ", ".join(dict.fromkeys(others))) if others else ""
        self.found(term, hit, value, note, as_cands)
        return True

    # -- the terms

    def _instrument(self) -> str:
        flat = self.doc.flat
        options = len(re.findall(r"\b(?:Option|OPTION)\b", flat))
        warrants = len(re.findall(r"\b(?:Warrant|WARRANT)\b", flat))
        return "warrant" if warrants > options else "option"

    def read(self) -> AgreementReading:
        self._read_instrument()
        self._read_legend()
        self._read_company()
        self._read_holder()
        self._read_number()
        self._read_issue_date()
        self._read_shares_and_prices()
        self._read_par_value()
        self._read_expiration()
        self._read_cap()
        self._read_delivery()
        self._read_fmv()
        self._read_payment()
        self._read_formula()
        self._read_adjustments()
        self._read_related()
        self._read_disputes()
        return self.out

    def _read_instrument(self) -> None:
        word, other = ("Warrant", "Option") if self.out.instrument == "warrant" else ("Option", "Warrant")
        title = self.hits(rf"(?:^|\n)((?:[A-Z ]+ )?{word.upper()}(?: [A-Z ]+)?)(?=\n)", flags=0)
        first = title[0] if title else self.hits(rf"\b({word})\b", flags=re.IGNORECASE)[0]
        also = sorted({h.line for h in self.doc.hits(rf"\b{other}\b", flags=0)})
        note = (f"also called {other} on line(s) {', '.join(map(str, also))}: the same instrument" if also else "")
        self.found("instrument", first, word.lower(), note)

    def _read_legend(self) -> None:
        first = self.doc.sections[0]
        if first.label == "legend":
            start, end = self.doc.span_of(first)
            if re.search(r"REGISTERED", self.doc.flat[start:end]) and re.search(r"SECURITIES", self.doc.flat[start:end]):
                hit = next(self.doc.hits(r"(.{0,60}REGISTERED)", start, end, 0))
                self.found("legend", hit, True, "restrictive legend: unregistered securities")
                return
        self.absent("legend", False, "no restrictive legend at the head of the text")

    def _read_company(self) -> None:
        party = (rf",\s+an?\s+(?:({STATE_PATTERN})\s+)?(?:corporation|company)"
                 rf"(?:\s+(?:organized|incorporated|formed)(?:\s+and\s+existing)?\s+under\s+the\s+laws\s+of\s+the\s+State\s+of\s+({STATE_PATTERN}))?"
                 r"[^\"\n]{0,40}?\(\s*(?:together\s+with[^)]*?,\s*)?the\s+\"Company\"\s*\)")
        parties = [h for h in (self._named_before(h) for h in self.hits(party)) if h is not None]
        defined = self.hits(r"\"Company\"\s+(?:means|shall\s+mean)\s+([A-Z][A-Za-z0-9&.,'\- ]+?)(?=\s+and\s+(?:any|its)\b|,\s+together|\s*\(|\.\s+[A-Z]|,\s+and\s)", flags=0)
        preamble_end = parties[0].start if parties else self.body_end
        titled = [h for h in self.hits(r"COMMON\s+STOCK\s+OF\s+([A-Z][A-Za-z0-9&.,'\- ]+?(?:INC\.|CORP\.|CORPORATION|LTD\.|LLC|CO\.|COMPANY))",
                                       0, preamble_end) if h.section == "preamble"]
        cands: list[tuple[Hit, Any]] = [(h, (h.group(1) or "").strip(" ,")) for h in defined + titled + parties]
        if not cands:
            self.missing("company.name", "no sentence naming the company as issuer (… a corporation … (the \"Company\")) was found")
        else:
            # the mixed-case spelling where there is one: a name in capitals is the same name
            self.agree("company.name", cands, key=name_key, what="names", prefer=lambda h, v: (v.isupper(), not h.section.startswith("definitions"), h.start))
            best = self.out["company.name"]
            if best.found and best.value.isupper():
                self.add(dataclasses.replace(best, note=(best.note + "; " if best.note else "") + "as written, in capitals"))
        states = [(h, state_name(h.group(2) or h.group(3) or "")) for h in parties if h.group(2) or h.group(3)]
        if not states:
            m = self.hits(rf"(?:incorporated|organized)\s+in\s+(?:the\s+State\s+of\s+)?({STATE_PATTERN})")
            states = [(h, state_name(h.group(1) or "")) for h in m]
        if not self.agree("company.state", states, what="states"):
            self.missing("company.state", "the state of incorporation is not stated")

    def _named_before(self, tail: Hit) -> Hit | None:
        """The party named just before `tail` (", a Nevada corporation ... (the "Company")"): the run of capitalised
        words back to a paragraph break, a date, a year or "FOR VALUE RECEIVED"; its groups: name, state, state."""
        flat = self.doc.flat
        start = tail.start
        words = list(re.finditer(r"[^\s]+", flat[max(0, start - 160):start]))
        begin = None
        for w in reversed(words):
            token = w.group(0)
            at = max(0, start - 160) + w.start()
            if "\n" in flat[at + len(token):start][:1] or not re.fullmatch(r"[A-Z&][A-Za-z0-9&.,'\-]*|[A-Z]\.(?:[A-Z]\.)+,?", token):
                break
            if re.fullmatch(r"(?:RECEIVED|Received|THAT|That|WHEREAS),?|\d.*", token) or token.rstrip(",").casefold() in MONTHS:
                break
            if begin is not None and "\n" in flat[at:begin]:
                break
            begin = at
        if begin is None:
            return None
        name = flat[begin:start]
        return Hit(flat[begin:tail.end], begin, tail.end, self.doc.line_at(begin), self.doc.section_at(begin), (name, *tail.groups))

    def _read_holder(self) -> None:
        pattern = (r"(?:certif\w*|citif\w*)\s+that,?\s+(?:for\s+value\s+received,?\s+)?([^()\"\n]+?),?\s+or\s+(?:its\s+|his\s+|her\s+)?"
                   r"(?:registered\s+|permitted\s+)?assigns?\b[^\n]{0,30}?\(the\s+\"Holder\"\)")
        hits = self.hits(pattern)
        if not hits:
            hits = self.hits(r"(?:^|\n|,\s)([A-Z][^()\"\n,]{2,60}(?:,\s*(?:L\.P\.|LLC|Ltd\.|Inc\.))?),?\s*\(the\s+\"Holder\"\)", flags=0)
        cands = [(h, (h.group(1) or "").strip(" ,")) for h in hits]
        if not self.agree("holder.name", cands, key=name_key, what="names"):
            self.missing("holder.name", "no sentence naming the holder (… (the \"Holder\")) was found")
            return
        r = self.out["holder.name"]
        if r.found and r.value.isupper():
            self.add(dataclasses.replace(r, note="as written, in capitals"))

    def _read_number(self) -> None:
        hits = [h for h in self.hits(r"\bNo\.\s*(_{2,}|[A-Z0-9][A-Z0-9\-/.]*[A-Z0-9]|[A-Z0-9])") if h.section in ("preamble", "legend")]
        if not hits:
            self.missing("option_no", "the instrument shows no number")
            return
        h = hits[0]
        if (h.group(1) or "").startswith("_"):
            self.missing("option_no", f"the number is left blank on the instrument (line {h.line})", h.line, h.section)
        else:
            self.found("option_no", h, h.group(1))

    def _read_issue_date(self) -> None:
        labelled = self.hits(rf"(?:Original\s+)?(?:Issue\s+Date|Date\s+of\s+Issuance|Issuance\s+Date|Date\s+of\s+Issue)\s*:\s*{DATE}")
        defined = self.hits(rf"\"Issue\s+Date\"\s+(?:means|shall\s+mean)\s+{DATE}")
        dated = [h for h in self.hits(rf"\bDated\s*:\s*{DATE}") if h.section in ("preamble", "legend")]
        cands = [(h, parse_date(h.group(1) or "")) for h in labelled + defined + dated]
        if not self.agree("issue_date", cands, what="dates"):
            self.missing("issue_date", "no issue date is stated")

    def _read_shares_and_prices(self) -> None:
        tranche = self.hits(SHARES + r"\s+(?:Warrant\s+|Option\s+)?shares[^.;$]{0,40}?\s+at\s+an?\s+(?:exercise\s+|purchase\s+)?price\s+of\s+" + MONEY)
        titled = [h for h in self.hits(r"(?:Right|Option|Warrant)s?\s+to\s+Purchase\s+(?:up\s+to\s+)?" + SHARES + r"\s+Shares"
                                       r"|Warrant\s+Shares\s*:\s*" + SHARES + r"|" + SHARES + r"\s+Shares\s+of\s+Common\s+Stock", flags=0)
                  if h.section in ("preamble", "legend")]
        operative = self.hits(r"(?:entitle[sd]?|entitling)\b[^.]{0,300}?(?:up\s+to\s+)?" + SHARES + r"\s+(?:fully\s+paid\s+)?(?:Warrant\s+|Option\s+)?shares")
        share_cands = [(h, Fraction(int(next(g for g in h.groups if g).replace(",", "")))) for h in operative + titled]
        if len(tranche) >= 2:
            items = tuple(Candidate(Tranche(Fraction(int((h.group(1) or "").replace(",", ""))), money_of(h.group(2) or "")),
                                    squash(h.text), h.line, h.section) for h in tranche)
            total = sum((c.value.shares for c in items), Fraction(0))
            stated = {v for _h, v in share_cands}
            if stated and stated != {total}:
                self.unclear("tranches", items, f"the tranches add up to {fmt(total)} shares but the text also states "
                             + ", ".join(f"{fmt(v)} (line {h.line})" for h, v in share_cands))
                self.unclear("shares", tuple(Candidate(v, squash(h.text), h.line, h.section) for h, v in share_cands)
                             + (Candidate(total, "sum of the tranches", items[0].line, items[0].section),), "the share counts disagree")
            else:
                self.add(Reading("tranches", Status.FOUND, tuple(c.value for c in items), items[0].text, items[0].line, items[0].section,
                                 f"{len(items)} tranches at different exercise prices", items=items))
                anchor = share_cands[0][0] if share_cands else tranche[0]
                self.found("shares", anchor, total, "the sum of the tranches" + (", as the text states" if stated else ""))
            self.add(Reading("exercise_price", Status.FOUND, tuple(c.value.exercise_price for c in items), items[0].text, items[0].line,
                             items[0].section, "one price per tranche", items=items))
            return
        if not self.agree("shares", share_cands, what="share counts", prefer=lambda h, v: h.section in ("preamble", "legend")):
            self.missing("shares", "the number of shares the instrument is exercisable for is not stated")
        prices = (self.hits(r"\"Exercise\s+Price\"\s+(?:means|shall\s+mean|shall\s+be|is)\s+" + MONEY)
                  + self.hits(MONEY + r"\s+per\s+share\s+\(the\s+\"Exercise\s+Price\"\)")
                  + self.hits(r"exercise\s+price\s+(?:per\s+share\s+)?(?:of|equal\s+to|shall\s+be)\s+" + MONEY))
        price_cands = [(h, money_of(h.group(1) or "")) for h in prices]
        if not self.agree("exercise_price", price_cands, what="exercise prices"):
            self.missing("exercise_price", "no exercise price is stated")
        shares, price = self.out["shares"], self.out["exercise_price"]
        if shares.found and price.found:
            self.add(Reading("tranches", Status.FOUND, (Tranche(shares.value, price.value),), shares.text, shares.line, shares.section,
                             "one tranche"))

    def _read_par_value(self) -> None:
        hits = self.hits(r"par\s+value\s+(?:of\s+)?" + MONEY) + self.hits(MONEY + r"\s+par\s+value")
        if not self.agree("par_value", [(h, money_of(h.group(1) or "")) for h in hits], what="par values"):
            self.absent("par_value", None, "no par value is stated")

    def _read_expiration(self) -> None:
        dated = (self.hits(r"\"Expiration\s+Date\"\s+(?:means|shall\s+mean|is)\s+(?:5:00\s*p\.m\.[^,;]{0,40}?,\s*)?(?:on\s+)?" + DATE)
                 + self.hits(r"\bexpire[sd]?\s+(?:at\s+[^,;]{0,40}?,\s*)?(?:on\s+)?" + DATE)
                 + self.hits(r"through\s+(?:and\s+including\s+)?" + DATE)
                 + self.hits(DATE + r",?\s*\(the\s+\"Expiration\s+Date\"\)"))
        cands: list[tuple[Hit, Any]] = [(h, parse_date(h.group(1) or "")) for h in dated]
        relative = self.hits(r"(?:the\s+)?([a-z]+)\s+(?:\((\d{1,2})(?:st|nd|rd|th)?\)\s+)?anniversary\s+of\s+the\s+(Issue\s+Date|date\s+hereof)")
        relative += self.hits(COUNT + r"\s+years?\s+(?:after|from|following)\s+the\s+(Issue\s+Date|date\s+hereof)")
        issue = self.out.value("issue_date")
        for h in relative:
            begin, end = self.doc.sentence_around(h.start)
            if not re.search(r"Expiration\s+Date|expire", self.doc.flat[begin:end], re.IGNORECASE):
                continue
            if "anniversary" in h.text.lower():
                years, clash = count_of(None, h.group(2), None) if h.group(2) else (ORDINALS.get((h.group(1) or "").lower()), "")
                if h.group(2) and ORDINALS.get((h.group(1) or "").lower()) not in (None, years):
                    years, clash = None, "the ordinal words and digits disagree"
            else:
                years, clash = count_of(h.group(1), h.group(2), h.group(3))
            if years is None or issue is None:
                reason = clash or ("the issue date is not known" if issue is None else "the number of years is not readable")
                self.unclear("expiration", (Candidate(None, squash(h.text), h.line, h.section),), f"an expiration relative to the issue date: {reason}")
                return
            try:
                cands.append((h, issue.replace(year=issue.year + years)))
            except ValueError:
                self.unclear("expiration", (Candidate(None, squash(h.text), h.line, h.section),), "the anniversary of February 29 is not a date")
                return
        if self.agree("expiration", cands, what="expiration dates"):
            return
        used = self.hits(r"(Expiration\s+Date)")
        if used:
            lines = sorted({h.line for h in used})
            self.missing("expiration", f"the text uses the Expiration Date (line {', '.join(map(str, lines))}) but never defines it",
                         used[0].line, used[0].section)
        else:
            self.missing("expiration", "no expiration is stated")

    def _read_cap(self) -> None:
        soft: list[tuple[Hit, Any]] = []
        hard: list[tuple[Hit, Any]] = []
        spans: list[tuple[int, int]] = []
        for h in self.hits(PERCENT + r"(?=[^.;]{0,60}\boutstanding\b)"):
            begin, end = self.doc.sentence_around(h.start)
            sentence = self.doc.flat[begin:end]
            value = exact(h.group(1) or "", "percent") / 100
            if re.search(r"in\s+no\s+event|notwithstanding\s+any\s+waiver|regardless\s+of\s+any\s+waiver|may\s+not\s+be\s+waived|cannot\s+be\s+waived",
                         sentence, re.IGNORECASE):
                hard.append((h, value))
            else:
                soft.append((h, value))
                spans.append(self._top_span(h.start))
        if not self.agree("cap.percent", soft, what="cap percentages"):
            owned = self.hits(r"(beneficial(?:ly)?\s+own\w*)")
            if owned:
                self.unclear("cap.percent", (Candidate(None, squash(h.text), h.line, h.section) for h in owned[:3]),
                             "the text speaks of beneficial ownership but no percentage limit could be read")
            else:
                self.absent("cap.percent", None, "no limit on beneficial ownership (no cap)")
        if not self.agree("cap.hard_ceiling", hard, what="ceilings"):
            self.absent("cap.hard_ceiling", None, "no second limit that a waiver does not lift")
        if self.out["cap.percent"].status is Status.ABSENT:
            return
        notices: list[tuple[Hit, Any]] = []
        defaults: list[Hit] = []
        for begin, end in spans or [self._top_span(self.doc.offset_of_line(c.line)) for c in self.out["cap.percent"].candidates[:1]]:
            for h in self.hits(COUNT + r"\s+(?:business\s+|calendar\s+)?days?['’]?\s+(?:prior\s+)?(?:written\s+)?(?:notice|after\s+the\s+notice)", begin, end):
                days, clash = count_of(h.group(1), h.group(2), h.group(3))
                if days is None and not clash:
                    continue
                notices.append((h, days if days is not None else f"unreadable: {clash}"))
            defaults += self.hits(r"(Event\s+of\s+Default)", begin, end)
        if not self.agree("cap.waiver_notice_days", notices, what="notice periods"):
            self.absent("cap.waiver_notice_days", None, "the holder cannot lift the cap by notice")
        voiding = []
        for h in defaults:
            b, e = self.doc.sentence_around(h.start)
            if re.search(r"void|not\s+apply|terminat|cease|lapse", self.doc.flat[b:e], re.IGNORECASE):
                voiding.append((h, True))
        if not self.agree("cap.void_on_default", voiding[:1]):
            self.absent("cap.void_on_default", False, "no event of default voids the cap")

    def _top_span(self, offset: int) -> tuple[int, int]:
        """The numbered section (with its subsections) holding `offset`, and the section after it."""
        entry = self.doc.section_entry(offset)
        i = self.doc.sections.index(entry)
        while i > 0 and self.doc.sections[i].level > 0:
            i -= 1
        start, end = self.doc.span_of(self.doc.sections[i])
        later = [s for s in self.doc.sections if s.start >= end and s.level == 0]
        if later and later[0].label.startswith("§"):
            end = self.doc.span_of(later[0])[1]
        return start, min(end, self.body_end)

    def _read_delivery(self) -> None:
        cands: list[tuple[Hit, Any]] = []
        units = set()
        for h in self.hits(r"within\s+" + COUNT + r"\s+(business|trading|calendar)?\s*days?"):
            b, e = self.doc.sentence_around(h.start)
            if not re.search(r"deliver|issue|certificate|transfer\s+agent", self.doc.flat[b:e], re.IGNORECASE):
                continue
            value, clash = count_of(h.group(1), h.group(2), h.group(3))
            unit = (h.group(4) or "").lower() or "unstated"
            units.add(unit)
            cands.append((h, value if value is not None else f"unreadable: {clash}"))
        if not cands:
            self.missing("delivery_days", "no period for delivering the shares is stated")
            return
        if units != {"business"}:
            self.unclear("delivery_days", (Candidate(v, squash(h.text), h.line, h.section) for h, v in cands),
                         f"the period is counted in {', '.join(sorted(units))} days; warrantbook counts business days (§2.1): "
                         "write the number of business days to use")
            return
        self.agree("delivery_days", cands, what="delivery periods")

    def _fmv_spans(self) -> list[tuple[int, int]]:
        spans = [(s, min(e, self.body_end)) for s, e in self.doc.sections_titled(r"market\s+value") if s < self.body_end]
        if not spans:
            spans = [self.doc.sentence_around(h.start) for h in self.hits(r"(\"Fair\s+Market\s+Value\")")]
        return spans

    def _read_fmv(self) -> None:
        spans = self._fmv_spans()
        rules = (("fmv.exchange", Venue.EXCHANGE, r"(American\s+Stock\s+Exchange|national\s+(?:securities\s+)?exchange)"),
                 ("fmv.nasdaq", Venue.NASDAQ, r"(Nasdaq)"),
                 ("fmv.otcbb", Venue.OTCBB, r"(Bulletin\s+Board)"),
                 ("fmv.pink", Venue.PINK, r"(pink\s+sheets|OTC\s+Markets)"),
                 ("fmv.not_traded", Venue.NOT_TRADED, r"(not\s+publicly\s+traded)"),
                 ("fmv.liquidation", True, r"(liquidation|winding\s+up)"),
                 ("fmv.board", "board", r"(good\s+faith\s+by\s+the[^.;]{0,40}?board)"))
        for term, value, pattern in rules:
            hits = [h for s, e in spans for h in self.hits(pattern, s, e)]
            if term == "fmv.board":
                if hits:
                    h = hits[0]
                    self.unclear(term, (Candidate("board", squash(h.text), h.line, h.section),),
                                 "a value set by the board: warrantbook has no such rule (its nearest is an agreed or arbitrated value, §1.2(c))")
                continue
            if hits:
                self.found(term, hits[0], value)
            else:
                self.absent(term, False if term == "fmv.liquidation" else None, "not a rule of this text" if spans else "no fair market value rules found")

    def _read_payment(self) -> None:
        methods = (("payment.cash", PaymentMethod.CASH, r"(\bin\s+cash\b|wire\s+transfer|bank\s+check|certified\s+check|lawful\s+money)"),
                   ("payment.stock", PaymentMethod.STOCK, r"(deliver(?:y|ing)\s+(?:of\s+)?(?:shares\s+of\s+)?Common\s+Stock[^.;]{0,60}?Fair\s+Market\s+Value)"),
                   ("payment.cashless", PaymentMethod.CASHLESS,
                    r"(cashless|net\s+exercise|net\s+issue|net\s+number\s+of\s+shares|surrender(?:ing)?\s+(?:of\s+)?this\s+(?:Option|Warrant)\s+under\s+the\s+formula"
                    r"|in\s+accordance\s+with\s+the\s+formula|by\s+surrender\s+of\s+this\s+(?:Option|Warrant))"),
                   ("payment.combination", PaymentMethod.COMBINATION, r"(combination\s+of\s+(?:any\s+of\s+)?(?:the\s+foregoing|these|such)(?:\s+methods)?)"))
        for term, method, pattern in methods:
            kept: list[Hit] = []
            refused: list[Hit] = []
            for h in self.hits(pattern):
                b, e = self.doc.sentence_around(h.start)
                sentence = self.doc.flat[b:h.end]
                if re.search(r"\b(?:may\s+not|shall\s+not|cannot|will\s+not|no)\b[^.;]{0,60}$", sentence, re.IGNORECASE):
                    refused.append(h)
                else:
                    kept.append(h)
            if kept:
                self.found(term, kept[0], method)
            elif refused:
                self.absent(term, None, f"excluded by the text (line {refused[0].line}, {refused[0].section})")
            else:
                self.absent(term, None, "not a payment method of this text")

    def _read_formula(self) -> None:
        if not self.out["payment.cashless"].found:
            self.absent("cashless_formula", None, "no cashless exercise")
            return
        hits = self.hits(r"(X\s*=\s*Y\s*\(\s*A\s*-\s*B\s*\)\s*(?:/|-{2,})\s*A)\b", flags=0)
        if hits:
            h = hits[0]
            rest = self.doc.flat[h.end:h.end + 800]
            if re.search(r"\bA\b\s*(?:=|is)?\s*(?:the\s+)?Fair\s+Market\s+Value", rest) and re.search(r"\bB\b\s*(?:=|is)?\s*(?:the\s+)?(?:applicable\s+)?Exercise\s+Price", rest):
                self.found("cashless_formula", h, "X = Y(A-B)/A", "A: fair market value of one share; B: exercise price; Y: shares exercised")
                return
            self.unclear("cashless_formula", (Candidate(None, squash(h.text), h.line, h.section),), "the formula's letters are not defined as warrantbook reads them")
            return
        other = self.hits(r"(X\s*=[^\n]{0,60})", flags=0)
        if other:
            self.unclear("cashless_formula", (Candidate(None, squash(h.text), h.line, h.section) for h in other[:2]),
                         "a cashless formula warrantbook does not recognise (it applies X = Y(A-B)/A)")
        else:
            self.missing("cashless_formula", "a cashless exercise is allowed but no formula is given")

    def _read_adjustments(self) -> None:
        kinds = (("adjustment.stock_dividend", r"(stock\s+dividend|dividend\s+(?:in|of)\s+shares|as\s+a\s+dividend)"),
                 ("adjustment.subdivision", r"(subdivid\w*|\bsplits?\b)"),
                 ("adjustment.combination", r"(\bcombines?\s+(?:it|its)\b)"),
                 ("adjustment.reorganization", r"(reorganization)"),
                 ("adjustment.merger", r"(\bmerger?s?\b|\bconsolidat\w*)"),
                 ("adjustment.asset_transfer", r"(substantially\s+all\s+of\s+(?:its|the\s+Company's)\s+(?:properties\s+or\s+)?assets)"))
        preferred = [(s, min(e, self.body_end)) for s, e in self.doc.sections_titled(r"adjust|reorgani|extraordinary|split|dividend|merger")]
        for term, pattern in kinds:
            hits = [h for s, e in preferred for h in self.hits(pattern, s, e)] or self.hits(pattern)
            if hits:
                self.found(term, hits[0], True)
            else:
                self.absent(term, False, "not an adjustment event of this text")

    def _read_related(self) -> None:
        agreement = r"((?:[A-Z][a-z]+\s+){1,4}Agreement)"
        defined = self.hits(r"\"((?:[A-Z][a-z]+\s+){0,4}Agreement)\"\s+(?:means|shall\s+mean)\s+([^\n]{0,300})", flags=0)
        named = self.hits(r"(?:\ba|\bthe|that\s+certain)\s+" + agreement + r"\s+((?:dated|entered\s+into)[^\n]{0,200})", flags=0)
        company = self.out.value("company.name") or "the Company"
        holder = self.out.value("holder.name") or "the Holder"
        cap_text = " ".join(self.doc.flat[s:e] for s, e in (self._top_span(self.doc.offset_of_line(c.line)) for c in self.out["cap.percent"].candidates))
        items: list[Candidate] = []
        seen: set[str] = set()
        for h, full_name, rest in [(h, h.group(1) or "", h.group(2) or "") for h in defined] + [(h, h.group(1) or "", h.group(2) or "") for h in named]:
            inner = re.match(r"(?:that\s+certain\s+|the\s+)?" + agreement, rest)
            title = inner.group(1) if inner else full_name
            if name_key(title) in seen or name_key(full_name) in seen:
                continue
            seen |= {name_key(title), name_key(full_name)}
            dated: date | None = None
            if re.search(r"dated\s+as\s+of\s+the\s+date\s+hereof|dated\s+as\s+of\s+the\s+Issue\s+Date|dated\s+the\s+date\s+hereof", rest):
                dated = self.out.value("issue_date")
            elif m := re.search(r"dated\s+(?:as\s+of\s+)?" + DATE, rest):
                dated = parse_date(m.group(1))
            parties: list[str] = []
            if m := re.search(r"\b(?:among|between|by)\s+(.+?)(?=\s+dated|,\s+as\s+(?:the\s+same\s+may\s+be\s+)?amended|\s+named\s|\.\s|\.$|$)", rest):
                for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)):
                    p = p.strip()
                    if re.fullmatch(r"(?:the\s+)?Holder", p):
                        p = holder
                    elif re.fullmatch(r"(?:the\s+)?Company", p):
                        p = company
                    if p:
                        parties.append(p)
            if re.search(r"Registration\s+Rights", title):
                role = f"registration rights of the holder ({h.section})"
            elif re.search(re.escape(full_name), cap_text) and re.search(r"Event\s+of\s+Default", cap_text):
                role = f"defines the Events of Default that void the cap ({self.out['cap.percent'].section or 'cap'})"
            else:
                role = f"referred to in {h.section}"
            items.append(Candidate(RelatedAgreement(title, dated, tuple(parties), role), squash(h.text)[:120], h.line, h.section))
        if items:
            self.add(Reading("related_agreements", Status.FOUND, tuple(c.value for c in items), items[0].text, items[0].line, items[0].section,
                             f"{len(items)} agreement(s)", items=tuple(items)))
        else:
            self.absent("related_agreements", (), "no other agreement is referred to")

    def _read_disputes(self) -> None:
        law = self.hits(rf"govern\w*\s+by[^.]{{0,80}}?laws?\s+of\s+(?:the\s+)?(?:State\s+of\s+)?({STATE_PATTERN})")
        if not self.agree("governing_law", [(h, state_name(h.group(1) or "")) for h in law], what="laws"):
            self.absent("governing_law", "", "no governing law is chosen")
        forum: list[tuple[Hit, Any]] = []
        for h in self.hits(r"((?:state|federal)\s+(?:(?:or|and)\s+federal\s+)?courts?\b)"):
            b, e = self.doc.sentence_around(h.start)
            sentence = self.doc.flat[b:e]
            if not re.search(r"brought|jurisdiction|suit|action", sentence, re.IGNORECASE):
                continue
            text = re.split(r";|,\s+and\s+(?:each|the)\b|\.\s*$", self.doc.flat[h.start:e])[0].strip()
            forum.append((dataclasses.replace(h, text=text), squash(text)))
            break
        if not self.agree("forum", forum):
            self.absent("forum", "", "no forum is chosen")
        flags = (("forum.holder_may_waive", r"(holder\s+may\s+(?:choose\s+to\s+)?waive\s+this\s+provision)", "the holder cannot waive the forum"),
                 ("jury_waiver", r"(waives?\s+(?:any\s+right\s+to\s+(?:a\s+)?)?trial\s+by\s+jury|waives?\s+(?:a\s+|any\s+)?jury\s+trial)", "no waiver of a jury trial"),
                 ("prevailing_party_fees", r"(prevailing\s+party[^.]{0,80}?fees)", "no fee shifting to the prevailing party"),
                 ("no_construction_against_drafter", r"(against\s+the\s+drafting\s+party|construed\s+against\s+(?:the\s+)?(?:drafter|draftsman))",
                  "no clause on construing against the drafter"))
        for term, pattern, none in flags:
            hits = self.hits(pattern)
            if term == "no_construction_against_drafter":
                hits = [h for h in hits if re.search(r"shall\s+not|will\s+not|no\b", self.doc.flat[slice(*self.doc.sentence_around(h.start))], re.IGNORECASE)]
            if hits:
                self.found(term, hits[0], True)
            else:
                self.absent(term, False, none)


def plain_text(value: Any) -> str:
    if isinstance(value, Fraction):
        return fmt(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_agreement(text: str, source: str = "agreement") -> AgreementReading:
    """Every term of an option or warrant agreement of the family, each with its line and section."""
    return Reader(text, source).read()


# ---------------------------------------------------------------- a book from the reading

GAP = "FILL IN"


def gap(what: str) -> Any:
    """A marked hole in a book written from an agreement: text where a value belongs, so `check` refuses it."""
    return f"{GAP}: {what}"


def is_gap(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(GAP + ":")


def _slug(name: str, words: int = 3) -> str:
    stop = {"inc", "corp", "corporation", "co", "company", "ltd", "llc", "lp", "l", "p", "the", "of"}
    parts = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", name) if w.lower() not in stop]
    return "-".join(parts[:words]) or "party"


def _where(r: Reading) -> str:
    if r.line is None:
        return r.note or r.status.value
    return f"line {r.line}, {r.section}" + (f": {r.note}" if r.note else "")


@dataclass(frozen=True, slots=True)
class BookDraft:
    events: list[ev.Event]
    gaps: list[str]  # blocking: `check` refuses the book until each is filled
    notes: list[str]  # reported, not blocking (an undefined expiration, an empty string field)
    header: str


def book_events(reading: AgreementReading) -> BookDraft:
    """The company, the holder and the option's issue with its terms; gaps marked where the text is silent or unclear."""
    gaps: list[str] = []
    notes: list[str] = []
    r = reading.readings

    def need(term: str, what: str, value: Any | None = None) -> Any:
        item = r.get(term)
        if item is not None and item.found:
            return item.value if value is None else value
        gaps.append(f"{what} ({term}: {item.status.value if item else 'not read'}; {_where(item) if item else ''})")
        return gap(f"{what} ({'; '.join(f'{plain_text(c.value)} line {c.line}' for c in item.candidates) if item and item.candidates else 'not stated'})")

    def text_or_empty(term: str, what: str) -> str:
        item = r[term]
        if item.found:
            return str(item.value)
        if item.status is not Status.ABSENT:
            notes.append(f"{what}: {item.status.value} ({_where(item)}); left empty")
        return ""

    company_name = need("company.name", "the company's name")
    company_id = _slug(company_name) if not is_gap(company_name) else "company"
    holder_name = need("holder.name", "the holder's name")
    holder_id = _slug(holder_name) if not is_gap(holder_name) else "holder"
    issue = need("issue_date", "the issue date (YYYY-MM-DD)")
    state = need("company.state", "the company's state of incorporation")
    par = reading.value("par_value")

    if r["option_no"].found:
        option_no, on_instrument = str(r["option_no"].value), True
    else:
        initials = "".join(w[0] for w in company_id.split("-")).upper() if company_id != "company" else "OPT"
        option_no, on_instrument = f"{initials}-1", False
        notes.append(f"option number: {r['option_no'].note or 'not on the instrument'}; numbered {option_no} in the book (ours)")

    tranches_reading = r.get("tranches")
    if tranches_reading is not None and tranches_reading.found:
        tranches: tuple[Any, ...] = tranches_reading.value
    else:
        shares = need("shares", "the number of shares")
        price = need("exercise_price", "the exercise price per share")
        tranches = (Tranche(shares, price),)

    exp = r["expiration"]
    if exp.found:
        expiration = Expiration(exp.value, f"stated in the agreement ({exp.section}, line {exp.line})")
    elif exp.status is Status.MISSING:
        expiration = Expiration(None, f"undefined in the agreement ({exp.section}, line {exp.line})" if exp.line else "not stated in the agreement")
        notes.append(f"expiration: {exp.note}; the book enforces none (add terms.expiration.on if the parties agreed a date)")
    else:
        expiration = Expiration(need("expiration", "the expiration date (YYYY-MM-DD)"), "")

    cap: Cap | None
    percent = r["cap.percent"]
    if percent.status is Status.ABSENT:
        cap = None
    else:
        waiver = r["cap.waiver_notice_days"]
        ceiling = r["cap.hard_ceiling"]
        cap = Cap(percent=need("cap.percent", "the cap as a fraction, e.g. 0.0499"),
                  waiver_notice_days=(waiver.value if waiver.found else None if waiver.status is Status.ABSENT
                                      else need("cap.waiver_notice_days", "days of notice to waive the cap")),
                  void_on_default=bool(reading.value("cap.void_on_default")),
                  hard_ceiling=(ceiling.value if ceiling.found else None if ceiling.status is Status.ABSENT
                                else need("cap.hard_ceiling", "the hard ceiling as a fraction")))

    methods = frozenset(r[t].value for t in ("payment.cash", "payment.stock", "payment.cashless", "payment.combination") if r[t].found)
    payment: Any = methods
    if not methods:
        payment = need("payment.cash", "the payment methods (cash, stock, cashless, combination)")
    elif PaymentMethod.CASHLESS in methods and not r["cashless_formula"].found:
        payment = need("cashless_formula", "the payment methods: the cashless formula is not X = Y(A-B)/A")
    venues = frozenset(r[t].value for t in ("fmv.exchange", "fmv.nasdaq", "fmv.otcbb", "fmv.pink", "fmv.not_traded") if r[t].found)
    if "fmv.board" in r:
        notes.append(f"fair market value: {r['fmv.board'].note} (line {r['fmv.board'].line})")
    delivery = need("delivery_days", "the delivery period in business days")

    disputes = DisputeTerms(governing_law=text_or_empty("governing_law", "governing law"), forum=text_or_empty("forum", "forum"),
                            holder_may_waive_forum=bool(reading.value("forum.holder_may_waive")),
                            jury_waiver=bool(reading.value("jury_waiver")),
                            prevailing_party_fees=bool(reading.value("prevailing_party_fees")),
                            no_construction_against_drafter=bool(reading.value("no_construction_against_drafter")))
    terms = Terms(company=company_id, issue_date=issue, tranches=tranches, option_no=option_no, option_no_on_instrument=on_instrument,
                  expiration=expiration, cap=cap, delivery_days=delivery, payment_methods=payment, fmv_venues=venues,
                  liquidation_fmv=bool(reading.value("fmv.liquidation")), related=tuple(reading.value("related_agreements") or ()),
                  disputes=disputes, legend=bool(reading.value("legend")))
    company_actor = f"company:{company_id}"
    events: list[ev.Event] = [
        ev.CompanyRegistered(id=company_id, on=issue, actor=company_actor,
                             company=Company(id=company_id, name=company_name, state=state, par_value=par)),
        ev.HolderRegistered(id=holder_id, on=issue, actor=f"holder:{holder_id}", holder=Holder(id=holder_id, name=holder_name)),
        ev.OptionIssued(id=f"issue-{option_no}", on=issue, actor=company_actor, option_no=option_no, holder=holder_id, terms=terms,
                        note=f"terms read from {reading.source} by warrantbook agreement import"),
    ]
    lines = [f"warrantbook book: the {reading.instrument} read from {reading.source} by 'warrantbook agreement import'.",
             "Every value comes from the agreement's text; the lines and sections are in 'warrantbook agreement import --json'."]
    if gaps:
        lines.append(f"{len(gaps)} gap(s) to fill before 'warrantbook check' accepts this book (search for '{GAP}'):")
        lines += [f"  - {g}" for g in gaps]
    else:
        lines.append("No gaps: 'warrantbook check' accepts this book as written.")
    if notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in notes]
    lines.append("Format: docs/book-format.md")
    return BookDraft(events, gaps, notes, "\n".join(lines))
