"""SLA reminders through the real process, with second-long deadlines: cadence, the leads'
notice, cancellation by an ack, a restart in between, and two instances on one database, also
through a day that ends in its digest."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.deps import utc_now
from tests.flow import L1, L3, card_text, cards_in, raise_by_command, rows, wait_until
from tests.harness import TEAM_YAML, start_bot
from tests.line3_flow import l3_card, reply

LEADS = "C0LEADS"
FAST_SLA = {"P1": {"ack": "2s", "take": "2s"}, "remind_every": "1s", "max_reminders": 2}


def fast_config(workdir):
    team = yaml.safe_load(TEAM_YAML)
    team["sla"] = FAST_SLA
    (workdir / "app.yaml").write_text(yaml.safe_dump(team))


@pytest.fixture
def fast_bot(standin, tmp_path):
    fast_config(tmp_path)
    running = start_bot(standin, tmp_path)
    yield running
    running.stop()


def is_reminder(message: dict, tells_leads: bool = False) -> bool:
    metadata = message.get("metadata") or {}
    return (metadata.get("event_type") == "supportbot_reminder"
            and metadata["event_payload"]["tells_leads"] is tells_leads)


def shown(message: dict) -> str:
    """What the reminder or alert says on screen: its first section."""
    return message["blocks"][0]["text"]["text"]


def _reminder_of(call, key: str) -> bool:
    return is_reminder(call.args) and call.args.get("text", "").startswith(f"{key} ")


def reminders_in(standin, channel, card_ts):
    return [shown(m) for m in standin.thread(channel, card_ts)[1:] if is_reminder(m)]


def leads_notices(standin):
    return [m["text"] for m in standin.messages(LEADS) if is_reminder(m, tells_leads=True)]


def test_reminders_keep_their_cadence_then_the_leads_are_told_once(fast_bot, standin):
    raise_by_command(fast_bot, standin, "new P1 L3 Payments API returns 500")
    raised = time.monotonic()
    standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == LEADS, timeout=10)
    standin.wait_idle(quiet=1.5)
    card = l3_card(standin)
    reminders = reminders_in(standin, L3, card["ts"])
    assert [text.split(":")[0] for text in reminders] == ["⏰ Reminder 1 of 2", "⏰ Reminder 2 of 2"]
    assert all("<!subteam^S0ENGINEERS>" in text and "ESC-1" in text for text in reminders)
    assert len(leads_notices(standin)) == 1 and "ESC-1 (P1)" in leads_notices(standin)[0]
    assert 3.5 <= time.monotonic() - raised < 8, "due at 2 s, then 1 s apart, then the leads one interval later"
    assert "ack overdue since" in card_text(card)
    clock = rows(fast_bot.database, "SELECT line, priority, breached_at, reminders_sent FROM sla_clocks")[0]
    assert (clock["line"], clock["priority"], clock["reminders_sent"]) == (3, "P1", 2) and clock["breached_at"]
    assert len(rows(fast_bot.database, "SELECT * FROM events WHERE action = 'sla_breached'")) == 1


def test_lines_1_and_2_are_reminded_to_take_it_in_their_channel(fast_bot, standin):
    raise_by_command(fast_bot, standin, "new P1 Checkout down for everyone")
    standin.wait_for("chat.postMessage", where=lambda call: is_reminder(call.args), timeout=10)
    standin.wait_idle()
    reminder = reminders_in(standin, L1, cards_in(standin, L1)[0]["ts"])[0]
    assert "<#C0SUPL1>" in reminder and "nobody taking it" in reminder and "@here" not in reminder


def test_an_ack_before_the_deadline_cancels_every_reminder(fast_bot, standin):
    raise_by_command(fast_bot, standin, "new P1 L3 Queue backlog growing")
    reply(fast_bot, standin, "on it", user="U0ENG1")
    time.sleep(3.5)
    assert reminders_in(standin, L3, l3_card(standin)["ts"]) == [] and leads_notices(standin) == []
    assert rows(fast_bot.database, "SELECT outcome, breached_at FROM sla_clocks") == [{"outcome": "met", "breached_at": None}]


def test_a_reminder_due_while_the_bot_was_down_is_sent_once_when_it_is_back(standin, tmp_path):
    fast_config(tmp_path)
    first = start_bot(standin, tmp_path)
    raise_by_command(first, standin, "new P1 L3 Nightly sync failed")
    first.stop()
    time.sleep(2.5)
    second = start_bot(standin, tmp_path)
    try:
        standin.wait_for("chat.postMessage", where=lambda call: "reminder 1 of 2" in call.args.get("text", ""))
        time.sleep(0.6)
        reminders = reminders_in(standin, L3, l3_card(standin)["ts"])
        assert reminders[0].startswith("⏰ Reminder 1 of 2") and sum("Reminder 1 of" in r for r in reminders) == 1
    finally:
        second.stop()


def test_two_instances_on_one_database_send_each_reminder_once(standin, tmp_path):
    fast_config(tmp_path)
    one, two = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        raise_by_command(one, standin, "new P1 L3 Single sign-on rejects everyone")
        standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == LEADS, timeout=10)
        standin.wait_idle(quiet=1.5)
        reminders = reminders_in(standin, L3, l3_card(standin)["ts"])
        assert [text.split(":")[0] for text in reminders] == ["⏰ Reminder 1 of 2", "⏰ Reminder 2 of 2"]
        assert len(leads_notices(standin)) == 1
    finally:
        one.stop()
        two.stop()


def test_two_instances_through_a_day_with_second_long_slas_and_a_digest_send_each_reminder_and_report_once(
        standin, tmp_path):
    team = yaml.safe_load(TEAM_YAML)
    digest_at = _the_first_minute_at_least_10_s_away(ZoneInfo(team["timezone"]))
    team["sla"], team["digest"]["time"] = FAST_SLA, digest_at.strftime("%H:%M")
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(team))
    one, two = start_bot(standin, tmp_path), start_bot(standin, tmp_path)
    try:
        for n, bot in enumerate((one, two, one)):
            raise_by_command(bot, standin, f"new P1 L3 Outage in region {n}")
        wait_until(lambda: len(leads_notices(standin)) == 3 and _digests(standin), timeout=100)
        standin.wait_idle(quiet=2.0)
        cards = cards_in(standin, L3)
        assert len(cards) == 3
        for card in cards:
            reminders = reminders_in(standin, L3, card["ts"])
            assert [text.split(":")[0] for text in reminders] == ["⏰ Reminder 1 of 2", "⏰ Reminder 2 of 2"], card["ts"]
        assert len(leads_notices(standin)) == 3 and len(_digests(standin)) == 1
    finally:
        one.stop()
        two.stop()


def _the_first_minute_at_least_10_s_away(zone: ZoneInfo) -> datetime:
    """The start of the first coming minute late enough for two bots to be running when it comes."""
    soon = utc_now().astimezone(zone) + timedelta(seconds=10)
    return soon.replace(second=0, microsecond=0) + (timedelta(minutes=1) if soon.second or soon.microsecond else timedelta())


def _digests(standin) -> list[dict]:
    return [m for m in standin.messages(LEADS) if "Daily digest" in repr(m.get("blocks"))]


def test_a_waiting_escalation_gets_no_reminder_until_it_resumes(fast_bot, standin):
    raise_by_command(fast_bot, standin, "new P1 Exports fail")
    fast_bot.driver.command("wait ESC-1 asked for logs", channel="C0HELP")
    raise_by_command(fast_bot, standin, "new P1 Checkout down")  # due a little later than ESC-1 was
    standin.wait_for("chat.postMessage", where=lambda call: _reminder_of(call, "ESC-2"), timeout=10)
    first = cards_in(standin, L1)[0]
    assert reminders_in(standin, L1, first["ts"]) == [], "ESC-1 waits on the customer: no reminder"
    assert "take clock paused" in card_text(cards_in(standin, L1)[0])
    fast_bot.driver.command("resume ESC-1", channel="C0HELP")
    standin.wait_for("chat.postMessage", where=lambda call: _reminder_of(call, "ESC-1"), timeout=10)
