"""The incident rules without Slack: numbering, the draft, the life cycle, claims, the outbox rows."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from storage import incident_effects as effects
from storage import incident_records as ir
from storage import incidents as core
from storage import outbox
from storage.db import write_transaction
from storage.errors import InvalidTransition, NotFound
from storage.incident_model import BroadcastPlan, FollowUp, IncidentStatus

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=timezone.utc)
CARD = "100.000100"
PLAN = BroadcastPlan(channels=("C0STATUS", "C0HELP"), severity="SEV1", notify_here=True)


def _drafted(db, title="Checkout is down", key="k1"):
    outcome = core.create_incident(db, NOW, title, "U0AGENT1", "C0HELP", key)
    core.attach_card(db, NOW, outcome.incident.id, CARD if outcome.incident.id == 1 else f"{100 + outcome.incident.id}.0")
    return ir.load_incident(db, outcome.incident.id)


def _draft_text(db, incident_id=1):
    return core.notice_text(db, ir.load_incident(db, incident_id))


def test_a_fresh_database_numbers_from_inc_1_and_a_replayed_command_drafts_once(db):
    first = _drafted(db)
    again = core.create_incident(db, NOW, "Checkout is down", "U0AGENT1", "C0HELP", "k1")
    second = _drafted(db, "Search is slow", key="k2")
    assert (first.key, again.duplicate, again.incident.key, second.key) == ("INC-1", True, "INC-1", "INC-2")
    assert first.status is IncidentStatus.DRAFT
    assert [row["action"] for row in db.query("SELECT action FROM incident_events")] == ["drafted", "drafted"]


def test_the_latest_reply_is_the_draft_edits_count_and_a_deletion_falls_back(db):
    _drafted(db)
    assert core.add_revision(db, "C0HELP", "999.0", "999.1", "U0AGENT1", "elsewhere") is None
    core.add_revision(db, "C0HELP", CARD, "101.0", "U0AGENT1", "first words")
    core.add_revision(db, "C0HELP", CARD, "102.0", "U0AGENT2", "second words")
    core.add_revision(db, "C0HELP", CARD, "102.0", "U0AGENT2", "a redelivery changes nothing")
    assert _draft_text(db) == "second words"
    core.edit_revision(db, "C0HELP", CARD, "102.0", "U0AGENT2", "second words, edited")
    assert _draft_text(db) == "second words, edited"
    core.delete_revision(db, "C0HELP", CARD, "102.0")
    assert _draft_text(db) == "first words"


def test_an_edit_handled_before_its_reply_still_counts(db):
    _drafted(db)
    core.edit_revision(db, "C0HELP", CARD, "103.0", "U0AGENT1", "edited before the reply arrived")
    core.add_revision(db, "C0HELP", CARD, "103.0", "U0AGENT1", "the original words")
    assert _draft_text(db) == "edited before the reply arrived"


def test_a_picked_reply_wins_until_it_is_deleted(db):
    _drafted(db)
    core.add_revision(db, "C0HELP", CARD, "101.0", "U0AGENT1", "picked words")
    core.pick_revision(db, NOW, "C0HELP", CARD, "101.0", "U0AGENT1", "picked words", "U0LEAD1")
    core.add_revision(db, "C0HELP", CARD, "103.0", "U0AGENT2", "later words")
    assert _draft_text(db) == "picked words"
    core.delete_revision(db, "C0HELP", CARD, "101.0")
    assert _draft_text(db) == "later words"
    with pytest.raises(InvalidTransition, match="not a reply in an incident's thread"):
        core.pick_revision(db, NOW, "C0HELP", CARD, CARD, "U0AGENT1", "the card itself", "U0LEAD1")


def test_broadcast_needs_words_then_runs_investigating_identified_monitoring_resolved(db):
    _drafted(db)
    with pytest.raises(InvalidTransition, match="no notice text yet"):
        core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b0")
    core.add_revision(db, "C0HELP", CARD, "101.0", "U0AGENT1", "We are looking into it.")
    sent = core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b1")
    assert (sent.step.number, sent.step.status, sent.step.text) == (0, IncidentStatus.INVESTIGATING, "We are looking into it.")
    assert sent.incident.channels == ("C0STATUS", "C0HELP") and sent.incident.notify_here
    assert core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b1").duplicate
    with pytest.raises(InvalidTransition, match="already been broadcast"):
        core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b2")
    core.add_revision(db, "C0HELP", CARD, "102.0", "U0AGENT1", "Cause found.")
    assert core.fresh_draft(db, ir.load_incident(db, 1)).text == "Cause found."
    identified = core.follow_up(db, NOW + timedelta(minutes=5), 1, "U0LEAD1",
                                FollowUp(IncidentStatus.IDENTIFIED, "Cause found: a bad deploy.", "102.0"), "u1")
    assert (identified.step.status, identified.step.text) == (IncidentStatus.IDENTIFIED, "Cause found: a bad deploy.")
    assert core.fresh_draft(db, ir.load_incident(db, 1)) is None, "the reply was sent, reworded in the form"
    monitoring = core.follow_up(db, NOW + timedelta(minutes=9), 1, "U0LEAD1", FollowUp(IncidentStatus.MONITORING, ""),
                                "u2")
    assert (monitoring.step.status, monitoring.step.text) == (IncidentStatus.MONITORING, ""), "status only"
    assert ir.latest_words(db, 1) == "Cause found: a bad deploy."
    with pytest.raises(InvalidTransition, match="needs a closing message"):
        core.follow_up(db, NOW, 1, "U0LEAD1", FollowUp(IncidentStatus.RESOLVED, " "), "r0")
    resolved = core.follow_up(db, NOW + timedelta(minutes=65), 1, "U0LEAD1", FollowUp(IncidentStatus.RESOLVED, "Fixed."),
                              "r1")
    assert (resolved.incident.status, resolved.step.number, resolved.step.text) == (IncidentStatus.RESOLVED, 3, "Fixed.")
    assert ir.latest_words(db, 1) == "Fixed."
    duration = db.execute("SELECT detail FROM incident_events WHERE action = 'resolved'").fetchone()[0]
    assert duration == str(65 * 60)
    events = [tuple(row) for row in db.execute("SELECT action, detail FROM incident_events WHERE action = 'updated'")]
    assert events == [("updated", "identified"), ("updated", "monitoring")]
    with pytest.raises(InvalidTransition, match="resolved, not live"):
        core.follow_up(db, NOW, 1, "U0LEAD1", FollowUp(IncidentStatus.MONITORING, ""), "u3")


def written(db, change, *args):
    """A posting step's claim or record, in a transaction as its delivery writes it."""
    with write_transaction(db):
        return change(db, *args)


