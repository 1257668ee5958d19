from datetime import datetime, timedelta, timezone

import pytest

from storage.port import row_count
from storage import escalations as core
from storage.errors import InvalidTransition, NotFound, UsageError
from storage.model import Action, NewEscalation, Source, Status
from storage.backlog import open_page
from storage.queries import timeline
from storage.records import forget_requests_before

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def later(minutes):
    return T0 + timedelta(minutes=minutes)


def raise_one(db, key="k1", summary="Checkout fails", **kw):
    new = NewEscalation(summary=summary, requester="U0AGENT1", channel="C0HELP", source=Source.COMMAND, **kw)
    return core.raise_escalation(db, T0, new, key).escalation


def test_fresh_database_numbers_from_esc_1(db):
    first, second = raise_one(db, "a"), raise_one(db, "b")
    assert (first.key, second.key) == ("ESC-1", "ESC-2")
    assert first.status is Status.OPEN and first.line == 1 and first.priority == "P3"


def test_replayed_request_raises_nothing_new(db):
    first = core.raise_escalation(db, T0, NewEscalation("x", "U1", "C1", Source.COMMAND), "same")
    replay = core.raise_escalation(db, later(1), NewEscalation("x", "U1", "C1", Source.COMMAND), "same")
    assert replay.duplicate and replay.escalation.id == first.escalation.id
    assert row_count(db, "escalations") == 1 and row_count(db, "events") == 1


def test_second_escalation_of_one_message_is_refused(db):
    new = NewEscalation("x", "U1", "C1", Source.REACTION, message_ts="1.000100")
    core.raise_escalation(db, T0, new, "e1")
    with pytest.raises(InvalidTransition, match="already escalated as ESC-1"):
        core.raise_escalation(db, T0, new, "e2")
    assert row_count(db, "escalations") == 1


def test_take_up_and_owner_per_line_history(db):
    esc = raise_one(db)
    core.take(db, later(1), esc.id, "U0AGENT1", "t1")
    moved = core.move(db, later(2), esc.id, "U0AGENT1", +1, "needs logs", "t2").escalation
    assert moved.line == 2 and moved.current_owner is None and moved.owners == {1: "U0AGENT1"}
    core.take(db, later(3), esc.id, "U0SPEC1", "t3")
    down = core.move(db, later(4), esc.id, "U0SPEC1", -1, None, "t4").escalation
    assert down.line == 1 and down.owners == {1: "U0AGENT1", 2: "U0SPEC1"}
    _, events = timeline(db, esc.id)
    assert [e.action for e in events] == [Action.RAISED, Action.TAKEN, Action.MOVED_UP, Action.TAKEN, Action.MOVED_DOWN]
    assert (events[2].from_value, events[2].to_value, events[2].note) == ("1", "2", "needs logs")


def test_new_line_starts_unowned_even_if_held_before(db):
    esc = raise_one(db, line=2)
    core.take(db, T0, esc.id, "U0SPEC1", "t1")
    core.move(db, T0, esc.id, "U0SPEC1", +1, None, "t2")
    core.take(db, T0, esc.id, "U0ENG1", "t3")
    core.move(db, T0, esc.id, "U0ENG1", -1, None, "t4")
    back_up = core.move(db, T0, esc.id, "U0SPEC1", +1, None, "t5").escalation
    assert back_up.line == 3 and back_up.current_owner is None


@pytest.mark.parametrize("start_line, step, message", [(3, +1, "already on line 3"), (1, -1, "already on line 1")])
def test_moving_past_the_edge_lines_changes_nothing(db, start_line, step, message):
    esc = raise_one(db, line=start_line)
    with pytest.raises(InvalidTransition, match=message):
        core.move(db, T0, esc.id, "U0AGENT1", step, None, "m")
    assert row_count(db, "events") == 1 and open_page(db, "open", "U", T0).escalations[0].line == start_line


