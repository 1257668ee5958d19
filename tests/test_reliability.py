"""Nothing lost, nothing doubled: replays, restarts, forged requests and a misbehaving Web API."""

import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from bot.app_factory import declared_surface
from storage import escalations as core
from storage.db import open_db, prepare_database
from storage.model import NewEscalation, Source
from tests.flow import HELP, L1, card_text, cards_in, count, raise_by_command, rows, run_concurrently
from tests.harness import start_bot
from tests.databases import database_for


def test_redelivered_event_raises_once_even_concurrently(bot, standin):
    ts = standin.post_user_message(HELP, "Payments fail")
    run_concurrently(*(lambda retry=retry: bot.driver.reaction_added(HELP, ts, event_id="Ev0SAME", retry_num=retry)
                       for retry in (None, 1, 2)))
    standin.wait_for("chat.postMessage", count=2)
    standin.wait_idle()
    assert count(bot.database, "escalations") == 1
    assert len(cards_in(standin, L1)) == 1
    assert not standin.ephemerals, "a replay is silent"


def test_same_command_delivered_twice_has_one_effect(bot, standin):
    for _ in range(2):
        assert bot.driver.command("new Twice delivered", trigger_id="trig.SAME").status == 200
    standin.wait_for("chat.postMessage", count=2)
    standin.wait_idle()
    assert count(bot.database, "escalations") == 1 and len(cards_in(standin, HELP)) == 1


def test_same_click_delivered_twice_takes_once(bot, standin):
    raise_by_command(bot, standin)
    card = cards_in(standin, L1)[0]
    value = "1:1"
    for _ in range(2):
        bot.driver.block_action("esc-take", value, channel=L1, message_ts=card["ts"], trigger_id="trig.CLICK")
    standin.wait_for("chat.update", count=2)
    standin.wait_idle()
    assert len(rows(bot.database, "SELECT * FROM events WHERE action = 'taken'")) == 1
    assert not standin.ephemerals, "the replay is silent"


def test_event_redelivered_after_a_restart_has_one_effect(standin, tmp_path):
    ts = standin.post_user_message(HELP, "Exports time out")
    first = start_bot(standin, tmp_path)
    try:
        first.driver.reaction_added(HELP, ts, event_id="Ev0RESTART")
        standin.wait_for("chat.postMessage", count=2)
        standin.wait_idle()
    finally:
        first.stop()
    second = start_bot(standin, tmp_path)
    try:
        assert second.driver.reaction_added(HELP, ts, event_id="Ev0RESTART", retry_num=1).status == 200
        standin.wait_idle()
        assert count(second.database, "escalations") == 1 and len(cards_in(standin, L1)) == 1
    finally:
        second.stop()


def test_two_instances_on_one_database_raise_once(standin, tmp_path):
    ts = standin.post_user_message(HELP, "Search is empty")
    one, two = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        run_concurrently(*(lambda b=b: b.driver.reaction_added(HELP, ts, event_id="Ev0TWO") for b in (one, two)))
        standin.wait_for("chat.postMessage", count=2)
        standin.wait_idle()
        assert count(one.database, "escalations") == 1 and len(cards_in(standin, L1)) == 1
    finally:
        one.stop()
        two.stop()


def _signed_command_body(text="new Forged"):
    return f"command=%2Fesc&text={text.replace(' ', '+')}&user_id=U0AGENT1&channel_id=C0HELP&trigger_id=t.1&team_id=T0SUPPORT".encode()


def test_forged_stale_and_malformed_requests_get_401_and_change_nothing(bot, standin):
    body = _signed_command_body()
    good = bot.driver.sign(body)
    forged = dict(good, **{"X-Slack-Signature": "v0=" + "0" * 64})
    stale = bot.driver.sign(body, timestamp=int(time.time()) - 600)
    not_a_number = dict(good, **{"X-Slack-Request-Timestamp": "yesterday"})
    missing = {"Content-Type": "application/x-www-form-urlencoded"}
    for headers in (forged, stale, not_a_number, missing):
        assert bot.driver.raw(body, headers).status == 401
    standin.wait_idle()
    assert count(bot.database, "escalations") == 0 and not standin.calls_to("chat.postMessage")


def test_a_replayed_request_gets_401_but_a_fresh_retry_is_accepted(bot, standin):
    body = _signed_command_body("new Replayed once")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **bot.driver.sign(body)}
    assert bot.driver.raw(body, headers).status == 200
    assert bot.driver.raw(body, headers).status == 401, "the same bytes, timestamp and signature"
    time.sleep(1.1)
    fresh = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Retry-Num": "1", **bot.driver.sign(body)}
    assert bot.driver.raw(body, fresh).status == 200, "Slack's retry is signed afresh"
    standin.wait_for("chat.postMessage", count=2)
    standin.wait_idle()
    assert count(bot.database, "escalations") == 1, "and deduplicated by its trigger"