def test_each_channel_is_claimed_once_and_only_failures_are_retried(db):
    _drafted(db)
    assert written(db, core.claim_post, NOW, 1, 0, "C0STATUS") is True
    assert written(db, core.claim_post, NOW, 1, 0, "C0STATUS") is False
    assert written(db, core.claim_retry, NOW, 1, 0, "C0STATUS") is False, "in flight, not failed"
    written(db, core.record_post_failure, NOW, 1, 0, "C0STATUS", "not_in_channel", "U0LEAD1")
    assert written(db, core.claim_retry, NOW, 1, 0, "C0STATUS") is True
    assert written(db, core.claim_retry, NOW, 1, 0, "C0STATUS") is False
    written(db, core.record_post, NOW, 1, 0, "C0STATUS", "200.0", "U0LEAD1")
    assert ir.posts_of(db, 1) == [ir.Post("C0STATUS", "200.0", None)]


def test_a_claim_an_earlier_try_left_unfinished_is_taken_over_once_and_a_recorded_one_never(db):
    _drafted(db)
    core.add_revision(db, "C0HELP", CARD, "101.0", "U0AGENT1", "Checkout is down.")
    core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b1")
    written(db, core.claim_post, NOW, 1, 0, "C0STATUS")
    written(db, core.claim_post, NOW, 1, 0, "C0HELP")
    written(db, core.record_post, NOW, 1, 0, "C0HELP", "150.0", "U0LEAD1")
    assert ir.unfinished_channels(db, 1, 0) == ["C0STATUS"]
    assert written(db, core.take_over_post, NOW, 1, 0, "C0HELP") is False, "recorded already"
    assert written(db, core.take_over_post, NOW, 1, 0, "C0STATUS") is True
    written(db, core.record_post, NOW, 1, 0, "C0STATUS", "200.0", "U0LEAD1")
    assert written(db, core.take_over_post, NOW, 1, 0, "C0STATUS") is False
    assert ir.unfinished_channels(db, 1, 0) == []
    assert ir.reached_everywhere(db, ir.load_step(db, 1, 0))


