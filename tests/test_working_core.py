"""Release, waiting on the customer and edits in the core, with a fixed clock."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from commands.digest.digest_blocks import render_digest
from storage import escalations as core
from storage import working
from storage.digest_figures import digest_figures
from storage.errors import InvalidTransition, UsageError
from storage.figure_queries import seconds_to_resolve
from storage.model import Details, NewEscalation, Source
from storage.ownership import NotYours
from storage.periods import Window
from storage.queries import timeline
from storage.shift_figures import shift_summary
from storage.sla import SlaPolicy, claim_due_reminders, latest_clock, running_clock
from tests.blockkit import assert_valid_blocks
from tests.test_blocks import TEAM

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
POLICY = SlaPolicy(ack={p: timedelta(minutes=15 * n) for n, p in enumerate(("P1", "P2", "P3", "P4"), 1)},
                   take={p: timedelta(minutes=10 * n) for n, p in enumerate(("P1", "P2", "P3", "P4"), 1)},
                   remind_every=timedelta(minutes=5), max_reminders=2)
LEADS = frozenset({"U0LEAD"})


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def raise_one(db, line=1, priority="P2"):
    new = NewEscalation("Exports fail", "U0CUST", "C0HELP", Source.COMMAND, priority=priority, line=line)
    return core.raise_escalation(db, T0, new, "r", POLICY).escalation


def test_release_gives_it_back_and_restarts_the_take_clock(db):
    esc = raise_one(db)
    core.take(db, at(3), esc.id, "U0ANA", "t", POLICY)
    with pytest.raises(NotYours, match="only its owner or a lead can release"):
        working.release(db, at(4), esc.id, "U0SAM", "x", LEADS, POLICY)
    released = working.release(db, at(5), esc.id, "U0ANA", "rel", LEADS, POLICY)
    assert released.escalation.current_owner is None
    assert (released.events[0].action, released.events[0].from_value) == ("released", "U0ANA")
    clock = running_clock(db, esc.id)
    assert (clock.started_at, clock.due_at) == (at(5), at(25))
    with pytest.raises(InvalidTransition, match="Nobody owns ESC-1 on line 1"):
        working.release(db, at(6), esc.id, "U0ANA", "rel2", LEADS, POLICY)
    core.take(db, at(7), esc.id, "U0SAM", "t2", POLICY)
    assert working.release(db, at(8), esc.id, "U0LEAD", "rel3", LEADS, POLICY).escalation.current_owner is None


def test_waiting_pauses_the_clock_and_resume_keeps_the_time_left(db):
    esc = raise_one(db)  # take due at 20
    working.wait(db, at(5), esc.id, "U0ANA", "asked for logs", "w", LEADS, POLICY)
    waiting = core.records.load_escalation(db, esc.id)
    assert (waiting.waiting_since, waiting.waiting_reason) == (at(5), "asked for logs")
    assert running_clock(db, esc.id).paused_at == at(5)
    assert claim_due_reminders(db, at(60), POLICY) == [], "no reminder while waiting"
    with pytest.raises(InvalidTransition, match="already waiting"):
        working.wait(db, at(61), esc.id, "U0ANA", None, "w2", LEADS, POLICY)
    resumed = working.resume(db, at(65), esc.id, "U0CUST", "res", LEADS, POLICY)
    assert resumed.events[0].note == str(60 * 60)
    clock = running_clock(db, esc.id)
    assert (clock.paused_at, clock.due_at, clock.next_reminder_at) == (None, at(80), at(80))
    assert claim_due_reminders(db, at(79), POLICY) == []
    assert len(claim_due_reminders(db, at(80), POLICY)) == 1
    with pytest.raises(InvalidTransition, match="not waiting"):
        working.resume(db, at(81), esc.id, "U0ANA", "res2", LEADS, POLICY)


def test_wait_refuses_a_resolved_escalation_and_an_owned_one_for_others(db):
    esc = raise_one(db)
    core.take(db, at(1), esc.id, "U0ANA", "t", POLICY)
    with pytest.raises(NotYours, match="put on hold"):
        working.wait(db, at(2), esc.id, "U0SAM", None, "w", LEADS, POLICY)
    working.wait(db, at(2), esc.id, "U0LEAD", None, "w1", LEADS, POLICY)
    with pytest.raises(NotYours, match="resume"):
        working.resume(db, at(3), esc.id, "U0SAM", "r1", LEADS, POLICY)
    core.resolve(db, at(30), esc.id, "U0ANA", None, "res", POLICY)
    with pytest.raises(InvalidTransition, match="ESC-1 is resolved"):
        working.wait(db, at(31), esc.id, "U0ANA", None, "w2", LEADS, POLICY)


def test_time_to_resolve_leaves_out_waiting_on_the_customer(db):
    esc = raise_one(db)
    working.wait(db, at(10), esc.id, "U0ANA", None, "w", LEADS, POLICY)
    working.resume(db, at(40), esc.id, "U0ANA", "res", LEADS, POLICY)
    working.wait(db, at(50), esc.id, "U0ANA", None, "w2", LEADS, POLICY)
    core.resolve(db, at(70), esc.id, "U0ANA", None, "done", POLICY)  # resolved while waiting: 20 more
    assert seconds_to_resolve(db, Window("day", T0, at(120))) == [20 * 60]
    assert core.records.load_escalation(db, esc.id).waiting_since is None


def test_waiting_on_an_owned_case_pauses_the_clock_a_release_starts(db):
    esc = raise_one(db)
    core.take(db, at(1), esc.id, "U0ANA", "t", POLICY)
    working.wait(db, at(2), esc.id, "U0ANA", None, "w", LEADS, POLICY)
    working.release(db, at(3), esc.id, "U0ANA", "rel", LEADS, POLICY)
    assert running_clock(db, esc.id).paused_at == at(3)


def test_edit_writes_one_event_per_field_and_a_new_priority_restarts_the_clock(db):
    esc = raise_one(db, priority="P3")  # take due at 30
    core.move(db, at(5), esc.id, "U0ANA", +1, None, "up", policy=POLICY)  # on line 2 from 5: P3 due at 35
    details = Details("Exports fail for EU", "P1", None, "ZD-1")
    edited = working.edit(db, at(8), esc.id, "U0ANA", details, "e", LEADS, POLICY)
    assert {(e.note, e.from_value, e.to_value) for e in edited.events} == {
        ("summary", "Exports fail", "Exports fail for EU"), ("priority", "P3", "P1"), ("customer_ref", None, "ZD-1")}
    clock = running_clock(db, esc.id)
    assert (clock.priority, clock.started_at, clock.due_at) == ("P1", at(5), at(15))
    assert latest_clock(db, esc.id, "take").priority == "P1"
    with pytest.raises(InvalidTransition, match="already reads like that"):
        working.edit(db, at(9), esc.id, "U0ANA", details, "e2", LEADS, POLICY)
    with pytest.raises(UsageError, match="P9 is not a priority"):
        working.edit(db, at(9), esc.id, "U0ANA", Details("x", "P9", None, None), "e3", LEADS, POLICY)
    core.take(db, at(10), esc.id, "U0SAM", "t", POLICY)
    with pytest.raises(NotYours, match="edit"):
        working.edit(db, at(11), esc.id, "U0ANA", Details("y", "P1", None, None), "e4", LEADS, POLICY)
    assert [e.action for e in timeline(db, esc.id)[1]].count("edited") == 3


def test_the_digest_and_the_shift_summary_show_waiting_apart(db):
    esc = raise_one(db)
    other = core.raise_escalation(db, T0, NewEscalation("Login loops", "U0CUST", "C0HELP", Source.COMMAND), "r2",
                                  POLICY).escalation
    working.wait(db, at(10), esc.id, "U0ANA", None, "w", LEADS, POLICY)
    core.resolve(db, at(40), esc.id, "U0ANA", None, "done", POLICY)
    working.wait(db, at(41), other.id, "U0ANA", None, "w2", LEADS, POLICY)
    window = Window("day", T0, at(120))
    figures = digest_figures(db, window, ZoneInfo("UTC"))
    assert (figures.time_to_resolve.median, figures.time_waiting.median) == (10 * 60, 30 * 60)
    blocks = render_digest(figures, TEAM, "Daily digest", at(120))
    assert_valid_blocks(blocks)
    text = repr(blocks)
    assert "Time to resolve (waits on the customer left out)" in text and "Waiting on the customer" in text
    assert shift_summary(db, "EMEA", window, at(120)).waiting_on_customer_count == 1
