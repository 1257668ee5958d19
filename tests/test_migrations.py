"""The schema upgrades an existing file without loss, from the first version on."""

import pytest
from sqlite_utils import Database

from storage.db import open_db, prepare_database
from storage.errors import NotFound
from storage.migrations import migrations, schema_version
from storage.queries import get_escalation, timeline
from tests.flow import run_concurrently

ALL = [migration.name for migration in migrations.pending(Database(memory=True))]
pytestmark = pytest.mark.sqlite_only  # the same upgrades on PostgreSQL: test_migrations_postgres.py


def _database_at(path, version: int) -> Database:
    db = Database(path)
    migrations.apply(db, stop_before=ALL[version:])
    assert schema_version(db) == version
    return db


def _write_first_version_rows(db: Database) -> None:
    """Rows as the first schema version shaped them."""
    db.execute(
        "INSERT INTO escalations (id, summary, priority, requester, source, origin_channel, origin_ts, status, line, created_at)"
        " VALUES (1, 'Old case', 'P2', 'U0AGENT1', 'command', 'C0HELP', '1.0001', 'open', 2, '2026-01-02T03:04:05+00:00')"
    )
    db.execute("INSERT INTO line_owners VALUES (1, 1, 'U0AGENT1', '2026-01-02T03:05:00+00:00')")
    db.execute("INSERT INTO events (escalation_id, at, actor, action, line, to_value) VALUES (1, '2026-01-02T03:04:05+00:00', 'U0AGENT1', 'raised', 2, 'P2')")
    db.conn.commit()


@pytest.mark.parametrize("version", range(1, len(ALL) + 1))
def test_upgrade_from_every_version_keeps_every_row(tmp_path, version):
    path = tmp_path / "old.db"
    old = _database_at(path, version)
    _write_first_version_rows(old)
    old.close()
    prepare_database(path)
    db = open_db(path)
    assert schema_version(db) == len(ALL)
    esc, events = timeline(db, 1)
    assert (esc.summary, esc.priority, esc.line, esc.owners) == ("Old case", "P2", 2, {1: "U0AGENT1"})
    assert [event.action for event in events] == ["raised"]


def test_the_upgrade_to_open_owner_names_the_owner_on_the_current_line_of_open_escalations_only(tmp_path):
    path = tmp_path / "old.db"
    old = _database_at(path, ALL.index("0024_escalations_open_owner"))
    for esc_id, status, line in ((1, "open", 2), (2, "open", 1), (3, "resolved", 1)):
        old.execute("INSERT INTO escalations (id, summary, priority, requester, source, origin_channel, status, line,"
                    " created_at) VALUES (?, 'Case', 'P3', 'U0AGENT1', 'command', 'C0HELP', ?, ?, '2026-01-02T03:04:05+00:00')",
                    [esc_id, status, line])
        old.execute("INSERT INTO line_owners VALUES (?, 1, 'U0AGENT1', '2026-01-02T03:05:00+00:00')", [esc_id])
    old.conn.commit()
    old.close()
    prepare_database(path)
    db = open_db(path)
    owners = dict(db.execute("SELECT id, open_owner FROM escalations").fetchall())
    assert owners == {1: None, 2: "U0AGENT1", 3: None}, "owned on line 1 only; open; resolved"


def test_preparing_twice_changes_nothing_and_uses_wal(tmp_path):
    path = tmp_path / "fresh.db"
    prepare_database(path)
    prepare_database(path)
    db = open_db(path)
    assert schema_version(db) == len(ALL)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(ALL)
    with pytest.raises(NotFound, match="There is no ESC-1"):
        get_escalation(db, 1)


def test_two_processes_starting_at_once_on_a_new_file_migrate_once(tmp_path):
    path = tmp_path / "new.db"
    failures = []

    def start() -> None:
        try:
            prepare_database(path)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    run_concurrently(*(start for _ in range(4)))
    assert failures == []
    db = open_db(path)
    assert db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(ALL)
