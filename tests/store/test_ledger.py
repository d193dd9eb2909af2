"""The ledger on both backends: exact numbers, metadata, migrations, corrections, idempotency, books."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from fractions import Fraction as F
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.store.backends import cash_notice, issue, make_ledger, payment, raw, surrender
from warrantbook.core import events as ev
from warrantbook.core.audit import head_of
from warrantbook.core.decide import replay
from warrantbook.core.errors import BadInput, Refusal
from warrantbook.core.terms import PaymentMethod, Venue
from warrantbook.seed import seed_life
from warrantbook.sources import BookSource
from warrantbook.store.ledger import DbSource
from warrantbook.store.migrate import current_revision, downgrade, head_revision
from warrantbook.store.snapshot import same

THIRTY = "1234567890.12345678901234567891"  # 30 significant digits
THIRTY_WHOLE = "123456789012345678901234567890"


def test_exact_numbers_survive_a_round_trip(url: str) -> None:
    src = make_ledger(url)
    src.record_all([
        ev.FmvAgreed(id="fmv-30", on=date(2007, 1, 2), actor="company:atg", company="atg", value=F(THIRTY),
                    agreed_by=("holder:gssf", "company:atg")),
        ev.FmvAgreed(id="fmv-third", on=date(2007, 1, 3), actor="company:atg", company="atg", value=F(1, 3),
                    agreed_by=("holder:gssf", "company:atg")),
        ev.SharesOutstanding(id="out-30", on=date(2007, 1, 4), actor="company:atg", company="atg", shares=F(THIRTY_WHOLE)),
        ev.Quote(id="q-tiny", on=date(2007, 1, 5), actor="company:atg", company="atg", venue=Venue.OTCBB, bid=F("0.00001"), ask=F("0.00002")),
    ])
    src.close()
    fresh = DbSource(url)  # a new process would see exactly this: nothing cached
    by_id = {e.id: e for e in fresh.events()}
    assert by_id["fmv-30"].value == F(THIRTY)  # type: ignore[attr-defined]
    assert by_id["fmv-third"].value == F(1, 3)  # type: ignore[attr-defined]
    assert by_id["out-30"].shares == F(THIRTY_WHOLE)  # type: ignore[attr-defined]
    assert by_id["q-tiny"].bid == F("0.00001") and by_id["q-tiny"].ask == F("0.00002")  # type: ignore[attr-defined]
    assert by_id["issue-1"].terms.tranches[0].exercise_price == F(1, 100_000)  # type: ignore[attr-defined]
    with raw(url).connect() as conn:
        payload = conn.execute(sa.text("SELECT payload FROM events WHERE event_id = 'fmv-30'")).scalar_one()
    assert f'"value":"{THIRTY}"' in payload  # the digits as text, never a float
    assert fresh.state().companies["atg"].outstanding_on(date(2007, 1, 4)) == F(THIRTY_WHOLE)
    fresh.close()


def test_every_event_keeps_actor_time_version_and_chain(url: str) -> None:
    src = make_ledger(url)
    src.record(cash_notice("n1", "ATG-5", "other", 1_000))
    src.record(surrender("s1", "ATG-5", "n1"))
    out = src.record(payment("p1", "ATG-5", "n1", F("0.01")))
    assert [e.kind for e in out] == ["payment", "exercise"]
    rows = src.stored()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    atg5 = [r for r in rows if getattr(r.event, "option_no", None) == "ATG-5"]
    assert [r.version for r in atg5] == [1, 2, 3, 4, 5]
    assert all(r.recorded_at.endswith("Z") for r in rows)
    assert rows[-1].event.actor == "system" and rows[-2].event.actor == "company:atg"
    assert src.head() == head_of(r.event for r in rows)
    assert src.verify().ok
    src.close()


def test_refusal_writes_nothing_and_cites_the_section(url: str) -> None:
    src = make_ledger(url)
    before = src.head()
    with pytest.raises(Refusal) as refused:
        src.record(ev.ExerciseNoticeReceived(id="bad", on=date(2006, 3, 1), actor="holder:other", option_no="ATG-1", shares=F(10),
                                             method=PaymentMethod.CASH))
    assert refused.value.clause == "§12"
    assert src.head() == before
    src.close()


def test_reservation_shortfall_is_an_item_not_a_refusal(url: str) -> None:
    """§6 is the company's covenant, not a condition: an issue it cannot cover is recorded (it used to be refused) and
    the shortfall is an open item for the company: 290,250,000 + 600,000,000 needed, 800,000,000 available."""
    from warrantbook.core.summary import company_items

    src = make_ledger(url)
    src.record(issue("too-big", "ATG-X", "other", 600_000_000))
    state = src.state()
    assert "ATG-X" in state.options
    texts = [i.text for i in company_items(state, "atg", date(2006, 3, 1)) if i.kind == "reserve"]
    assert texts == ["atg: reserve short by 90250000 shares (required 890250000, available 800000000)"]
    src.close()


def test_correction_is_a_new_event_and_both_stay(url: str) -> None:
    src = make_ledger(url)
    src.record(ev.SharesOutstanding(id="wrong", on=date(2006, 1, 2), actor="company:atg", company="atg", shares=F(1_300_000_000)))
    src.record(ev.Correction(id="fix", on=date(2006, 1, 3), actor="company:atg", corrects="wrong", reason="count was of another class"))
    with raw(url).connect() as conn:
        kinds = conn.execute(sa.text("SELECT event_id, corrects FROM events WHERE event_id IN ('wrong', 'fix') ORDER BY seq")).all()
    assert [tuple(k) for k in kinds] == [("wrong", None), ("fix", "wrong")]
    state = src.state()
    assert "wrong" in state.by_id and state.corrections["wrong"].id == "fix"
    assert state.companies["atg"].outstanding_on(date(2006, 2, 1)) == F(1_200_000_000)  # the corrected count has no effect
    src.close()


def test_idempotency_records_once_and_refuses_another_command(url: str) -> None:
    src = make_ledger(url)
    first = src.record(cash_notice("n-first", "ATG-5", "other", 1_000), idempotency_key="req-1")
    count = src.head().count
    again = src.record(cash_notice("n-retry", "ATG-5", "other", 1_000), idempotency_key="req-1")  # the shell made a new id
    assert src.replayed and [e.id for e in again] == [e.id for e in first] == ["n-first"]
    assert src.head().count == count
    with pytest.raises(BadInput) as refused:
        src.record(cash_notice("n-other", "ATG-5", "other", 2_000), idempotency_key="req-1")
    assert refused.value.field == "idempotency_key"
    assert src.head().count == count
    src.close()


def test_migrations_init_and_auto_upgrade(url: str) -> None:
    src = DbSource(url, create=True)
    assert current_revision(src.engine) == head_revision()
    assert src.head().count == 0
    again = DbSource(url, create=True)  # init twice is harmless
    assert again.migrated == (head_revision(), head_revision())
    downgrade(src.engine, "0001")  # a ledger made by an older warrantbook is upgraded when opened
    assert current_revision(src.engine) == "0001"
    reopened = DbSource(url)
    assert reopened.migrated == ("0001", head_revision())
    assert current_revision(reopened.engine) == head_revision()
    indexes = {i["name"] for i in sa.inspect(reopened.engine).get_indexes("events")}
    assert not {"ix_events_kind", "ix_events_corrects"} & indexes  # 0006: nothing reads them
    downgrade(reopened.engine, "0005")  # and a downgrade puts them back
    assert {"ix_events_kind", "ix_events_corrects"} <= {i["name"] for i in sa.inspect(reopened.engine).get_indexes("events")}
    for s in (src, again, reopened):
        s.close()


def _events_sql(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'")).scalar_one())


def _seq_layout(engine: sa.Engine) -> tuple[str, list[list[str]]]:
    """SQLite: the declared type of events.seq and the columns of each index on events (a rowid alias has none of its own)."""
    with engine.connect() as conn:
        seq_type = next(str(r[2]) for r in conn.exec_driver_sql("PRAGMA table_info(events)") if r[1] == "seq")
        indexes = [str(r[1]) for r in conn.exec_driver_sql("PRAGMA index_list(events)")]
        return seq_type, sorted([str(c[2]) for c in conn.exec_driver_sql(f'PRAGMA index_info("{name}")')] for name in indexes)


def _same_fold(a: object, b: object) -> bool:
    return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))  # type: ignore[arg-type]


def test_0007_keys_events_by_rowid_on_sqlite_and_keeps_every_row_and_hash(url: str) -> None:
    """0007 rebuilds SQLite's events table with seq as the rowid (INTEGER PRIMARY KEY, no separate index on seq); a
    ledger with events upgrades and downgrades with the same rows, the same chain and the same fold (PostgreSQL: the
    revision only)."""
    src = make_ledger(url)
    src.record(ev.SharesOutstanding(id="wrong", on=date(2006, 1, 2), actor="company:atg", company="atg", shares=F(1_300_000_000)))
    src.record(ev.Correction(id="fix", on=date(2006, 1, 3), actor="company:atg", corrects="wrong", reason="another class"),
               idempotency_key="req-fix")
    src.record_all([cash_notice("n1", "ATG-5", "other", 1_000_000), surrender("s1", "ATG-5", "n1"),
                    payment("p1", "ATG-5", "n1", F(10))], acted_by="user:alice")
    assert any(e.kind == "exercise" for e in src.events())
    sqlite = src.backend == "sqlite"
    engine = src.engine

    def snapshot() -> tuple[list[tuple[object, ...]], object, object]:
        """Open the ledger (which upgrades it), then its rows as stored, its verified head and its fold."""
        fresh = DbSource(url, use_snapshots=False)
        try:
            with raw(url).connect() as conn:
                rows = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM events ORDER BY seq"))]
            verified = fresh.verify()
            assert verified.ok, verified.problems
            return rows, verified.head, fresh.state()
        finally:
            fresh.close()

    rows, head, state = snapshot()
    assert len(rows) == len(src.events()) and head == src.head()
    if sqlite:
        assert _seq_layout(engine) == ("INTEGER", [["event_id"], ["option_no", "version"]])
    src.close()

    downgrade(engine, "0006")
    assert current_revision(engine) == "0006"
    if sqlite:
        assert _seq_layout(engine) == ("BIGINT", [["event_id"], ["option_no", "version"], ["seq"]])
    with raw(url).connect() as conn:
        assert [tuple(r) for r in conn.execute(sa.text("SELECT * FROM events ORDER BY seq"))] == rows  # the downgrade kept them
    rows_after, head_after, state_after = snapshot()  # opening it upgrades it again
    assert current_revision(engine) == head_revision()
    assert (rows_after, head_after) == (rows, head)
    assert _same_fold(state_after, state)
    if sqlite:
        assert _seq_layout(engine) == ("INTEGER", [["event_id"], ["option_no", "version"]])
        sql = _events_sql(engine)
        assert "CONSTRAINT uq_events_event_id UNIQUE (event_id)" in sql
        assert "CONSTRAINT uq_events_option_version UNIQUE (option_no, version)" in sql
    else:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() "
                                        "AND table_name = 'events' AND column_name = 'seq'")).scalar_one() == "bigint"

    # after the upgrade: the constraints still hold, and recording goes on from the same chain
    with raw(url).connect() as conn, pytest.raises(sa.exc.IntegrityError) as duplicate:
        first = conn.execute(sa.text("SELECT * FROM events WHERE seq = 1")).one()._asdict()
        conn.execute(sa.text(f"INSERT INTO events ({', '.join(first)}) VALUES ({', '.join(':' + k for k in first)})"),
                     {**first, "seq": len(rows) + 1})
    assert "event_id" in str(duplicate.value)
    again = DbSource(url)
    again.record(cash_notice("n2", "ATG-5", "other", 1_000, on=date(2006, 3, 2)))
    assert again.head().count == len(rows) + 1
    assert again.verify().ok
    assert again.verify(head.hash, head.count).anchored == head.count
    with pytest.raises(BadInput):
        again.record(cash_notice("n1", "ATG-5", "other", 1_000, on=date(2006, 3, 2)))  # the event id is taken
    again.close()


def test_0007_names_a_seq_that_is_not_a_whole_number_and_changes_nothing(tmp_path: Path) -> None:
    """SQLite only (PostgreSQL's BIGINT column cannot hold one): a hand-edited row stops the rebuild, nothing changes."""
    url = f"sqlite:///{tmp_path / 'edited.db'}"
    src = make_ledger(url)
    downgrade(src.engine, "0006")
    src.close()
    with raw(url).begin() as conn:
        conn.execute(sa.text("UPDATE events SET seq = 'x7' WHERE event_id = 'own'"))
        before = _events_sql(conn.engine)
    with pytest.raises(ValueError, match="event 'own' has seq 'x7', not a whole number"):
        DbSource(url)
    engine = raw(url)
    assert current_revision(engine) == "0006" and _events_sql(engine) == before
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT seq FROM events WHERE event_id = 'own'")).scalar_one() == "x7"


def test_no_ledger_says_run_init(url: str) -> None:
    with pytest.raises(BadInput) as missing:
        DbSource(url)
    assert "init" in str(missing.value)


def test_book_import_keeps_the_head_and_export_round_trips(url: str, tmp_path: Path) -> None:
    from warrantbook.book.io import dumps, load

    _, decided = replay(seed_life())
    src = DbSource(url, create=True)
    src.import_events(decided)
    assert src.head() == head_of(decided)
    assert src.verify().ok
    path = tmp_path / "out.yaml"
    path.write_text(dumps(src.events()), encoding="utf-8")
    assert load(path).events == tuple(decided)
    assert BookSource(path).head() == src.head()
    src.close()


def test_backdated_event_refolds_the_state(url: str) -> None:
    src = make_ledger(url)
    src.record(cash_notice("late", "ATG-5", "other", 1_000, on=date(2007, 6, 1)))
    src.record(ev.SharesOutstanding(id="early", on=date(2006, 1, 2), actor="company:atg", company="atg", shares=F(1_250_000_000)))
    fresh = DbSource(url)
    assert fresh.state().companies["atg"].outstanding == src.state().companies["atg"].outstanding
    assert src.state().companies["atg"].outstanding_on(date(2006, 6, 1)) == F(1_250_000_000)
    src.close()
    fresh.close()


def test_payload_is_the_hashed_canonical_text(url: str) -> None:
    import hashlib

    src = make_ledger(url)
    with raw(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT prev_hash, payload, hash FROM events ORDER BY seq")).all()
    for prev, payload, h in rows:  # anyone can check the chain with sha256 alone
        assert hashlib.sha256((prev + "\n" + payload).encode("utf-8")).hexdigest() == h
        assert json.loads(payload)["type"]
    src.close()


def test_an_event_the_fold_cannot_place_is_never_written(url: str) -> None:
    """A notice on a transferred option dated before the transfer: refused before anything is written."""
    _, decided = replay(seed_life())
    src = DbSource(url, create=True)
    src.import_events(decided)
    before = src.head()
    early = ev.ExerciseNoticeReceived(id="too-early", on=date(2006, 4, 3), actor="holder:gssf", option_no="ATG-3", shares=F(1000),
                                      method=PaymentMethod.CASH)
    with pytest.raises((BadInput, Refusal)):
        src.record(early)
    assert src.head() == before and DbSource(url).verify().ok
    src.close()


def test_a_source_shared_by_threads_stays_consistent(url: str) -> None:
    """A web server shares one source across threads: states handed out never change, and the chain holds."""
    import threading

    src = make_ledger(url)
    seen = src.state()
    pending = seen.options["ATG-5"].pending
    src.record(cash_notice("n-x", "ATG-5", "other", 1_000))
    assert seen.options["ATG-5"].pending == pending  # copied before it changed
    assert len(src.state().options["ATG-5"].pending) == len(pending) + 1
    failures: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(5):
                src.record(ev.SharesOutstanding(id=f"out-{i}-{j}", on=date(2006, 1, 2 + j), actor="company:atg", company="atg",
                                                shares=F(1_200_000_000 + i)))
                src.state()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures, failures
    fresh = DbSource(url)
    assert len(fresh.events()) == len(src.events()) and fresh.verify().ok
    src.close()
    fresh.close()
