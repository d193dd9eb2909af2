"""Shared fixtures: tiny books written inline as YAML, the way a user writes them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from warrantbook.book.io import Book, loads

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
AGREEMENT = SHARED / "agreement" / "option-agreement-2005.txt"

PREAMBLE = """\
warrantbook: 1
events:
  - id: atg
    on: 2005-09-07
    type: company
    actor: company:atg
    company: {id: atg, name: "American Technologies Group, Inc.", state: Nevada, par_value: "0.001",
              office: {lines: ["1 Illustrative Plaza", "Monrovia, CA 91016"]}}
  - id: gssf
    on: 2005-09-07
    type: holder
    actor: holder:gssf
    holder: {id: gssf, name: "GSSF Master Fund, L.P.", group: gssf-group, address: {lines: ["1 Fund Street", "New York, NY 10022"]}}
  - id: affiliate
    on: 2005-09-07
    type: holder
    actor: holder:affiliate
    holder: {id: affiliate, name: "GSSF Affiliate Fund", group: gssf-group}
    consented_by: [holder:gssf]
  - id: other
    on: 2005-09-07
    type: holder
    actor: holder:other
    holder: {id: other, name: "Other Capital LLC", address: {lines: ["9 Other Road", "Boston, MA 02110"]}}
  - id: issue-1
    on: 2005-09-07
    type: issue
    actor: company:atg
    option_no: ATG-1
    holder: gssf
    terms: {company: atg, issue_date: 2005-09-07, tranches: [{shares: 140250000, exercise_price: "0.00001"}]}
  - {id: listing, on: 2005-09-07, type: listing, actor: company:atg, company: atg, venue: otcbb}
  - {id: out, on: 2005-09-07, type: outstanding, actor: company:atg, company: atg, shares: 1200000000}
  - {id: auth, on: 2005-09-07, type: authorized, actor: company:atg, company: atg, shares: 2000000000}
  - {id: own, on: 2005-09-07, type: ownership, actor: holder:gssf, holder: gssf, company: atg, shares: 10000000}
"""


def book_text(*extras: str, preamble: str = PREAMBLE) -> str:
    """The preamble plus each fragment of YAML list items, each dedented on its own."""
    return preamble + "".join(textwrap.indent(textwrap.dedent(x).strip("\n") + "\n", "  ") for x in extras if x.strip())


def make_book(*extras: str, preamble: str = PREAMBLE) -> Book:
    """The standard seed-like preamble plus events written as YAML list items."""
    return loads(book_text(*extras, preamble=preamble))


@pytest.fixture
def seed_book() -> Book:
    return make_book()


def needs_shared() -> pytest.MarkDecorator:
    return pytest.mark.skipif(not AGREEMENT.exists(), reason=f"../shared is absent ({AGREEMENT} not found): "
                              "a fresh clone has no shared folder; CI always has it")
