"""Incident copies and follow-ups exactly once across a crash or a pause: a process killed (or
paused past its lease) mid-fan-out, after Slack took some posts but before the bot saved them,
and before it reached the other channels, is finished by the process that takes the step's
outbox row over: what Slack has is adopted (found by its metadata), only what is missing is
posted, and the paused process posts nothing more once it wakes."""

import time
from contextlib import contextmanager

from commands.incident import ids
from commands.incident.card_posts import CARD_METADATA
from commands.incident.fanout import PARALLEL_POSTS
from commands.incident.publish import POST_EVENT
from tests.flow import HELP, rows
from tests.harness import TAKEOVER_WAIT_S, start_bot
from tests.incident_flow import (CONFIGURED, LEAD, broadcast, copies, draft, follow_up_form, open_modal, plan, reply,
                                 submit_follow_up, wait_until)

BROADCAST_CHANNELS = 20  # a pause mid fan-out: some copies on their way, more than as many again not started


def _posts(db_path, step: int) -> list[dict]:
    return rows(db_path, "SELECT channel, ts, error FROM incident_posts WHERE step = ? ORDER BY channel", [step])


def _kill(bot) -> None:
    bot.process.kill()
    bot.process.wait()


def _more_channels_than_posted_at_once(standin, count: int = PARALLEL_POSTS + 2) -> list[str]:
    return CONFIGURED + [standin.add_channel(f"region-{n}") for n in range(count - len(CONFIGURED))]


def _a_copy(call) -> bool:
    return (call.args.get("metadata") or {}).get("event_type") == POST_EVENT


@contextmanager
def _broadcasting_beside_another(standin, tmp_path):
    """Two instances on one database; the first broadcasts a drafted incident to 20 channels,
    Slack slow to answer, and (first, other, channels) is given once the first posts are claimed
    and Slack is taking them. Both are stopped at the end (a killed one stops at once)."""
    channels = _more_channels_than_posted_at_once(standin, BROADCAST_CHANNELS)
    first, other = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        card = draft(first, standin)
        reply(first, standin, card, "Checkout fails for every card.")
        view = open_modal(first, standin, card)
        standin.delay("chat.postMessage", 1.5)
        assert first.driver.view_submission(view, plan(channels), user=LEAD).status == 200
        standin.wait_for_arrival("chat.postMessage", count=PARALLEL_POSTS, where=_a_copy)
        yield first, other, channels
    finally:
        first.stop()
        other.stop()


def _every_copy_recorded(db_path, channels: list[str]) -> bool:
    posts = _posts(db_path, 0)
    return len(posts) == len(channels) and all(post["ts"] for post in posts)


def _assert_one_copy_each(standin, channels: list[str]) -> None:
    assert {channel: len(copies(standin, channel)) for channel in channels} == {channel: 1 for channel in channels}


def _pending(db_path) -> int:
    return rows(db_path, "SELECT count(*) AS n FROM outbox WHERE done_at IS NULL")[0]["n"]


def test_killed_mid_broadcast_the_next_process_adopts_the_copies_slack_took_and_posts_the_rest(standin, tmp_path):
    channels = _more_channels_than_posted_at_once(standin)
    first = start_bot(standin, tmp_path)
    card = draft(first, standin)
    reply(first, standin, card, "Checkout fails for every card.")
    view = open_modal(first, standin, card)
    standin.delay("chat.postMessage", 2)
    assert first.driver.view_submission(view, plan(channels), user=LEAD).status == 200
    wait_until(lambda: len(_posts(first.database, 0)) == PARALLEL_POSTS)  # claimed, the last two waiting
    standin.wait_for_arrival("chat.postMessage", count=PARALLEL_POSTS, where=_a_copy)  # and sent: Slack is taking them
    _kill(first)
    wait_until(lambda: sum(bool(copies(standin, channel)) for channel in channels) == PARALLEL_POSTS)
    standin.wait_idle(quiet=0.5)  # the posts already sent land in Slack; their ts was never saved
    reached = [channel for channel in channels if copies(standin, channel)]
    assert len(reached) == PARALLEL_POSTS and all(len(copies(standin, channel)) == 1 for channel in reached)
    assert [post["ts"] for post in _posts(first.database, 0)] == [None] * PARALLEL_POSTS
    standin.delay("chat.postMessage", 0)
    second = start_bot(standin, tmp_path)
    try:
        wait_until(lambda: _every_copy_recorded(second.database, channels), timeout=30)
        standin.wait_idle(quiet=1.0)
        _assert_one_copy_each(standin, channels)
        recorded = {post["channel"]: post["ts"] for post in _posts(second.database, 0)}
        assert recorded == {channel: copies(standin, channel)[0]["ts"] for channel in channels}
    finally:
        second.stop()


