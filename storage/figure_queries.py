"""The SQL behind shift summaries and digests, each over an indexed column.

`events.at`, `escalations.created_at` / `resolved_at`, `sla_clocks.due_at` / `breached_at` /
`stopped_at` and `csat_answers.received_at` are indexed, so a period's figures read only that
period's rows however long the history grows.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from storage import records
from storage.model import Escalation
from storage.periods import Window

IN_WINDOW = "{column} >= ? AND {column} < ?"
# Answers to the bot's own survey (a button in the DM, or `/csat` on the customer's behalf),
# apart from scores imported from a helpdesk: different questions, different customers.
SURVEY_SOURCES = ("survey", "command")
IMPORTED_SOURCES = ("import",)


@dataclass(frozen=True)
class CsatFigures:
    count: int
    average: float | None
    distribution: tuple[int, int, int, int, int]  # how many 1s, 2s, … 5s


@dataclass(frozen=True)
class Breach:
    line: int
    priority: str
    count: int


@dataclass(frozen=True)
class WaitingAck:
    escalation: Escalation
    since: str
    due: str


def bounds(window: Window) -> list[str]:
    return [records.to_text(window.start), records.to_text(window.end)]


def count_events(db: Database, window: Window, *actions: str) -> int:
    marks = ",".join("?" * len(actions))
    sql = f"SELECT count(*) FROM events WHERE {IN_WINDOW.format(column='at')} AND action IN ({marks})"
    return db.execute(sql, [*bounds(window), *actions]).fetchone()[0]


def csat_in(db: Database, window: Window, sources: tuple[str, ...] | None = None) -> CsatFigures:
    """The answers that count, received in the window (from `sources` only, when given)."""
    only = f" AND source IN ({','.join('?' * len(sources))})" if sources else ""
    sql = (f"SELECT score, count(*) FROM csat_answers WHERE counts = 1 AND {IN_WINDOW.format(column='received_at')}"
           f"{only} GROUP BY score")
    by_score = dict(db.execute(sql, [*bounds(window), *(sources or ())]).fetchall())
    count = sum(by_score.values())
    average = sum(score * n for score, n in by_score.items()) / count if count else None
    return CsatFigures(count, average, tuple(by_score.get(score, 0) for score in range(1, 6)))


def breaches_in(db: Database, window: Window) -> list[Breach]:
    sql = (f"SELECT line, priority, count(*) FROM sla_clocks WHERE breached_at IS NOT NULL AND"
           f" {IN_WINDOW.format(column='breached_at')} GROUP BY line, priority ORDER BY line, priority")
    return [Breach(*row) for row in db.execute(sql, bounds(window)).fetchall()]


# Named, not left to the planner: on a file analyzed while it had no ack clock running it judges
# `sla_clocks_one_running` (every clock running, the whole backlog if it waits unowned) cheaper.
RUNNING_ACK_CLOCKS = "sla_clocks INDEXED BY sla_clocks_running_ack WHERE stopped_at IS NULL AND kind = 'ack'"


def waiting_for_ack(db: Database, limit: int) -> list[WaitingAck]:
    """The `limit` line-3 escalations whose acknowledgement clock has run longest."""
    sql = f"SELECT escalation_id, started_at, due_at FROM {RUNNING_ACK_CLOCKS} ORDER BY started_at LIMIT ?"
    rows = db.execute(sql, [limit]).fetchall()
    if not rows:
        return []
    escalations = {esc.id: esc for esc in records.load_escalations(db, f"id IN ({','.join('?' * len(rows))})",
                                                                      [row[0] for row in rows])}
    return [WaitingAck(escalations[row[0]], row[1], row[2]) for row in rows]


def oldest_owned_open(db: Database, line: int, limit: int) -> list[Escalation]:
    """The oldest `limit` open escalations someone owns on `line`."""
    return records.load_escalations(db, "open_owner IS NOT NULL AND line = ?", [line], limit=limit)


def count_waiting_for_ack(db: Database) -> int:
    sql = f"SELECT count(*) FROM {RUNNING_ACK_CLOCKS}"
    return db.execute(sql).fetchone()[0]


def count_waiting_on_customer(db: Database) -> int:
    sql = "SELECT count(*) FROM escalations WHERE status = 'open' AND waiting_since IS NOT NULL"
    return db.execute(sql).fetchone()[0]


def raised_by(db: Database, window: Window, column: str) -> dict[str | None, int]:
    """Escalations raised in the window, counted by one of their columns; None counts those without
    a value, last among equals."""
    sql = (f"SELECT {column}, count(*) FROM escalations WHERE {IN_WINDOW.format(column='created_at')}"
           f" GROUP BY 1 ORDER BY 2 DESC, {column} IS NULL, 1")
    return {None if key is None else str(key): n for key, n in db.execute(sql, bounds(window)).fetchall()}


def events_by_line(db: Database, window: Window, action: str) -> dict[int, int]:
    sql = f"SELECT line, count(*) FROM events WHERE {IN_WINDOW.format(column='at')} AND action = ? GROUP BY line"
    return dict(db.execute(sql, [*bounds(window), action]).fetchall())


def seconds_to_resolve(db: Database, window: Window) -> list[float]:
    """Waiting on the customer is left out: it is the customer's time, not the team's."""
    sql = ("SELECT round((julianday(resolved_at) - julianday(created_at)) * 86400) - waited_seconds AS s"
           " FROM escalations"
           f" WHERE resolved_at IS NOT NULL AND {IN_WINDOW.format(column='resolved_at')} ORDER BY s")
    return [row[0] for row in db.execute(sql, bounds(window)).fetchall()]


def seconds_waiting(db: Database, window: Window) -> list[float]:
    """How long each escalation resolved in the window waited on its customer, for those that did."""
    sql = ("SELECT waited_seconds FROM escalations WHERE resolved_at IS NOT NULL AND waited_seconds > 0"
           f" AND {IN_WINDOW.format(column='resolved_at')} ORDER BY waited_seconds")
    return [row[0] for row in db.execute(sql, bounds(window)).fetchall()]


def seconds_to_acknowledge(db: Database, window: Window) -> list[float]:
    sql = ("SELECT round((julianday(stopped_at) - julianday(started_at)) * 86400) AS s FROM sla_clocks"
           f" WHERE stopped_at IS NOT NULL AND {IN_WINDOW.format(column='stopped_at')}"
           " AND kind = 'ack' AND outcome IN ('met', 'late') ORDER BY s")
    return [row[0] for row in db.execute(sql, bounds(window)).fetchall()]


def first_contact_resolutions(db: Database, window: Window) -> tuple[int, int]:
    """(resolved without ever leaving line 1, resolved) among escalations resolved in the window."""
    sql = ("SELECT count(*), coalesce(sum(CASE WHEN NOT EXISTS (SELECT 1 FROM events e WHERE e.escalation_id = escalations.id"
           " AND e.action = 'moved_up') AND line = 1 THEN 1 ELSE 0 END), 0) FROM escalations"
           f" WHERE resolved_at IS NOT NULL AND {IN_WINDOW.format(column='resolved_at')}")
    resolved, first_contact = db.execute(sql, bounds(window)).fetchone()
    return first_contact, resolved


def deadlines_met(db: Database, window: Window) -> tuple[int, int]:
    """(met, breached) among SLA deadlines falling due in the window; a clock cancelled in time is not judged."""
    sql = ("SELECT coalesce(sum(CASE WHEN outcome = 'met' THEN 1 ELSE 0 END), 0),"
           " coalesce(sum(CASE WHEN breached_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM sla_clocks"
           f" WHERE {IN_WINDOW.format(column='due_at')}")
    met, breached = db.execute(sql, bounds(window)).fetchone()
    return met, breached


def backlog_at(db: Database, moment: str) -> int:
    """Escalations open at `moment`: still open and raised before it, or resolved after it.
    The unary `+` keeps SQLite on the narrow index (open ones; those resolved since) instead of
    walking created_at over the whole history."""
    still_open = db.execute("SELECT count(*) FROM escalations WHERE status = 'open' AND +created_at < ?", [moment])
    resolved_later = db.execute("SELECT count(*) FROM escalations WHERE resolved_at IS NOT NULL AND resolved_at >= ?"
                                " AND +created_at < ?", [moment, moment])
    return still_open.fetchone()[0] + resolved_later.fetchone()[0]
