"""Rows to values and back. No rules here: storage/escalations.py decides what may change."""

from datetime import datetime

from sqlite_utils import Database

from storage.db import write_transaction, write_unread
from storage.errors import NotFound
from storage.model import LINES, Action, Escalation, Event, Source, Status


def to_text(moment: datetime) -> str:
    return moment.isoformat()


def from_text(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def load_escalation(db: Database, escalation_id: int) -> Escalation:
    return escalation_in(list(db.query(ESCALATION, [escalation_id])), escalation_id)


def escalation_in(rows: list[dict], escalation_id: int) -> Escalation:
    """The escalation from the rows `ESCALATION` read for it."""
    if not rows:
        raise NotFound(f"There is no ESC-{escalation_id}.", "Find the right ID with {list}.", commands={"list": "/esc list"})
    return _escalation(rows[0], _owners_of(rows[0]))


def insert_escalation(db: Database, row: dict) -> Escalation:
    """A new escalation, as stored: it has no owner yet."""
    stored = list(db.query(f"{_insert('escalations', row)} RETURNING *", list(row.values())))
    return _escalation(stored[0], {})


def load_escalations(db: Database, where: str, params: list, limit: int | None = None) -> list[Escalation]:
    """Oldest first; all of them unless `limit` says how many. Owners are looked up only for the
    rows chosen, after the limit."""
    chosen = f"SELECT * FROM escalations WHERE {where} ORDER BY created_at, id" + (" LIMIT ?" if limit is not None else "")
    sql = f"SELECT *, {OWNER_COLUMNS} FROM ({chosen}) e ORDER BY created_at, id"
    rows = list(db.query(sql, [*params] + ([limit] if limit is not None else [])))
    return [_escalation(row, _owners_of(row)) for row in rows]


def find_by_thread(db: Database, channel: str, thread_ts: str) -> Escalation | None:
    found = load_escalations(db, "origin_channel = ? AND origin_ts = ?", [channel, thread_ts])
    return found[0] if found else None


# Each line's owner as a column of the escalation's own row, so loading an escalation is one statement.
OWNER_COLUMNS = ", ".join(f'(SELECT o."user" FROM line_owners o WHERE o.escalation_id = e.id AND o.line = {line})'
                          f" AS owner_on_line_{line}" for line in LINES)


ESCALATION = f"SELECT *, {OWNER_COLUMNS} FROM escalations e WHERE id = ?"


def _owners_of(row: dict) -> dict[int, str]:
    return {line: row[f"owner_on_line_{line}"] for line in LINES if row[f"owner_on_line_{line}"] is not None}


def _escalation(row: dict, owners: dict[int, str]) -> Escalation:
    return Escalation(
        id=row["id"],
        summary=row["summary"],
        priority=row["priority"],
        category=row["category"],
        customer_ref=row["customer_ref"],
        requester=row["requester"],
        source=Source(row["source"]),
        origin_channel=row["origin_channel"],
        origin_ts=row["origin_ts"],
        status=Status(row["status"]),
        line=row["line"],
        created_at=from_text(row["created_at"]),
        resolved_at=from_text(row["resolved_at"]),
        owners=owners,
        raised_by=row["raised_by"],
        origin_link=row["origin_link"],
        waiting_since=from_text(row["waiting_since"]),
        waiting_reason=row["waiting_reason"],
        waited_seconds=row["waited_seconds"],
    )


def insert_row(db: Database, table: str, row: dict) -> None:
    """Plain INSERT, nothing read back: sqlite-utils' insert() inspects the table on every call,
    too slow for the hot path."""
    write_unread(db, _insert(table, row), list(row.values()))


def insert_numbered(db: Database, table: str, row: dict) -> int:
    """INSERT into a table whose `id` numbers itself; returns the new id."""
    return db.execute(f"{_insert(table, row)} RETURNING id", list(row.values())).fetchone()[0]


def _insert(table: str, row: dict) -> str:
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"


def insert_event(db: Database, event: Event) -> int:
    return insert_numbered(db, "events", _event_row(event))


def record_event(db: Database, event: Event) -> None:
    """The event, its id not needed."""
    insert_row(db, "events", _event_row(event))


def _event_row(event: Event) -> dict:
    return {
        "escalation_id": event.escalation_id,
        "at": to_text(event.at),
        "actor": event.actor,
        "action": str(event.action),
        "line": event.line,
        "from_value": event.from_value,
        "to_value": event.to_value,
        "note": event.note,
    }


def load_events(db: Database, escalation_id: int) -> list[Event]:
    return [_event(row) for row in db.query("SELECT * FROM events WHERE escalation_id = ? ORDER BY id", [escalation_id])]


def load_event(db: Database, event_id: int) -> Event:
    return _event(next(db.query("SELECT * FROM events WHERE id = ?", [event_id])))


def _event(row: dict) -> Event:
    return Event(
        escalation_id=row["escalation_id"],
        at=from_text(row["at"]),
        actor=row["actor"],
        action=Action(row["action"]),
        line=row["line"],
        from_value=row["from_value"],
        to_value=row["to_value"],
        note=row["note"],
    )


def set_owner(db: Database, escalation_id: int, line: int, user: str, now: datetime) -> None:
    db.execute("INSERT INTO line_owners (escalation_id, line, user, since) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (escalation_id, line) DO UPDATE SET user = excluded.user, since = excluded.since",
               [escalation_id, line, user, to_text(now)])
    _follow_owner(db, escalation_id)


def clear_owner(db: Database, escalation_id: int, line: int) -> None:
    db.execute("DELETE FROM line_owners WHERE escalation_id = ? AND line = ?", [escalation_id, line])
    _follow_owner(db, escalation_id)


def update_escalation(db: Database, escalation_id: int, **columns) -> None:
    update_row(db, "escalations", escalation_id, **columns)
    if "line" in columns or "status" in columns:
        _follow_owner(db, escalation_id)


def _follow_owner(db: Database, escalation_id: int) -> None:
    """`escalations.open_owner` is line_owners' row for the escalation's current line while it is
    open, and NULL once resolved (migration 0024)."""
    db.execute("UPDATE escalations SET open_owner = CASE WHEN status = 'open' THEN (SELECT o.\"user\" FROM line_owners o"
               " WHERE o.escalation_id = escalations.id AND o.line = escalations.line) END WHERE id = ?", [escalation_id])


def update_row(db: Database, table: str, row_id: int, **columns) -> None:
    assignments = ", ".join(f"{column} = ?" for column in columns)
    db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*columns.values(), row_id])


def claim_request(db: Database, key: str, now: datetime) -> int | None:
    """Record a delivery key. Returns None the first time, else the escalation the first delivery touched."""
    if db.execute("INSERT INTO handled_requests (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING key",
                  [key, to_text(now)]).fetchall():
        return None
    rows = list(db.query("SELECT escalation_id FROM handled_requests WHERE key = ?", [key]))
    return rows[0]["escalation_id"] or 0


def request_handled(db: Database, key: str) -> bool:
    """Whether the change a delivery asked for has committed: its key is claimed in the same transaction."""
    return db.execute("SELECT 1 FROM handled_requests WHERE key = ?", [key]).fetchone() is not None


def forget_requests_before(db: Database, moment: datetime) -> int:
    """Slack stops redelivering within minutes; keys older than that only take up space."""
    with write_transaction(db):
        return db.execute("DELETE FROM handled_requests WHERE at < ?", [to_text(moment)]).rowcount


def link_request(db: Database, key: str, escalation_id: int) -> None:
    write_unread(db, "UPDATE handled_requests SET escalation_id = ? WHERE key = ?", [escalation_id, key])