def test_killed_while_posting_an_update_the_next_process_adopts_the_replies_in_each_thread(standin, tmp_path):
    first = start_bot(standin, tmp_path)
    card = draft(first, standin)
    reply(first, standin, card, "Checkout fails for every card.")
    broadcast(first, standin, card)
    threads = {channel: copies(standin, channel)[0]["ts"] for channel in CONFIGURED}
    reply(first, standin, card, "The card processor is failing over.")
    time.sleep(1)  # one post per second per channel: the update is not held back by the copies
    standin.delay("chat.postMessage", 2)
    submit_follow_up(first, follow_up_form(first, standin))
    standin.wait_for_arrival("chat.postMessage", count=len(CONFIGURED),
                             where=lambda call: call.args.get("thread_ts") in threads.values())  # all on their way
    _kill(first)
    wait_until(lambda: all(len(standin.thread(channel, ts)) == 2 for channel, ts in threads.items()))  # Slack took them
    assert [post["ts"] for post in _posts(first.database, 1)] == [None] * len(CONFIGURED)
    standin.delay("chat.postMessage", 0)
    second = start_bot(standin, tmp_path)
    try:
        wait_until(lambda: all(post["ts"] for post in _posts(second.database, 1)), timeout=30)
        standin.wait_idle(quiet=1.0)
        for channel, ts in threads.items():
            thread = standin.thread(channel, ts)
            assert len(thread) == 2 and "failing over" in repr(thread[1]["blocks"]), channel
            assert {post["channel"]: post["ts"] for post in _posts(second.database, 1)}[channel] == thread[1]["ts"]
            assert "Identified" in repr(standin.message(channel, ts)["blocks"]), "the copy shows the new status"
    finally:
        second.stop()


def test_paused_past_its_lease_mid_broadcast_the_other_instance_finishes_it_and_no_copy_is_posted_twice(
        standin, tmp_path):
    with _broadcasting_beside_another(standin, tmp_path) as (paused, other, channels):
        with paused.paused():
            standin.delay("chat.postMessage", 0)
            wait_until(lambda: _every_copy_recorded(other.database, channels), timeout=TAKEOVER_WAIT_S)  # its lease ran out: taken over
        wait_until(lambda: _pending(other.database) == 0, timeout=15)
        standin.wait_idle(quiet=1.0)
        _assert_one_copy_each(standin, channels)
        recorded = {post["channel"]: post["ts"] for post in _posts(other.database, 0)}
        assert recorded == {channel: copies(standin, channel)[0]["ts"] for channel in channels}
        assert "taken over by another process" in paused.log(), "the paused instance stopped when it woke"


def test_killed_mid_broadcast_beside_another_instance_every_copy_is_out_once_within_15_s_of_its_death(
        standin, tmp_path):
    with _broadcasting_beside_another(standin, tmp_path) as (killed, other, channels):
        _kill(killed)
        died = time.monotonic()
        standin.delay("chat.postMessage", 0)
        wait_until(lambda: _every_copy_recorded(other.database, channels), timeout=15)
        assert time.monotonic() - died < 15
        standin.wait_idle(quiet=1.0)
        _assert_one_copy_each(standin, channels)


def test_killed_while_posting_the_draft_card_the_next_process_adopts_it_once(standin, tmp_path):
    first = start_bot(standin, tmp_path)
    standin.delay("chat.postMessage", 2)
    assert first.driver.command("draft Checkout is down", command=ids.COMMAND, user=LEAD, channel=HELP).status == 200
    standin.wait_for_arrival("chat.postMessage", where=lambda call: (call.args.get("metadata") or {}).get(
        "event_type") == CARD_METADATA)  # the incident is stored; its card is on its way to Slack
    _kill(first)
    standin.delay("chat.postMessage", 0)
    second = start_bot(standin, tmp_path)
    try:
        card_ts = wait_until(lambda: rows(second.database, "SELECT card_ts FROM incidents")[0]["card_ts"], timeout=30)
        standin.wait_idle()
        cards = [m for m in standin.messages(HELP) if m.get("bot_id") and "INC-1" in m.get("text", "")]
        assert [m["ts"] for m in cards] == [card_ts], "one card, and the bot knows it"
        assert _pending(second.database) == 0
    finally:
        second.stop()
