"""How a process's threads get their database: on PostgreSQL from pools shared by the threads,
bounded however many threads work at once; on SQLite a connection of each thread's own."""

import gc
import threading

import pytest

from storage.db import DATABASE_ERRORS, Store, prepare_database, write_transaction, write_unread
from tests.databases import database_for
from tests.flow import wait_until


@pytest.fixture
def target(tmp_path) -> str:
    target = database_for(tmp_path)
    prepare_database(target)
    return target


def test_a_database_handed_out_keeps_working_after_its_store_is_dropped(target):
    db = Store(target).db()
    gc.collect()
    with write_transaction(db):
        db.execute("INSERT INTO handled_requests (key, at) VALUES (?, ?)", ["k", "2026-12-06T09:00:00+00:00"])
    assert db.execute("SELECT count(*) FROM handled_requests").fetchone()[0] == 1


@pytest.mark.needs_postgres
def test_many_threads_at_once_share_no_more_connections_than_the_pool_holds(target):
    store = Store(target, pool_size=3)
    start = threading.Barrier(12)
    seen: list[int] = []

    def work() -> None:
        db = store.db()
        start.wait()
        with write_transaction(db, exclusive=False):
            seen.append(db.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                   " AND application_name = 'supportbot'").fetchone()[0])

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert len(seen) == 12 and max(seen) <= 3


@pytest.mark.needs_postgres
def test_a_store_and_its_databases_no_longer_used_close_their_connections(target):
    store = Store(target)
    store.db().execute("SELECT 1")
    store.inbox_db().execute("SELECT 1")
    watcher = Store(target, pool_size=1).db()
    count = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
             " AND application_name = 'supportbot' AND pid != pg_backend_pid()")
    assert watcher.execute(count).fetchone()[0] >= 2
    del store
    assert wait_until(lambda: watcher.execute(count).fetchone()[0] == 0, timeout=10)


@pytest.mark.needs_postgres
def test_every_connection_of_the_bot_compiles_no_statement_just_in_time(target):
    store = Store(target, pool_size=2)
    try:
        pooled, inbox = store.db(), store.inbox_db()
        with write_transaction(pooled):
            in_a_change = pooled.execute("SHOW jit").fetchone()[0]
        assert [in_a_change, pooled.execute("SHOW jit").fetchone()[0], inbox.execute("SHOW jit").fetchone()[0]] == ["off"] * 3
    finally:
        store.close()


def test_unread_writes_are_in_their_transaction_for_what_follows_and_commit_or_roll_back_with_it(target):
    db = Store(target).db()
    at = "2026-12-06T09:00:00+00:00"
    insert = "INSERT INTO handled_requests (key, at) VALUES (?, ?)"
    with write_transaction(db):
        write_unread(db, insert, ["50% off 'sale'", at])  # the transaction's first write: its BEGIN goes with it
        write_unread(db, insert, ["second", at])
        seen = [row["key"] for row in db.query("SELECT key FROM handled_requests ORDER BY key")]
        write_unread(db, insert, ["last, with the commit", at])
    assert seen == ["50% off 'sale'", "second"]
    assert {row["key"] for row in db.query("SELECT key FROM handled_requests")} == {
        "50% off 'sale'", "second", "last, with the commit"}
    with pytest.raises(DATABASE_ERRORS):
        with write_transaction(db):
            write_unread(db, insert, ["not kept", at])
            write_unread(db, insert, ["second", at])  # a key taken: its error comes by the commit at the latest
    with pytest.raises(RuntimeError):
        with write_transaction(db):
            write_unread(db, insert, ["dropped", at])
            raise RuntimeError("the rule refused")
    assert db.execute("SELECT count(*) FROM handled_requests").fetchone()[0] == 3
    with write_transaction(db):  # nothing but unread writes: its BEGIN and they go with its COMMIT
        write_unread(db, insert, ["only 100%", at])
    with write_transaction(db):
        write_unread(db, "DELETE FROM handled_requests WHERE key = ?", ["only 100%"])
        counted = list(db.query("SELECT count(*) AS n FROM handled_requests"))
    assert counted == [{"n": 3}] and db.execute("SELECT count(*) FROM handled_requests").fetchone()[0] == 3


@pytest.mark.needs_postgres
def test_a_writer_paused_mid_transaction_is_ended_by_the_server_and_the_next_writer_goes_on(target):
    """A pooled connection carries its idle limit from the start: no transaction of its own sets
    it. The paused writer holds the write lock until the server ends its idle session."""
    store = Store(target, pool_size=2)
    paused, next_writer = store.db(), Store(target, busy_timeout_ms=20_000).db()
    paused.engine.begin_write(paused)
    paused.execute("INSERT INTO handled_requests (key, at) VALUES (?, ?)", ["paused", "2026-12-06T09:00:00+00:00"])
    with write_transaction(next_writer):  # waits for the write lock the paused writer holds
        next_writer.execute("INSERT INTO handled_requests (key, at) VALUES (?, ?)", ["next", "2026-12-06T09:00:01+00:00"])
    with pytest.raises(DATABASE_ERRORS):
        paused.commit()
    assert [row["key"] for row in next_writer.query("SELECT key FROM handled_requests")] == ["next"]
