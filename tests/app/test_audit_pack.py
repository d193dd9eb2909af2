"""The audit pack (app/audit.pack, `warrantbook audit pack`, GET /api/audit/pack) on a book, SQLite and PostgreSQL.

What it must hold: two packs of one ledger made the same day are byte-identical; the manifest's hashes are the
files'; the book in it re-imports to the head the manifest names; every document the book issued is in it, rendered
again to the very bytes recorded (or, when that cannot be done, named in the manifest and not packed).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.app.test_audit import World, life
from tests.store.backends import fresh_url, raw
from warrantbook.app import audit
from warrantbook.cli.main import app as cli_app
from warrantbook.documents.data import Signatory
from warrantbook.documents.issue import issue
from warrantbook.documents.issue import verify as verify_document
from warrantbook.sources import BookSource
from warrantbook.store.ledger import DbSource

ON = date(2006, 12, 31)
MADE = date(2006, 3, 2)
runner = CliRunner()


def with_documents(src: Any) -> dict[str, str]:
    """An unsigned PDF and HTML (reproducible) and a certificate signed by name (not): their recorded ids."""
    made = {
        "notice": issue(src, "exercise-notice", made_on=MADE, fmt="pdf", event_id="n1").recorded_as,
        "certificate": issue(src, "option-certificate", made_on=MADE, fmt="html", option_no="ATG-1").recorded_as,
        "signed": issue(src, "option-certificate", made_on=MADE, fmt="html", option_no="ATG-5",
                        signatory=Signatory("Jane Roe", "Chief Financial Officer")).recorded_as,
    }
    assert all(made.values())
    return made


@pytest.fixture(params=("book", "sqlite", "postgresql"))
def packed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[World, dict[str, str]]]:
    if request.param == "book":
        path = tmp_path / "book.yaml"
        path.write_text("warrantbook: '1'\nevents: []\n", encoding="utf-8")
        src = BookSource(path)
        src.record_all(life())
        yield World("book", str(path)), with_documents(src)
        return
    with fresh_url(request.param, tmp_path) as url:
        db = DbSource(url, create=True)
        db.record_all(life())
        docs = with_documents(db)
        db.close()
        yield World(request.param, url), docs


def members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert z.testzip() is None
        return {i.filename: z.read(i) for i in z.infolist()}


def test_two_packs_are_byte_identical_and_the_manifest_hashes_the_files(packed: tuple[World, dict[str, str]], tmp_path: Path) -> None:
    w, docs = packed
    first = audit.pack(w.source(), ON)
    second = audit.pack(w.source(), ON)
    assert first.content == second.content
    with zipfile.ZipFile(io.BytesIO(first.content)) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {audit.PACK_TIME}
    files = members(first.content)
    manifest = json.loads(files["manifest.json"])
    assert manifest == first.manifest
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, f in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == f["sha256"] and len(files[name]) == f["bytes"], name
    head = w.source().head()
    assert manifest["ledger"] == head.as_json() and manifest["made_on"] == ON.isoformat() and manifest["verified"] is True
    assert manifest["warrantbook_version"] == audit.version() != ""
    report = json.loads(files["verification.json"])
    assert report["ok"] and report["head"] == head.as_json()
    assert f"chain: {head.count} events, head {head.hash}" in files["verification.txt"].decode()
    # the CLI writes the same bytes, twice
    outs = [tmp_path / "one.zip", tmp_path / "two.zip"]
    for out in outs:
        r = runner.invoke(cli_app, ["audit", "pack", "--out", str(out), "--on", ON.isoformat(), "--json", *w.cli])
        assert r.exit_code == 0, r.stdout
        assert json.loads(r.stdout)["sha256"] == first.sha256
    assert outs[0].read_bytes() == outs[1].read_bytes() == first.content
    # a pack made another day differs only by its manifest
    later = members(audit.pack(w.source(), date(2007, 1, 2)).content)
    assert {n for n in files if files[n] != later[n]} == {"manifest.json"}


def test_every_document_is_in_the_pack_as_issued(packed: tuple[World, dict[str, str]]) -> None:
    w, docs = packed
    made = audit.pack(w.source(), ON)
    files = members(made.content)
    by_id = {d["recorded_as"]: d for d in made.manifest["documents"]}
    assert set(by_id) == set(docs.values())
    state = w.source().state()
    for key in ("notice", "certificate"):
        d = by_id[docs[key]]
        assert d["reproduced"] and d["file"] in files, d
        content = files[d["file"]]
        assert hashlib.sha256(content).hexdigest() == d["sha256"]
        verdict = verify_document(state, content)  # what `doc verify` says of the packed file
        assert verdict.ours and verdict.record is not None and verdict.record.id == docs[key]
    assert files[by_id[docs["notice"]]["file"]].startswith(b"%PDF")
    signed = by_id[docs["signed"]]
    assert not signed["reproduced"] and signed["file"] is None and "signed by name" in signed["problem"]
    assert not any(n.startswith(f"documents/{docs['signed']}") for n in files)


def test_the_book_in_the_pack_reimports_to_the_head_it_names(packed: tuple[World, dict[str, str]], tmp_path: Path) -> None:
    w, _docs = packed
    made = audit.pack(w.source(), ON)
    book = tmp_path / "from-pack.yaml"
    book.write_bytes(members(made.content)["book.yaml"])
    db = f"sqlite:///{tmp_path / 'reimported.db'}"
    assert runner.invoke(cli_app, ["init", "--db", db]).exit_code == 0
    r = runner.invoke(cli_app, ["book", "import", str(book), "--db", db, "--json"])
    assert r.exit_code == 0, r.stdout
    reimported = DbSource(db)
    assert reimported.head().as_json() == made.manifest["book_head"] == made.manifest["ledger"]  # nobody named who recorded
    assert reimported.verify().ok
    assert BookSource(book).head().as_json() == made.manifest["book_head"]
    reimported.close()


def test_a_ledger_that_names_who_recorded_packs_both_heads(tmp_path: Path) -> None:
    """The chain of a ledger covers who recorded each event (issue 10); a book keeps no such name, so the manifest
    gives both heads and the book re-imports to the second."""
    from tests.store.backends import cash_notice

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    src = DbSource(url, create=True)
    src.record_all(life())
    src.record(cash_notice("n2", "ATG-5", "other", 500, on=date(2006, 4, 3)), acted_by="cli:tester")
    made = audit.pack(src, ON)
    assert made.manifest["ledger"] == src.head().as_json() != made.manifest["book_head"]
    book = tmp_path / "b.yaml"
    book.write_bytes(members(made.content)["book.yaml"])
    assert BookSource(book).head().as_json() == made.manifest["book_head"]
    src.close()


def test_a_tampered_ledger_is_packed_with_its_report_and_exit_1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    src = DbSource(url, create=True)
    src.record_all(life())
    src.close()
    engine = raw(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE events SET payload = replace(payload, '100000000', '900000000') WHERE event_id = 'issue-5'"))
    engine.dispose()
    out = tmp_path / "pack.zip"
    r = runner.invoke(cli_app, ["audit", "pack", "--out", str(out), "--on", ON.isoformat(), "--db", url])
    assert r.exit_code == 1 and "NOT intact" in r.stdout
    files = members(out.read_bytes())
    report = json.loads(files["verification.json"])
    assert not report["ok"] and report["first_bad"]["event"] == "issue-5"
    assert "TAMPERED: first bad event" in files["verification.txt"].decode()
    assert json.loads(files["manifest.json"])["verified"] is False


@pytest.mark.parametrize(("args", "field"), [(["--out", "pack.tar"], "out"), ([], "out"), (["--out", "no/such/folder/p.zip"], "out"),
                                             (["--out", "p.zip", "--on", "31/12/2006"], "on")])
def test_pack_refuses_bad_options(args: list[str], field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    book = tmp_path / "b.yaml"
    book.write_text("warrantbook: '1'\nevents: []\n", encoding="utf-8")
    r = runner.invoke(cli_app, ["audit", "pack", *args, "--book", str(book), "--json"])
    assert r.exit_code == 2 and json.loads(r.stdout)["field"] == field
    assert not list(tmp_path.glob("*.zip")) and not list(tmp_path.glob(".wb-pack-*"))


def test_the_api_pack_is_the_same_bytes_and_only_for_who_sees_everything(tmp_path: Path) -> None:
    from tests.web.conftest import TODAY, build_template
    from warrantbook.web import create_app

    folder = tmp_path / "web"
    folder.mkdir()
    tokens = build_template(folder)
    app = create_app(f"sqlite:///{folder / 'ledger.db'}", today=TODAY)
    with TestClient(app) as client:
        r = client.get("/api/audit/pack", headers={"Authorization": f"Bearer {tokens['auditor']}"})
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        assert r.headers["content-disposition"].startswith('attachment; filename="warrantbook-audit-2006-12-29-')
        denied = client.get("/api/audit/pack", headers={"Authorization": f"Bearer {tokens['gssf']}"})
        assert denied.status_code == 403 and denied.json()["field"] == "role"
    app.state.book.source.close()
    expected = audit.pack(DbSource(f"sqlite:///{folder / 'ledger.db'}"), TODAY)
    assert r.content == expected.content and r.headers["x-pack-sha256"] == expected.sha256
