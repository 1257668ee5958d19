"""The reminder and the leads' alert as rendered, with a fixed clock: valid Block Kit, the card's
button and value, who is mentioned, and plain notification text in the team's zone."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_team_config
from commands.esc import ids
from commands.esc.reminder_blocks import (leads_alert_notification, reminder_notification, render_leads_alert,
                                          render_reminder, team_time)
from commands.line3.ids import ACTION_ACK
from storage.sla import Clock, Reminder
from tests.blockkit import assert_valid_blocks
from tests.test_blocks import RAW_TEAM, T0, escalation

BERLIN = ZoneInfo("Europe/Berlin")
TEAM = parse_team_config({**RAW_TEAM, "timezone": "Europe/Berlin", "leads": {"channel": "C0LEADS", "users": ["S0LEADS"]},
                          "lines": [{**RAW_TEAM["lines"][0], "responders": ["U0AGENT2", "S0FRONT"]}, *RAW_TEAM["lines"][1:]]})


def reminder(line: int, number: int = 1, tells_leads: bool = False) -> Reminder:
    clock = Clock(id=3, escalation_id=7, line=line, kind="ack" if line == 3 else "take", priority="P1",
                  started_at=T0, due_at=T0 + timedelta(minutes=10), stopped_at=None, outcome=None,
                  breached_at=None, reminders_sent=number, next_reminder_at=None)
    return Reminder(clock=clock, number=number, tells_leads=tells_leads)


def test_a_reminder_carries_the_cards_button_and_value_and_mentions_the_line():
    waiting = escalation(line=1, owners={})
    blocks = render_reminder(waiting, reminder(1), TEAM, T0 + timedelta(minutes=12))
    assert_valid_blocks(blocks)
    (take,) = blocks[1]["elements"]
    assert (take["text"]["text"], take["action_id"], take["value"]) == ("Take", ids.ACTION_TAKE, "7:1")
    assert "<@U0AGENT2> <!subteam^S0FRONT>, *ESC-7* (P1) has waited 12 min" in blocks[0]["text"]["text"]
    assert (reminder_notification(waiting, reminder(1), TEAM, T0 + timedelta(minutes=12))
            == "ESC-7 (P1) waits for an owner on L1 since 10:00 · <@U0AGENT2> <!subteam^S0FRONT> · reminder 1 of 3")


def test_a_line_3_reminder_asks_for_an_acknowledgement():
    waiting = escalation(line=3, owners={1: "U0AGENT1"})
    blocks = render_reminder(waiting, reminder(3, 2), TEAM, T0 + timedelta(minutes=20))
    (ack,) = blocks[1]["elements"]
    assert (ack["text"]["text"], ack["action_id"], ack["value"]) == ("Acknowledge", ACTION_ACK, "7:3")
    assert blocks[0]["text"]["text"].startswith("⏰ Reminder 2 of 3: Engineers, *ESC-7*"), "line 3 names nobody here"
    assert reminder_notification(waiting, reminder(3, 2), TEAM, T0).endswith("on L3 since 10:00 · reminder 2 of 3")


def test_the_leads_alert_is_a_section_that_mentions_the_leads_with_assign_and_take():
    waiting = escalation(line=2, owners={1: "U0AGENT1"})
    blocks = render_leads_alert(waiting, reminder(2, 3, True), TEAM, T0 + timedelta(minutes=40), "<#C0SUPL2>")
    assert_valid_blocks(blocks)
    assert blocks[0]["type"] == "section" and blocks[0]["text"]["text"].startswith("🚨 <!subteam^S0LEADS> *ESC-7* (P1)")
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in blocks[1]["elements"]] == [
        ("Assign…", ids.ACTION_ASSIGN, "7:2"), ("Take", ids.ACTION_TAKE, "7:2")]
    assert (leads_alert_notification(waiting, reminder(2, 3, True), TEAM, T0)
            == "ESC-7 (P1) waits for an owner on L2 since 10:00 · <!subteam^S0LEADS> · after 3 reminders")


def test_the_plain_time_is_the_teams_with_the_day_once_it_is_not_today():
    assert team_time(T0, BERLIN, T0 + timedelta(hours=5)) == "10:00"
    assert team_time(T0, BERLIN, T0 + timedelta(hours=15)) == "Tue 24 Nov 10:00", "past midnight in Berlin"
