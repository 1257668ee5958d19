"""Getting a notice out: many channels in parallel within Slack's limit, and planned work across a restart."""

import time
from datetime import datetime, timedelta, timezone

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import parse_team_config
from bot.slack_client import make_client
from commands.deps import Deps
from commands.incident import ids
from commands.incident.publish import post_metadata
from jobs.incident_broadcasts import resume_unfinished_steps
from storage import incidents as core
from storage.boots import UNKNOWN_BOOT_SETTLE
from storage.db import Store, open_db, prepare_database
from storage.incident_model import BroadcastPlan
from tests.flow import HELP, rows
from tests.harness import start_bot
from tests.incident_flow import (
    APP_YAML,
    CONFIGURED,
    GENERAL,
    LEAD,
    STATUS,
    click,
    command,
    copies,
    draft,
    incident,
    open_modal,
    plan,
    reply,
    wait_until,
)
from tests.test_incidents import buttons

FAN_OUT_CHANNELS = 20


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
    command(bot, standin, "update INC-1")
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
        events = [e["action"] for e in rows(again.db_path, "SELECT action FROM incident_events ORDER BY id")]
        assert events[:5] == ["drafted", "scheduled", "cancelled", "scheduled", "broadcast"]
    finally:
        again.stop()


def test_a_fan_out_stopped_half_way_is_finished_later_adopting_what_slack_has_and_posting_nothing_twice(
        standin, tmp_path):
    path = tmp_path / "stopped.db"
    prepare_database(path)
    db = open_db(path)
    now = datetime.now(timezone.utc)
    never_reached = standin.add_channel("never-reached")
    created = core.create_incident(db, now, "Search is down", "U0AGENT1", HELP, "draft-1").incident
    core.attach_card(db, created.id, "1.000001")
    core.add_revision(db, HELP, "1.000001", "1.000002", "U0AGENT1", "Search returns nothing.")
    plan = BroadcastPlan((*CONFIGURED, never_reached), "SEV2", False)
    step = core.broadcast(db, now, created.id, LEAD, plan, "send-1").step
    client = make_client(standin.bot_token, standin.api_url)
    for channel in (STATUS, GENERAL, HELP):
        core.claim_post(db, now, created.id, 0, channel)
    taken = client.chat_postMessage(channel=STATUS, text="the copy Slack took",
                                    metadata=post_metadata(created.id, 0, STATUS))
    core.record_post(db, now, created.id, 0, HELP, "1.000003", LEAD)
    deps = Deps(store=Store(path), team=parse_team_config(APP_YAML),
                clock=lambda: now + UNKNOWN_BOOT_SETTLE + timedelta(seconds=1))
    assert resume_unfinished_steps(client, deps) == 1
    assert resume_unfinished_steps(client, deps) == 0
    assert [m["ts"] for m in standin.messages(STATUS)] == [taken["ts"]], "adopted, not posted again"
    assert len(copies(standin, GENERAL)) == 1 and len(copies(standin, never_reached)) == 1
    assert not copies(standin, HELP)
    assert "Search returns nothing." in repr(copies(standin, GENERAL)[0]["blocks"]) and step.number == 0
    posts = {row["channel"]: row["ts"] for row in rows(path, "SELECT channel, ts FROM incident_posts")}
    assert posts == {STATUS: taken["ts"], HELP: "1.000003", GENERAL: copies(standin, GENERAL)[0]["ts"],
                     never_reached: copies(standin, never_reached)[0]["ts"]}


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
