"""Reading an agreement of the family from its text: the seed (../shared) and variants written for these tests.

Each row names the term, its value and the line and section it must come from. The variants were written
before the reader was tuned (tests/interop/agreements/*.txt): a 9.99% cap, a 61-day notice, "Warrant"
throughout, two price tranches, stated and anniversary expirations, no cashless clause, articles and
"Section N." layouts, and a draft whose figures disagree.
"""

from __future__ import annotations

import json
import re
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warrantbook.book.io import dumps, loads
from warrantbook.core.errors import BookErrors
from warrantbook.core.events import OptionIssued
from warrantbook.core.terms import PaymentMethod, Tranche, Venue, seed_terms
from warrantbook.interop.agreement import GAP, Status, book_events, read_agreement
from warrantbook.interop.text import Document

from .conftest import AGREEMENT, VARIANTS, needs_agreement

runner = CliRunner()


def read(path: Path):  # type: ignore[no-untyped-def]
    return read_agreement(path.read_text(encoding="utf-8"), path.name)


def check_rows(reading, rows) -> None:  # type: ignore[no-untyped-def]
    for term, value, line, section in rows:
        r = reading[term]
        assert r.status is Status.FOUND, (term, r)
        assert r.value == value, (term, r.value)
        assert (r.line, r.section) == (line, section), (term, r.line, r.section)


# ---------------------------------------------------------------- the seed


@needs_agreement
def test_seed_terms_with_their_lines_and_sections() -> None:
    r = read(AGREEMENT)
    assert r.instrument == "option"
    check_rows(r, [
        ("legend", True, 1, "legend"),
        ("company.name", "American Technologies Group, Inc.", 32, "definitions (a)"),
        ("company.state", "Nevada", 18, "preamble"),
        ("holder.name", "GSSF MASTER FUND, L.P.", 20, "preamble"),
        ("issue_date", date(2005, 9, 7), 16, "preamble"),
        ("shares", F(140_250_000), 65, "§1.1"),
        ("exercise_price", F(1, 100_000), 42, "definitions (c)"),
        ("par_value", F(1, 1000), 37, "definitions (b)"),
        ("cap.percent", F(499, 10000), 327, "§10"),
        ("cap.waiver_notice_days", 75, 334, "§10"),
        ("cap.void_on_default", True, 333, "§10"),
        ("delivery_days", 3, 130, "§2.1"),
        ("fmv.exchange", Venue.EXCHANGE, 72, "§1.2(a)"),
        ("fmv.nasdaq", Venue.NASDAQ, 74, "§1.2(a)"),
        ("fmv.otcbb", Venue.OTCBB, 80, "§1.2(b)"),
        ("fmv.not_traded", Venue.NOT_TRADED, 85, "§1.2(c)"),
        ("fmv.liquidation", True, 91, "§1.2(d)"),
        ("payment.cash", PaymentMethod.CASH, 145, "§2.2(a)"),
        ("payment.stock", PaymentMethod.STOCK, 147, "§2.2(a)"),
        ("payment.cashless", PaymentMethod.CASHLESS, 150, "§2.2(a)"),
        ("payment.combination", PaymentMethod.COMBINATION, 151, "§2.2(a)"),
        ("cashless_formula", "X = Y(A-B)/A", 174, "§2.2(b)"),
        ("adjustment.stock_dividend", True, 242, "§4"),
        ("adjustment.subdivision", True, 244, "§4"),
        ("adjustment.combination", True, 245, "§4"),
        ("adjustment.merger", True, 194, "§3.1"),
        ("governing_law", "New York", 365, "§14"),
        ("forum.holder_may_waive", True, 368, "§14"),
        ("jury_waiver", True, 371, "§14"),
        ("prevailing_party_fees", True, 371, "§14"),
        ("no_construction_against_drafter", True, 384, "§14"),
    ])
    assert "Warrant" in r["instrument"].note and "182" in r["instrument"].note  # the seed says "Warrant" in §2.2(b)
    assert r["shares"].note == "agrees with line 10 (preamble)"  # the title's count agrees
    assert r["cap.hard_ceiling"].status is Status.ABSENT


