"""Operation: `python -m warrantbook`, `--version`, and the web's /healthz (no sign-in, the ledger's head read)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from typing import Any


def test_python_m_and_version_print_the_installed_version() -> None:
    out = subprocess.run([sys.executable, "-m", "warrantbook", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"warrantbook {version('warrantbook')}"


def test_healthz_answers_without_signing_in_with_the_ledgers_count(env: Any) -> None:
    r = env.client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "events": env.app.state.book.head().count}
    assert r.headers["x-content-type-options"] == "nosniff"  # the security headers, as on every response
