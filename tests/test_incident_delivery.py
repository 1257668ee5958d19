"""Getting a notice out: many channels in parallel within Slack's limit, and planned work across a restart."""

import time

from commands.incident import ids
from tests.flow import HELP, rows
from tests.harness import start_bot
from tests.incident_flow import CONFIGURED, LEAD, click, command, copies, draft, incident, open_modal, plan, reply, wait_until
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
