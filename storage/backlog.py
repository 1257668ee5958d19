"""The open backlog a page, a few rows or a count at a time, so a team far behind gets fast answers.

Every read here is bounded by what it shows. A page follows the last row the person saw
(keyset: `(created_at, id) > (…)` over an index already in that order) rather than OFFSET,
which would read every skipped row again; lists stop at a LIMIT; counts are COUNT / GROUP BY
over the open rows' indexes. Nothing loads the whole backlog into Python: with 150,000 open
escalations that took seconds and half a gigabyte.
"""

from dataclasses import dataclass

from sqlite_utils import Database

from storage import records
from storage.model import LINES, Escalation

LIST_VIEWS = ("open", "mine", "unowned", "L1", "L2", "L3")
PAGE_SIZE = 40
UNOWNED = ("NOT EXISTS (SELECT 1 FROM line_owners o WHERE o.escalation_id = escalations.id"
           " AND o.line = escalations.line)")
OWNED_BY = ("EXISTS (SELECT 1 FROM line_owners o WHERE o.escalation_id = escalations.id"
            " AND o.line = escalations.line AND o.user = ?)")


@dataclass(frozen=True)
class Bookmark:
    """The last row a page showed; the next page starts after it, however the backlog changed."""

    created_at: str
    id: int


FIRST_PAGE = Bookmark("", 0)


@dataclass(frozen=True)
class Page:
    view: str
    escalations: list[Escalation]
    total: int
    shown_before: int  # open rows in this view ahead of this page, as of now
    next_after: Bookmark | None  # set when more rows follow


def open_page(db: Database, view: str, user: str, after: Bookmark = FIRST_PAGE, size: int = PAGE_SIZE) -> Page:
    """Up to `size` open escalations of one of LIST_VIEWS that come after `after`, oldest first."""
    where, params = _view_filter(view, user)
    found = records.load_escalations(db, f"{where} AND (created_at, id) > (?, ?)",
                                     [*params, after.created_at, after.id], limit=size + 1)
    shown = found[:size]
    total, shown_before = _position(db, where, params, after)
    more = len(found) > size
    return Page(view, shown, total, shown_before, Bookmark(records.to_text(shown[-1].created_at), shown[-1].id) if more else None)


def oldest_open(db: Database, view: str, limit: int, user: str = "") -> list[Escalation]:
    where, params = _view_filter(view, user)
    return records.load_escalations(db, where, params, limit=limit)


def count_open(db: Database, view: str, user: str = "") -> int:
    where, params = _view_filter(view, user)
    return db.execute(f"SELECT count(*) FROM escalations WHERE {where}", params).fetchone()[0]


def open_count_by_line(db: Database) -> dict[int, int]:
    """Every line, over the (status, line, created_at) index alone."""
    sql = "SELECT line, count(*) FROM escalations WHERE status = 'open' GROUP BY line"
    counted = dict(db.execute(sql).fetchall())
    return {line: counted.get(line, 0) for line in LINES}


def _position(db: Database, where: str, params: list, after: Bookmark) -> tuple[int, int]:
    """(rows in the view, rows up to and including `after`) in one pass over the view's index."""
    sql = f"SELECT count(*), coalesce(sum((created_at, id) <= (?, ?)), 0) FROM escalations WHERE {where}"
    total, before = db.execute(sql, [after.created_at, after.id, *params]).fetchone()
    return total, before


def _view_filter(view: str, user: str) -> tuple[str, list]:
    if view == "mine":
        return f"status = 'open' AND {OWNED_BY}", [user]
    if view == "unowned":
        return f"status = 'open' AND {UNOWNED}", []
    if view in ("L1", "L2", "L3"):
        return "status = 'open' AND line = ?", [int(view[1])]
    return "status = 'open'", []
