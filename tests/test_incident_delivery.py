"""Getting a notice out: many channels in parallel within Slack's limit, its steps in order, a
half-done step finished by the next try of its outbox row, and planned work across a restart."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import parse_team_config
from bot.delivery import Delivery, DeliveryLoop, LeaseLost
from bot.slack_client import make_client
from bot.deps import Deps
from commands.incident import ids
from commands.incident.deliveries import DELIVERIES
from commands.incident.fanout import FanOut
from commands.incident.publish import post_metadata
from storage import incident_records as ir
from storage import incidents as core
from storage import outbox
from storage.db import Store, open_db, prepare_database, write_transaction
from storage.incident_effects import subject
from storage.incident_model import BroadcastPlan, FollowUp, IncidentAction, IncidentStatus
from tests.flow import HELP, rows
from tests.harness import start_bot
from tests.incident_flow import (
    APP_YAML,
    CONFIGURED,
    GENERAL,
    LEAD,
    STATUS,
    broadcast,
    click,
    copies,
    draft,
    follow_up,
    follow_up_form,
    notes,
    incident,
    open_modal,
    plan,
    reply,
    submit_follow_up,
    wait_until,
)
from tests.test_incidents import buttons
from tests.test_outbox import Inline
from tests.databases import database_for

FAN_OUT_CHANNELS = 20
IDENTIFIED = FollowUp(IncidentStatus.IDENTIFIED, "Cause found: a full disk.")
RESOLVED = FollowUp(IncidentStatus.RESOLVED, "Disk cleared.")


def test_twenty_channels_go_out_in_parallel_within_one_post_per_second_per_channel(bot, standin):
    standin.limit_posts_per_channel(1.0)
    channels = [standin.add_channel(f"region-{n}") for n in range(FAN_OUT_CHANNELS)]
    card = draft(bot, standin)
    reply(bot, standin, card, "Payments are delayed in every region.")
    view = open_modal(bot, standin, card)
    started = time.monotonic()
    bot.driver.view_submission(view, plan(channels), user=LEAD)
    wait_until(lambda: all(copies(standin, channel) for channel in channels))
    took = time.monotonic() - started
    assert took < 5, f"{FAN_OUT_CHANNELS} channels took {took:.1f}s: posting must not be one channel after another"

    reply(bot, standin, card, "A fix is rolling out.")
    follow_up(bot, standin, "update INC-1")
    threads = {channel: copies(standin, channel)[0]["ts"] for channel in channels}
    wait_until(lambda: all(len(standin.thread(channel, ts)) == 2 for channel, ts in threads.items()))
    posts = standin.calls_to("chat.postMessage")
    assert not [call for call in posts if call.status == 429], "the bot spaces posts to one channel by itself"
    for channel in channels:
        first, second = [call.at for call in posts if call.args.get("channel") == channel]
        assert second - first >= 0.95, channel


def test_a_scheduled_broadcast_can_be_cancelled_and_goes_out_once_across_a_restart(bot, standin, tmp_path):
    card = draft(bot, standin, title="Database maintenance")
    reply(bot, standin, card, "Checkout pauses for 10 minutes during maintenance.")
    bot.driver.view_submission(open_modal(bot, standin, card), plan(CONFIGURED, at=int(time.time()) + 600), user=LEAD)
    wait_until(lambda: buttons(standin, card) == ["Preview", "Cancel"])
    assert "Scheduled for <!date^" in repr(standin.message(HELP, card)["blocks"])
    click(bot, standin, ids.ACTION_CANCEL, card)
    wait_until(lambda: buttons(standin, card) == ["Preview", "Broadcast", "Discard"])

    due = int(time.time()) + 4
    bot.driver.view_submission(open_modal(bot, standin, card), plan(CONFIGURED, at=due), user=LEAD)
    wait_until(lambda: incident(bot)["status"] == "scheduled")
    bot.stop()
    assert not any(copies(standin, channel) for channel in CONFIGURED)
    again = start_bot(standin, tmp_path)
    try:
        wait_until(lambda: all(copies(standin, channel) for channel in CONFIGURED), timeout=15)
        time.sleep(1.5)  # the job runs every second: a second run must not send it again
        assert all(len(copies(standin, channel)) == 1 for channel in CONFIGURED)
        assert "Checkout pauses for 10 minutes" in repr(copies(standin, CONFIGURED[0])[0]["blocks"])
        assert time.time() >= due
        assert buttons(standin, card) == ["Preview", "Update", "Resolve"]
        events = [e["action"] for e in rows(again.database, "SELECT action FROM incident_events ORDER BY id")]
        assert events[:5] == ["drafted", "scheduled", "cancelled", "scheduled", "broadcast"]
    finally:
        again.stop()


def _loop(standin, path, clock=None) -> DeliveryLoop:
    """This process's delivery loop for incident rows, running each row in the calling thread."""
    deps = Deps(store=Store(path), team=parse_team_config(APP_YAML), **({"clock": clock} if clock else {}))
    return DeliveryLoop(make_client(standin.bot_token, standin.api_url), deps, Inline(), DELIVERIES)


