"""SLA clocks and acknowledgements in the core, with an injected clock."""

from datetime import datetime, timedelta, timezone

import pytest

from storage import escalations as core
from storage.acknowledgements import acknowledge
from storage.errors import InvalidTransition
from storage.model import NewEscalation, Source
from storage.queries import timeline
from storage.sla import SlaPolicy, claim_due_reminders, latest_clock, running_clock

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
POLICY = SlaPolicy(ack={p: timedelta(minutes=15) for p in ("P1", "P2", "P3", "P4")},
                   take={p: timedelta(minutes=10) for p in ("P1", "P2", "P3", "P4")},
                   remind_every=timedelta(minutes=5), max_reminders=2)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def raise_on(db, line, key="r"):
    new = NewEscalation("Exports fail", "U0AGENT1", "C0HELP", Source.COMMAND, priority="P1", line=line)
    return core.raise_escalation(db, T0, new, key, POLICY).escalation


def test_arrival_unowned_starts_the_clock_of_its_line(db):
    esc = raise_on(db, 1)
    clock = running_clock(db, esc.id)
    assert (clock.kind, clock.line, clock.due_at) == ("take", 1, at(10))
    core.take(db, at(4), esc.id, "U0AGENT1", "t", POLICY)
    assert running_clock(db, esc.id) is None and latest_clock(db, esc.id, "take").outcome == "met"
    core.move(db, at(5), esc.id, "U0AGENT1", +1, None, "u1", policy=POLICY)
    core.move(db, at(6), esc.id, "U0AGENT1", +1, None, "u2", policy=POLICY)
    assert running_clock(db, esc.id) is not None
    clock = running_clock(db, esc.id)
    assert (clock.kind, clock.line, clock.due_at) == ("ack", 3, at(21))
    assert latest_clock(db, esc.id, "take").outcome == "cancelled", "moved on before anyone took it on line 2"


def test_acknowledge_owns_line_3_and_measures_the_wait(db):
    esc = raise_on(db, 3)
    outcome = acknowledge(db, at(7), esc.id, "U0ENG1", "a1", POLICY)
    assert outcome.escalation.owners == {3: "U0ENG1"} and outcome.events[0].note == "420"
    assert latest_clock(db, esc.id, "ack").outcome == "met"
    with pytest.raises(InvalidTransition, match="already acknowledged") as refused:
        acknowledge(db, at(8), esc.id, "U0ENG2", "a2", POLICY)
    assert refused.value.people == {"owner": "U0ENG1"}, "the core names who owns it; the renderer mentions them"
    assert acknowledge(db, at(9), esc.id, "U0ENG1", "a1", POLICY).duplicate
    assert [e.action for e in timeline(db, esc.id)[1]] == ["raised", "acknowledged"]


def test_acknowledging_below_line_3_is_refused(db):
    esc = raise_on(db, 2)
    with pytest.raises(InvalidTransition, match="on line 2, so there is nothing to acknowledge"):
        acknowledge(db, at(1), esc.id, "U0ENG1", "a", POLICY)


def test_reminders_follow_the_cadence_then_tell_the_leads_once(db):
    esc = raise_on(db, 3)
    assert claim_due_reminders(db, at(14), POLICY) == []
    first = claim_due_reminders(db, at(15), POLICY)
    assert [(r.number, r.tells_leads) for r in first] == [(1, False)]
    assert claim_due_reminders(db, at(15), POLICY) == [], "claimed once"
    assert [r.number for r in claim_due_reminders(db, at(20), POLICY)] == [2]
    assert [r.tells_leads for r in claim_due_reminders(db, at(25), POLICY)] == [True]
    assert claim_due_reminders(db, at(90), POLICY) == []
    assert running_clock(db, esc.id).breached_at == at(15)
    assert [e.action for e in timeline(db, esc.id)[1]].count("sla_breached") == 1
    acknowledge(db, at(91), esc.id, "U0ENG1", "late", POLICY)
    assert latest_clock(db, esc.id, "ack").outcome == "late"


def test_a_long_outage_gives_one_reminder_not_a_burst(db):
    raise_on(db, 3)
    assert [r.number for r in claim_due_reminders(db, at(60), POLICY)] == [1]
    assert claim_due_reminders(db, at(64), POLICY) == []
    assert [r.number for r in claim_due_reminders(db, at(65), POLICY)] == [2]


def test_no_reminder_for_a_case_resolved_before_its_deadline(db):
    esc = raise_on(db, 3)
    core.resolve(db, at(3), esc.id, "U0AGENT1", None, "res", POLICY)
    assert claim_due_reminders(db, at(30), POLICY) == []
    assert latest_clock(db, esc.id, "ack").outcome == "cancelled"
    core.reopen(db, at(31), esc.id, "U0AGENT1", "re", POLICY)
    assert running_clock(db, esc.id).due_at == at(46), "reopened unowned: a fresh wait"
