"""The auditor's page in a real browser (Debian's Chromium via Playwright, uvicorn on a loopback port), at desktop
(1280 px) and phone (390 px) width: the verification shown, the kept-head form, the pack downloaded, and the body
never wider than the viewport."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import TODAY, copy_ledger
from tests.web.serving import CHROMIUM, WIDTHS, no_sideways_scroll, signed_in, uvicorn_on

from warrantbook.app import audit
from warrantbook.store.ledger import DbSource

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (scripts/test.sh installs it)")


@pytest.fixture(scope="module")
def served(template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    path = copy_ledger(template, tmp_path_factory.mktemp("audit-browser-db"))
    with uvicorn_on(path, TODAY) as url:
        yield url, path








@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_auditor_verifies_compares_a_kept_head_and_downloads_the_pack(browser: Any, served: tuple[str, Path], width: str,
                                                                          tmp_path: Path) -> None:
    server, path = served
    src = DbSource(f"sqlite:///{path}")
    head = src.head()
    expected = audit.pack(src, TODAY)
    src.close()
    page = signed_in(browser, server, "auditor", width)
    page.click("nav a[href='/audit']")
    page.wait_for_url(f"{server}/audit")
    assert page.locator("#verdict").inner_text().startswith("Intact:")
    assert page.locator("#head-hash").inner_text() == head.hash
    assert page.locator("#head-count").inner_text() == str(head.count)
    assert page.locator("#first-bad").inner_text() == "none"
    no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"{width}-audit.png"), full_page=True)
    # the kept-head form: the head and count kept earlier are in the chain; one count too many is not
    page.fill("#kept-head", head.hash)
    page.fill("#kept-count", str(head.count))
    page.click("#compare")
    page.wait_for_url("**/audit?head=*")
    assert page.locator("#kept-result").inner_text() == "in the chain"
    assert f"covers the first {head.count:,}" in page.locator("#verdict").inner_text()
    no_sideways_scroll(page)
    page.fill("#kept-count", str(head.count + 1))
    page.click("#compare")
    page.wait_for_url(f"**count={head.count + 1}")
    assert page.locator("#kept-result").inner_text() == "NOT in the chain"
    assert f"#{head.count + 1}" in page.locator("#verdict").inner_text()
    assert page.locator("#first-bad").inner_text() == f"#{head.count + 1}"
    no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"{width}-audit-kept.png"), full_page=True)
    # the pack: the same bytes the application makes, its manifest hashing its files
    with page.expect_download() as info:
        page.click("#download-pack")
    saved = tmp_path / "pack.zip"
    info.value.save_as(str(saved))
    assert info.value.suggested_filename == audit.pack_name(head, TODAY)
    content = saved.read_bytes()
    assert content == expected.content
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        manifest = json.loads(z.read("manifest.json"))
        for f in manifest["files"]:
            assert hashlib.sha256(z.read(f["name"])).hexdigest() == f["sha256"]
    assert manifest["ledger"] == head.as_json()
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_holder_sees_the_verification_and_no_pack(browser: Any, served: tuple[str, Path], width: str) -> None:
    server, _path = served
    page = signed_in(browser, server, "gssf", width)
    page.goto(f"{server}/audit")
    assert page.locator("#verdict").inner_text().startswith("Intact:")
    assert page.locator("#download-pack").count() == 0
    assert "the auditor downloads it" in page.locator("#pack-note").inner_text()
    page.fill("#kept-head", "ab" * 32)
    page.click("#compare")
    page.wait_for_url("**/audit?head=*")
    assert page.locator("#kept-result").inner_text() == "NOT in the chain"
    no_sideways_scroll(page)
    response = page.goto(f"{server}/api/audit/pack")
    assert response is not None and response.status == 403
    page.context.close()
