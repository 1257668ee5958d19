from datetime import datetime, timedelta, timezone

import pytest

from bot.config import parse_team_config
from commands.esc import ids
from commands.esc import parse as p
from commands.esc.card_blocks import CardRole, CardState, card_role, parse_button_value, render_card
from commands.esc.note_blocks import note_text
from storage.sla import Clock
from commands.esc.escalate_form import REASON_LIMIT, EscalateOrigin, read_reason, reason_errors, render_escalate_form
from commands.esc.modal_view import FormOrigin, form_errors, read_form, render_form
from commands.esc.note_blocks import thread_note
from commands.esc.reply_blocks import render_help, render_list, render_timeline
from commands.replies import render_error, render_failure
from storage.backlog import PAGE_SIZE, Bookmark, Listed, Page, Urgency
from storage.errors import UsageError, UserError
from storage.model import Action, Escalation, Event, Source, Status
from storage.ownership import Seen
from tests.blockkit import assert_valid_blocks, assert_valid_view

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
RAW_TEAM = {
    "lines": [{"level": 1, "name": "Frontline", "channel": "C0SUPL1"}, {"level": 2, "name": "Specialists", "channel": "C0SUPL2"},
              {"level": 3, "name": "Engineering", "channel": "C0ENGESC"}],
    "escalations": {"watch_channels": ["C0HELP"], "categories": ["billing", "login"]},
}
TEAM = parse_team_config(RAW_TEAM)
HOSTILE = "<!channel> pay now <https://evil.example|bank> & <@U0LEAD1> *bold*"


def escalation(**changes):
    values = dict(id=7, summary="Checkout fails for EU cards", priority="P1", category="billing", customer_ref="ZD-4821",
                  requester="U0AGENT1", source=Source.REACTION, origin_channel="C0HELP", origin_ts="1.0001",
                  status=Status.OPEN, line=2, created_at=T0, resolved_at=None, owners={1: "U0AGENT1"})
    values.update(changes)
    return Escalation(**values)


def all_text(blocks):
    return repr(blocks)


def test_card_shows_id_priority_line_owner_trail_status_age_and_buttons():
    blocks = render_card(escalation(), TEAM)
    assert_valid_blocks(blocks)
    text = all_text(blocks)
    assert "ESC-7 · Checkout fails for EU cards" in text
    assert "P1" in text and "L2 · Specialists" in text and "🟢 Open" in text
    assert "*Owner*\\n_unowned_" in text and "*Trail*\\nL1 <@U0AGENT1> → L2 _unowned_" in text
    assert "P1 · Critical" in text and "🔴" not in text, "a colour means status, not priority"
    assert f"<!date^{int(T0.timestamp())}^{{ago}}|2026-11-24 09:00 UTC>" in text
    buttons = [b for b in blocks if b["type"] == "actions"][0]["elements"]
    assert [b["action_id"] for b in buttons] == [ids.ACTION_TAKE, ids.ACTION_ESCALATE, ids.ACTION_RESOLVE,
                                                 ids.ACTION_CARD_MENU]
    assert parse_button_value(buttons[1]["value"]) == (7, Seen(2, None))


def test_owned_card_offers_take_over_with_a_confirmation_and_carries_its_owner():
    blocks = render_card(escalation(line=1), TEAM)
    assert_valid_blocks(blocks)
    take_over = [b for b in blocks if b["type"] == "actions"][0]["elements"][0]
    assert take_over["text"]["text"] == "Take over" and take_over["action_id"] == ids.ACTION_TAKE
    assert "<@U0AGENT1> owns it on line 1" in take_over["confirm"]["text"]["text"]
    assert parse_button_value(take_over["value"]) == (7, Seen(1, "U0AGENT1"))


@pytest.mark.parametrize("value", ["7:1:", "7:1:<!here>", "7:1:U0AGENT1:x", "7:1:u0agent1", "7", "x:1:U0AGENT1"])
def test_a_button_value_the_bot_never_makes_is_refused_in_words(value):
    with pytest.raises(UserError, match="does not carry a value this bot made"):
        parse_button_value(value)


def test_card_on_top_line_has_no_escalate_and_resolved_card_offers_reopen():
    top = [b["action_id"] for b in render_card(escalation(line=3), TEAM)[-1]["elements"]]
    assert ids.ACTION_ESCALATE not in top
    resolved = render_card(escalation(status=Status.RESOLVED, resolved_at=T0 + timedelta(hours=1)), TEAM)
    assert_valid_blocks(resolved)
    assert [b["action_id"] for b in resolved[-1]["elements"]] == [ids.ACTION_REOPEN]
    assert "✅ Resolved" in all_text(resolved)


def test_user_text_never_becomes_a_mention_or_link():
    blocks = render_card(escalation(summary=HOSTILE, customer_ref="<!here>"), TEAM)
    assert_valid_blocks(blocks)
    text = all_text(blocks)
    assert "<!channel>" not in text and "<!here>" not in text and "<https://evil" not in text
    assert "<@U0LEAD1>" not in text
    assert "&lt;!channel&gt; pay now" in text