def test_a_copy_sent_by_a_process_that_lost_the_step_meanwhile_is_recorded_nowhere(standin, tmp_path):
    path = database_for(tmp_path)
    prepare_database(path)
    db = open_db(path)
    now = datetime.now(timezone.utc)
    created = core.create_incident(db, now, "Search is down", "U0AGENT1", HELP, "draft-1").incident
    (card_row,) = outbox.claim_due(db, now, "the process that drafted it", 1)
    core.attach_card(db, now, created.id, "1.000001")
    outbox.finish(db, card_row, now)
    core.add_revision(db, HELP, "1.000001", "1.000002", "U0AGENT1", "Search returns nothing.")
    step = core.broadcast(db, now, created.id, LEAD, BroadcastPlan((STATUS, GENERAL), "SEV2", False), "send-1").step
    (paused,) = outbox.claim_due(db, now, "a process paused mid-post", 1)
    loop = _loop(standin, path, clock=lambda: now)

    def send_then_wake(channel: str) -> str:
        outbox.claim_due(db, now + outbox.LEASE, "the process that took it over", 1)  # while this one slept
        return "9.000001"

    with pytest.raises(LeaseLost):
        FanOut(Delivery(paused, loop.client, loop.deps, "a process paused mid-post"), LEAD).post_step(
            created.id, step.number, [STATUS], send_then_wake)
    assert ir.posts_of(db, created.id) == [ir.Post(STATUS, None, None)], "claimed, and the copy left for the new holder"
    assert not rows(path, "SELECT 1 FROM incident_events WHERE action = ?", [str(IncidentAction.POSTED)])