@pytest.mark.parametrize("error", ["message_not_found", "cant_update_message", "edit_window_closed"])
def test_stale_card_is_replaced_by_a_fresh_one(bot, standin, error):
    raise_by_command(bot, standin)
    old = {channel: cards_in(standin, channel)[0]["ts"] for channel in (HELP, L1)}
    standin.fail("chat.update", error=error, times=2)
    bot.driver.command("take 1")
    standin.wait_for_response(count=1)
    standin.wait_idle()
    for channel in (HELP, L1):
        fresh = rows(bot.database, "SELECT ts FROM cards WHERE channel = ?", [channel])[0]["ts"]
        assert fresh != old[channel] and "*Owner*\\n<@U0AGENT1>" in card_text(standin.message(channel, fresh))
    assert rows(bot.database, "SELECT user FROM line_owners")[0]["user"] == "U0AGENT1"


def test_ack_does_not_wait_for_a_web_api_taking_10_seconds(bot, standin):
    standin.delay("chat.postMessage", 10.0)
    started = time.monotonic()
    response = bot.driver.command("new Slow Slack")
    acked_after = time.monotonic() - started
    assert response.status == 200
    assert not standin.calls_to("chat.postMessage"), f"acked after {acked_after:.2f}s, before any card was posted"
    assert count(bot.database, "escalations") <= 1
    standin.wait_for_arrival("chat.postMessage")
    standin.delay("chat.postMessage", 0)  # only the first card takes 10 s: the bot is not left finishing another at its stop
    standin.wait_for("chat.postMessage", count=1, timeout=15)
    assert count(bot.database, "escalations") == 1


def test_rate_limit_is_retried_and_the_card_still_posted(bot, standin):
    standin.fail("chat.postMessage", error="ratelimited", status=429, retry_after=1, times=1)
    bot.driver.command("new Rate limited")
    posts = standin.wait_for("chat.postMessage", count=3)
    assert posts[0].failed and posts[0].status == 429 and not posts[1].failed
    assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1


def test_server_error_is_retried_and_the_card_still_posted(bot, standin):
    standin.fail("chat.postMessage", error="internal_error", status=503, times=1)
    bot.driver.command("new Slack hiccup")
    posts = standin.wait_for("chat.postMessage", count=3)
    assert posts[0].status == 503 and len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1


def test_failing_slack_never_loses_the_stored_escalation(bot, standin):
    standin.fail("chat.postMessage", error="internal_error", status=500, times=12)  # every attempt of both cards
    bot.driver.command("new Slack is down too")
    body = standin.wait_for_response(timeout=30)[-1]["body"]
    assert "Saved, but Slack refused the card" in body["text"] and body["response_type"] == "ephemeral"
    esc = rows(bot.database, "SELECT * FROM escalations")[0]
    assert esc["summary"] == "Slack is down too" and count(bot.database, "events") == 1


def test_every_subscribed_event_command_and_shortcut_is_answered_200(bot, standin):
    declared = declared_surface()
    for subscription in declared.events:  # message.channels arrives as a `message` event
        event = {"type": subscription.split(".")[0], "user": "U0AGENT1", "channel": "C0GENERAL",
                 "item": {"type": "file", "channel": "C0GENERAL"}, "reaction": "x", "text": "ack", "event_ts": "1.1"}
        assert bot.driver.event(event).status == 200
    ts = standin.post_user_message(HELP, "the bot's own reaction is not an escalation")
    assert bot.driver.reaction_added(HELP, ts, user="U0BOT").status == 200
    for command in declared.commands:
        assert bot.driver.command("help", command=command["command"]).status == 200
    for shortcut in declared.shortcuts:
        assert bot.driver.message_shortcut(shortcut["callback_id"], channel=HELP, message_ts=ts).status == 200
    standin.wait_idle()
    assert count(bot.database, "escalations") == 0


def test_healthz_answers_200(bot):
    with urllib.request.urlopen(f"{bot.url}/healthz") as response:
        assert response.status == 200 and response.read() == b"ok"


def test_stopping_finishes_work_already_acknowledged(bot, standin):
    standin.delay("chat.postMessage", 1.0)
    assert bot.driver.command("new Raised just before a deploy").status == 200
    bot.stop()
    assert bot.process.returncode == 0
    assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1


def test_cards_never_posted_before_a_crash_are_posted_once_at_the_next_start(standin, tmp_path):
    prepare_database(database_for(tmp_path))
    db = open_db(database_for(tmp_path))
    crashed_at = datetime.now(timezone.utc) - timedelta(minutes=10)
    core.raise_escalation(db, crashed_at, NewEscalation("Stored, then the host died", "U0AGENT1", HELP, Source.COMMAND), "k")
    db.close()
    for _ in range(2):
        bot = start_bot(standin, tmp_path)
        try:
            standin.wait_for("chat.postMessage", count=2)
            standin.wait_idle()
        finally:
            bot.stop()
    assert len(cards_in(standin, HELP)) == 1 and len(cards_in(standin, L1)) == 1
    assert rows(bot.database, "SELECT origin_ts FROM escalations")[0]["origin_ts"] == cards_in(standin, HELP)[0]["ts"]
