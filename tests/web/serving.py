"""A real server and a real browser for the browser tests: uvicorn on a free loopback port over a ledger file, and
Debian's Chromium driven by Playwright (never `playwright install`). Shared by the web's and the close page's tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn_on(ledger: Path, today: date) -> Iterator[str]:
    """The app over the SQLite ledger at `ledger`, its clock pinned to `today`; yields its base URL."""
    port = free_port()
    env = {**os.environ, "WARRANTBOOK_WEB_SOURCE": f"sqlite:///{ledger}", "WARRANTBOOK_WEB_TODAY": today.isoformat()}
    env.pop("WARRANTBOOK_WEB_USERS", None)
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "warrantbook.web.app:app_from_env", "--factory", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], env=env)
    deadline = time.monotonic() + 30  # a guard against a server that never starts, not a measurement
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("uvicorn did not start") from None
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def chromium(args: list[str]) -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        try:
            yield b
        finally:
            b.close()


# ---------------------------------------------------------------- pages in the browser, at a desktop's and a phone's width

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def signed_in(browser: Any, server: str, who: str, width: str = "desktop") -> Any:
    """A new page signed in as `who` (password NAME-password, tests/web/conftest.py) at one of WIDTHS."""
    page = browser.new_context(viewport=WIDTHS[width], accept_downloads=True).new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", f"{who}-password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page


def no_sideways_scroll(page: Any) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their own labelled region)."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, document.documentElement.clientWidth]")
    assert max(widths[0], widths[1]) <= widths[2], widths
