"""A book is never left broken and never turned against its reader: aliases ("billion laughs") and deep nesting are
refused, ids are printable without quotes or line breaks, a failed write leaves the file byte-identical, and every
ledger's export (an option with no cap included) loads back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warrantbook.book.io import MAX_DEPTH, dumps, load, loads
from warrantbook.cli.main import app
from warrantbook.core.errors import BookErrors

runner = CliRunner()
SEED = Path(__file__).resolve().parents[2] / "examples" / "seed-option.yaml"


def wb(*args: str, code: int = 0) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == code, f"{args}: exit {r.exit_code}\n{r.output}"
    return r.stdout


def laughs(levels: int = 30) -> str:
    lines = ["warrantbook: 1", 'a0: &a0 ["lol", "lol"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    lines.append(f"events: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_book_is_refused_naming_the_alias() -> None:
    with pytest.raises(BookErrors) as info:
        loads(laughs())  # 2**30 strings if expanded: refused on the first alias instead
    assert "alias" in info.value.errors[0].message and info.value.errors[0].line is not None


def test_merge_keys_and_deep_nesting_are_refused() -> None:
    with pytest.raises(BookErrors) as info:
        loads("warrantbook: 1\nbase: &b {x: 1}\nevents:\n- <<: *b\n")
    assert "alias" in info.value.errors[0].message or "merge" in info.value.errors[0].message
    deep = "warrantbook: 1\nevents: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(BookErrors) as info:
        loads(deep)
    assert "nested" in info.value.errors[0].message
    with pytest.raises(BookErrors):
        loads("warrantbook: 1\nevents: " + "[" * 50_000 + "]" * 50_000 + "\n")


def test_an_export_never_writes_an_alias() -> None:
    book = load(SEED)
    text = dumps(list(book.events))
    assert "&" not in "".join(line.split("#")[0] for line in text.splitlines() if ": &" in line or line.lstrip().startswith("- &"))
    assert loads(text).events == book.events


def test_an_option_with_no_cap_exports_and_loads_back(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    wb("init", "--db", db)
    wb("company", "add", "atg", "--name", "ATG", "--state", "Nevada", "--on", "2006-01-02", "--db", db)
    wb("holder", "add", "gssf", "--name", "GSSF", "--address", "1 Fund Street", "--on", "2006-01-02", "--db", db)
    wb("issue", "--option", "X-1", "--holder", "gssf", "--shares", "1000", "--price", "0.00001", "--no-cap", "--on", "2006-01-03", "--db", db)
    out = tmp_path / "export.yaml"
    wb("book", "export", "--out", str(out), "--db", db)
    book = load(out)
    assert book.state.options["X-1"].terms.cap is None
    text = out.read_text()
    assert "cap: null\n" in text
    old = text.replace("cap: null\n", "cap: !!null 'null'\n")  # what exports wrote before: still read as no cap
    assert loads(old).state.options["X-1"].terms.cap is None
    # and a book file with the same option keeps loading after more commands
    wb("issue", "--option", "X-2", "--holder", "gssf", "--shares", "5", "--price", "0.00001", "--no-cap", "--on", "2006-01-04",
       "--book", str(out))
    assert load(out).state.options["X-2"].terms.cap is None


def test_a_failed_write_leaves_the_book_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "book.yaml"
    path.write_bytes(SEED.read_bytes())
    before = path.read_bytes()
    # refused by the agreement: nothing written
    wb("waiver-notice", "--option", "NOPE", "--on", "2006-12-29", "--book", str(path), code=2)
    assert path.read_bytes() == before

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    r = runner.invoke(app, ["holder", "add", "new-one", "--name", "New One", "--on", "2006-12-29", "--book", str(path)])
    assert r.exit_code != 0
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.yaml"]  # no temporary file left behind


@pytest.mark.parametrize("bad", ['X"1', "X'1", "X 1\n"])
def test_cli_and_book_refuse_unprintable_or_quoted_numbers(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "book.yaml"
    path.write_bytes(SEED.read_bytes())
    before = path.read_bytes()
    out = wb("issue", "--option", bad, "--holder", "gssf", "--shares", "5", "--price", "0.00001", "--on", "2006-12-29", "--book", str(path),
             "--json", code=2)
    assert json.loads(out)["field"] == "option_no"
    assert path.read_bytes() == before
    text = f'warrantbook: 1\nevents:\n- id: extra\n  on: 2006-12-29\n  type: holder\n  actor: holder:x\n  holder:\n    id: {json.dumps(bad)}\n    name: X\n'
    with pytest.raises(BookErrors) as info:
        loads(text)
    assert any("not a usable id" in e.message and e.line == 8 for e in info.value.errors), [(e.message, e.line) for e in info.value.errors]
