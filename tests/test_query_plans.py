"""Lists stay on the narrow index however the planner's statistics judge the table."""

from storage.queries import list_escalations

# sqlite_stat1 as ANALYZE writes it for a year of history: half the rows match any one status.
YEAR_OF_STATISTICS = [
    ("escalations", "escalations_open", "500000 250000 83334 1"),
    ("escalations", "escalations_created", "500000 1"),
    ("escalations", "escalations_open_by_age", "1400 1 1"),
]


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
    db.execute("ANALYZE")
    db.execute("DELETE FROM sqlite_stat1")
    db.conn.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", YEAR_OF_STATISTICS)
    db.execute("ANALYZE sqlite_schema")  # reload the statistics into the planner
    plans = _plans_of_statements(db, lambda: list_escalations(db, "open", "U0AGENT1"))
    assert "escalations_open_by_age" in plans[0], plans[0]
