"""Adversarial: the audit pack (app.audit.pack) from a book file whose ids were written by hand."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.app.test_audit import life
from warrantbook.app import audit
from warrantbook.documents.issue import issue
from warrantbook.sources import BookSource

ON = date(2006, 12, 31)


@pytest.mark.parametrize("evil", ["../../../tmp/evil", "/etc/evil", "..\\..\\evil", "a/../../b", ".hidden"])
def test_no_pack_member_climbs_out_of_the_pack(tmp_path: Path, evil: str) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("warrantbook: '1'\nevents: []\n", encoding="utf-8")
    src = BookSource(path)
    src.record_all(life())
    rid = issue(src, "exercise-notice", made_on=date(2006, 3, 2), fmt="pdf", event_id="n1").recorded_as
    assert rid
    text = path.read_text(encoding="utf-8")
    assert text.count(rid) == 1
    path.write_text(text.replace(rid, json.dumps(evil)), encoding="utf-8")  # a book file's id is whatever was written in it
    made = audit.pack(BookSource(path), ON)
    assert made.content == audit.pack(BookSource(path), ON).content  # deterministic
    with zipfile.ZipFile(io.BytesIO(made.content)) as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
        for info in z.infolist():
            name = info.filename
            assert not name.startswith("/") and "\\" not in name and "\x00" not in name, name
            assert ".." not in posixpath.normpath(name).split("/"), name
            assert posixpath.normpath(name) == name, name
            if name != "manifest.json":
                listed = {f["name"]: f["sha256"] for f in manifest["files"]}
                assert listed[name] == hashlib.sha256(z.read(info)).hexdigest()
    docs = manifest["documents"]
    assert len(docs) == 1 and docs[0]["recorded_as"] == evil and docs[0]["reproduced"] and docs[0]["file"] in names
    assert docs[0]["file"].startswith("documents/")


def test_two_ids_made_safe_alike_do_not_overwrite_each_other(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("warrantbook: '1'\nevents: []\n", encoding="utf-8")
    src = BookSource(path)
    src.record_all(life())
    a = issue(src, "exercise-notice", made_on=date(2006, 3, 2), fmt="pdf", event_id="n1").recorded_as
    b = issue(src, "exercise-notice", made_on=date(2006, 3, 2), fmt="pdf", event_id="n1").recorded_as
    assert a and b and a != b
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(a, json.dumps("x/y")).replace(b, json.dumps("x:y")), encoding="utf-8")
    made = audit.pack(BookSource(path), ON)
    files = [d["file"] for d in made.manifest["documents"] if d["file"]]
    assert len(files) == len(set(files)), files
