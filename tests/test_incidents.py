"""Incident notices from Slack: drafted in a thread, broadcast to many channels, kept in step, resolved."""

from commands.incident import ids
from storage.db import open_db
from tests.flow import HELP, rows
from tests.incident_flow import (
    CONFIGURED,
    LEAD,
    STATUS,
    broadcast,
    click,
    command,
    copies,
    draft,
    follow_up,
    incident,
    open_modal,
    opened_form,
    plan,
    reply,
    submit_follow_up,
    told,
    wait_until,
)


def preview_text(bot, standin, user="U0AGENT1") -> str:
    return repr(command(bot, standin, "preview INC-1", user=user)["blocks"])


def buttons(standin, card_ts, channel=HELP) -> list[str]:
    return [e["text"]["text"] for b in standin.message(channel, card_ts)["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_the_draft_follows_replies_edits_deletions_and_the_explicit_pick(bot, standin):
    card = draft(bot, standin)
    assert buttons(standin, card) == ["Preview", "Broadcast", "Discard"]
    assert "INC-1 · Checkout is down" in repr(standin.message(HELP, card)["blocks"])
    first = reply(bot, standin, card, "Checkout fails for some cards.")
    second = reply(bot, standin, card, "Checkout fails for all EU cards.", user="U0AGENT2")
    bot.driver.user_message(HELP, "an unrelated message in the channel")
    assert "all EU cards" in preview_text(bot, standin)
    bot.driver.edit_message(HELP, second, "Checkout fails for EU Visa cards.")
    wait_until(lambda: "Visa" in preview_text(bot, standin))
    bot.driver.delete_message(HELP, second)
    wait_until(lambda: "some cards" in preview_text(bot, standin))
    reply(bot, standin, card, "Maybe mention the workaround?", user="U0AGENT2")
    answered = len(standin.responses)
    assert bot.driver.message_shortcut(ids.SHORTCUT_USE_AS_NOTICE, channel=HELP, message_ts=first, user=LEAD).status == 200
    picked = standin.wait_for_response(count=answered + 1)[-1]["body"]
    assert "INC-1 now uses this reply" in picked["text"] and picked["response_type"] == "ephemeral"
    assert "some cards" in preview_text(bot, standin) and "workaround" not in preview_text(bot, standin)
    assert len(rows(bot.database, "SELECT * FROM incident_revisions")) == 3
    assert not standin.calls_to("views.open") and len(copies(standin, STATUS)) == 0, "nothing went out yet"


def test_broadcast_to_three_channels_then_update_and_resolve_every_copy(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Checkout fails for EU cards since 10:00. We are on it.")
    view = open_modal(bot, standin, card)
    assert "Checkout fails for EU cards since 10:00" in view["blocks"][0]["text"]["text"], "the form shows the notice"
    picker = view["blocks"][1]["element"]
    assert picker["type"] == "multi_conversations_select" and picker["initial_conversations"] == CONFIGURED
    assert bot.driver.view_submission(view, plan(CONFIGURED, severity="SEV1"), user=LEAD).status == 200
    wait_until(lambda: all(copies(standin, channel) for channel in CONFIGURED))
    receipt = standin.wait_for("chat.postEphemeral", where=lambda call: "went out to" in call.args.get("text", ""))
    assert "<#C0STATUS>, <#C0HELP>, <#C0GENERAL>" in repr(receipt[-1].args["blocks"])
    assert receipt[-1].args["text"] == "INC-1 went out to 3 channels."
    for channel in CONFIGURED:
        (copy,) = copies(standin, channel)
        shown = repr(copy["blocks"])
        assert "Investigating" in shown and "SEV1" in shown and "Checkout fails for EU cards since 10:00" in shown
        assert "<!date^" in shown and "<!here>" not in shown + copy["text"], "no @here unless asked for"
    standin.wait_idle(quiet=0.2)
    assert buttons(standin, card) == ["Preview", "Update", "Resolve"]

    reply(bot, standin, card, "Cause found: an expired certificate.")
    follow_up(bot, standin, "update INC-1")
    told(standin, "now Identified everywhere")
    follow_up(bot, standin, "update INC-1 monitoring")
    told(standin, "now Monitoring everywhere")
    follow_up(bot, standin, "resolve INC-1 Certificate renewed.")
    told(standin, "resolved everywhere")
    standin.wait_idle(quiet=0.2)
    for channel in CONFIGURED:
        (copy,) = copies(standin, channel)
        assert "Resolved" in repr(copy["blocks"]) and "Investigating" not in repr(copy["blocks"])
        assert "Certificate renewed." in repr(copy["blocks"]) and "since 10:00" not in repr(copy["blocks"])
        notes = [m["blocks"][0]["text"]["text"] for m in standin.thread(channel, copy["ts"])[1:]]
        assert len(notes) == 3
        assert "Identified" in notes[0] and "expired certificate" in notes[0]
        assert "Monitoring" in notes[1] and "expired certificate" not in notes[1]
        assert "Resolved* after" in notes[2] and "Certificate renewed." in notes[2]
    assert buttons(standin, card) == []
    stored = incident(bot)
    assert (stored["status"], stored["severity"], stored["broadcast_by"]) == ("resolved", "SEV1", LEAD)
    events = [e["action"] for e in rows(bot.database, "SELECT action FROM incident_events ORDER BY id")]
    assert events.count("posted") == 12 and events[:2] == ["drafted", "broadcast"] and "resolved" in events
    listed = command(bot, standin, "list", user="U0AGENT1")
    assert "INC-1" in repr(listed["blocks"]) and "/archives/C0STATUS/p" in repr(listed["blocks"])


def test_only_broadcasters_may_send_and_nothing_is_posted_for_anyone_else(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Search is slow.")
    refused = command(bot, standin, "broadcast INC-1", user="U0AGENT1")
    assert "Only incident broadcasters" in refused["text"] and refused["response_type"] == "ephemeral"
    assert "<@U0LEAD1>" in repr(refused["blocks"]) and "<!subteam^S0LEADS>" in repr(refused["blocks"])
    view = open_modal(bot, standin, card, user="U0SPEC1")  # a member of the S0LEADS group
    assert bot.driver.view_submission(view, plan(CONFIGURED), user="U0AGENT1").status == 200
    assert "Only incident broadcasters" in standin.wait_for("chat.postEphemeral")[-1].args["text"]
    assert "Only incident broadcasters" in command(bot, standin, "update INC-1", user="U0AGENT2")["text"]
    standin.wait_idle(quiet=0.2)
    assert not any(copies(standin, channel) for channel in CONFIGURED)
    assert incident(bot)["status"] == "draft"
    click(bot, standin, ids.ACTION_DISCARD, card, user="U0AGENT1")  # whoever drafted it may discard it
    wait_until(lambda: buttons(standin, card) == [])
    assert incident(bot)["status"] == "discarded" and "Discarded" in repr(standin.message(HELP, card)["blocks"])


def test_mentions_in_the_draft_stay_words_and_here_is_the_only_notification(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "<!channel> <!here> <!everyone> <!subteam^S0ENGINEERS|@engineers> checkout is down, "
                              "see <https://status.example.com|status>")
    broadcast(bot, standin, card, here=True)
    for channel in CONFIGURED:
        (copy,) = copies(standin, channel)
        shown = repr(copy["blocks"]) + copy["text"]
        assert "@channel @here @everyone @engineers checkout is down" in shown
        assert "<!channel>" not in shown and "<!everyone>" not in shown and "<!subteam" not in shown
        assert shown.count("<!here>") == 2, "once in the copy, once in its notification text"


def test_a_failing_channel_does_not_stop_the_others_and_retry_reaches_only_it(bot, standin):
    private = standin.add_channel("war-room", "C0WARROOM", is_private=True, bot_is_member=False)
    card = draft(bot, standin)
    reply(bot, standin, card, "Logins fail.")
    view = open_modal(bot, standin, card)
    bot.driver.view_submission(view, plan([STATUS, private, HELP]), user=LEAD)
    report = standin.wait_for("chat.postEphemeral", where=lambda call: "could not reach" in call.args.get("text", ""))[-1]
    assert "*I am not a member:* <#C0WARROOM>. Invite me" in repr(report.args["blocks"]) and "C0STATUS" not in repr(report.args["blocks"])
    assert copies(standin, STATUS) and copies(standin, HELP) and not copies(standin, private)
    standin.workspace.channels[private].members.add("U0BOT")  # someone invites the bot
    retry_ts = standin.ephemerals[-1]["message_ts"]
    for _ in range(2):
        bot.driver.block_action(ids.ACTION_RETRY, "1:0", user=LEAD, channel=HELP, message_ts=retry_ts)
    wait_until(lambda: copies(standin, private))
    standin.wait_idle(quiet=0.3)
    assert len(copies(standin, private)) == 1 and len(copies(standin, STATUS)) == 1 and len(copies(standin, HELP)) == 1
    assert [p["error"] for p in rows(bot.database, "SELECT error FROM incident_posts")] == [None, None, None]
    failed = rows(bot.database, "SELECT channel, detail FROM incident_events WHERE action = 'post_failed'")
    assert failed == [{"channel": private, "detail": "0:not_in_channel"}]


def test_duplicate_deliveries_of_the_form_and_the_buttons_post_once(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Exports time out.")
    view = open_modal(bot, standin, card)
    for _ in range(2):
        assert bot.driver.view_submission(view, plan(CONFIGURED), user=LEAD).status == 200
    wait_until(lambda: all(copies(standin, channel) for channel in CONFIGURED))
    standin.wait_idle(quiet=0.3)
    form = opened_form(standin, ids.MODAL_FOLLOW_UP, lambda: click(bot, standin, ids.ACTION_UPDATE, card))
    for _ in range(2):
        submit_follow_up(bot, form, words="Exports work again for most teams.")
    threads = {channel: copies(standin, channel)[0]["ts"] for channel in CONFIGURED}
    wait_until(lambda: all(len(standin.thread(channel, ts)) == 2 for channel, ts in threads.items()))
    standin.wait_idle(quiet=1.2)  # longer than the spacing of posts to one channel
    for channel, ts in threads.items():
        assert len(standin.thread(channel, ts)) == 2, "one update under each copy"
        assert len(copies(standin, channel)) == 1
    assert len(rows(bot.database, "SELECT * FROM incident_steps")) == 2
    assert len(rows(bot.database, "SELECT * FROM incident_posts")) == 6


def test_modal_field_errors_show_in_the_form(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Planned maintenance.")
    view = open_modal(bot, standin, card)
    answer = bot.driver.view_submission(view, plan([], at=1000), user=LEAD)
    assert answer.json["response_action"] == "errors"
    assert set(answer.json["errors"]) == {ids.BLOCK_CHANNELS, ids.BLOCK_SCHEDULE}


def test_a_reply_that_comes_before_the_card_is_recorded_still_drafts_the_notice(bot, standin):
    card = draft(bot, standin)
    db = open_db(bot.database)
    try:
        db.execute("UPDATE incidents SET card_ts = NULL WHERE id = 1")
    finally:
        db.close()
    elsewhere, _ = bot.driver.user_message(HELP, "a conversation of its own")
    bot.driver.user_message(HELP, "not about the incident", thread_ts=elsewhere)
    standin.wait_for("conversations.replies", where=lambda call: call.args.get("ts") == elsewhere)
    assert incident(bot)["card_ts"] is None, "another thread's top message is not the card"
    first = reply(bot, standin, card, "Checkout fails for some cards.")
    assert incident(bot)["card_ts"] == card, "the card is recorded from its metadata"
    assert [row["ts"] for row in rows(bot.database, "SELECT ts FROM incident_revisions")] == [first]


def test_a_draft_card_slack_refuses_is_said_to_whoever_drafted_it(bot, standin):
    private = standin.add_channel("secret-ops", is_private=True, bot_is_member=False)
    assert bot.driver.command("draft Checkout is down", command=ids.COMMAND, user=LEAD, channel=private).status == 200
    warning = standin.wait_for_response()[-1]["body"]
    assert warning["response_type"] == "ephemeral"
    assert "INC-1 is saved, but Slack refused its card in <#" in warning["text"] and "/invite @supportbot" in warning["text"]
    assert incident(bot)["card_ts"] is None