def test_a_step_whose_process_died_half_way_is_finished_by_the_next_try_adopting_what_slack_has(standin, tmp_path):
    path = database_for(tmp_path)
    prepare_database(path)
    db = open_db(path)
    now = datetime.now(timezone.utc)
    never_reached = standin.add_channel("never-reached")
    created = core.create_incident(db, now, "Search is down", "U0AGENT1", HELP, "draft-1").incident
    (card_row,) = outbox.claim_due(db, now, "the process that drafted it", 1)
    core.attach_card(db, now, created.id, "1.000001")
    outbox.finish(db, card_row, now)
    core.add_revision(db, HELP, "1.000001", "1.000002", "U0AGENT1", "Search returns nothing.")
    plan = BroadcastPlan((*CONFIGURED, never_reached), "SEV2", False)
    step = core.broadcast(db, now, created.id, LEAD, plan, "send-1").step
    assert [claim.payload for claim in outbox.claim_due(db, now, "a process that dies", 1)] == [
        {"incident_id": 1, "step": 0, "receipt": True}]
    client = make_client(standin.bot_token, standin.api_url)
    with write_transaction(db):
        for channel in (STATUS, GENERAL, HELP):
            core.claim_post(db, now, created.id, 0, channel)
    taken = client.chat_postMessage(channel=STATUS, text="the copy Slack took",
                                    metadata=post_metadata(created.id, 0, STATUS))
    with write_transaction(db):
        core.record_post(db, now, created.id, 0, HELP, "1.000003", LEAD)
    loop = _loop(standin, path, clock=lambda: now + outbox.LEASE + timedelta(seconds=1))
    assert loop.deliver_due() == 1, "its lease ran out: the row is tried again"
    assert loop.deliver_due() == 0 and outbox.pending_count(db) == 0
    assert [m["ts"] for m in standin.messages(STATUS)] == [taken["ts"]], "adopted, not posted again"
    assert len(copies(standin, GENERAL)) == 1 and len(copies(standin, never_reached)) == 1
    assert not copies(standin, HELP)
    assert "Search returns nothing." in repr(copies(standin, GENERAL)[0]["blocks"]) and step.number == 0
    posts = {row["channel"]: row["ts"] for row in rows(path, "SELECT channel, ts FROM incident_posts")}
    assert posts == {STATUS: taken["ts"], HELP: "1.000003", GENERAL: copies(standin, GENERAL)[0]["ts"],
                     never_reached: copies(standin, never_reached)[0]["ts"]}


def broadcast_directly(standin, tmp_path):
    """A notice broadcast to CONFIGURED by a delivery loop run in this test's thread, so a test
    can interleave its steps as a race would; returns the database and the loop."""
    path = database_for(tmp_path)
    prepare_database(path)
    db = open_db(path)
    loop = _loop(standin, path)
    deps = loop.deps
    created = core.create_incident(db, deps.clock(), "Search is down", "U0AGENT1", HELP, "draft-1").incident
    deps.doorbell.deliver_now(subject(created.id))
    card = rows(path, "SELECT card_ts FROM incidents")[0]["card_ts"]
    core.add_revision(db, HELP, card, "1.000002", "U0AGENT1", "Search returns nothing.")
    step = core.broadcast(db, deps.clock(), created.id, LEAD, BroadcastPlan(tuple(CONFIGURED), "SEV2", False), "send-1")
    deps.doorbell.deliver_now(subject(created.id))
    assert ir.reached_everywhere(db, step.step)
    core.add_revision(db, HELP, card, "1.000003", "U0AGENT1", "Cause found: a full disk.")
    return db, loop


def assert_update_then_resolution_under_every_copy(standin):
    for channel in CONFIGURED:
        (identified, resolved) = notes(standin, channel)
        assert "Identified" in identified and "a full disk" in identified
        assert "Resolved" in resolved and "Disk cleared." in resolved
        assert "Resolved" in copies(standin, channel)[0]["blocks"][0]["text"]["text"]


def test_a_resolution_stored_right_after_the_update_it_follows_posts_below_it(standin, tmp_path):
    """An update and the resolution sent seconds apart: the resolution's row waits for the update's."""
    db, loop = broadcast_directly(standin, tmp_path)
    update = core.follow_up(db, datetime.now(timezone.utc), 1, LEAD, IDENTIFIED, "update-1").step
    resolution = core.follow_up(db, datetime.now(timezone.utc), 1, LEAD, RESOLVED, "resolve-1").step
    loop.deps.doorbell.deliver_now(subject(1))
    assert ir.reached_everywhere(db, update) and ir.reached_everywhere(db, resolution)
    assert_update_then_resolution_under_every_copy(standin)