@needs_agreement
def test_seed_undefined_expiration_is_missing_never_guessed() -> None:
    r = read(AGREEMENT)
    exp = r["expiration"]
    assert exp.status is Status.MISSING and exp.value is None
    assert (exp.line, exp.section) == (62, "§1.1")
    assert "never defines it" in exp.note
    assert r["option_no"].status is Status.MISSING and "blank" in r["option_no"].note and r["option_no"].line == 16
    assert [x.term for x in r.with_status(Status.MISSING)] == ["option_no", "expiration"]
    assert r.with_status(Status.UNCLEAR) == []


@needs_agreement
def test_seed_related_agreements_with_parties_and_roles() -> None:
    items = read(AGREEMENT)["related_agreements"].items
    assert [(c.value.name, c.line, c.section) for c in items] == [("Security Agreement", 54, "definitions (e)"),
                                                                    ("Registration Rights Agreement", 320, "§9")]
    security = items[0].value
    assert security.dated == date(2005, 9, 7)
    assert security.parties == ("GSSF MASTER FUND, L.P.", "American Technologies Group, Inc.", "the Eligible Subsidiaries")
    assert "Events of Default" in security.role and "§10" in security.role


@needs_agreement
def test_seed_reading_gives_the_engines_seed_terms() -> None:
    """The terms read from the text are the ones the engine was built from (names aside)."""
    draft = book_events(read(AGREEMENT))
    assert draft.gaps == []
    issued = [e for e in draft.events if isinstance(e, OptionIssued)][0]
    t, seed = issued.terms, seed_terms()
    assert t.tranches == seed.tranches and t.cap == seed.cap and t.delivery_days == seed.delivery_days
    assert t.payment_methods == seed.payment_methods and t.fmv_venues == seed.fmv_venues and t.liquidation_fmv is True
    assert t.expiration.on is None and "line 62" in t.expiration.source
    assert t.option_no == "ATG-1" and t.option_no_on_instrument is False
    assert (t.disputes.jury_waiver, t.disputes.prevailing_party_fees, t.disputes.holder_may_waive_forum) == (True, True, True)
    book = loads(dumps(draft.events, draft.header))  # `warrantbook check` accepts it as written
    assert len(book.state.options) == 1


@needs_agreement
@pytest.mark.parametrize("width", [58, 72, 96])
def test_seed_reflowed_at_other_widths_reads_the_same(width: int) -> None:
    """The reader reads the family, not one layout: rewrap every paragraph, hyphenate long words, add page breaks."""
    text = AGREEMENT.read_text(encoding="utf-8")
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        lines = para.splitlines()
        if len(lines) < 3 or any(re.match(r"\s*(?:\(?[a-z0-9.]{1,4}\)?\s|X =|[A-Z]\s+=|<PAGE>|\d+$)", x) for x in lines[:1]):
            out.append(para)
            continue
        words = " ".join(x.strip() for x in lines).split()
        current = "  "
        for w in words:
            if len(current) + len(w) + 1 > width:
                if len(w) > 9 and w.isalpha() and w.islower() and len(current) + 5 < width:
                    out_line, w = current + " " + w[:4] + "-", w[4:]
                    out.append(out_line)
                else:
                    out.append(current)
                current = w
            else:
                current = (current + " " + w) if current.strip() else current + w
        out.append(current)
        out.append("")
        if len(out) % 7 == 0:
            out += ["", "                                  -9-", "<PAGE>", ""]
    reflowed = "\n".join(out)
    original, again = read(AGREEMENT), read_agreement(reflowed, "reflowed")
    for term, r in original.readings.items():
        assert again[term].status is r.status, (term, again[term])
        assert again[term].value == r.value, term


# ---------------------------------------------------------------- the variants


