"""Who may take, take over and acknowledge, and clicks on a card whose state changed."""

from datetime import datetime, timedelta, timezone

import pytest

from storage import escalations as core
from storage.acknowledgements import acknowledge
from storage.model import Action, NewEscalation, Source
from storage.ownership import CardChanged, Crew, CrewUnknown, NotOnCrew, Seen
from storage.queries import get_escalation, timeline

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
ENGINEERS = Crew(responders=frozenset({"U0ENG1", "U0ENG2"}), leads=frozenset({"U0LEAD1"}), configured=True)


def raise_one(db, line=1):
    new = NewEscalation(summary="Checkout fails", requester="U0AGENT1", channel="C0HELP", source=Source.COMMAND, line=line)
    return core.raise_escalation(db, T0, new, "raise").escalation


def actions(db, esc_id):
    return [event.action for event in timeline(db, esc_id)[1]]


@pytest.mark.parametrize("verb", ["take", "acknowledge"])
def test_on_line_3_only_responders_and_leads_take_or_acknowledge(db, verb):
    esc = raise_one(db, line=3)
    act = (lambda user, key: core.take(db, T0, esc.id, user, key, crew=ENGINEERS)) if verb == "take" else (
        lambda user, key: acknowledge(db, T0, esc.id, user, key, crew=ENGINEERS))
    with pytest.raises(NotOnCrew, match=f"Only line 3's responders or a lead can {verb} ESC-1"):
        act("U0AGENT1", "a")
    assert get_escalation(db, esc.id).owners == {} and actions(db, esc.id) == [Action.RAISED]
    act("U0LEAD1", "b")
    assert get_escalation(db, esc.id).owners == {3: "U0LEAD1"}


def test_take_of_an_unowned_line_3_case_is_its_acknowledgement(db):
    esc = raise_one(db, line=3)
    outcome = core.take(db, T0 + timedelta(minutes=4), esc.id, "U0ENG1", "t", crew=ENGINEERS)
    (event,) = outcome.events
    assert (event.action, event.to_value, event.note) == (Action.ACKNOWLEDGED, "U0ENG1", "240")


def test_with_no_responders_configured_anyone_may_and_an_unread_crew_is_refused(db):
    esc = raise_one(db, line=3)
    with pytest.raises(CrewUnknown, match="just moved to line 3"):
        core.take(db, T0, esc.id, "U0AGENT1", "a", crew=None)
    core.take(db, T0, esc.id, "U0AGENT1", "b", crew=Crew())
    assert get_escalation(db, esc.id).owners == {3: "U0AGENT1"}


def test_second_take_of_the_same_card_state_is_refused_naming_the_owner(db):
    esc = raise_one(db)
    core.take(db, T0, esc.id, "U0AGENT1", "first", seen=Seen(1, None))
    with pytest.raises(CardChanged) as refused:
        core.take(db, T0, esc.id, "U0AGENT2", "second", seen=Seen(1, None))
    assert (refused.value.owner, refused.value.line) == ("U0AGENT1", 1)
    assert actions(db, esc.id) == [Action.RAISED, Action.TAKEN]
    assert get_escalation(db, esc.id).current_owner == "U0AGENT1"


def test_take_over_keeps_the_previous_owner_in_its_event(db):
    esc = raise_one(db)
    core.take(db, T0, esc.id, "U0AGENT1", "first")
    outcome = core.take(db, T0, esc.id, "U0AGENT2", "over", seen=Seen(1, "U0AGENT1"))
    (event,) = outcome.events
    assert (event.action, event.from_value, event.to_value) == (Action.TAKEN, "U0AGENT1", "U0AGENT2")


def test_escalate_and_resolve_refuse_a_changed_state(db):
    esc = raise_one(db)
    core.take(db, T0, esc.id, "U0AGENT1", "t")
    with pytest.raises(CardChanged):
        core.move(db, T0, esc.id, "U0AGENT2", +1, None, "m", seen=Seen(1, None))
    with pytest.raises(CardChanged):
        core.resolve(db, T0, esc.id, "U0AGENT2", None, "r", seen=Seen(1, None))
    moved = core.move(db, T0, esc.id, "U0AGENT2", +1, None, "m2", seen=Seen(1, "U0AGENT1")).escalation
    assert moved.line == 2 and actions(db, esc.id) == [Action.RAISED, Action.TAKEN, Action.MOVED_UP]
