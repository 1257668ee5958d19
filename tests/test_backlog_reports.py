"""A shift summary and a digest over a backlog longer than they list: full counts, the oldest rows,
and `/esc list` named for the rest."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from commands.digest.shift_blocks import render_shift_summary
from storage.digest_figures import digest_figures
from storage.periods import day_window
from storage.shift_figures import LISTED_PER_LIST, shift_summary
from tests.blockkit import assert_valid_blocks
from tests.report_fixtures import at, clock, escalation
from tests.test_blocks import TEAM

BERLIN = ZoneInfo("Europe/Berlin")
DAY = day_window(date(2026, 11, 23), BERLIN)
NOW = datetime(2026, 11, 23, 23, 0, tzinfo=timezone.utc)
OPEN_ON_LINE_1 = 60


def long_backlog(db) -> None:
    """60 unowned on line 1, raised a minute apart in reverse ID order; 2 owned on line 2; 2 on line 3
    waiting for their acknowledgement."""
    start = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    for esc_id in range(1, OPEN_ON_LINE_1 + 1):
        escalation(db, esc_id, at(start + timedelta(minutes=OPEN_ON_LINE_1 - esc_id)))
    for esc_id in (61, 62):
        escalation(db, esc_id, at(start), line=2, owner="U0SPEC1")
    for esc_id, waited in ((63, 30), (64, 90)):
        escalation(db, esc_id, at(start), line=3, owner="U0SPEC1", priority="P1")
        clock(db, esc_id, line=3, kind="ack", priority="P1", started=at(NOW - timedelta(minutes=waited)),
              due=at(NOW + timedelta(minutes=60)))


def test_the_shift_summary_counts_every_open_case_and_lists_only_the_oldest(db):
    long_backlog(db)
    summary = shift_summary(db, "Late", DAY, NOW)
    assert summary.open_count_by_line == {1: OPEN_ON_LINE_1, 2: 2, 3: 2}
    assert summary.owned_count_by_line == {1: 0, 2: 2, 3: 2}
    assert {line: [e.key for e in owned] for line, owned in summary.owned_by_line.items()} == {
        1: [], 2: ["ESC-61", "ESC-62"], 3: ["ESC-63", "ESC-64"]}
    assert [e.key for e in summary.unowned] == [f"ESC-{i}" for i in range(60, 60 - LISTED_PER_LIST, -1)]
    assert summary.unowned_count == OPEN_ON_LINE_1
    assert summary.waiting_ack_count == 2 and [w.escalation.key for w in summary.waiting_ack] == ["ESC-64", "ESC-63"]
    assert [e.key for e in digest_figures(db, DAY, BERLIN).oldest_open] == ["ESC-60", "ESC-61", "ESC-62"], "ties by ID"


def test_the_thread_holds_the_oldest_of_each_list_and_names_esc_list_for_the_rest(db):
    long_backlog(db)
    message = render_shift_summary(shift_summary(db, "Late", DAY, NOW), TEAM)
    text = repr(message.blocks)
    assert "Unowned (60)" in text and "Waiting for acknowledgement on L3 (2)" in text
    assert "😌 Nothing raised, taken, resolved, reopened or handed off, no SLA breach and no CSAT answer. Open now: 64," \
           " 60 of them unowned." in text, "a shift without activity says so in one line, not nine zeros"
    assert "Owned on L2 · Specialists (2)" in text and "Owned on L1" not in text, "each open case in one list"
    assert "…and 55 more, the next 43 in the thread; `/esc list unowned` lists them all." in text
    assert all(text.count(f"*ESC-{i}*") == 1 for i in (60, 59, 61, 62)), "listed once: not per line and unowned too"
    (reply,) = message.thread
    thread = repr(reply)
    listed_in_thread = [f"*ESC-{i}*" for i in range(60, 60 - LISTED_PER_LIST, -1)]
    assert all(thread.count(key) == 1 for key in listed_in_thread) and "*ESC-12*" not in thread
    assert thread.count("…and 12 more: `/esc list unowned` lists them all.") == 1
    for blocks in (message.blocks, *message.thread):
        assert_valid_blocks(blocks)


def test_the_summary_asked_for_privately_ends_with_where_to_see_the_rest(db):
    long_backlog(db)
    asked = render_shift_summary(shift_summary(db, "Late", DAY, NOW), TEAM, thread_allowed=False)
    assert "…and 55 more: `/esc list unowned` lists them all." in repr(asked.blocks) and asked.thread == []
    assert asked.blocks[-1]["type"] == "context" and "`/esc list`" in repr(asked.blocks[-1])
    assert "…and" not in repr(asked.blocks[-1]) and " more." not in repr(asked.blocks)
    assert_valid_blocks(asked.blocks)
