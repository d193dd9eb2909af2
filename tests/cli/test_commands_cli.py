"""The recording commands on the command line (app.commands under cli/): the prompt before an irrevocable act at a
terminal, and `prices import` over days already recorded: each such row is reported with the recorded and the file's figures; with
--skip-identical an identical row is left out (and listed) and the rest imported; a differing row stays an error and
nothing is imported (docs/interpretations.md, section "commands")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.test_ledger_cli import _setup, app, js, runner, wb

HEADER = "date,venue,close,bid,ask\n"


def test_a_recorded_day_is_reported_with_both_figures_and_identical_rows_can_be_skipped(tmp_path: Path) -> None:
    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)  # records 2006-03-14 (0.024/0.026) and 2006-03-15 (0.025/0.027) on otcbb
    before = js("audit", "head", *src)["count"]
    differs = tmp_path / "differs.csv"
    differs.write_text(HEADER + "2006-03-14,otcbb,,0.024,0.026\n2006-03-15,otcbb,,0.025,0.028\n2006-03-16,otcbb,,0.026,0.028\n",
                       encoding="utf-8")
    out = js("prices", "import", str(differs), *src, code=2)
    by_line = {p["line"]: p for p in out["problems"]}
    assert sorted(by_line) == [2, 3] and all(p["field"] == "date" for p in by_line.values())
    assert "same figures" in by_line[2]["error"]
    assert "ask recorded 0.027, file 0.028" in by_line[3]["error"] and "bid" not in by_line[3]["error"]
    assert js("audit", "head", *src)["count"] == before
    out = js("prices", "import", str(differs), "--skip-identical", *src, code=2)  # a differing row stays an error
    assert [p["line"] for p in out["problems"]] == [3]
    assert js("audit", "head", *src)["count"] == before
    text = wb("prices", "import", str(differs), "--skip-identical", *src, code=2).output
    assert "line 3" in text and "0.027" in text and "0.028" in text
    same = tmp_path / "same.csv"
    same.write_text(HEADER + "2006-03-14,otcbb,,0.024,0.026\n2006-03-16,otcbb,,0.026,0.028\n", encoding="utf-8")
    out = js("prices", "import", str(same), "--skip-identical", *src)
    assert out["imported"] == 1 and [s["line"] for s in out["skipped"]] == [2]
    assert out["skipped"][0]["recorded"] == {"close": None, "bid": "0.024", "ask": "0.026"} and out["skipped"][0]["identical"]
    assert js("audit", "head", *src)["count"] == before + 1
    out = js("prices", "import", str(same), "--skip-identical", *src)  # everything already there: nothing to import, not an error
    assert out["imported"] == 0 and len(out["skipped"]) == 2
    text = wb("prices", "import", str(same), "--skip-identical", *src).output
    assert "skipped 2 row(s)" in text


def test_an_irrevocable_act_at_a_terminal_says_what_follows_and_asks(tmp_path: Path, monkeypatch: Any) -> None:
    """cli.md: before an irrevocable act a person at a terminal sees what it records and its consequences, and is
    asked; --json (and a non-terminal, as every other test here runs) skips the prompt."""
    from warrantbook.cli import ledger_common

    src = ["--db", f"sqlite:///{tmp_path / 'l.db'}"]
    wb("init", *src)
    _setup(src, tmp_path)
    monkeypatch.setattr(ledger_common, "interactive", lambda: True)
    before = js("audit", "head", *src)["count"]
    args = ["exercise", "notice", "--option", "ATG-1", "--shares", "1000", "--method", "cash", "--on", "2006-03-15", *src]
    out = runner.invoke(app, args, input="n\n")
    assert out.exit_code == 0 and "nothing recorded" in out.output
    assert "irrevocable" in out.output and "cash due from the holder" in out.output and "Record it?" in out.output
    assert js("audit", "head", *src)["count"] == before
    out = runner.invoke(app, args, input="y\n")
    assert out.exit_code == 0 and "recorded notice-" in out.output
    assert js("audit", "head", *src)["count"] == before + 1
    assert js(*args)["recorded"][0]["kind"] == "exercise-notice"  # --json: no prompt
    out = runner.invoke(app, ["outstanding", "--shares", "1300000000", "--on", "2006-03-16", *src])  # a fact: never asked
    assert out.exit_code == 0 and "Record it?" not in out.output
