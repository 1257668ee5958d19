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
# Not a correlated EXISTS: this reads the person's own rows through line_owners_user instead of
# asking line_owners about every open escalation (220 ms for a page at 150,000 open).
OWNED_BY = "(id, line) IN (SELECT escalation_id, line FROM line_owners WHERE user = ?)"


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
    next_after = _bookmark(shown[-1]) if len(found) > size else None
    return Page(view, shown, total, shown_before, next_after)


def oldest_open(db: Database, view: str, limit: int) -> list[Escalation]:
    """The oldest `limit` of a view that is the same for everyone (not "mine")."""
    where, params = _view_filter(view, "")
    return records.load_escalations(db, where, params, limit=limit)


@dataclass(frozen=True)
class OpenCounts:
    by_line: dict[int, int]  # every line
    unowned: int


def open_counts(db: Database) -> OpenCounts:
    """One pass over the (status, line, created_at) index, asking line_owners about each row."""
    sql = f"SELECT line, count(*), coalesce(sum({UNOWNED}), 0) FROM escalations WHERE status = 'open' GROUP BY line"
    counted = {line: (n, unowned) for line, n, unowned in db.execute(sql).fetchall()}
    return OpenCounts({line: counted.get(line, (0, 0))[0] for line in LINES},
                      sum(unowned for _, unowned in counted.values()))


def _bookmark(esc: Escalation) -> Bookmark:
    """`created_at` written back as records.to_text stored it, so it compares equal in SQL."""
    return Bookmark(records.to_text(esc.created_at), esc.id)


def _position(db: Database, where: str, params: list, after: Bookmark) -> tuple[int, int]:
    """(rows in the view, rows up to and including `after`). The second reads only the rows
    before the page, over the index's range: nothing at all for the first page."""
    total = db.execute(f"SELECT count(*) FROM escalations WHERE {where}", params).fetchone()[0]
    sql = f"SELECT count(*) FROM escalations WHERE {where} AND (created_at, id) <= (?, ?)"
    return total, db.execute(sql, [*params, after.created_at, after.id]).fetchone()[0]


def _view_filter(view: str, user: str) -> tuple[str, list]:
    if view == "mine":
        return f"status = 'open' AND {OWNED_BY}", [user]
    if view == "unowned":
        return f"status = 'open' AND {UNOWNED}", []
    if view in ("L1", "L2", "L3"):
        return "status = 'open' AND line = ?", [int(view[1])]
    return "status = 'open'", []
