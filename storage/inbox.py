"""Requests kept before they are acknowledged, until their work is done.

On SQLite the inbox is a file of its own beside the database (storage/engines/sqlite.py:
inbox_path); on PostgreSQL it is a table of the same database, written without the write lock.
Slack never resends a request the bot acknowledged, so work still waiting in a process that
is killed would be lost. Each request is written here first and deleted when its work ends;
what a dead process left behind is claimed once by a live one and run again. The handlers
are idempotent (the delivery key is claimed with every change), so running one twice still
has one effect.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import records
from storage.boots import gone_among
from storage.db import write_statement, write_transaction


ROWS_A_STATEMENT = 200  # well within SQLite's limit of bound values in one statement


@dataclass(frozen=True)
class KeptRequest:
    key: str
    body: dict


def keep_many(db: Database, now: datetime, requests: list[tuple[str, dict]], boot_id: int | None) -> None:
    """(key, body) pairs, ROWS_A_STATEMENT to a statement; a key kept already (a redelivery) stays as it was."""
    received = records.to_text(now)
    for start in range(0, len(requests), ROWS_A_STATEMENT):
        some = requests[start:start + ROWS_A_STATEMENT]
        rows = ", ".join("(?, ?, ?, ?)" for _ in some)
        write_statement(db, f"INSERT INTO inbox (key, body, received_at, boot_id) VALUES {rows} ON CONFLICT DO NOTHING",
                        [value for key, body in some for value in (key, json.dumps(body), received, boot_id)])


def done(db: Database, key: str) -> None:
    write_statement(db, "DELETE FROM inbox WHERE key = ?", [key])


def claim_left_behind(inbox_db: Database, db: Database, boot_id: int) -> list[KeptRequest]:
    """Requests kept by processes declared gone (`db` knows the boots), now this process's to finish."""
    keeping = [row["boot_id"] for row in inbox_db.query("SELECT DISTINCT boot_id FROM inbox WHERE boot_id != ?", [boot_id])]
    gone = gone_among(db, keeping)
    if not gone:
        return []
    marks = ",".join("?" * len(gone))
    with write_transaction(inbox_db):
        rows = list(inbox_db.query(f"UPDATE inbox SET boot_id = ? WHERE boot_id IN ({marks}) RETURNING key, body, received_at",
                                   [boot_id, *gone]))
    rows.sort(key=lambda row: row["received_at"])
    return [KeptRequest(row["key"], json.loads(row["body"])) for row in rows]


def kept_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM inbox").fetchone()[0]
