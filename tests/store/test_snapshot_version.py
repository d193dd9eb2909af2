"""A snapshot is used only by the code that wrote it (store.snapshot.schema_version): the digest must cover every module
of the core that the fold's code imports, or a change there (core.arith's exact arithmetic, core.commute's parts of the
book) would leave snapshots folded by the old code in use."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

from warrantbook.store import snapshot as snap


def _covered(module: str) -> bool:
    return module in snap._CODE_MODULES or any(module == p or module.startswith(p + ".") for p in snap._CODE_PACKAGES)


def _core_imports(module: str) -> set[str]:
    path = Path(str(importlib.import_module(module).__file__))
    files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
    found: set[str] = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("warrantbook.core"):
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}")}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("warrantbook.core")}
    return found


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package: `name` is one of its names
        return False


def test_the_snapshot_version_covers_every_core_module_the_fold_imports() -> None:
    todo = [*snap._CODE_MODULES, *snap._CODE_PACKAGES]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen or not module.startswith("warrantbook.core"):
            continue
        seen.add(module)
        todo += sorted(_core_imports(module))
    # the package itself holds nothing; errors and explain shape messages and traces, never the folded state
    left = sorted(m for m in seen if not _covered(m) and m not in ("warrantbook.core", "warrantbook.core.errors",
                                                                   "warrantbook.core.explain"))
    assert left == [], left