def test_variant_two_tranches_warrant_stated_expiry_999_cap_61_days() -> None:
    r = read(VARIANTS / "warrant-two-tranches.txt")
    assert r.instrument == "warrant"
    check_rows(r, [
        ("company.name", "HALVORSEN BIOWORKS CORP.", 14, "preamble"),
        ("company.state", "Delaware", 14, "preamble"),
        ("holder.name", "QUILL STREET PARTNERS LLC", 15, "preamble"),
        ("option_no", "W-7", 10, "preamble"),
        ("issue_date", date(2011, 3, 3), 10, "preamble"),
        ("tranches", (Tranche(F(6_000_000), F("0.05")), Tranche(F(3_500_000), F("0.125"))), 36, "§2"),
        ("shares", F(9_500_000), 34, "§2"),
        ("par_value", F("0.0001"), 22, "§1(a)"),
        ("expiration", date(2016, 3, 3), 24, "§1(b)"),
        ("cap.percent", F("0.0999"), 88, "§7"),
        ("cap.waiver_notice_days", 61, 90, "§7"),
        ("delivery_days", 4, 66, "§4"),
        ("cashless_formula", "X = Y(A-B)/A", 55, "§3(b)"),
        ("governing_law", "Delaware", 106, "§10"),
        ("jury_waiver", True, 107, "§10"),
    ])
    assert [c.line for c in r["tranches"].items] == [36, 39]
    assert r["cap.void_on_default"].status is Status.ABSENT and r["cap.hard_ceiling"].status is Status.ABSENT
    assert r["payment.stock"].status is Status.ABSENT and r["payment.combination"].status is Status.ABSENT
    # a board's good-faith value is a rule warrantbook does not have: reported, not mapped
    assert r["fmv.board"].status is Status.UNCLEAR and r["fmv.board"].line == 73
    related = r["related_agreements"].value
    assert [(a.name, a.dated) for a in related] == [("Securities Purchase Agreement", date(2011, 3, 1))]
    draft = book_events(r)
    assert draft.gaps == []
    terms = [e for e in draft.events if isinstance(e, OptionIssued)][0].terms
    assert terms.option_no == "W-7" and terms.option_no_on_instrument
    assert terms.payment_methods == frozenset({PaymentMethod.CASH, PaymentMethod.CASHLESS})
    assert terms.fmv_venues == frozenset({Venue.EXCHANGE, Venue.OTCBB})
    assert terms.cap is not None and terms.cap.void_on_default is False
    book = loads(dumps(draft.events, draft.header))
    assert book.state.options["W-7"].remaining == 9_500_000


def test_variant_articles_cash_only_anniversary_expiry_and_ceiling() -> None:
    r = read(VARIANTS / "warrant-articles-cash-only.txt")
    assert r.instrument == "warrant"
    check_rows(r, [
        ("company.name", "Redwater Minerals, Inc.", 13, "preamble"),
        ("company.state", "Colorado", 13, "preamble"),
        ("holder.name", "Barrow Lane Opportunity Fund, Ltd.", 15, "preamble"),
        ("option_no", "RW-2008-14", 9, "preamble"),
        ("issue_date", date(2008, 6, 30), 10, "preamble"),
        ("shares", F(2_750_000), 17, "preamble"),
        ("exercise_price", F("0.35"), 18, "preamble"),
        ("par_value", F("0.01"), 17, "preamble"),
        ("expiration", date(2013, 6, 30), 26, "§1.01"),  # the fifth anniversary of the Issue Date
        ("cap.percent", F("0.0499"), 47, "§2.01"),
        ("cap.waiver_notice_days", 65, 50, "§2.01"),
        ("cap.hard_ceiling", F("0.1999"), 54, "§2.02"),
        ("fmv.nasdaq", Venue.NASDAQ, 61, "§3.01"),
        ("fmv.pink", Venue.PINK, 64, "§3.01"),
        ("payment.cash", PaymentMethod.CASH, 32, "§1.02"),
        ("governing_law", "New York", 86, "§5.01"),
        ("prevailing_party_fees", True, 94, "§5.03"),
    ])
    assert r["payment.cashless"].status is Status.ABSENT and r["cashless_formula"].status is Status.ABSENT
    # three Trading Days are not three business days: the reader reports the candidate, it does not convert
    delivery = r["delivery_days"]
    assert delivery.status is Status.UNCLEAR and delivery.candidates[0].value == 3 and delivery.line == 35 and "trading" in delivery.note
    draft = book_events(r)
    assert len(draft.gaps) == 1 and "delivery" in draft.gaps[0]
    with pytest.raises(BookErrors) as err:
        loads(dumps(draft.events, draft.header))
    assert "delivery_days" in str(err.value) and GAP in str(err.value) and err.value.errors[0].line is not None


