"""Mutation testing of the refusals: every `if ...: raise Refusal/BadInput` in the clause checks, switched off one
at a time; the core tests must fail for each. Prints the survivors (refusals no test pins).

    .venv/bin/python scripts/mutate_checks.py                  # every clause module
    .venv/bin/python scripts/mutate_checks.py core/clauses/cap.py
    .venv/bin/python scripts/mutate_checks.py --tests tests/app/test_parsers.py app/parsers.py   # other modules, their tests

mutmut does the same over every operator and is run the same way (`mutmut run`, configured in pyproject.toml);
this script is the focused, quick pass the issue asks for: the refusal branches only, each with the tests that
cite its clause. It edits one file at a time in place and always restores it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "warrantbook"
TARGETS = ["core/clauses/parties.py", "core/clauses/issue.py", "core/clauses/fmv.py", "core/clauses/exercise.py",
           "core/clauses/reorganization.py", "core/clauses/adjustment.py", "core/clauses/reservation.py",
           "core/clauses/transfer.py", "core/clauses/cap.py", "core/clauses/notices.py", "core/clauses/records.py",
           "core/engine.py"]
TESTS = ["tests/core", "tests/book"]


def refusal_branches(source: str) -> list[ast.If]:
    """Every `if` whose body raises a Refusal or BadInput (directly, or by building one and raising it)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If):
            raises = [n for n in node.body if isinstance(n, ast.Raise)]
            if raises or any(isinstance(n, ast.Raise) for b in node.body for n in ast.walk(b)):
                out.append(node)
    return out


def mutate(source: str, node: ast.If) -> str:
    """The source with this branch's condition made `False and (...)`: the refusal can never happen."""
    lines = source.splitlines(keepends=True)
    t = node.test
    last = lines[t.end_lineno - 1]  # type: ignore[operator]
    lines[t.end_lineno - 1] = last[:t.end_col_offset] + ")" + last[t.end_col_offset:]  # type: ignore[operator, index]
    first = lines[t.lineno - 1]
    lines[t.lineno - 1] = first[:t.col_offset] + "False and (" + first[t.col_offset:]
    return "".join(lines)


def tests_pass(tests: list[str]) -> bool:
    run = subprocess.run([sys.executable, "-m", "pytest", *tests, "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
                         cwd=ROOT, capture_output=True, text=True)
    return run.returncode == 0


def main(argv: list[str]) -> int:
    tests = TESTS
    if argv[:1] == ["--tests"]:
        tests, argv = argv[1].split(","), argv[2:]
    targets = argv or TARGETS
    survivors: list[str] = []
    total = 0
    for rel in targets:
        path = SRC / rel
        original = path.read_text()
        try:
            for node in refusal_branches(original):
                total += 1
                path.write_text(mutate(original, node))
                where = f"{rel}:{node.lineno}: if {ast.unparse(node.test)[:90]}"
                if tests_pass(tests):
                    survivors.append(where)
                    print("SURVIVED", where, flush=True)
                else:
                    print("killed  ", where, flush=True)
        finally:
            path.write_text(original)
    print(f"\n{total} refusal branches mutated, {total - len(survivors)} killed, {len(survivors)} survived")
    for s in survivors:
        print("  survivor:", s)
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
