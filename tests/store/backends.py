"""The two backends of the storage suite, and a small ledger every test starts from.

SQLite: a fresh file in the test's tmp_path. PostgreSQL: a fresh schema in the database named by
$WARRANTBOOK_TEST_PG (scripts/test.sh starts a throwaway server and sets it). Without it the PostgreSQL
half skips locally, and fails in CI (CI=true): a PostgreSQL test that skips in CI is not a pass.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from warrantbook.core import events as ev
from warrantbook.core.terms import Address, Cap, Company, Holder, PaymentMethod, Terms, Tranche, Venue
from warrantbook.store.ledger import DbSource

BACKENDS = ("sqlite", "postgresql")
D0 = date(2005, 9, 7)
CAP = Cap()  # the seed's 4.99% cap


def pg_base_url() -> str:
    url = os.environ.get("WARRANTBOOK_TEST_PG")
    if not url:
        reason = ("WARRANTBOOK_TEST_PG is not set: run the suite with 'bash scripts/test.sh', which starts a throwaway "
                  "PostgreSQL 15 and sets it")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI: " + reason + "; the storage suite must run on PostgreSQL in CI")
        pytest.skip(reason)
    return url


@contextmanager
def fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of `backend`, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    base = pg_base_url()
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


def base_events() -> list[ev.Event]:
    """A company, three holders (two of them one affiliate group), facts and three options.

    ATG-1 (gssf, capped 4.99%) and ATG-9 (affiliate, same group, capped) share one §10 cap; ATG-5 (other) has
    no cap. 1,200,000,000 outstanding, 2,000,000,000 authorized: 800,000,000 available for the reserve.
    """
    company, holder = "company:atg", "holder:gssf"
    office = Address(("1 Illustrative Plaza", "Monrovia, CA 91016"))

    def terms(no: str, shares: int, cap: Cap | None = CAP) -> Terms:
        return Terms(company="atg", issue_date=D0, tranches=(Tranche(F(shares), F("0.00001")),), option_no=no, cap=cap)

    return [
        ev.CompanyRegistered(id="atg", on=D0, actor=company, company=Company("atg", "American Technologies Group, Inc.", "Nevada",
                                                                             office, par_value=F("0.001"))),
        ev.HolderRegistered(id="gssf", on=D0, actor=holder, holder=Holder("gssf", "GSSF Master Fund, L.P.",
                                                                          Address(("1 Fund Street", "New York, NY 10022")), "gssf-group")),
        ev.HolderRegistered(id="affiliate", on=D0, actor="holder:affiliate", holder=Holder("affiliate", "GSSF Affiliate Fund", None,
                                                                                           "gssf-group"), consented_by=("holder:gssf",)),
        ev.HolderRegistered(id="other", on=D0, actor="holder:other", holder=Holder("other", "Other Capital LLC",
                                                                                   Address(("9 Other Road", "Boston, MA 02110")))),
        ev.Listed(id="listing", on=D0, actor=company, company="atg", venue=Venue.OTCBB),
        ev.SharesOutstanding(id="out", on=D0, actor=company, company="atg", shares=F(1_200_000_000)),
        ev.AuthorizedShares(id="auth", on=D0, actor=company, company="atg", shares=F(2_000_000_000)),
        ev.BeneficialOwnership(id="own", on=D0, actor=holder, holder="gssf", company="atg", shares=F(10_000_000)),
        ev.BeneficialOwnership(id="own-aff", on=D0, actor="holder:affiliate", holder="affiliate", company="atg", shares=F(0)),
        ev.OptionIssued(id="issue-1", on=D0, actor=company, option_no="ATG-1", holder="gssf", terms=terms("ATG-1", 140_250_000)),
        ev.OptionIssued(id="issue-9", on=D0, actor=company, option_no="ATG-9", holder="affiliate", terms=terms("ATG-9", 50_000_000)),
        ev.OptionIssued(id="issue-5", on=D0, actor=company, option_no="ATG-5", holder="other", terms=terms("ATG-5", 100_000_000, None)),
    ]


def make_ledger(url: str) -> DbSource:
    src = DbSource(url, create=True)
    src.record_all(base_events())
    return src


def cash_notice(eid: str, option: str, holder: str, shares: int, on: date = date(2006, 3, 1)) -> ev.ExerciseNoticeReceived:
    return ev.ExerciseNoticeReceived(id=eid, on=on, actor=f"holder:{holder}", option_no=option, shares=F(shares),
                                     method=PaymentMethod.CASH)


def surrender(eid: str, option: str, notice: str, on: date = date(2006, 3, 1)) -> ev.OptionSurrendered:
    return ev.OptionSurrendered(id=eid, on=on, actor="company:atg", option_no=option, notice=notice)


def payment(eid: str, option: str, notice: str, cash: F, on: date = date(2006, 3, 1)) -> ev.PaymentReceived:
    return ev.PaymentReceived(id=eid, on=on, actor="company:atg", option_no=option, notice=notice, cash=cash)


def issue(eid: str, option: str, holder: str, shares: int, on: date = date(2006, 3, 1)) -> ev.OptionIssued:
    terms = Terms(company="atg", issue_date=on, tranches=(Tranche(F(shares), F("0.00001")),), option_no=option, cap=None)
    return ev.OptionIssued(id=eid, on=on, actor="company:atg", option_no=option, holder=holder, terms=terms)


def raw(url: str) -> sa.Engine:
    """A plain engine for reaching under the ledger (tamper tests)."""
    return sa.create_engine(url)