def test_long_summary_fits_slack_limits():
    assert_valid_blocks(render_card(escalation(summary="word " * 1000), TEAM))


@pytest.mark.parametrize("action", list(Action))
def test_every_note_is_one_short_line(action):
    event = Event(7, T0, "U0SPEC1", action, 2, "U0AGENT1", "U0ENG1", "because <!here>")
    text = note_text(event, escalation(), TEAM)
    assert "ESC-7" in text and "<!here>" not in text
    if action is not Action.SLA_BREACHED:  # a breach is the clock's doing, not a person's
        assert "<@U0SPEC1>" in text
    blocks, notification = thread_note(event, escalation(), TEAM)
    assert_valid_blocks(blocks)
    assert notification.startswith("ESC-7: ") and not any(mark in notification for mark in ("*", "`", "<!date", "_"))
    assert notification.endswith("cc <@U0AGENT1>"), "the requester is mentioned"
    assert blocks[0]["type"] == ("section" if action is Action.RESOLVED else "context")


def test_list_is_grouped_by_urgency_with_a_menu_per_row_and_valid_block_kit():
    groups = [Urgency.OVERDUE] * 4 + [Urgency.DUE_SOON] * 4 + [Urgency.UNOWNED] * 4 + [Urgency.OTHERS] * 3
    rows = [Listed(escalation(id=i, summary="é" * 3000, created_at=T0 + timedelta(minutes=i)),
                   None if group is Urgency.OTHERS else T0 + timedelta(minutes=i), group) for i, group in enumerate(groups, 1)]
    assert len(rows) == PAGE_SIZE
    listed = render_list(Page("open", rows, 150_059, 15, Bookmark(False, "P3", T0.isoformat(), 15)), TEAM)
    assert_valid_blocks(listed)
    text = all_text(listed)
    assert "Open escalations (150,059)" in text and "16–30 of 150,059, most urgent first." in text
    headings = [b["text"]["text"] for b in listed if b["type"] == "section" and "accessory" not in b]
    assert headings == ["*Overdue*", "*Due soon*", "*Unowned*", "*Others*"]
    menus = [b["accessory"] for b in listed if "accessory" in b]
    assert len(menus) == PAGE_SIZE and {m["action_id"] for m in menus} == {ids.ACTION_LIST_ROW}
    assert [o["text"]["text"] for o in menus[0]["options"]] == ["Take", "Assign…", "Show"]
    assert [p.parse_row_choice(o["value"]) for o in menus[0]["options"]] == [("take", 1), ("assign", 1), ("show", 1)]
    assert f"overdue since <!date^{int((T0 + timedelta(minutes=1)).timestamp())}^" in text
    assert listed[-1]["elements"][0]["action_id"] == ids.ACTION_NEXT_PAGE
    assert p.parse_next_page(listed[-1]["elements"][0]["value"]) == p.List("open", Bookmark(False, "P3", T0.isoformat(), 15))
    assert "Nothing here" in all_text(render_list(Page("mine", [], 0, 0, None), TEAM))


def test_timeline_help_and_errors_are_valid_block_kit():
    events = [Event(7, T0 + timedelta(minutes=i), "U0SPEC1", Action.TAKEN, 1, None, "U0SPEC1") for i in range(300)]
    assert_valid_blocks(render_timeline(escalation(), events, TEAM))
    assert_valid_blocks(render_help(TEAM))
    assert_valid_blocks(render_error(UsageError("bad", "do this")))
    assert_valid_blocks(render_failure("abc123", "internal_error"))


def test_form_is_a_valid_modal_and_reads_back():
    origin = FormOrigin("C0HELP", Source.SHORTCUT, "1.0001")
    view = render_form(TEAM, origin, summary=HOSTILE)
    assert_valid_view(view)
    assert FormOrigin.from_metadata(view["private_metadata"]) == origin
    state = {
        ids.BLOCK_SUMMARY: {ids.INPUT_SUMMARY: {"type": "plain_text_input", "value": "  Login loop  "}},
        ids.BLOCK_PRIORITY: {ids.INPUT_PRIORITY: {"type": "radio_buttons", "selected_option": {"value": "P2"}}},
        ids.BLOCK_LINE: {ids.INPUT_LINE: {"type": "static_select", "selected_option": {"value": "L2"}}},
        ids.BLOCK_CATEGORY: {ids.INPUT_CATEGORY: {"type": "static_select", "selected_option": None}},
        ids.BLOCK_CUSTOMER: {ids.INPUT_CUSTOMER: {"type": "plain_text_input", "value": None}},
    }
    values = read_form(state)
    assert (values.summary, values.priority, values.line, values.category, values.customer_ref) == ("Login loop", "P2", 2, None, None)
    assert form_errors(values, TEAM) == {}
    state[ids.BLOCK_SUMMARY][ids.INPUT_SUMMARY]["value"] = "   "
    assert ids.BLOCK_SUMMARY in form_errors(read_form(state), TEAM)


