"""One clock for every instance: the database server's, whatever each host's clock says."""

import time
from datetime import timedelta

import pytest

from bot.database_clock import DatabaseClock
from bot.deps import utc_now
from storage import outbox
from storage.db import Store, prepare_database, write_transaction
from tests.databases import database_for

AHEAD = timedelta(seconds=30)


class HostClock:
    """A host's wall clock, set `off` from the true time and steppable."""

    def __init__(self, off: timedelta = timedelta()):
        self.off = off

    def __call__(self):
        return utc_now() + self.off


@pytest.fixture
def store(tmp_path) -> Store:
    target = database_for(tmp_path)
    prepare_database(target)
    return Store(target)


def server_now(store: Store):
    return store.db().execute("SELECT clock_timestamp()").fetchone()[0]


@pytest.mark.needs_postgres
def test_a_host_clock_running_ahead_reads_the_servers_time(store):
    clock = DatabaseClock(store, wall=HostClock(AHEAD))
    assert abs(clock() - server_now(store)) < timedelta(seconds=1)
    assert abs(clock.offset + AHEAD) < timedelta(seconds=1)


@pytest.mark.needs_postgres
def test_a_wall_clock_stepped_back_is_measured_again_at_once_and_the_time_does_not_jump(store):
    host = HostClock()
    clock = DatabaseClock(store, wall=host)
    before = clock()
    host.off = -timedelta(hours=1)
    after = clock()
    # Measured afresh, the offset is as exact as one round trip to the server: a few milliseconds.
    assert -timedelta(milliseconds=100) <= after - before < timedelta(seconds=1)
    assert abs(after - server_now(store)) < timedelta(seconds=1)


@pytest.mark.needs_postgres
def test_a_host_running_ahead_does_not_take_over_a_live_lease(store):
    db = store.db()
    with write_transaction(db):
        outbox.enqueue(db, utc_now(), "esc:1", "card", {})
    [held] = outbox.claim_due(db, DatabaseClock(store)(), "instance-a", 10)
    fast_host = HostClock(outbox.LEASE + AHEAD)
    assert outbox.claim_due(db, DatabaseClock(store, wall=fast_host)(), "instance-b", 10) == []
    assert outbox.claim_due(db, fast_host(), "instance-b", 10), "on its own clock it would have taken it"
    assert not outbox.holds(db, held)


@pytest.mark.needs_postgres
def test_a_server_that_does_not_answer_leaves_the_last_offset_and_raises_nothing(tmp_path):
    class Unreachable:
        target = "postgresql://supportbot@127.0.0.1:9/nowhere"
        engine = type("Engine", (), {"clock_query": "SELECT clock_timestamp()"})

    host = HostClock(AHEAD)
    started = time.monotonic()
    readings = [DatabaseClock(Unreachable(), wall=host)() for _ in range(3)]
    assert all(abs(reading - host()) < timedelta(seconds=1) for reading in readings)
    assert time.monotonic() - started < 5


@pytest.mark.sqlite_only
def test_on_sqlite_the_clock_is_the_hosts_and_no_server_is_asked(store):
    host = HostClock(AHEAD)
    clock = DatabaseClock(store, wall=host)
    assert abs(clock() - host()) < timedelta(seconds=1) and clock.offset == timedelta()
