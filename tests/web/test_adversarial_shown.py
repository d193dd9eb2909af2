"""Adversarial: every figure a page shows with its exact value in a title is, read back, within the presentation rule's
stated precision of that exact value (app.present), on the cap table, the fund view and after an uneven split."""

from __future__ import annotations

import html
import re
from fractions import Fraction as F

import pytest
from tests.web.conftest import Env, login

from warrantbook.app import present

SHOWN = re.compile(r'title="exact: ([^"]+)"[^>]*>([^<]+)<')


def _kinds(text: str) -> tuple[str, ...]:
    if text.endswith("%") or text.endswith(present.MARK + "%"):
        return ("percent",)
    if "$" in text:
        return ("money", "price")
    return ("shares",)


@pytest.mark.parametrize("path", ["/companies/atg/captable?as_of=2006-12-29", "/companies/atg/captable?as_of=2006-06-30",
                                  "/holders/gssf/captable?as_of=2006-12-29"])
def test_every_shown_figure_reads_back_within_its_precision(env: Env, path: str) -> None:
    env.client.cookies.clear()
    login(env.client, "auditor")
    r = env.client.get(path)
    assert r.status_code == 200, r.text[:300]
    found = SHOWN.findall(r.text)
    assert found, "no figure with its exact value on the page"
    for exact_text, shown_text in found:
        shown = html.unescape(shown_text).strip()
        value = F(html.unescape(exact_text).split(";")[0].strip())  # an FMV's title goes on with its source
        back = present.read_back(shown)
        allowed = max(present.precision(k, value) for k in _kinds(shown))
        assert abs(back - value) <= allowed, (path, shown, exact_text)
        if present.MARK not in shown:
            assert back == value, (path, shown, exact_text)
