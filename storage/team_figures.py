"""The leads' team view on Home: each line now, the shift on duty, CSAT this period against the
one before, and each person's figures for the period. Plain values; commands/home/team_blocks.py draws them.

Every read is over an indexed column (the open rows, `events.at`, `sla_clocks.breached_at`,
`csat_answers.received_at`), so it reads the period's rows, not the history.

Who a figure counts for: a resolution for the person who resolved it; a breach for the person
who owns the escalation on the line whose deadline was missed (it happened on their watch or
before they picked it up); a CSAT answer for the person whose resolution it answers.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Sequence
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from storage import records
from storage.figure_queries import CsatFigures, bounds, csat_in
from storage.model import LINES
from storage.periods import OnDuty, ShiftSpec, Window, day_window, shift_on_duty

PERIODS = (7, 30)  # days: the lead's toggle


@dataclass(frozen=True)
class LineNow:
    line: int
    open: int
    unowned: int
    oldest_opened: datetime | None
    breaches_today: int


@dataclass(frozen=True)
class PersonFigures:
    user: str
    resolved: int = 0
    open_owned: int = 0
    median_seconds_to_resolve: float | None = None
    breaches: int = 0
    csat_average: float | None = None
    csat_count: int = 0


@dataclass(frozen=True)
class TeamFigures:
    days: int
    lines: list[LineNow]
    on_duty: OnDuty | None  # None between shifts, or when none are set up
    csat: CsatFigures
    csat_before: CsatFigures  # the same number of days just before
    people: list[PersonFigures]  # most resolved first


def team_figures(db: Database, now: datetime, days: int, timezone: str, shifts: Sequence[ShiftSpec]) -> TeamFigures:
    tz = ZoneInfo(timezone)
    period = Window(f"{days}d", now - timedelta(days=days), now)
    before = Window(f"{days}d before", period.start - timedelta(days=days), period.start)
    today = day_window(now.astimezone(tz).date(), tz)
    owned = _open_owned(db)
    return TeamFigures(days, _lines(db, today, owned), shift_on_duty(shifts, now, tz), csat_in(db, period),
                       csat_in(db, before), _people(db, period, owned))


def _open_owned(db: Database) -> dict[tuple[str, int], int]:
    """{(person, line): open escalations they own on their current line}: one walk of the owned
    open rows' own index."""
    return {(user, line): n for user, line, n in db.execute(
        "SELECT open_owner, line, count(*) FROM escalations WHERE open_owner IS NOT NULL GROUP BY open_owner, line")}


def _lines(db: Database, today: Window, owned: dict[tuple[str, int], int]) -> list[LineNow]:
    """Open per line over the open rows' (status, line, created_at) index; the unowned are the
    open less the owned."""
    counted = {line: (n, oldest) for line, n, oldest in db.execute(
        "SELECT line, count(*), min(created_at) FROM escalations WHERE status = 'open' GROUP BY line")}
    breaches = dict(db.execute("SELECT line, count(*) FROM sla_clocks WHERE breached_at >= ? AND breached_at < ?"
                               " GROUP BY line", bounds(today)))
    lines = []
    for line in LINES:
        n, oldest = counted.get(line, (0, None))
        owned_here = sum(count for (_, level), count in owned.items() if level == line)
        lines.append(LineNow(line, n, n - owned_here, records.from_text(oldest), breaches.get(line, 0)))
    return lines


def _people(db: Database, period: Window, owned_by_line: dict[tuple[str, int], int]) -> list[PersonFigures]:
    waits: dict[str, list[float]] = {}
    # Each escalation a person resolved counts once, to its last resolution in the period (a case
    # resolved, reopened and resolved again is one). Its escalation is looked up by id: a week holds
    # thousands of resolutions and the table a year, which PostgreSQL's planner would hash whole.
    sql = ("SELECT ev.actor, max(ev.at), (SELECT created_at FROM escalations WHERE id = ev.escalation_id)"
           " FROM events ev WHERE ev.at >= ? AND ev.at < ? AND ev.action = 'resolved' GROUP BY ev.actor, ev.escalation_id")
    for actor, at, created in db.execute(sql, bounds(period)).fetchall():
        waits.setdefault(actor, []).append((records.from_text(at) - records.from_text(created)).total_seconds())
    owned: dict[str, int] = {}
    for (user, _), n in owned_by_line.items():
        owned[user] = owned.get(user, 0) + n
    # Each breached clock's owner on its line is looked up by the primary key: a week of breaches
    # is thousands of clocks, and PostgreSQL's planner would hash all of line_owners for them.
    breaches = {user: n for user, n in db.execute(
        'SELECT owner, count(*) FROM (SELECT (SELECT o."user" FROM line_owners o WHERE o.escalation_id = c.escalation_id'
        " AND o.line = c.line) AS owner FROM sla_clocks c WHERE c.breached_at >= ? AND c.breached_at < ?) breached"
        " GROUP BY owner", bounds(period)) if user is not None}
    csat = {user: (average, n) for user, average, n in db.execute(
        "SELECT resolver, avg(score), count(*) FROM (SELECT a.score, (SELECT actor FROM events"
        " WHERE escalation_id = a.escalation_id AND action = 'resolved' ORDER BY id DESC LIMIT 1) AS resolver"
        " FROM csat_answers a WHERE a.counts = 1 AND a.received_at >= ? AND a.received_at < ?) answered"
        " WHERE resolver IS NOT NULL GROUP BY resolver", bounds(period))}
    people = set(waits) | set(owned) | set(breaches) | set(csat)
    figures = [PersonFigures(user, len(waits.get(user, [])), owned.get(user, 0),
                             median(waits[user]) if user in waits else None, breaches.get(user, 0),
                             *csat.get(user, (None, 0))) for user in people]
    return sorted(figures, key=lambda person: (-person.resolved, -person.open_owned, person.user))
