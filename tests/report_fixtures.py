"""Rows as the escalation and line-3 features write them, for report figures with known answers.

The fixture day is Monday 2026-11-23 in Europe/Berlin (UTC+1): 2026-11-22T23:00Z to 2026-11-23T23:00Z.
"""

from collections import Counter
from datetime import datetime, timedelta, timezone

from sqlite_utils import Database

from storage.shift_figures import LISTED_PER_LIST

FIXTURE_DAY = "2026-11-23"


def utc(text: str) -> str:
    """`"11-23 08:00"` → the stored form of that moment in UTC, 2026."""
    return datetime.fromisoformat(f"2026-{text.replace(' ', 'T')}").replace(tzinfo=timezone.utc).isoformat()


def at(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()


def escalation(db: Database, esc_id: int, created: str, *, priority="P3", line=1, category=None, channel="C0HELP",
               resolved: str | None = None, owner: str | None = None, summary: str | None = None,
               customer_ref: str | None = None) -> None:
    db.execute(
        "INSERT INTO escalations (id, summary, priority, category, customer_ref, requester, source, origin_channel,"
        " status, line, created_at, resolved_at, open_owner) VALUES (?, ?, ?, ?, ?, 'U0AGENT1', 'command', ?, ?, ?, ?, ?, ?)",
        [esc_id, summary or f"Case {esc_id}", priority, category, customer_ref, channel,
         "resolved" if resolved else "open", line, created, resolved, None if resolved else owner])
    if owner:
        db.execute("INSERT INTO line_owners VALUES (?, ?, ?, ?)", [esc_id, line, owner, created])


OVERFLOWING = 60  # open cases of each kind, more than a shift summary lists: its two lists (unowned, owned on L1) each take a thread reply
OLDEST_LISTED = (*range(1, LISTED_PER_LIST + 1), *range(OVERFLOWING + 1, OVERFLOWING + LISTED_PER_LIST + 1))
LISTED_ONCE = Counter({f"ESC-{n}": 1 for n in OLDEST_LISTED})  # the oldest of each list, in its own reply


def open_backlog(db: Database, count: int) -> None:
    """`count` open P3 cases on line 1 nobody owns, then `count` Ana owns: a backlog raised three days
    ago, before the bot's own look-back for cards to repair, so only the reports post anything."""
    raised = at(datetime.now(timezone.utc) - timedelta(days=3))
    for esc_id in range(1, 2 * count + 1):
        escalation(db, esc_id, raised, summary=f"Printer jam {esc_id}", owner="U0AGENT1" if esc_id > count else None)
        event(db, esc_id, raised, "raised")


def event(db: Database, esc_id: int, when: str, action: str, line: int = 1, actor: str = "U0AGENT1") -> None:
    db.execute("INSERT INTO events (escalation_id, at, actor, action, line) VALUES (?, ?, ?, ?, ?)",
               [esc_id, when, actor, action, line])


def clock(db: Database, esc_id: int, *, line: int, kind: str, priority: str, started: str, due: str,
          stopped: str | None = None, outcome: str | None = None, breached: str | None = None) -> None:
    db.execute("INSERT INTO sla_clocks (escalation_id, line, kind, priority, started_at, due_at, stopped_at, outcome,"
               " breached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [esc_id, line, kind, priority, started, due, stopped, outcome, breached])


def csat(db: Database, subject: str, score: int, received: str, *, escalation_id=None, counts=1,
         source="survey") -> None:
    db.execute("INSERT INTO csat_answers (subject, escalation_id, score, source, received_at, recorded_at, counts)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)", [subject, escalation_id, score, source, received, received, counts])


def fixture_day(db: Database) -> None:
    """Raised 4, resolved 2, reopened 1 on the day; see tests/test_report_figures.py for every figure."""
    escalation(db, 1, utc("11-23 08:00"), priority="P2", category="billing", resolved=utc("11-23 10:00"), owner="U0AGENT1")
    event(db, 1, utc("11-23 08:00"), "raised")
    event(db, 1, utc("11-23 08:10"), "taken")
    event(db, 1, utc("11-23 10:00"), "resolved")
    escalation(db, 2, utc("11-23 09:00"), priority="P1", category="bug", line=3, resolved=utc("11-23 13:00"), owner="U0ENG1")
    event(db, 2, utc("11-23 09:00"), "raised")
    event(db, 2, utc("11-23 09:30"), "moved_up", line=2)
    event(db, 2, utc("11-23 10:00"), "moved_up", line=3)
    event(db, 2, utc("11-23 13:00"), "resolved", line=3)
    clock(db, 2, line=3, kind="ack", priority="P1", started=utc("11-23 10:00"), due=utc("11-23 10:30"),
          stopped=utc("11-23 10:20"), outcome="met")
    escalation(db, 3, utc("11-23 12:00"), category="login", line=2, channel="C0SUPL1")
    event(db, 3, utc("11-23 12:00"), "raised", line=2)
    clock(db, 3, line=2, kind="take", priority="P3", started=utc("11-23 12:00"), due=utc("11-23 13:00"),
          breached=utc("11-23 13:00"))
    escalation(db, 4, utc("11-20 08:00"), priority="P4")
    event(db, 4, utc("11-20 08:00"), "raised")
    escalation(db, 5, utc("11-22 10:00"), resolved=utc("11-24 09:00"))
    event(db, 5, utc("11-22 10:00"), "raised")
    event(db, 5, utc("11-22 15:00"), "resolved")
    event(db, 5, utc("11-23 07:00"), "reopened")
    event(db, 5, utc("11-24 09:00"), "resolved")
    escalation(db, 6, utc("11-23 20:00"), priority="P2", line=3)
    event(db, 6, utc("11-23 20:00"), "raised", line=3)
    clock(db, 6, line=3, kind="ack", priority="P2", started=utc("11-23 20:00"), due=utc("11-23 20:30"),
          stopped=utc("11-23 21:00"), outcome="late", breached=utc("11-23 20:30"))
    csat(db, "ESC-1", 1, utc("11-23 09:00"), escalation_id=1, counts=0)
    csat(db, "ESC-1", 5, utc("11-23 11:00"), escalation_id=1)
    csat(db, "ESC-2", 4, utc("11-23 14:00"), escalation_id=2)
    csat(db, "ticket:ZD-1", 2, utc("11-23 15:00"), source="import")
    csat(db, "ESC-5", 3, utc("11-21 12:00"), escalation_id=5)
    db.conn.commit()
