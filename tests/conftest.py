import os

import pytest

from standin import SlackStandIn
from storage.db import open_db, prepare_database
from tests.databases import database_for, drop_created, on_postgres
from tests.harness import SECRET, start_bot


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: three workers a core. Most of the suite's time is spent waiting on the bot's
    processes (start-up, leases running out, a paused instance), not computing: even with three
    a core the suite keeps about three quarters of the CPU busy."""
    return min(3 * (os.cpu_count() or 1), 8)


# Modules whose tests kill, pause or run several bot processes, or wait on real minutes: the
# suite's long tests (a 30 s pause, a digest on a minute boundary), `-m processes` alone.
PROCESS_MODULES = frozenset({
    "test_boots", "test_bench_runs", "test_crash_recovery", "test_digest_chart", "test_incident_crash",
    "test_instances_apart", "test_lost_answers", "test_outbox_processes", "test_postgres_outage",
    "test_reliability", "test_report_crash", "test_sla_reminders", "test_socket_mode_instances",
})


def pytest_collection_modifyitems(config, items):
    """Against a PostgreSQL server, the tests about SQLite's files (WAL, the inbox's file, a file
    that is not a database, backup) are left out; they run in the SQLite run. The tests that need
    a server (the copy to PostgreSQL) run in the PostgreSQL run. The tests of PROCESS_MODULES
    are marked `processes`."""
    other_engine = "sqlite_only" if on_postgres() else "needs_postgres"
    left_out = [item for item in items if item.get_closest_marker(other_engine)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker(other_engine)]
    for item in items:
        if item.module.__name__.rsplit(".", 1)[-1] in PROCESS_MODULES:
            item.add_marker(pytest.mark.processes)


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases():
    yield
    drop_created()


@pytest.fixture
def db(tmp_path):
    target = database_for(tmp_path)
    prepare_database(target)
    database = open_db(target)
    yield database
    database.close()


@pytest.fixture
def standin():
    with SlackStandIn(signing_secret=SECRET) as running:
        yield running


@pytest.fixture
def bot(standin, tmp_path):
    running = start_bot(standin, tmp_path)
    yield running
    running.stop()
