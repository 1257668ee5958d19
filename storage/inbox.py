"""Requests kept before they are acknowledged, until their work is done.

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
from storage.boots import GONE_AFTER
from storage.db import write_transaction


@dataclass(frozen=True)
class KeptRequest:
    key: str
    body: dict


def keep(db: Database, now: datetime, key: str, body: dict, boot_id: int | None) -> None:
    with write_transaction(db):
        db.execute("INSERT OR IGNORE INTO inbox (key, body, received_at, boot_id) VALUES (?, ?, ?, ?)",
                   [key, json.dumps(body), records.to_text(now), boot_id])


def done(db: Database, key: str) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM inbox WHERE key = ?", [key])


def claim_left_behind(db: Database, now: datetime, boot_id: int) -> list[KeptRequest]:
    """Requests kept by processes that stopped beating, now this process's to finish."""
    gone = records.to_text(now - GONE_AFTER)
    with write_transaction(db):
        rows = list(db.query(
            "SELECT key, body FROM inbox WHERE boot_id IS NOT ? AND boot_id IN"
            " (SELECT id FROM boots WHERE heartbeat_at < ?) ORDER BY received_at", [boot_id, gone]))
        for row in rows:
            db.execute("UPDATE inbox SET boot_id = ? WHERE key = ?", [boot_id, row["key"]])
    return [KeptRequest(row["key"], json.loads(row["body"])) for row in rows]