def test_the_form_explains_each_priority_with_the_team_sla():
    team = parse_team_config({**RAW_TEAM, "sla": {"P1": {"take": "5m", "ack": "20m"}}})
    element = next(b for b in render_form(team, FormOrigin("C0HELP", Source.MODAL))["blocks"]
                   if b["block_id"] == ids.BLOCK_PRIORITY)["element"]
    assert element["type"] == "radio_buttons" and element["initial_option"]["value"] == "P3"
    assert [(o["value"], o["text"]["text"], o["description"]["text"]) for o in element["options"]] == [
        ("P1", "P1 · Critical — owner within 5 min", "Line 3 acknowledges within 20 min"),
        ("P2", "P2 · High — owner within 30 min", "Line 3 acknowledges within 1 h"),
        ("P3", "P3 · Normal — owner within 2 h", "Line 3 acknowledges within 4 h"),
        ("P4", "P4 · Low — owner within 1 d", "Line 3 acknowledges within 1 d"),
    ]


def test_summary_is_repeated_in_full_only_when_the_title_cut_it():
    short = render_card(escalation(summary="Checkout fails"), TEAM)
    assert [b["type"] for b in short][:2] == ["header", "section"] and "fields" in short[1]
    long = render_card(escalation(summary="Checkout fails\nfor every EU card since the 4.2 deploy"), TEAM)
    assert long[1]["text"]["text"] == "Checkout fails\nfor every EU card since the 4.2 deploy"


def test_each_copy_of_a_card_knows_its_role():
    esc = escalation(line=2)
    assert [card_role(esc, channel, TEAM) for channel in ("C0SUPL2", "C0HELP", "C0SUPL1", "C0ENGESC")] == [
        CardRole.QUEUE, CardRole.ORIGIN, CardRole.LEFT, CardRole.LEFT]
    origin = render_card(esc, TEAM, CardState(now=T0, role=CardRole.ORIGIN))
    assert_valid_blocks(origin)
    assert "actions" not in [block["type"] for block in origin] and "*Trail*\\nL1 <@U0AGENT1>" in all_text(origin)
    left = render_card(escalation(line=2, summary=HOSTILE), TEAM, CardState(now=T0, role=CardRole.LEFT))
    assert_valid_blocks(left)
    assert len(left) == 1 and "is on L2 · Specialists now: <#C0SUPL2>" in left[0]["text"]["text"]
    assert "<!channel>" not in all_text(left)


def test_the_escalate_form_is_a_valid_modal_carrying_the_cards_state():
    origin = EscalateOrigin("7:1:U0AGENT1", "C0SUPL1")
    view = render_escalate_form(TEAM, 7, 2, origin)
    assert_valid_view(view)
    assert EscalateOrigin.from_metadata(view["private_metadata"]) == origin
    assert "Move *ESC-7* up to *L2 · Specialists*." in all_text(view["blocks"])
    state = {ids.BLOCK_REASON: {ids.INPUT_REASON: {"type": "plain_text_input", "value": "  logs attached  "}}}
    assert read_reason(state) == "logs attached" and read_reason({}) is None
    assert ids.BLOCK_REASON in reason_errors("x" * (REASON_LIMIT + 1)) and reason_errors("fine") == {}


def test_the_reason_for_its_line_shows_on_the_card():
    blocks = render_card(escalation(), TEAM, CardState(now=T0, reason="needs <!here> logs"))
    assert_valid_blocks(blocks)
    assert "*Why on L2:* needs &lt;!here&gt; logs" in all_text(blocks)


def test_a_waiting_card_says_since_when_and_why_and_its_clock_is_paused():
    esc = escalation(waiting_since=T0 + timedelta(minutes=5), waiting_reason="asked for <logs>")
    clock = Clock(1, 7, 2, "take", "P1", T0, T0 + timedelta(minutes=30), None, None, None, 0,
                  T0 + timedelta(minutes=30), paused_at=T0 + timedelta(minutes=5))
    blocks = render_card(esc, TEAM, CardState(now=T0 + timedelta(hours=2), clock=clock))
    assert_valid_blocks(blocks)
    text = all_text(blocks)
    since = int((T0 + timedelta(minutes=5)).timestamp())
    assert f"⏸ *Waiting on the customer* since <!date^{since}^" in text and "asked for &lt;logs&gt;" in text
    assert "⏸ take clock paused, 25 min left" in text and "overdue" not in text
    menu = [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == "overflow"][0]
    assert [o["text"]["text"] for o in menu["options"]] == ["Edit…", "Resume"]


def test_the_card_menu_offers_release_only_while_someone_owns_it():
    owned = render_card(escalation(owners={1: "U0AGENT1", 2: "U0SPEC1"}), TEAM)
    menu = [e for b in owned if b["type"] == "actions" for e in b["elements"] if e["type"] == "overflow"][0]
    assert [o["value"] for o in menu["options"]] == ["edit|7:2:U0SPEC1", "wait|7:2:U0SPEC1", "release|7:2:U0SPEC1"]
    assert "*Trail*\\nL1 <@U0AGENT1> → L2 <@U0SPEC1>" in all_text(owned)
