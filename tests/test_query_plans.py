"""Lists and report figures stay on the narrow indexes however the planner's statistics judge the table."""

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from storage.backlog import Bookmark, open_page
from storage.digest_figures import digest_figures
from storage.periods import day_window
from storage.shift_figures import shift_summary

# sqlite_stat1 as ANALYZE writes it for a year of history: half the rows match any one status.
YEAR_OF_STATISTICS = [
    ("escalations", "escalations_open", "500000 250000 83334 1"),
    ("escalations", "escalations_created", "500000 1"),
    ("escalations", "escalations_open_by_age", "1400 1 1"),
    ("sla_clocks", "sla_clocks_one_running", "150000 1"),  # a backlog of 150,000 waiting unowned
]
LATER_PAGE = Bookmark("2026-06-01T09:00:00+00:00", 70_000)
# Reading a year of escalations (a full scan, or a walk of an index that is not over the open
# rows) or every running SLA clock (not only those acknowledgements wait on).
WHOLE_TABLE = re.compile(r"SCAN escalations(?! USING (COVERING )?INDEX escalations_open)"
                         r"|SCAN sla_clocks(?! USING INDEX sla_clocks_running_ack)")


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


def test_open_list_reads_only_the_open_rows_even_with_a_year_of_statistics(db):
    _with_a_year_of_statistics(db)
    plans = _plans_of_statements(db, lambda: open_page(db, "open", "U0AGENT1"))
    assert "escalations_open_by_age" in plans[0], plans[0]


def test_a_later_page_starts_at_its_bookmark_and_the_total_is_counted_on_an_index(db):
    _with_a_year_of_statistics(db)
    page, total = _plans_of_statements(db, lambda: open_page(db, "open", "U0AGENT1", LATER_PAGE))[:2]
    assert "USING INDEX escalations_open_by_age (created_at>?)" in page, page
    assert "COVERING INDEX escalations_open" in total, total
    line_page = _plans_of_statements(db, lambda: open_page(db, "L2", "U0AGENT1", LATER_PAGE))[0]
    assert "escalations_open (status=? AND line=? AND created_at>?)" in line_page, line_page
    mine = _plans_of_statements(db, lambda: open_page(db, "mine", "U0AGENT1", LATER_PAGE))
    assert all("line_owners_user" in plan and not WHOLE_TABLE.search(plan) for plan in mine), mine


def test_the_digest_and_the_shift_summary_never_read_the_whole_history(db):
    _with_a_year_of_statistics(db)
    tz = ZoneInfo("Europe/Berlin")
    day = day_window(date(2026, 11, 23), tz)
    plans = _plans_of_statements(db, lambda: digest_figures(db, day, tz))
    plans += _plans_of_statements(db, lambda: shift_summary(db, "Late", day, datetime(2026, 11, 24, tzinfo=timezone.utc)))
    assert len(plans) > 20
    assert not [plan for plan in plans if WHOLE_TABLE.search(plan)]
