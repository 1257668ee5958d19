"""Lists and report figures stay on the narrow indexes however the planner's statistics judge the table."""

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from storage.backlog import Bookmark, open_page
from storage.home_queries import owned_by, waiting_on_line
from storage.digest_figures import digest_figures
from storage.periods import day_window
from storage.shift_figures import shift_summary
from storage.team_figures import team_figures

pytestmark = pytest.mark.sqlite_only  # SQLite's own query plans

# sqlite_stat1 as ANALYZE writes it for a year of history: half the rows match any one status.
YEAR_OF_STATISTICS = [
    ("escalations", "escalations_open", "500000 250000 83334 1"),
    ("escalations", "escalations_created", "500000 1"),
    ("escalations", "escalations_open_by_age", "1400 1 1"),
    ("escalations", "escalations_open_by_priority", "1400 350 1 1"),
    ("escalations", "escalations_open_owned", "300 10 3 1 1 1"),  # owned open rows: a few per person
    ("escalations", "escalations_open_owned_by_line", "300 100 1 1"),
    ("escalations", "escalations_open_waiting", "40 1"),
    ("sla_clocks", "sla_clocks_one_running", "150000 1"),  # a backlog of 150,000 waiting unowned
    ("sla_clocks", "sla_clocks_running_by_due", "150000 1 1 1"),
    ("sla_clocks", "sla_clocks_due", "1800000 1"),
    ("sla_clocks", "sla_clocks_running_by_line", "150000 50000 1 1 1"),
    ("sla_clocks", "sla_clocks_running_line", "150000 50000"),
    ("events", "events_at", "1800000 2"),
    ("events", "events_resolved", "500000 2 2 1"),
]
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
LATER_CLOCKED_PAGE = Bookmark(True, "2026-11-24T08:00:00+00:00", "P2", 70_000)
LATER_OWNED_PAGE = Bookmark(False, "P3", "2026-06-01T09:00:00+00:00", 70_000)
# Reading a year of escalations (a full scan, or a walk of an index that is not over the open
# rows) or every running SLA clock (not only those acknowledgements wait on).
WHOLE_TABLE = re.compile(r"SCAN escalations(?! USING (COVERING )?INDEX escalations_open)"
                         r"|SCAN sla_clocks(?! USING (COVERING )?INDEX sla_clocks_running_)")

# A later page counts the rows ahead of it: the running clocks, one per escalation waiting for an owner.
WHOLE_TABLE_BUT_RUNNING_CLOCKS = re.compile(r"SCAN escalations(?! USING (COVERING )?INDEX escalations_open)"
                                            r"|SCAN sla_clocks(?! USING (COVERING )?INDEX sla_clocks_(one_)?running)")


def _with_a_year_of_statistics(db) -> None:
    db.execute("ANALYZE")
    db.execute("DELETE FROM sqlite_stat1")
    db.conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", YEAR_OF_STATISTICS)
    db.execute("ANALYZE sqlite_schema")  # reload the statistics into the planner


def _plans_of_statements(db, run) -> list[str]:
    """The query plan of every statement `run` sends, with its parameters filled in."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        run()
    finally:
        db.conn.set_trace_callback(None)
    return [" / ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
            for sql in statements if sql.lstrip().upper().startswith("SELECT")]


def test_the_first_page_walks_the_running_clocks_by_deadline_then_the_open_rows_by_priority(db):
    _with_a_year_of_statistics(db)
    clocked, unclocked = _plans_of_statements(db, lambda: open_page(db, "open", "U0AGENT1", NOW))[:2]
    assert "sla_clocks_running_by_due" in clocked, clocked
    assert "escalations_open_by_priority" in unclocked, unclocked


def test_later_pages_start_at_their_bookmark_and_are_counted_on_narrow_indexes(db):
    _with_a_year_of_statistics(db)
    for view in ("open", "unowned", "L2", "mine"):
        for after in (LATER_CLOCKED_PAGE, LATER_OWNED_PAGE):
            plans = _plans_of_statements(db, lambda: open_page(db, view, "U0AGENT1", NOW, after))
            assert not [plan for plan in plans if WHOLE_TABLE_BUT_RUNNING_CLOCKS.search(plan)], (view, after, plans)
    page = _plans_of_statements(db, lambda: open_page(db, "open", "U0AGENT1", NOW, LATER_CLOCKED_PAGE))[0]
    assert "sla_clocks_running_by_due ((due_at,priority,escalation_id)>(?,?,?))" in page, page
    page = _plans_of_statements(db, lambda: open_page(db, "open", "U0AGENT1", NOW, LATER_OWNED_PAGE))[0]
    assert "escalations_open_by_priority ((priority,created_at)>(?,?))" in page, page
    mine = _plans_of_statements(db, lambda: open_page(db, "mine", "U0AGENT1", NOW, LATER_OWNED_PAGE))
    assert all("escalations_open_owned (open_owner=?" in plan for plan in mine if "escalations" in plan), mine


def test_the_digest_and_the_shift_summary_never_read_the_whole_history(db):
    _with_a_year_of_statistics(db)
    tz = ZoneInfo("Europe/Berlin")
    day = day_window(date(2026, 11, 23), tz)
    plans = _plans_of_statements(db, lambda: digest_figures(db, day, tz))
    plans += _plans_of_statements(db, lambda: shift_summary(db, "Late", day, datetime(2026, 11, 24, tzinfo=timezone.utc)))
    assert len(plans) > 20
    assert not [plan for plan in plans if WHOLE_TABLE.search(plan)]


def test_who_owns_what_is_read_from_the_owned_rows_not_asked_of_line_owners_for_every_open_row(db):
    _with_a_year_of_statistics(db)
    tz = ZoneInfo("Europe/Berlin")
    day = day_window(date(2026, 11, 23), tz)
    plans = _plans_of_statements(db, lambda: shift_summary(db, "Late", day, NOW))
    plans += _plans_of_statements(db, lambda: team_figures(db, NOW, 7, "Europe/Berlin", ()))
    plans += _plans_of_statements(db, lambda: owned_by(db, "U0AGENT1", 10))
    # the owners of the rows a list loads are looked up by their key, after the rows are chosen
    loaded_rows_owners = "SEARCH o USING INDEX sqlite_autoindex_line_owners_1 (escalation_id=? AND line=?)"
    per_open_row = [plan for plan in plans
                    if "line_owners" in plan.replace(loaded_rows_owners, "") and "escalations_open" in plan]
    assert not per_open_row, per_open_row
    assert any("escalations_open_owned_by_line" in plan for plan in plans), plans
    assert any("escalations_open_owned (open_owner=?" in plan for plan in plans), plans
    assert any("escalations_open_waiting" in plan for plan in plans), plans


def test_a_homes_queue_starts_at_its_line_and_the_team_view_reads_the_periods_resolutions(db):
    _with_a_year_of_statistics(db)
    page, count = _plans_of_statements(db, lambda: waiting_on_line(db, 2, 10))
    assert "sla_clocks_running_by_line (line=?)" in page and "sla_clocks_running_line (line=?)" in count, (page, count)
    plans = _plans_of_statements(db, lambda: team_figures(db, NOW, 7, "Europe/Berlin", ()))
    assert any("events_resolved (at>? AND at<?)" in plan for plan in plans), plans
    assert not [plan for plan in plans if WHOLE_TABLE.search(plan)], plans
