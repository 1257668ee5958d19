"""Incident notices when Slack fails: one Web API call in five refused, a channel archived, a
channel rate limited for a while, a copy Slack will not edit. Every channel still gets
each step once, and the broadcaster is told truly what is missing, why, and what to do."""

from commands.incident import ids
from tests.flow import HELP, rows
from tests.incident_flow import (
    GENERAL,
    LEAD,
    STATUS,
    copies,
    draft,
    follow_up,
    incident,
    notes,
    open_modal,
    plan,
    reply,
    told,
    wait_until,
)

REGIONS = 8
BUSY = "Rate limited, Slack kept refusing me there"
RATE_LIMIT_RETRIES = 5  # the Web client's own (bot/slack_client.py)


def retry(bot, report: dict) -> None:
    """Click the Retry button of a report (an ephemeral or a direct message), twice as an
    impatient person would."""
    value = next(e["value"] for b in report["blocks"] if b["type"] == "actions" for e in b["elements"])
    for _ in range(2):
        assert bot.driver.block_action(ids.ACTION_RETRY, value, user=LEAD, channel=report["channel"],
                                       message_ts=report.get("message_ts") or report["ts"]).status == 200


def header(standin, channel: str) -> str:
    (copy,) = copies(standin, channel)
    return copy["blocks"][0]["text"]["text"]


def posts(bot) -> dict[tuple[int, str], tuple[bool, str | None, str | None]]:
    found = rows(bot.database, "SELECT step, channel, ts, error, edit_error FROM incident_posts")
    return {(row["step"], row["channel"]): (row["ts"] is not None, row["error"], row["edit_error"]) for row in found}


def test_one_call_in_five_refused_still_gives_every_channel_each_step_once(bot, standin):
    regions = [standin.add_channel(f"region-{n}") for n in range(REGIONS)]
    private = standin.add_channel("war-room", "C0WARROOM", is_private=True, bot_is_member=False)
    card = draft(bot, standin)
    reply(bot, standin, card, "Payments are delayed in every region.")
    standin.fail_randomly(0.2, seed=7)
    bot.driver.view_submission(open_modal(bot, standin, card), plan([*regions, private]), user=LEAD)
    (report,) = told(standin, "could not reach")
    assert "could not reach 1 channel;" in repr(report["blocks"])
    assert "*I am not a member:* <#C0WARROOM>. Invite me" in repr(report["blocks"])
    assert not any(region in repr(report["blocks"]) for region in regions)
    wait_until(lambda: all(copies(standin, region) for region in regions), timeout=60)

    reply(bot, standin, card, "A fix is rolling out.")
    follow_up(bot, standin, "update INC-1")
    told(standin, "now Identified everywhere", timeout=60)
    follow_up(bot, standin, "resolve INC-1 Payments flow again.")
    told(standin, "resolved everywhere", timeout=60)
    standin.wait_idle(quiet=1.5, timeout=60)

    faults = sum(call.status in (429, 500) for call in standin.calls)
    assert faults >= 0.1 * len(standin.calls), f"only {faults} of {len(standin.calls)} calls failed"
    for region in regions:
        assert len(copies(standin, region)) == 1
        assert "Resolved" in header(standin, region) and "Investigating" not in repr(copies(standin, region))
        (update, resolution) = notes(standin, region)
        assert "Identified" in update and "A fix is rolling out." in update
        assert "Resolved* after" in resolution and "Payments flow again." in resolution
    assert not copies(standin, private)
    assert len(told(standin, "could not reach")) == 1, "nothing else was reported missing"
    stored = posts(bot)
    assert stored.pop((0, private)) == (False, "not_in_channel", None)
    assert stored == {(step, region): (True, None, None) for step in range(3) for region in regions}


