"""Reminders and the leads' alert reach a person, end to end with second-long deadlines: a line's
responders are mentioned (or, with none, the queue sees the reminder in the channel), every
reminder carries the card's Take or Acknowledge, and the leads are mentioned with Assign… and Take."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from commands.esc import ids
from commands.line3.ids import ACTION_ACK
from standin import form_values, selected_user
from storage.escalation_effects import REMINDER
from tests.blockkit import assert_valid_blocks, assert_valid_view
from tests.flow import L1, L3, cards_in, raise_by_command, rows, wait_until
from tests.harness import TEAM_YAML, start_bot
from tests.line3_flow import l3_card
from tests.test_notification_text import assert_plain_and_named
from tests.test_sla_reminders import FAST_SLA, LEADS, fast_bot, is_reminder, shown  # noqa: F401 - the fixture
from tests.test_who_may_act import answer_to, buttons, owners


def reminder_posts(standin, channel, tells_leads=False) -> list[dict]:
    """The arguments of each reminder the bot posted in `channel`."""
    return [call.args for call in standin.calls_to("chat.postMessage")
            if not call.failed and call.args.get("channel") == channel and is_reminder(call.args, tells_leads)]


def first_reminder(standin, channel, tells_leads=False) -> dict:
    return wait_until(lambda: reminder_posts(standin, channel, tells_leads))[0]


def posted_message(standin, channel, post: dict) -> dict:
    """The message Slack keeps for a post, found by its metadata."""
    return next(m for m in standin.messages(channel) if m.get("metadata") == post["metadata"])


def started_at(bot, esc_id: int) -> datetime:
    row = rows(bot.database, "SELECT started_at FROM sla_clocks WHERE escalation_id = ? ORDER BY id", [esc_id])[0]
    return datetime.fromisoformat(row["started_at"])


@pytest.fixture
def bot_with_l1_responders(standin, tmp_path):
    team = yaml.safe_load(TEAM_YAML)
    team["sla"] = FAST_SLA
    team["lines"][0]["responders"] = ["U0AGENT2", "S0LEADS"]
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(team))
    running = start_bot(standin, tmp_path)
    yield running
    running.stop()


def test_a_line_1_reminder_with_no_responders_is_shown_in_the_channel_and_its_take_takes(fast_bot, standin):  # noqa: F811
    raise_by_command(fast_bot, standin, "new P1 Checkout down for everyone")
    card = cards_in(standin, L1)[0]
    post = first_reminder(standin, L1)
    assert post["thread_ts"] == card["ts"] and post["reply_broadcast"] is True, "the queue sees it, not only the thread"
    assert_valid_blocks(post["blocks"])
    take = buttons(post)[ids.ACTION_TAKE]
    assert "Take" in take["text"]["text"] and take["value"] == buttons(card)[ids.ACTION_TAKE]["value"] == "1:1"
    reminder = posted_message(standin, L1, post)
    assert fast_bot.driver.block_action(ids.ACTION_TAKE, take["value"], user="U0AGENT1", channel=L1,
                                        message_ts=reminder["ts"]).status == 200
    wait_until(lambda: owners(fast_bot) == [{"line": 1, "user": "U0AGENT1"}])
    fast_bot.driver.block_action(ids.ACTION_TAKE, take["value"], user="U0AGENT2", channel=L1, message_ts=reminder["ts"])
    refusal = answer_to(standin, "U0AGENT2")["text"]
    assert "<@U0AGENT1> owns it on line 1 now. Nothing changed." in refusal, "refused as the card's Take is"
    assert owners(fast_bot) == [{"line": 1, "user": "U0AGENT1"}]


def test_a_line_1_reminder_mentions_its_responders_people_and_groups(bot_with_l1_responders, standin):
    raise_by_command(bot_with_l1_responders, standin, "new P1 Refunds stuck")
    post = first_reminder(standin, L1)
    assert "reply_broadcast" not in post, "the responders are called; the channel is left alone"
    for said in (post["text"], shown(post)):
        assert "<@U0AGENT2>" in said and "<!subteam^S0LEADS>" in said, said
    assert "Take" in buttons(post)[ids.ACTION_TAKE]["text"]["text"]


def test_a_line_3_reminder_acknowledges_for_a_responder_and_refuses_anyone_else(fast_bot, standin):  # noqa: F811
    raise_by_command(fast_bot, standin, "new P1 L3 Payments API returns 500")
    post = first_reminder(standin, L3)
    assert "reply_broadcast" not in post and "<!subteam^S0ENGINEERS>" in post["text"]
    ack = buttons(post)[ACTION_ACK]
    assert ack["text"]["text"] == "Acknowledge" and ack["value"] == buttons(l3_card(standin))[ACTION_ACK]["value"]
    reminder = posted_message(standin, L3, post)
    fast_bot.driver.block_action(ACTION_ACK, ack["value"], user="U0AGENT1", channel=L3, message_ts=reminder["ts"])
    assert "Only line 3's responders" in answer_to(standin, "U0AGENT1")["text"] and owners(fast_bot) == []
    fast_bot.driver.block_action(ACTION_ACK, ack["value"], user="U0ENG1", channel=L3, message_ts=reminder["ts"])
    wait_until(lambda: owners(fast_bot) == [{"line": 3, "user": "U0ENG1"}])
    assert rows(fast_bot.database, "SELECT actor FROM events WHERE action = 'acknowledged'") == [{"actor": "U0ENG1"}]


def test_reminders_and_the_leads_alert_notify_in_plain_words_key_first(fast_bot, standin):  # noqa: F811
    esc = raise_by_command(fast_bot, standin, "new P1 Login *loops* for `admins`")
    alert = first_reminder(standin, LEADS, tells_leads=True)
    texts = [post["text"] for post in reminder_posts(standin, L1)] + [alert["text"]]
    assert_plain_and_named(texts, re.compile(r"ESC-1 \(P1\) waits for an owner on L1 since \d\d:\d\d\b"))
    since = started_at(fast_bot, esc["id"]).astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert all(f" since {since}" in text for text in texts), "the team's clock"
    assert texts[0].endswith("reminder 1 of 2") and alert["text"].endswith("<@U0LEAD1> · after 2 reminders")


def test_the_leads_alert_mentions_the_leads_and_offers_assign_and_take(fast_bot, standin):  # noqa: F811
    raise_by_command(fast_bot, standin, "new P1 Invoices missing")
    raise_by_command(fast_bot, standin, "new P1 Exports empty")
    wait_until(lambda: len(reminder_posts(standin, LEADS, tells_leads=True)) == 2)
    first, second = sorted(reminder_posts(standin, LEADS, tells_leads=True), key=lambda post: post["text"])
    assert_valid_blocks(first["blocks"])
    assert first["blocks"][0]["type"] == "section" and "<@U0LEAD1>" in shown(first)
    assert [b["text"]["text"] for b in first["blocks"][1]["elements"]] == ["Assign…", "Take"]

    alert = posted_message(standin, LEADS, first)
    fast_bot.driver.block_action(ids.ACTION_ASSIGN, buttons(first)[ids.ACTION_ASSIGN]["value"], user="U0LEAD1",
                                 channel=LEADS, message_ts=alert["ts"], trigger_id="trigger-assign")
    standin.wait_for("views.open")
    form = standin.last_view(ids.MODAL_ASSIGN)
    assert_valid_view(form) and form["title"]["text"] == "Assign ESC-1"
    picked = form_values({f"{ids.BLOCK_ASSIGNEE}/{ids.INPUT_ASSIGNEE}": selected_user("U0SPEC1")})
    assert fast_bot.driver.view_submission(form, picked, user="U0LEAD1").status == 200

    alert = posted_message(standin, LEADS, second)
    take = buttons(second)[ids.ACTION_TAKE]
    assert take["value"] == "2:1"
    fast_bot.driver.block_action(ids.ACTION_TAKE, take["value"], user="U0LEAD1", channel=LEADS, message_ts=alert["ts"])
    owned = lambda: rows(fast_bot.database, "SELECT escalation_id, user FROM line_owners ORDER BY escalation_id")  # noqa: E731
    wait_until(lambda: owned() == [{"escalation_id": 1, "user": "U0SPEC1"}, {"escalation_id": 2, "user": "U0LEAD1"}])


def test_a_reminder_held_back_until_someone_took_the_case_is_not_sent(fast_bot, standin):  # noqa: F811
    standin.fail("chat.postMessage", status=500, times=4, where=is_reminder)  # the row backs off for about 3 s
    raise_by_command(fast_bot, standin, "new P1 Refunds stuck")
    standin.wait_for("chat.postMessage", where=lambda call: is_reminder(call.args), timeout=10)
    assert fast_bot.driver.command("take ESC-1", user="U0AGENT1", channel=L1).status == 200
    wait_until(lambda: rows(fast_bot.database, "SELECT done_at FROM outbox WHERE kind = ? AND done_at IS NOT NULL",
                            [REMINDER]), timeout=15)
    standin.wait_idle()
    assert reminder_posts(standin, L1) == [], "it would have offered Take on a case that has an owner"
    assert owners(fast_bot) == [{"line": 1, "user": "U0AGENT1"}]