def test_resolve_twice_is_refused_and_reopen_works(db):
    esc = raise_one(db)
    resolved = core.resolve(db, later(5), esc.id, "U0AGENT1", "fixed", "r1").escalation
    assert resolved.status is Status.RESOLVED and resolved.resolved_at == later(5)
    with pytest.raises(InvalidTransition, match="ESC-1 is resolved"):
        core.resolve(db, later(6), esc.id, "U0AGENT1", None, "r2")
    with pytest.raises(InvalidTransition, match="resolved"):
        core.take(db, later(6), esc.id, "U0AGENT1", "r3")
    reopened = core.reopen(db, later(7), esc.id, "U0AGENT1", "r4").escalation
    assert reopened.is_open and reopened.resolved_at is None
    with pytest.raises(InvalidTransition, match="already open"):
        core.reopen(db, later(8), esc.id, "U0AGENT1", "r5")


def test_unknown_id_is_not_found(db):
    with pytest.raises(NotFound, match="There is no ESC-42"):
        core.take(db, T0, 42, "U1", "k")
    assert row_count(db, "handled_requests") == 0


def test_taking_what_you_own_is_a_refused_no_op(db):
    esc = raise_one(db)
    core.take(db, T0, esc.id, "U1", "a")
    with pytest.raises(InvalidTransition, match="You already own ESC-1 on line 1"):
        core.take(db, T0, esc.id, "U1", "b")
    assert row_count(db, "events") == 2


def test_handoff_moves_every_open_escalation_i_own_with_one_event_each(db):
    mine = [raise_one(db, f"r{i}") for i in range(3)]
    for i, esc in enumerate(mine):
        core.take(db, T0, esc.id, "U0AGENT1", f"t{i}")
    core.resolve(db, T0, mine[2].id, "U0AGENT1", None, "res")
    outcomes = core.handoff(db, later(1), "U0AGENT1", "U0AGENT2", "h1")
    assert [o.escalation.key for o in outcomes] == ["ESC-1", "ESC-2"]
    assert all(o.escalation.current_owner == "U0AGENT2" for o in outcomes)
    assert db.execute("SELECT count(*) FROM events WHERE action = 'handed_off'").fetchone()[0] == 2
    assert core.handoff(db, later(2), "U0AGENT1", "U0AGENT2", "h1") == []
    with pytest.raises(InvalidTransition, match="nothing to hand off"):
        core.handoff(db, later(2), "U0AGENT1", "U0AGENT2", "h2")
    with pytest.raises(UsageError, match="yourself"):
        core.handoff(db, later(2), "U0AGENT2", "U0AGENT2", "h3")


def test_list_views(db):
    a, _, c = raise_one(db, "a"), raise_one(db, "b", line=2), raise_one(db, "c")
    core.take(db, T0, a.id, "U0AGENT1", "t")
    core.resolve(db, T0, c.id, "U0AGENT1", None, "r")
    keys = lambda view: [e.key for e in open_page(db, view, "U0AGENT1", T0).escalations]
    assert keys("open") == ["ESC-2", "ESC-1"], "waiting for an owner comes before owned"
    assert keys("mine") == ["ESC-1"]
    assert keys("unowned") == ["ESC-2"]
    assert keys("L2") == ["ESC-2"] and keys("L3") == []


def test_failed_change_leaves_no_audit_event_behind(db):
    esc = raise_one(db)
    before = row_count(db, "events")
    with pytest.raises(InvalidTransition):
        core.move(db, T0, esc.id, "U1", -1, None, "k")
    assert row_count(db, "events") == before and row_count(db, "handled_requests") == 1


def test_old_delivery_keys_are_forgotten_recent_ones_kept(db):
    core.raise_escalation(db, T0, NewEscalation("old", "U1", "C1", Source.COMMAND), "old-key")
    core.raise_escalation(db, later(60), NewEscalation("new", "U1", "C1", Source.COMMAND), "new-key")
    assert forget_requests_before(db, later(30)) == 1
    assert [row["key"] for row in db.query("SELECT key FROM handled_requests")] == ["new-key"]
    assert row_count(db, "escalations") == 2
