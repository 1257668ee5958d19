"""Schema history. Append new migrations at the end; never edit one that has shipped."""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("supportbot")


@migrations(name="0001_escalations")
def create_escalations(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE escalations (
            id INTEGER PRIMARY KEY,
            summary TEXT NOT NULL,
            priority TEXT NOT NULL,
            category TEXT,
            customer_ref TEXT,
            requester TEXT NOT NULL,
            source TEXT NOT NULL,
            origin_channel TEXT NOT NULL,
            origin_ts TEXT,
            status TEXT NOT NULL,
            line INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE UNIQUE INDEX escalations_origin_thread
            ON escalations(origin_channel, origin_ts) WHERE origin_ts IS NOT NULL;
        CREATE INDEX escalations_open ON escalations(status, line, created_at);
        CREATE TABLE line_owners (
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            line INTEGER NOT NULL,
            user TEXT NOT NULL,
            since TEXT NOT NULL,
            PRIMARY KEY (escalation_id, line)
        );
        CREATE INDEX line_owners_user ON line_owners(user);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            line INTEGER NOT NULL,
            from_value TEXT,
            to_value TEXT,
            note TEXT
        );
        CREATE INDEX events_escalation ON events(escalation_id, id);
        CREATE TABLE handled_requests (
            key TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            escalation_id INTEGER
        );
        CREATE TABLE cards (
            escalation_id INTEGER NOT NULL REFERENCES escalations(id),
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            thread_ts TEXT,
            PRIMARY KEY (escalation_id, channel)
        );
        """
    )


def apply_migrations(db: Database) -> None:
    migrations.apply(db)


def schema_version(db: Database) -> int:
    """How many migrations this file has had; 0 for a new file."""
    return len(migrations.applied(db))
