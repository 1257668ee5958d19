"""The open backlog a page, a few rows or a count at a time, so a team far behind gets fast answers.

Every read here is bounded by what it shows. A page follows the last row the person saw
(keyset: `(…) > (…)` over an index already in that order) rather than OFFSET, which would read
every skipped row again; lists stop at a LIMIT; counts are COUNT / GROUP BY over the open rows'
indexes. Nothing loads the whole backlog into Python: with 150,000 open escalations that took
seconds and half a gigabyte.

`/esc list` shows the most urgent first. Every escalation waiting for an owner on its line has
one running SLA clock, so the list walks the running clocks by due time (overdue ones are due
earliest), then priority; after them come the escalations without a running clock (owned on
their line), by priority, then age. Each part is one walk of its own index.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlite_utils import Database

from storage import records
from storage.model import LINES, Escalation

LIST_VIEWS = ("open", "mine", "unowned", "L1", "L2", "L3")
PAGE_SIZE = 15
DUE_SOON = timedelta(hours=1)
UNOWNED = "open_owner IS NULL"
OWNED_BY = "open_owner = ?"
OWNED_VIEWS = ("mine",)  # owning an escalation on its line stops its clock: these have no clocked rows
# A clock paused while its escalation waits on the customer has no deadline to sort by: the
# escalation is listed with those that have no running clock.
TICKING = "stopped_at IS NULL AND paused_at IS NULL"
RUNNING_CLOCK = ("SELECT 1 FROM sla_clocks WHERE sla_clocks.escalation_id = escalations.id"
                 " AND sla_clocks.stopped_at IS NULL AND sla_clocks.paused_at IS NULL")
# The clock's escalation passes the view's filter; the filter's unqualified columns are the escalation's.
IN_VIEW = "EXISTS (SELECT 1 FROM escalations WHERE escalations.id = sla_clocks.escalation_id AND {where})"


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    UNOWNED = "unowned"  # waiting for an owner, its deadline further off
    OTHERS = "others"  # owned on its line: no clock running


@dataclass(frozen=True)
class Bookmark:
    """The last row a page showed, by the keys of its part of the list; the next page starts
    after it, however the backlog changed."""

    clocked: bool  # among the escalations with a running clock: (due_at, priority, id); else (priority, created_at, id)
    first: str
    second: str
    id: int


FIRST_PAGE = Bookmark(True, "", "", 0)
FIRST_UNCLOCKED = Bookmark(False, "", "", 0)


@dataclass(frozen=True)
class Listed:
    escalation: Escalation
    due_at: datetime | None  # its running SLA clock's deadline
    urgency: Urgency


@dataclass(frozen=True)
class Page:
    view: str
    rows: list[Listed]
    total: int
    shown_before: int  # open rows in this view ahead of this page, as of now
    next_after: Bookmark | None  # set when more rows follow

    @property
    def escalations(self) -> list[Escalation]:
        return [row.escalation for row in self.rows]


def open_page(db: Database, view: str, user: str, now: datetime, after: Bookmark = FIRST_PAGE,
              size: int = PAGE_SIZE) -> Page:
    """Up to `size` open escalations of one of LIST_VIEWS that come after `after`, most urgent first."""
    where, params = _view_filter(view, user)
    found: list[tuple[Bookmark, str | None]] = []
    if after.clocked and view not in OWNED_VIEWS:
        found = _clocked(db, where, params, after, size + 1)
    if len(found) <= size:
        found += _unclocked(db, where, params, after if not after.clocked else FIRST_UNCLOCKED, size + 1 - len(found))
    shown = found[:size]
    rows = [_listed(records.load_escalation(db, key.id), records.from_text(due), now) for key, due in shown]
    total = db.execute(f"SELECT count(*) FROM escalations WHERE {where}", params).fetchone()[0]
    next_after = shown[-1][0] if len(found) > size else None
    return Page(view, rows, total, _shown_before(db, view, where, params, after), next_after)


def urgency(due_at: datetime | None, now: datetime) -> Urgency:
    if due_at is None:
        return Urgency.OTHERS
    if due_at <= now:
        return Urgency.OVERDUE
    return Urgency.DUE_SOON if due_at <= now + DUE_SOON else Urgency.UNOWNED


def _shown_before(db: Database, view: str, where: str, params: list, after: Bookmark) -> int:
    """Rows of the view up to and including `after`, counted over the same indexes as the
    pages: nothing at all for the first page."""
    if after == FIRST_PAGE:
        return 0
    clocked = 0 if view in OWNED_VIEWS else _count_clocked(db, where, params, after if after.clocked else None)
    if after.clocked:
        return clocked
    sql = (f"SELECT count(*) FROM escalations WHERE {where} AND NOT EXISTS ({RUNNING_CLOCK})"
           " AND (priority, created_at, id) <= (?, ?, ?)")
    return clocked + db.execute(sql, [*params, after.first, after.second, after.id]).fetchone()[0]


def _count_clocked(db: Database, where: str, params: list, upto: Bookmark | None) -> int:
    upto_sql, upto_params = ("AND (due_at, priority, escalation_id) <= (?, ?, ?)",
                             [upto.first, upto.second, upto.id]) if upto else ("", [])
    sql = f"SELECT count(*) FROM sla_clocks WHERE {TICKING} {upto_sql} AND {IN_VIEW.format(where=where)}"
    return db.execute(sql, [*upto_params, *params]).fetchone()[0]


def _clocked(db: Database, where: str, params: list, after: Bookmark, limit: int) -> list[tuple[Bookmark, str | None]]:
    """Running clocks by deadline over their own index, each asked whether its escalation is in the view."""
    sql = ("SELECT due_at, priority, escalation_id FROM sla_clocks"
           f" WHERE {TICKING} AND (due_at, priority, escalation_id) > (?, ?, ?) AND {IN_VIEW.format(where=where)}"
           " ORDER BY due_at, priority, escalation_id LIMIT ?")
    found = db.execute(sql, [after.first, after.second, after.id, *params, limit]).fetchall()
    return [(Bookmark(True, due, priority, esc_id), due) for due, priority, esc_id in found]


def _unclocked(db: Database, where: str, params: list, after: Bookmark, limit: int) -> list[tuple[Bookmark, str | None]]:
    sql = (f"SELECT priority, created_at, id FROM escalations WHERE {where} AND NOT EXISTS ({RUNNING_CLOCK})"
           " AND (priority, created_at, id) > (?, ?, ?) ORDER BY priority, created_at, id LIMIT ?")
    found = db.execute(sql, [*params, after.first, after.second, after.id, limit]).fetchall()
    return [(Bookmark(False, priority, created, esc_id), None) for priority, created, esc_id in found]


def _listed(esc: Escalation, due_at: datetime | None, now: datetime) -> Listed:
    return Listed(esc, due_at, urgency(due_at, now))


def oldest_open(db: Database, view: str, limit: int) -> list[Escalation]:
    """The oldest `limit` of a view that is the same for everyone (not "mine")."""
    where, params = _view_filter(view, "")
    return records.load_escalations(db, where, params, limit=limit)


@dataclass(frozen=True)
class OpenCounts:
    by_line: dict[int, int]  # every line
    unowned_by_line: dict[int, int]

    @property
    def unowned(self) -> int:
        return sum(self.unowned_by_line.values())

    @property
    def owned_by_line(self) -> dict[int, int]:
        return {line: self.by_line[line] - self.unowned_by_line[line] for line in LINES}


def open_counts(db: Database) -> OpenCounts:
    """Two index-only counts: the open rows by line, and the owned ones (their own index); the
    unowned are the rest."""
    by_line = dict(db.execute("SELECT line, count(*) FROM escalations WHERE status = 'open' GROUP BY line").fetchall())
    owned = dict(db.execute("SELECT line, count(*) FROM escalations WHERE open_owner IS NOT NULL GROUP BY line").fetchall())
    return OpenCounts({line: by_line.get(line, 0) for line in LINES},
                      {line: by_line.get(line, 0) - owned.get(line, 0) for line in LINES})


def _view_filter(view: str, user: str) -> tuple[str, list]:
    if view == "mine":
        return f"status = 'open' AND {OWNED_BY}", [user]
    if view == "unowned":
        return f"status = 'open' AND {UNOWNED}", []
    if view in ("L1", "L2", "L3"):
        return "status = 'open' AND line = ?", [int(view[1])]
    return "status = 'open'", []
