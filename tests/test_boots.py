"""Which processes are alive is told by a lock the kernel or the database server ends with the
process (an flock on SQLite, a session advisory lock on PostgreSQL), never by a clock: a
paused process stays alive, a killed one is declared gone after the grace."""

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from storage.boots import MISSING_GRACE, end_boot, gone_among, keep_alive, notice_gone, record_boot, start_boot
from storage.db import BUSY_TIMEOUT_MS, open_db, prepare_database, write_transaction
from storage.engines.postgres import LIFE_LOCK
from tests.databases import database_for
from tests.flow import rows, wait_until

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
HOLDER = """
import sys
from datetime import datetime, timezone
from storage.boots import start_boot
boot = start_boot(sys.argv[1], datetime.now(timezone.utc), 5000)
print(boot.id, flush=True)
sys.stdin.read()
"""


@pytest.fixture
def database(tmp_path):
    target = database_for(tmp_path)
    prepare_database(target)
    return target


def _declared_gone(db, at: datetime) -> list[int]:
    """Two looks MISSING_GRACE apart: the first finds a life missing, the second declares it gone."""
    return notice_gone(db, at) + notice_gone(db, at + MISSING_GRACE)


def _holder(database) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, database], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    return process, int(process.stdout.readline())


def _kill(process: subprocess.Popen, db, boot_id: int) -> None:
    """SIGKILL, and wait until the kernel or the server has ended its life (a server notices a
    closed connection a moment later)."""
    process.kill()
    process.wait()
    wait_until(lambda: not db.engine.live_boots(db, [boot_id]))


def test_a_live_boot_is_never_declared_gone_and_one_that_holds_no_life_is_after_the_grace(database):
    db = open_db(database)
    live = start_boot(database, T0, BUSY_TIMEOUT_MS)
    with write_transaction(db):
        lifeless = record_boot(db, T0)
    assert notice_gone(db, T0) == [], "missing, not gone yet"
    assert notice_gone(db, T0 + MISSING_GRACE - timedelta(seconds=1)) == []
    assert notice_gone(db, T0 + MISSING_GRACE) == [lifeless]
    assert notice_gone(db, T0 + timedelta(days=30)) == [], "a live boot stays alive whatever the clock says"
    assert gone_among(db, [live.id, lifeless]) == [lifeless]
    end_boot(db, T0, live)
    assert gone_among(db, [live.id, lifeless]) == [live.id, lifeless], "a clean stop is gone at once"


def test_a_killed_process_is_declared_gone_and_a_paused_one_is_not(database):
    db = open_db(database)
    paused, paused_id = _holder(database)
    killed, killed_id = _holder(database)
    try:
        os.kill(paused.pid, signal.SIGSTOP)
        _kill(killed, db, killed_id)
        assert _declared_gone(db, T0) == [killed_id]
        assert _declared_gone(db, T0 + timedelta(minutes=5)) == [], "paused for five minutes: still its own"
        assert gone_among(db, [paused_id, killed_id]) == [killed_id]
    finally:
        os.kill(paused.pid, signal.SIGCONT)
        _kill(paused, db, paused_id)
    assert _declared_gone(db, T0 + timedelta(minutes=10)) == [paused_id]


@pytest.mark.needs_postgres
def test_a_life_lost_with_its_connection_is_held_again_and_undoes_gone(database):
    db = open_db(database)
    boot = start_boot(database, T0, BUSY_TIMEOUT_MS)
    db.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = ?"
               " AND objid::bigint = ? AND objsubid = 2"
               " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
               [LIFE_LOCK, boot.id])  # this test's database only: the tests beside it hold lives of the same number
    wait_until(lambda: notice_gone(db, T0) == [] and rows(database, "SELECT missing_since FROM boots WHERE id = ?",
                                                          [boot.id])[0]["missing_since"])
    assert notice_gone(db, T0 + MISSING_GRACE) == [boot.id], "the server restarted, say: its lock went with it"
    keep_alive(db, boot)
    assert gone_among(db, [boot.id]) == [] and notice_gone(db, T0 + timedelta(minutes=1)) == []
    keep_alive(db, boot)
    boot.life.close()
