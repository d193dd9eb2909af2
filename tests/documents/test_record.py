"""Issuing records each document once by its SHA-256; `doc verify` finds it, or says it is not ours."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.documents.conftest import MADE_ON, needs_poppler, pdf_text
from warrantbook.cli.main import app
from warrantbook.core import events as ev
from warrantbook.core.errors import BadInput
from warrantbook.documents.issue import issue, record_issued, verify
from warrantbook.sources import BookSource

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_issue_records_the_hash_of_the_bytes(book: BookSource):
    before = book.head()
    issued = issue(book, "adjustment-certificate", made_on=MADE_ON, event_id="split-2006")
    assert issued.head == before  # the head printed is the source's as it was read
    assert issued.sha256 == hashlib.sha256(issued.content).hexdigest()
    state = book.state()
    (doc,) = state.documents
    assert (doc.id, doc.sha256, doc.document, doc.option_no, doc.regarding, doc.on) == (
        issued.recorded_as, issued.sha256, "adjustment-certificate", "ATG-1", "split-2006", MADE_ON)
    assert book.head().count == before.count + 1
    assert verify(state, issued.content).record == doc


def test_the_same_bytes_are_recorded_once(book: BookSource):
    made = issue(book, "notice", made_on=MADE_ON, event_id="cert-split-mailed", record=False)
    first = record_issued(book, made, MADE_ON)
    second = record_issued(book, made, MADE_ON)
    assert not first.already and second.already and second.recorded_as == first.recorded_as
    assert len(book.state().documents) == 1


def test_a_draft_is_never_recorded(book: BookSource):
    made = issue(book, "notice", made_on=MADE_ON, event_id="cert-split-mailed", draft=True)
    assert made.draft and not made.recorded_as and book.state().documents == []
    with pytest.raises(BadInput):
        record_issued(book, made, MADE_ON)


def test_a_document_is_not_made_before_its_event(book: BookSource):
    with pytest.raises(BadInput, match="cannot be made on"):
        issue(book, "exercise-notice", made_on=MADE_ON.replace(year=2006, month=3, day=1), event_id="notice-1")


def test_a_corrected_event_gets_no_document(book: BookSource):
    book.record(ev.Correction(id="fix-1", on=MADE_ON, actor="company:atg", corrects="cert-split-mailed", reason="wrong tracking number"))
    with pytest.raises(BadInput, match="was corrected by 'fix-1'"):
        issue(book, "notice", made_on=MADE_ON, event_id="cert-split-mailed")


@needs_poppler
def test_the_printed_audit_head_is_the_source_head(book: BookSource):
    head = book.head()
    issued = issue(book, "option-certificate", made_on=MADE_ON, option_no="ATG-1")
    text = pdf_text(issued.content)
    assert re.search(rf"audit head {head.hash} · {head.count} events", text), text[-400:]
    assert "made January 2, 2025" in text


def test_cli_issue_then_verify(book: BookSource, tmp_path: Path):
    out = tmp_path / "n1.pdf"
    r = cli("doc", "exercise-notice", "--book", str(book.path), "--event", "notice-1", "--out", str(out), "--on", "2025-01-02", "--json")
    assert r.exit_code == 0, r.output
    issued = json.loads(r.output)
    assert issued["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() and issued["recorded_as"]
    assert issued["regarding"] == "notice-1" and issued["head"]["count"] == book.head().count - 1
    r = cli("doc", "verify", str(out), "--book", str(book.path), "--json")
    assert r.exit_code == 0
    verdict = json.loads(r.output)
    assert verdict["ours"] is True and verdict["recorded_as"] == issued["recorded_as"] and verdict["regarding"] == "notice-1"
    r = cli("doc", "verify", str(out), "--book", str(book.path))
    assert r.exit_code == 0 and "ours:" in r.output and issued["recorded_as"] in r.output
    # one changed byte: not ours (exit 0, said plainly)
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(out.read_bytes() + b"\n")
    r = cli("doc", "verify", str(forged), "--book", str(book.path), "--json")
    assert r.exit_code == 0 and json.loads(r.output)["ours"] is False
    assert "NOT OURS" in cli("doc", "verify", str(forged), "--book", str(book.path)).output
    r = cli("doc", "list", "--book", str(book.path), "--json")
    assert [d["id"] for d in json.loads(r.output)["documents"]] == [issued["recorded_as"]]


def test_cli_html_and_draft(book: BookSource, tmp_path: Path):
    out = tmp_path / "ack.html"
    r = cli("doc", "acknowledgment", "--book", str(book.path), "--option", "ATG-3", "--out", str(out), "--on", "2025-01-02",
            "--signer", "Jane Roe", "--title", "Chief Financial Officer")
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Jane Roe" in page and "Acknowledgment of Continuing Obligations" in page
    assert verify(book.state(), out.read_bytes()).ours
    draft = tmp_path / "draft.pdf"
    r = cli("doc", "notice", "--book", str(book.path), "--register", "--out", str(draft), "--draft")
    assert r.exit_code == 0 and "DRAFT" in r.output and draft.is_file()
    assert not verify(book.state(), draft.read_bytes()).ours


@pytest.mark.parametrize("args,field", [
    (["doc", "exercise-notice", "--event", "transfer-1"], "event"),
    (["doc", "exercise-notice", "--event", "nope"], "event"),
    (["doc", "option-certificate", "--option", "ATG-9"], "option"),
    (["doc", "delivery-statement", "--option", "ATG-2"], "event"),
    (["doc", "notice", "--register", "--event", "cert-split-mailed"], "event"),
])
def test_cli_bad_input_exits_2_naming_the_field(book: BookSource, tmp_path: Path, args, field):
    r = cli(*args, "--book", str(book.path), "--out", str(tmp_path / "x.pdf"), "--json")
    assert r.exit_code == 2, r.output
    assert json.loads(r.output)["field"] == field
    assert not (tmp_path / "x.pdf").exists() and book.state().documents == []
    assert not list(tmp_path.glob(".wb-doc-*"))  # nothing left half-written


def test_cli_out_must_be_pdf_or_html(book: BookSource, tmp_path: Path):
    r = cli("doc", "notice", "--book", str(book.path), "--event", "cert-split-mailed", "--out", str(tmp_path / "x.docx"), "--json")
    assert r.exit_code == 2 and json.loads(r.output)["field"] == "out"


def test_every_command_has_help_with_an_example():
    for command in ("exercise-notice", "transfer-form", "adjustment-certificate", "option-certificate", "notice", "acknowledgment",
                    "delivery-statement", "verify", "list"):
        r = cli("doc", command, "--help")
        assert r.exit_code == 0 and "Example: warrantbook doc" in r.output and "--json" in r.output, command


def test_the_book_keeps_the_record_across_a_reload(book: BookSource, tmp_path: Path):
    out = tmp_path / "cert.pdf"
    assert cli("doc", "option-certificate", "--book", str(book.path), "--option", "ATG-4", "--out", str(out), "--on", "2025-01-02").exit_code == 0
    text = Path(book.path).read_text(encoding="utf-8")
    assert "type: document" in text and hashlib.sha256(out.read_bytes()).hexdigest() in text
    assert verify(BookSource(book.path).state(), out.read_bytes()).ours


def test_recorded_in_a_database_too(tmp_path: Path, sample_events):
    """The same record through the database source (SQLite here; the store's own suite covers PostgreSQL)."""
    ledger = pytest.importorskip("warrantbook.store.ledger", reason="the database source is not installed")
    db = ledger.DbSource(f"sqlite:///{tmp_path / 'ledger.db'}", create=True)
    try:
        db.import_events(sample_events)
        head = db.head()
        issued = issue(db, "delivery-statement", made_on=MADE_ON, event_id="delivery-2")
        assert issued.head == head and issued.recorded_as and not issued.already
        assert verify(db.state(), issued.content).record.id == issued.recorded_as
        assert db.head().count == head.count + 1
    finally:
        db.close()


def test_the_option_may_be_left_out_when_one_is_active(sample_events):
    from datetime import date

    from warrantbook.documents.data import Ledger, gather

    spring = Ledger([e for e in sample_events if e.on < date(2006, 6, 1)])  # before the transfer: ATG-1 alone
    assert gather("delivery-statement", spring, made_on=MADE_ON).regarding == "delivery-1"
    assert gather("option-certificate", spring, made_on=MADE_ON).option_no == "ATG-1"
    with pytest.raises(BadInput, match="2 active options"):
        gather("notice", Ledger(sample_events), made_on=MADE_ON)