def test_an_archived_channel_is_named_with_why_and_a_rate_limited_one_is_tried_again_until_slack_takes_it(bot, standin):
    archived = standin.add_channel("old-announcements")
    busy = standin.add_channel("busy-feed")
    standin.archive_channel(archived)
    standin.hold_at_rate_limit(busy)
    card = draft(bot, standin)
    reply(bot, standin, card, "Search is down.")
    bot.driver.view_submission(open_modal(bot, standin, card), plan([STATUS, archived, busy]), user=LEAD)
    tries = 2 * (1 + RATE_LIMIT_RETRIES)  # two tries of the step's row, each past the client's own retries
    standin.wait_for("chat.postMessage", count=tries, where=lambda call: call.args.get("channel") == busy)
    assert len(copies(standin, STATUS)) == 1
    assert not [e for e in standin.ephemerals if "INC-1" in e["text"]], "nothing said while a channel is tried again"
    standin.release_rate_limit(busy)

    (report,) = told(standin, "could not reach")
    shown = repr(report["blocks"])
    assert "could not reach 1 channel; the others have it." in shown
    assert f"*Archived:* <#{archived}>. Unarchive it, then retry." in shown and busy not in shown
    assert [len(copies(standin, channel)) for channel in (STATUS, busy)] == [1, 1]
    assert posts(bot) == {(0, STATUS): (True, None, None), (0, archived): (False, "is_archived", None),
                          (0, busy): (True, None, None)}

    standin.archive_channel(archived, archived=False)
    retry(bot, report)
    told(standin, "reached every channel, and every copy is up to date")
    standin.wait_idle(quiet=1.2)
    assert [len(copies(standin, channel)) for channel in (STATUS, archived, busy)] == [1, 1, 1]
    assert len(told(standin, "could not reach")) == 1
    assert posts(bot) == {(0, channel): (True, None, None) for channel in (STATUS, archived, busy)}
    failed = rows(bot.database, "SELECT channel, detail FROM incident_events WHERE action = 'post_failed' ORDER BY id")
    assert [(row["channel"], row["detail"]) for row in failed] == [(archived, "0:is_archived")]


def test_a_copy_slack_will_not_edit_is_reported_and_retry_or_the_next_update_brings_it_in_step(bot, standin):
    channels = [STATUS, HELP, GENERAL]
    card = draft(bot, standin)
    reply(bot, standin, card, "Logins fail.")
    bot.driver.view_submission(open_modal(bot, standin, card), plan(channels), user=LEAD)
    wait_until(lambda: all(copies(standin, channel) for channel in channels))
    standin.hold_at_rate_limit(GENERAL, methods=frozenset({"chat.update"}))
    reply(bot, standin, card, "Cause found: a bad deploy.")
    follow_up(bot, standin, "update INC-1")
    (report,) = told(standin, "older status")
    shown = repr(report["blocks"])
    assert "1 copy of *INC-1* still shows an older status." in shown and "could not reach" not in shown
    assert f"*{BUSY}:* <#{GENERAL}>. Wait a minute, then retry." in shown
    assert "Identified" in header(standin, STATUS) and "Investigating" in header(standin, GENERAL)
    assert all(len(notes(standin, channel)) == 1 for channel in channels), "the update itself reached every copy"
    assert posts(bot)[(0, GENERAL)] == (True, None, "ratelimited")
    assert not [e for e in standin.ephemerals if "everywhere" in e["text"]], "no claim that every copy changed"

    standin.release_rate_limit(GENERAL)
    retry(bot, report)
    told(standin, "every copy is up to date")
    standin.wait_idle(quiet=0.3)
    assert "Identified" in header(standin, GENERAL) and posts(bot)[(0, GENERAL)] == (True, None, None)
    assert all(len(notes(standin, channel)) == 1 for channel in channels), "Retry posted nothing again"

    standin.hold_at_rate_limit(GENERAL, methods=frozenset({"chat.update"}))
    follow_up(bot, standin, "update INC-1 monitoring")
    told(standin, "older status", count=2)
    standin.release_rate_limit(GENERAL)
    follow_up(bot, standin, "resolve INC-1 Rolled back.")
    told(standin, "resolved everywhere")
    standin.wait_idle(quiet=0.3)
    assert all("Resolved" in header(standin, channel) for channel in channels)
    assert all(len(notes(standin, channel)) == 3 for channel in channels)
    assert posts(bot)[(0, GENERAL)] == (True, None, None) and incident(bot)["status"] == "resolved"
    events = rows(bot.database, "SELECT action, channel FROM incident_events WHERE action IN"
                               " ('edit_failed', 'back_in_step') ORDER BY id")
    assert [(e["action"], e["channel"]) for e in events] == [("edit_failed", GENERAL), ("back_in_step", GENERAL)] * 2


def test_a_broadcaster_outside_the_cards_channel_gets_the_report_as_a_direct_message(bot, standin):
    archived = standin.add_channel("old-announcements")
    standin.archive_channel(archived)
    card = draft(bot, standin)
    reply(bot, standin, card, "Exports are delayed.")
    view = open_modal(bot, standin, card)
    standin.workspace.channels[HELP].members.discard(LEAD)  # the lead broadcasts from elsewhere
    bot.driver.view_submission(view, plan([STATUS, archived]), user=LEAD)
    (report,) = wait_until(lambda: standin.messages(LEAD))  # the bot's direct messages with the lead
    assert f"*Archived:* <#{archived}>. Unarchive it, then retry." in repr(report["blocks"])
    assert not [e for e in standin.ephemerals if "could not reach" in e["text"]], "no ephemeral could reach the lead"
    standin.archive_channel(archived, archived=False)
    retry(bot, report)
    told(standin, "reached every channel")
    assert len(copies(standin, archived)) == 1 and len(copies(standin, STATUS)) == 1
