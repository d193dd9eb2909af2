"""Tamper evidence: rows altered, deleted, reordered or cut off directly in SQL, and `verify` catching each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from fractions import Fraction as F

import pytest
import sqlalchemy as sa

from tests.store.backends import cash_notice, make_ledger, payment, raw, surrender
from warrantbook.store.ledger import DbSource

CAUGHT: Counter[str] = Counter()


@pytest.fixture
def ledger(url: str) -> Iterator[DbSource]:
    src = make_ledger(url)
    src.record_all([cash_notice("n1", "ATG-5", "other", 1_000), surrender("s1", "ATG-5", "n1")])
    src.record(payment("p1", "ATG-5", "n1", F("0.01")))
    assert src.verify().ok
    yield src
    src.close()


def _sql(src: DbSource, *statements: str) -> None:
    engine = raw(src.url)
    with engine.begin() as conn:
        for s in statements:
            conn.execute(sa.text(s))
    engine.dispose()


def _caught(src: DbSource, what: str, seq: int, words: str, **kwargs: object) -> None:
    result = DbSource(src.url).verify(**kwargs)  # type: ignore[arg-type]
    assert not result.ok, what
    assert result.first is not None and result.first.seq == seq, result.problems
    assert words in result.first.reason, result.first
    CAUGHT[what] += 1


def test_altered_content_is_caught(ledger: DbSource) -> None:
    _sql(ledger, "UPDATE events SET payload = replace(payload, '100000000', '900000000') WHERE event_id = 'issue-5'")
    seq = _seq(ledger, "issue-5")
    _caught(ledger, "altered", seq, "hash does not match")


def test_altered_column_is_caught(ledger: DbSource) -> None:
    _sql(ledger, "UPDATE events SET actor = 'holder:mallory' WHERE event_id = 's1'")
    _caught(ledger, "altered column", _seq(ledger, "s1"), "column actor")


def test_rehashed_row_is_caught_at_the_next_link(ledger: DbSource) -> None:
    """An editor who also recomputes the row's own hash breaks the link of the row after it."""
    from warrantbook.core.audit import link

    engine = raw(ledger.url)
    with engine.begin() as conn:
        seq, prev, payload = conn.execute(sa.text("SELECT seq, prev_hash, payload FROM events WHERE event_id = 'own'")).one()
        forged = payload.replace("10000000", "1")
        conn.execute(sa.text("UPDATE events SET payload = :p, hash = :h WHERE seq = :s"), {"p": forged, "h": link(prev, forged), "s": seq})
    engine.dispose()
    _caught(ledger, "altered and rehashed", seq + 1, "does not link")


def test_deleted_row_is_caught(ledger: DbSource) -> None:
    _sql(ledger, "DELETE FROM events WHERE seq = 5")
    _caught(ledger, "deleted", 6, "rows were deleted")


def test_reordered_rows_are_caught(ledger: DbSource) -> None:
    _sql(ledger, "UPDATE events SET seq = -1 WHERE seq = 4", "UPDATE events SET seq = 4 WHERE seq = 5",
         "UPDATE events SET seq = 5 WHERE seq = -1")
    _caught(ledger, "reordered", 4, "does not link")


def test_truncated_tail_is_caught_with_the_kept_head(ledger: DbSource) -> None:
    kept = ledger.head()
    cut = kept.count - 3
    engine = raw(ledger.url)
    with engine.begin() as conn:  # a careful forger cuts the last events and rewrites the head record to match
        last_hash = conn.execute(sa.text("SELECT hash FROM events WHERE seq = :s"), {"s": cut}).scalar_one()
        conn.execute(sa.text("DELETE FROM events WHERE seq > :s"), {"s": cut})
        conn.execute(sa.text("UPDATE chain SET count = :c, hash = :h WHERE id = 1"), {"c": cut, "h": last_hash})
    engine.dispose()
    assert DbSource(ledger.url).verify().ok  # a bare chain cannot see its own end cut off...
    _caught(ledger, "truncated (hash and count kept)", cut + 1, "cut off (first missing", expect_head=kept.hash, expect_count=kept.count)
    _caught(ledger, "truncated (hash kept)", cut, "not in this ledger", expect_head=kept.hash)


def test_truncated_tail_without_the_head_record_is_caught(ledger: DbSource) -> None:
    count = ledger.head().count
    _sql(ledger, f"DELETE FROM events WHERE seq > {count - 2}")
    _caught(ledger, "truncated (head record left)", count - 2, "head record")


def test_a_kept_head_of_an_earlier_day_still_verifies(ledger: DbSource) -> None:
    kept = ledger.head()
    ledger.record(cash_notice("n2", "ATG-5", "other", 1_000))
    result = DbSource(ledger.url).verify(kept.hash, kept.count)
    assert result.ok and result.anchored == kept.count


def _seq(src: DbSource, event_id: str) -> int:
    engine = raw(src.url)
    with engine.connect() as conn:
        seq = int(conn.execute(sa.text("SELECT seq FROM events WHERE event_id = :e"), {"e": event_id}).scalar_one())
    engine.dispose()
    return seq


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\ntampering caught: {dict(CAUGHT)}")


def test_verify_lists_at_most_so_many_problems_and_counts_the_rest(ledger: DbSource, monkeypatch: pytest.MonkeyPatch) -> None:
    from warrantbook.store import ledger as ledger_module

    monkeypatch.setattr(ledger_module, "MAX_PROBLEMS", 3)
    _sql(ledger, "UPDATE events SET hash = 'f' || substr(hash, 2)")  # every row's hash rewritten
    result = DbSource(ledger.url).verify()
    assert not result.ok and len(result.problems) == 4
    assert result.first is not None and result.first.seq == 1
    assert result.problems[-1].event_id == "more" and "more problems not listed" in result.problems[-1].reason


def test_verify_with_a_kept_head_anywhere_in_the_chain(ledger: DbSource) -> None:
    rows = ledger.stored()
    middle = rows[len(rows) // 2]
    assert ledger.verify(middle.hash, middle.seq).anchored == middle.seq
    assert ledger.verify(middle.hash).anchored == middle.seq
    assert not ledger.verify(middle.hash, middle.seq + 1).ok