def test_variant_option_stated_expiry_61_days_with_typos_and_hyphens() -> None:
    r = read(VARIANTS / "option-stated-expiry.txt")
    assert r.instrument == "option"
    check_rows(r, [
        ("company.name", "Pellucid Networks Holdings, Inc.", 21, "definitions (a)"),
        ("company.state", "Minnesota", 12, "preamble"),
        ("holder.name", "LARCHMONT CAPITAL PARTNERS II, L.P.", 14, "preamble"),  # after "hereby citifies"
        ("option_no", "PN-2", 10, "preamble"),
        ("expiration", date(2009, 12, 31), 29, "definitions (d)"),
        ("shares", F(36_000_000), 35, "§1"),
        ("exercise_price", F("0.0001"), 27, "definitions (c)"),
        ("cap.percent", F("0.0999"), 76, "§6"),
        ("cap.void_on_default", True, 77, "§6"),
        ("cap.waiver_notice_days", 61, 79, "§6"),
        ("delivery_days", 5, 53, "§3"),  # "frac-/tional" rejoined across the line
        ("payment.cashless", PaymentMethod.CASHLESS, 40, "§2"),  # "form-/ula" rejoined
        ("cashless_formula", "X = Y(A-B)/A", 44, "§2"),
        ("governing_law", "Minnesota", 86, "§8"),
    ])
    related = r["related_agreements"].value
    assert related[0].name == "Note Purchase Agreement" and "Events of Default" in related[0].role


def test_variant_conflicting_draft_reports_candidates_not_a_choice() -> None:
    r = read(VARIANTS / "warrant-conflicting.txt")
    shares = r["shares"]
    assert shares.status is Status.UNCLEAR and shares.value is None
    assert sorted((c.value, c.line) for c in shares.candidates) == [(F(2_000_000), 4), (F(2_500_000), 23)]
    cap = r["cap.percent"]
    assert cap.status is Status.UNCLEAR and sorted((c.value, c.line, c.section) for c in cap.candidates) == [
        (F("0.0499"), 33, "§4"), (F("0.0999"), 38, "§5")]
    assert r["expiration"].status is Status.MISSING and r["expiration"].line == 14
    assert r["option_no"].status is Status.MISSING
    # "may not exercise ... by any cashless or net exercise" excludes it
    cashless = r["payment.cashless"]
    assert cashless.status is Status.ABSENT and "excluded" in cashless.note and "line 26" in cashless.note
    draft = book_events(r)
    assert len(draft.gaps) == 2
    text = dumps(draft.events, draft.header)
    assert text.count(f"{GAP}:") == 2  # one marked hole per gap in the events
    with pytest.raises(BookErrors):
        loads(text)


def test_every_variant_reads_without_an_error_and_numbers_are_exact() -> None:
    for path in sorted(VARIANTS.glob("*.txt")):
        r = read(path)
        for reading in r.readings.values():
            assert not isinstance(reading.value, float), (path.name, reading.term)
        json.dumps(r.as_json())  # plain data throughout


def test_page_furniture_and_hyphenation() -> None:
    doc = Document("1. Shares. The Holder may buy 10,000 shares at the Ex-\nercise Price.\n\n                 -2-\n<PAGE>\n\n"
                   "2. Cap. Not more than 4.99% of the outstanding\nshares.\n")
    assert "Exercise Price" in doc.flat and "-2-" not in doc.flat and "<PAGE>" not in doc.flat
    assert [(s.label, s.line) for s in doc.sections] == [("§1", 1), ("§2", 7)]
    at = doc.flat.index("4.99%")
    assert (doc.line_at(at), doc.section_at(at)) == (7, "§2")


# ---------------------------------------------------------------- the command


@needs_agreement
def test_cli_agreement_import_json_and_book(tmp_path: Path) -> None:
    from warrantbook.cli.main import app

    out = tmp_path / "atg.yaml"
    result = runner.invoke(app, ["agreement", "import", str(AGREEMENT), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["missing"] == ["option_no", "expiration"] and data["unclear"] == [] and data["gaps"] == []
    terms = {t["term"]: t for t in data["terms"]}
    assert terms["exercise_price"] == {**terms["exercise_price"], "value": "0.00001", "line": 42, "section": "definitions (c)"}
    assert terms["cap.percent"]["value"] == "0.0499"
    check = runner.invoke(app, ["check", "--book", str(out)])
    assert check.exit_code == 0, check.output
    text = runner.invoke(app, ["agreement", "import", str(VARIANTS / "warrant-conflicting.txt")])
    assert text.exit_code == 0 and "unclear" in text.output
    missing = runner.invoke(app, ["agreement", "import", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2