def _incident_rows(db, kind: str = effects.STEP) -> list[tuple]:
    return [(row["subject"], json.loads(row["payload"]))
            for row in db.query("SELECT subject, payload FROM outbox WHERE kind = ? ORDER BY id", [kind])]


def test_each_step_and_each_retry_commits_its_outbox_row_and_a_replay_adds_none(db):
    _drafted(db)
    core.add_revision(db, "C0HELP", CARD, "101.0", "U0AGENT1", "Checkout is down.")
    core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b1")
    core.broadcast(db, NOW, 1, "U0LEAD1", PLAN, "b1")
    core.follow_up(db, NOW, 1, "U0LEAD1", FollowUp(IncidentStatus.IDENTIFIED, "Found it."), "u1")
    core.retry_step(db, NOW, 1, 0, "U0LEAD2", "r1")
    core.retry_step(db, NOW, 1, 0, "U0LEAD2", "r1")
    with pytest.raises(InvalidTransition):
        core.follow_up(db, NOW, 1, "U0LEAD1", FollowUp(IncidentStatus.DRAFT, "No."), "u2")
    assert _incident_rows(db) == [
        ("incident:1", {"incident_id": 1, "step": 0, "receipt": True}),
        ("incident:1", {"incident_id": 1, "step": 1, "receipt": True}),
        ("incident:1", {"incident_id": 1, "step": 0, "retry": True, "actor": "U0LEAD2", "receipt": True}),
    ], "each a person's request, who hears how it went"
    assert _incident_rows(db, effects.CARD) == [("incident:1", {"incident_id": 1, "reply_to": None})], "posted once"
    claimed = outbox.claim_due(db, NOW, "one", 10)
    assert [claim.kind for claim in claimed] == [effects.CARD], "the incident's rows go out one at a time, in order"


def test_a_scheduled_broadcast_starts_once_when_due_and_can_be_cancelled(db):
    _drafted(db)
    core.add_revision(db, "C0HELP", CARD, "101.0", "U0AGENT1", "Maintenance tonight.")
    later = BroadcastPlan(("C0STATUS",), "SEV3", False, scheduled_for=NOW + timedelta(hours=2))
    assert core.broadcast(db, NOW, 1, "U0LEAD1", later, "s1").incident.status is IncidentStatus.SCHEDULED
    assert ir.due_incident_ids(db, NOW + timedelta(hours=1)) == []
    core.cancel_schedule(db, NOW, 1, "U0LEAD1", "c1")
    assert ir.load_incident(db, 1).status is IncidentStatus.DRAFT
    core.broadcast(db, NOW, 1, "U0LEAD1", later, "s2")
    due = NOW + timedelta(hours=2)
    assert ir.due_incident_ids(db, due) == [1]
    started = core.start_due(db, due, 1)
    assert started.step.text == "Maintenance tonight." and started.incident.status is IncidentStatus.INVESTIGATING
    assert core.start_due(db, due, 1) is None
    assert _incident_rows(db) == [("incident:1", {"incident_id": 1, "step": 0, "receipt": False})], (
        "its step goes out once, and nobody waits for a receipt")
    assert len(_incident_rows(db, effects.CARD)) == 1, "one row brings the card up to date through every change"


def test_discard_only_a_draft_and_unknown_ids_say_so(db):
    _drafted(db)
    assert core.discard(db, NOW, 1, "U0AGENT1", "d1").incident.status is IncidentStatus.DISCARDED
    with pytest.raises(InvalidTransition):
        core.discard(db, NOW, 1, "U0AGENT1", "d2")
    with pytest.raises(NotFound, match="There is no INC-7"):
        ir.load_incident(db, 7)
