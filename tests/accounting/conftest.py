"""The web suite's ledger and users (tests/web/conftest.py), built once for the close's page and browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.conftest import build_template


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("close-web")
    return folder, build_template(folder)