def test_an_update_whose_edits_slack_answers_late_never_puts_its_status_over_the_resolution(standin, tmp_path):
    db, loop = broadcast_directly(standin, tmp_path)
    core.follow_up(db, datetime.now(timezone.utc), 1, LEAD, IDENTIFIED, "update-1")
    standin.fail("chat.update", status=500, times=3 * len(CONFIGURED))  # each copy's edit backs off three times
    edits = len(standin.calls_to("chat.update"))
    first = threading.Thread(target=loop.deps.doorbell.deliver_now, args=(subject(1),))
    first.start()
    standin.wait_for("chat.update", count=edits + 1)  # the update's edits are under way, and refused
    resolution = core.follow_up(db, datetime.now(timezone.utc), 1, LEAD, RESOLVED, "resolve-1").step
    loop.deps.doorbell.deliver_now(subject(1))  # the update's row is still out: nothing here yet
    first.join()
    loop.deps.doorbell.deliver_now(subject(1))
    assert ir.reached_everywhere(db, resolution)
    assert_update_then_resolution_under_every_copy(standin)


def test_a_step_whose_row_another_thread_delivers_is_answered_by_that_delivery_and_once(standin, tmp_path):
    """The resolution's request finds the update's row still out and returns; the thread that
    is delivering the update goes on to the resolution's row, and it is that delivery which
    tells the lead the resolution reached every copy. The update's own request answers for the
    update (its thread delivered it), so its delivery says nothing."""
    db, loop = broadcast_directly(standin, tmp_path)
    update = core.follow_up(db, datetime.now(timezone.utc), 1, LEAD, IDENTIFIED, "update-1")
    standin.delay("chat.update", 0.3)
    edits = len(standin.calls_to("chat.update"))
    answered_here = []
    first = threading.Thread(target=lambda: answered_here.append(
        loop.deps.doorbell.deliver_now(subject(1), requested=update.row)))
    first.start()
    standin.wait_for("chat.update", count=edits + 1)  # the update's row is out
    resolution = core.follow_up(db, datetime.now(timezone.utc), 1, LEAD, RESOLVED, "resolve-1")
    assert loop.deps.doorbell.deliver_now(subject(1), requested=resolution.row) is False
    first.join()
    assert answered_here == [True] and ir.reached_everywhere(db, resolution.step)
    receipts = [e["text"] for e in standin.ephemerals if "everywhere" in e["text"]]
    assert receipts == ["INC-1 is resolved everywhere."], receipts


def test_the_stand_in_can_hold_the_bot_to_one_post_per_second_per_channel(standin):
    client = WebClient(token=standin.bot_token, base_url=standin.api_url)
    client.chat_postMessage(channel=STATUS, text="first")
    client.chat_postMessage(channel=HELP, text="another channel is not held back")
    standin.limit_posts_per_channel(1.0)
    client.chat_postMessage(channel=STATUS, text="the limit starts now")
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="#status", text="too soon")
    assert refused.value.response.status_code == 429 and refused.value.response.headers["Retry-After"] == "1"
    assert [m["text"] for m in standin.messages(STATUS)] == ["first", "the limit starts now"]


def test_an_update_paced_in_one_instance_lands_above_the_resolution_another_sends_at_once(standin, tmp_path):
    one, two = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        card = draft(one, standin)
        reply(one, standin, card, "Checkout fails for EU cards.")
        broadcast(one, standin, card)
        reply(one, standin, card, "Cause found: an expired certificate.")
        # The update waits a second per channel in the first instance (one post per second per
        # channel); the second instance has posted nothing there, so it would resolve at once.
        closing = follow_up_form(two, standin, "resolve INC-1 Certificate renewed.")
        follow_up(one, standin, "update INC-1")
        wait_until(lambda: rows(one.database, "SELECT count(*) AS n FROM incident_posts WHERE step = 1")[0]["n"] == 3)
        submit_follow_up(two, closing)
        wait_until(lambda: all(len(notes(standin, channel)) == 2 for channel in CONFIGURED), timeout=20)
        standin.wait_idle(quiet=0.5)
        for channel in CONFIGURED:
            update, resolution = notes(standin, channel)
            assert "Identified" in update and "Resolved" in resolution, (channel, update, resolution)
    finally:
        one.stop()
        two.stop()
