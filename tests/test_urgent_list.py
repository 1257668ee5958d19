"""`/esc list` in the order agents work: overdue first, then by SLA deadline, then priority; the
owned ones after, by priority and age. Core only, real SQLite, a fixed clock."""

from datetime import datetime, timedelta, timezone

from storage.port import row_count
from storage import escalations as core
from storage.backlog import FIRST_PAGE, Urgency, open_page, urgency
from storage.model import NewEscalation, Source
from storage.working import wait

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def raise_at(db, when, priority, line=1, summary="Case"):
    new = NewEscalation(summary=summary, requester="U0AGENT1", channel="C0HELP", source=Source.COMMAND,
                        priority=priority, line=line)
    return core.raise_escalation(db, when, new, f"raise-{row_count(db, 'escalations')}").escalation.id


def a_working_day(db) -> None:
    """Deadlines by the default SLA: take P1 10 min, P2 30 min, P3 2 h, P4 1 d."""
    raise_at(db, T0 - 180 * MINUTE, "P3")  # 1: due an hour ago
    raise_at(db, T0 - 20 * MINUTE, "P1")  # 2: due 10 minutes ago
    raise_at(db, T0 - 10 * MINUTE, "P2", line=2)  # 3: due in 20 minutes
    raise_at(db, T0, "P4")  # 4: due tomorrow
    core.take(db, T0, raise_at(db, T0 - 1440 * MINUTE, "P1"), "U0AGENT1", "take-5")  # 5: owned
    core.take(db, T0, raise_at(db, T0 - 2880 * MINUTE, "P4"), "U0AGENT2", "take-6")  # 6: owned, older
    raise_at(db, T0 - 110 * MINUTE, "P3")  # 7: due in 10 minutes
    raise_at(db, T0, "P1", line=2)  # 8: due in 10 minutes too, and more pressing
    core.resolve(db, T0, raise_at(db, T0 - 300 * MINUTE, "P1"), "U0AGENT1", None, "resolve-9")


def keys_and_groups(page):
    return [(row.escalation.key, row.urgency) for row in page.rows]


def test_overdue_then_by_deadline_then_priority_then_the_owned_ones(db):
    a_working_day(db)
    page = open_page(db, "open", "U0AGENT1", T0)
    assert keys_and_groups(page) == [
        ("ESC-1", Urgency.OVERDUE), ("ESC-2", Urgency.OVERDUE),
        ("ESC-8", Urgency.DUE_SOON), ("ESC-7", Urgency.DUE_SOON), ("ESC-3", Urgency.DUE_SOON),
        ("ESC-4", Urgency.UNOWNED),
        ("ESC-5", Urgency.OTHERS), ("ESC-6", Urgency.OTHERS),
    ]
    assert (page.total, page.shown_before, page.next_after) == (8, 0, None)
    assert page.rows[0].due_at == T0 - 60 * MINUTE


def test_an_hour_later_the_same_rows_read_more_urgent(db):
    a_working_day(db)
    later = [group for _, group in keys_and_groups(open_page(db, "open", "U0AGENT1", T0 + 30 * MINUTE))]
    assert later[:6] == [Urgency.OVERDUE] * 5 + [Urgency.UNOWNED]


def test_pages_cross_from_the_deadlines_to_the_owned_ones_without_a_gap_or_a_repeat(db):
    a_working_day(db)
    whole = [key for key, _ in keys_and_groups(open_page(db, "open", "U0AGENT1", T0))]
    pages, after = [], FIRST_PAGE
    while after is not None:
        page = open_page(db, "open", "U0AGENT1", T0, after, size=3)
        pages.append(page)
        after = page.next_after
    assert [[row.escalation.key for row in page.rows] for page in pages] == [whole[0:3], whole[3:6], whole[6:8]]
    assert [page.shown_before for page in pages] == [0, 3, 6]


def test_every_view_keeps_the_same_order(db):
    a_working_day(db)
    keys = lambda view: [row.escalation.key for row in open_page(db, view, "U0AGENT1", T0).rows]
    assert keys("unowned") == ["ESC-1", "ESC-2", "ESC-8", "ESC-7", "ESC-3", "ESC-4"]
    assert keys("L2") == ["ESC-8", "ESC-3"]
    assert keys("mine") == ["ESC-5"]
    later_page = open_page(db, "L1", "U0AGENT1", T0, open_page(db, "L1", "U0AGENT1", T0, size=2).next_after, size=2)
    assert [row.escalation.key for row in later_page.rows] == ["ESC-7", "ESC-4"] and later_page.shown_before == 2


def test_urgency_is_read_against_now():
    assert urgency(None, T0) is Urgency.OTHERS
    assert urgency(T0, T0) is Urgency.OVERDUE
    assert urgency(T0 + 60 * MINUTE, T0) is Urgency.DUE_SOON
    assert urgency(T0 + 61 * MINUTE, T0) is Urgency.UNOWNED


def test_an_escalation_waiting_on_the_customer_is_not_listed_as_overdue(db):
    waiting = raise_at(db, T0 - 180 * MINUTE, "P3")  # its take deadline passed an hour ago
    raise_at(db, T0 - 20 * MINUTE, "P1")  # due 10 minutes ago, not waiting
    wait(db, T0 - 170 * MINUTE, waiting, "U0AGENT1", "asked for logs", "wait-1")
    page = open_page(db, "open", "U0AGENT1", T0)
    assert keys_and_groups(page) == [("ESC-2", Urgency.OVERDUE), ("ESC-1", Urgency.OTHERS)]
    assert page.total == 2
