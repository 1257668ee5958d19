"""The schema on PostgreSQL: upgraded from every earlier version without loss, and migrated by
one instance when two start at once."""

import threading

import pytest

from storage.db import open_db, prepare_database
from storage.engines import engine_for
from storage.migrations import migrations, steps_of
from storage.queries import timeline
from tests.databases import new_server_database

pytestmark = pytest.mark.needs_postgres
ALL = [name for name, _ in steps_of(migrations)]


def _write_first_version_rows(db) -> None:
    db.execute("INSERT INTO escalations (id, summary, priority, requester, source, origin_channel, origin_ts, status,"
               " line, created_at) VALUES (1, 'Old case', 'P2', 'U0AGENT1', 'command', 'C0HELP', '1.0001', 'open', 2,"
               " '2026-01-02T03:04:05+00:00')")
    db.execute("INSERT INTO line_owners VALUES (1, 1, 'U0AGENT1', '2026-01-02T03:05:00+00:00')")
    db.execute("INSERT INTO events (escalation_id, at, actor, action, line, to_value)"
               " VALUES (1, '2026-01-02T03:04:05+00:00', 'U0AGENT1', 'raised', 2, 'P2')")


@pytest.mark.parametrize("version", range(1, len(ALL) + 1))
def test_upgrade_from_every_version_keeps_every_row(version):
    url = new_server_database()
    engine = engine_for(url)
    engine.prepare(upto=version)
    old = open_db(url)
    assert engine.schema_version(old) == version
    _write_first_version_rows(old)
    old.close()
    prepare_database(url)
    db = open_db(url)
    try:
        assert engine.schema_version(db) == len(ALL)
        esc, events = timeline(db, 1)
        assert (esc.summary, esc.priority, esc.line, esc.owners) == ("Old case", "P2", 2, {1: "U0AGENT1"})
        assert [event.action for event in events] == ["raised"]
    finally:
        db.close()


def test_two_instances_starting_at_once_migrate_once():
    url = new_server_database()
    failures = []

    def start() -> None:
        try:
            prepare_database(url)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    starters = [threading.Thread(target=start) for _ in range(2)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join()
    assert failures == []
    db = open_db(url)
    try:
        recorded = [row["name"] for row in db.query("SELECT name FROM schema_migrations WHERE migration_set = ?",
                                                     [migrations.name])]
        assert sorted(recorded) == sorted(ALL)
    finally:
        db.close()
