"""Keeping requests before their ack on PostgreSQL: each write takes a connection of the inbox's
pool, so a request is not held up by another's write still on its way to the server."""

import threading

import psycopg
import pytest
import yaml

from bot.config import parse_team_config
from bot.deps import Deps
from bot.inbox_writer import InboxWriter
from storage import db as storage_db
from storage.db import Store, prepare_database
from tests.databases import database_for
from tests.harness import TEAM_YAML
from tests.flow import wait_until

pytestmark = pytest.mark.needs_postgres


def test_a_request_is_kept_while_another_request_s_write_waits_on_the_server(tmp_path, monkeypatch):
    monkeypatch.setattr(storage_db, "QUICK_TIMEOUT_MS", 30_000)  # the waiting write lasts until this test ends it
    target = database_for(tmp_path)
    prepare_database(target)
    store = Store(target)
    writer = InboxWriter(Deps(store=store, team=parse_team_config(yaml.safe_load(TEAM_YAML))))
    kept: list[bool] = []
    with psycopg.connect(target) as other, psycopg.connect(target, autocommit=True) as watcher:
        # The same key, written and not committed here: keeping "command:slow" waits for this transaction.
        other.execute("INSERT INTO inbox (key, body, received_at, boot_id)"
                      " VALUES ('command:slow', '{}', '2026-12-07T10:00:00+00:00', NULL)")
        slow = threading.Thread(target=lambda: kept.append(writer.keep("command:slow", {"command": "/esc"})))
        slow.start()
        wait_until(lambda: _waiting_on_a_lock(watcher) == 1)

        assert writer.keep("command:quick", {"command": "/esc"}) is True
        assert _waiting_on_a_lock(watcher) == 1 and kept == []  # the slow one still waits
        other.rollback()
    slow.join()
    with psycopg.connect(target) as reader:
        keys = {key for (key,) in reader.execute("SELECT key FROM inbox")}
    assert kept == [True] and keys == {"command:slow", "command:quick"}
    store.close()


def _waiting_on_a_lock(conn) -> int:
    return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'").fetchone()[0]
