"""The shells stand apart: app/ imports neither shell, the web imports nothing from the CLI, the CLI nothing from the
web (but `serve`, which starts it), and no shell probes a source with getattr (the Source protocol declares it all)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "warrantbook"
# Left for the `commands` helper of this round (app/parsers.py replaces them): drop each entry once it is gone.
# `warrantbook serve` and the user and token commands start and administer the web app.
LAUNCHER = {"cli/web.py"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def crossing(package: str, other: str) -> set[tuple[str, str]]:
    out = set()
    for path in sorted((SRC / package).rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for name in imports(path):
            if name == f"warrantbook.{other}" or name.startswith(f"warrantbook.{other}."):
                out.add((rel, name.split(".")[0] + "." + ".".join(name.split(".")[1:3])))
    return out


def test_the_web_imports_nothing_from_the_cli() -> None:
    assert crossing("web", "cli") == set()


def test_the_cli_imports_nothing_from_the_web_but_its_launcher() -> None:
    assert {rel for rel, _name in crossing("cli", "web")} <= LAUNCHER


def test_the_app_layer_imports_neither_shell() -> None:
    assert crossing("app", "cli") == set() and crossing("app", "web") == set()


def test_no_view_probes_a_source_with_getattr() -> None:
    probe = re.compile(r"getattr\(\s*(?:self\.|book\.|b\.)?(?:source|src)\s*,")
    files = ["web/service.py", "web/api.py", "web/pages.py", "cli/main.py", "cli/ledger_views.py", "app/views.py", "app/source.py"]
    found = [f for f in files if probe.search((SRC / f).read_text(encoding="utf-8"))]
    assert found == []
