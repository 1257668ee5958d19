"""The App Home end to end: published when opened, kept live through the outbox, its buttons
doing what the card's do, and a refused click saying why."""

import time

from commands.esc import ids as esc_ids
from commands.home import ids
from commands.replies import REPLY_MODAL
from standin import form_values
from standin.payloads import selected_option
from storage.model import Action
from tests.flow import HELP, L1, L2, L3, card_text, cards_in, raise_by_command, rows, wait_until
from tests.incident_flow import draft

AGENT, OTHER_AGENT, ENGINEER, LEAD = "U0AGENT1", "U0AGENT2", "U0ENG1", "U0LEAD1"


def home_text(standin, user: str) -> str:
    home = standin.home(user)
    return repr(home["blocks"]) if home else ""


def open_home(bot, standin, user: str) -> dict:
    """Opens the Home tab and returns the view published for it."""
    def theirs(call) -> bool:
        return call.args.get("user_id") == user

    published = len([call for call in standin.calls_to("views.publish") if theirs(call)])
    started = time.monotonic()
    assert bot.driver.app_home_opened(user=user).status == 200
    call = standin.wait_for("views.publish", count=published + 1, timeout=3, where=theirs)[-1]
    assert time.monotonic() - started < 3
    return call.args["view"]


def buttons(standin, user: str, action_id: str) -> list[dict]:
    return [element for block in standin.home(user)["blocks"]
            for element in [*block.get("elements", []), block.get("accessory") or {}]
            if element.get("action_id") == action_id]


def test_opening_home_publishes_a_home_view_with_the_new_escalation_button(bot, standin):
    view = open_home(bot, standin, AGENT)
    assert view["type"] == "home"
    assert "New escalation" in repr(view["blocks"])
    assert "Nothing is yours right now" in repr(view["blocks"])


def test_messages_tab_does_not_count_as_opening_home(bot, standin):
    bot.driver.app_home_opened(user=AGENT, tab="messages")
    open_home(bot, standin, OTHER_AGENT)
    assert all(call.args["user_id"] != AGENT for call in standin.calls_to("views.publish"))


def test_an_agent_sees_the_unowned_queue_with_take_and_after_taking_by_command_their_own(bot, standin):
    open_home(bot, standin, AGENT)
    esc = raise_by_command(bot, standin, "new P2 Refunds stuck", user=OTHER_AGENT)
    key = f"ESC-{esc['id']}"
    wait_until(lambda: buttons(standin, AGENT, ids.ACTION_TAKE))
    take = buttons(standin, AGENT, ids.ACTION_TAKE)[0]
    assert "Take" in take["text"]["text"] and take["value"].startswith(f"{esc['id']}:1")

    published = len(standin.calls_to("views.publish"))
    started = time.monotonic()
    bot.driver.command(f"take {key}", user=AGENT)
    wait_until(lambda: standin.calls_to("views.publish")[published:] and "Your open escalations* (1)" in home_text(standin, AGENT),
               timeout=5)
    assert time.monotonic() - started < 5
    text = home_text(standin, AGENT)
    assert key in text and buttons(standin, AGENT, ids.ACTION_RESOLVE) and not buttons(standin, AGENT, ids.ACTION_TAKE)


def test_take_on_home_does_what_the_card_does_and_a_stale_take_is_refused_in_a_modal(bot, standin):
    open_home(bot, standin, AGENT)
    open_home(bot, standin, OTHER_AGENT)
    esc = raise_by_command(bot, standin, "new P3 Login loops")
    wait_until(lambda: buttons(standin, AGENT, ids.ACTION_TAKE) and buttons(standin, OTHER_AGENT, ids.ACTION_TAKE))
    value = buttons(standin, OTHER_AGENT, ids.ACTION_TAKE)[0]["value"]

    bot.driver.home_action(ids.ACTION_TAKE, value, user=AGENT)
    wait_until(lambda: "_unowned_" not in repr(standin.messages(L1)[-1]["blocks"]))
    assert f"<@{AGENT}>" in repr(standin.messages(L1)[-1]["blocks"])

    opened = len(standin.calls_to("views.open"))
    bot.driver.home_action(ids.ACTION_TAKE, value, user=OTHER_AGENT)
    modal = standin.wait_for("views.open", count=opened + 1)[-1].args["view"]
    assert modal["callback_id"] == REPLY_MODAL and "Nothing changed" in repr(modal["blocks"])
    owners = rows(bot.database, "SELECT user FROM line_owners WHERE escalation_id = ?", [esc["id"]])
    assert owners == [{"user": AGENT}]


def test_a_line_3_responder_sees_acknowledge_and_a_lead_the_resolved_counts(bot, standin):
    open_home(bot, standin, ENGINEER)
    open_home(bot, standin, LEAD)
    esc = raise_by_command(bot, standin, "new P1 L3 Payments down", user=AGENT)
    wait_until(lambda: buttons(standin, ENGINEER, ids.ACTION_ACKNOWLEDGE) and buttons(standin, LEAD, ids.ACTION_ACKNOWLEDGE))
    assert "Acknowledge" in buttons(standin, ENGINEER, ids.ACTION_ACKNOWLEDGE)[0]["text"]["text"]

    bot.driver.command(f"resolve ESC-{esc['id']}", user=AGENT)
    wait_until(lambda: f"<@{AGENT}> · *1 resolved*" in home_text(standin, LEAD), timeout=8)
    assert "Show 30 days" in home_text(standin, LEAD)


def test_acknowledge_on_home_does_what_the_cards_button_does(bot, standin):
    open_home(bot, standin, ENGINEER)
    esc = raise_by_command(bot, standin, "new P1 L3 Payments down", user=AGENT)
    acknowledge = wait_until(lambda: buttons(standin, ENGINEER, ids.ACTION_ACKNOWLEDGE))[0]
    bot.driver.home_action(ids.ACTION_ACKNOWLEDGE, acknowledge["value"], user=ENGINEER)
    wait_until(lambda: f"<@{ENGINEER}>" in card_text(cards_in(standin, L3)[-1]))
    acknowledged = rows(bot.database, "SELECT actor FROM events WHERE action = ?", [str(Action.ACKNOWLEDGED)])
    assert acknowledged == [{"actor": ENGINEER}]
    wait_until(lambda: "Your open escalations* (1)" in home_text(standin, ENGINEER), timeout=5)
    assert f"ESC-{esc['id']}" in home_text(standin, ENGINEER) and not buttons(standin, ENGINEER, ids.ACTION_ACKNOWLEDGE)


def test_a_lead_switches_the_team_view_to_30_days_and_it_stays_so(bot, standin):
    open_home(bot, standin, LEAD)
    [toggle] = buttons(standin, LEAD, ids.ACTION_PERIOD)
    bot.driver.home_action(ids.ACTION_PERIOD, toggle["value"], user=LEAD)
    wait_until(lambda: "Your team · last 30 days" in home_text(standin, LEAD), timeout=5)
    assert [toggle["text"]["text"] for toggle in buttons(standin, LEAD, ids.ACTION_PERIOD)] == ["Show 7 days"]
    raise_by_command(bot, standin, "new P2 Refunds stuck", user=AGENT)
    wait_until(lambda: "1 open · 1 unowned" in home_text(standin, LEAD), timeout=5)
    assert "Your team · last 30 days" in home_text(standin, LEAD)


def submit_new_escalation(bot, channel: str, summary: str, view: dict | None = None):
    """The New escalation form from Home, filled in as P2 on L1 in `channel`; the driver's response."""
    values = form_values({
        f"{ids.BLOCK_CHANNEL}/{ids.INPUT_CHANNEL}": {"type": "conversations_select", "selected_conversation": channel},
        f"{esc_ids.BLOCK_SUMMARY}/{esc_ids.INPUT_SUMMARY}": summary,
        f"{esc_ids.BLOCK_PRIORITY}/{esc_ids.INPUT_PRIORITY}": selected_option("P2", element_type="radio_buttons"),
        f"{esc_ids.BLOCK_LINE}/{esc_ids.INPUT_LINE}": selected_option("L1"),
    })
    return bot.driver.view_submission(view or {"callback_id": ids.MODAL_NEW}, values, user=AGENT)


def test_the_new_escalation_button_opens_the_raise_form_with_a_channel_picker(bot, standin):
    open_home(bot, standin, AGENT)
    bot.driver.home_action(ids.ACTION_NEW, "new", user=AGENT)
    form = standin.wait_for("views.open")[-1].args["view"]
    picker = form["blocks"][0]["element"]
    assert form["callback_id"] == ids.MODAL_NEW and picker["type"] == "conversations_select"
    assert picker["initial_conversation"] == HELP

    submit_new_escalation(bot, L2, "Invoices show the wrong VAT")
    standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == L2)
    raised = wait_until(lambda: rows(bot.database, "SELECT origin_channel, raised_by FROM escalations"))
    assert raised == [{"origin_channel": L2, "raised_by": AGENT}]


def test_a_card_slack_refuses_for_the_new_escalation_form_is_said_in_a_direct_message(bot, standin):
    private = standin.add_channel("secret-ops", is_private=True, bot_is_member=False)
    open_home(bot, standin, AGENT)
    bot.driver.home_action(ids.ACTION_NEW, "new", user=AGENT)
    standin.wait_for("views.open")
    submit_new_escalation(bot, private, "Raised where nobody invited the bot")
    opened = standin.wait_for("conversations.open", where=lambda call: call.args.get("users") == AGENT)[-1]
    told = standin.wait_for("chat.postMessage", where=lambda call: "Saved, but Slack refused" in call.args.get("text", ""))[-1]
    assert opened.response["channel"]["id"] == told.args["channel"], "a direct message to the person who raised it"
    assert "not_in_channel" in told.args["text"] and "/invite @supportbot" in told.args["text"]
    assert len(rows(bot.database, "SELECT id FROM escalations")) == 1, "saved, and its queue card posted"


def test_a_broadcasters_home_lists_an_incident_once_drafted_with_a_link_to_its_card(bot, standin):
    open_home(bot, standin, LEAD)
    assert "Active incidents* (0)" in home_text(standin, LEAD)
    card_ts = draft(bot, standin, "Checkout is down")
    wait_until(lambda: f"/archives/{HELP}/p{card_ts.replace('.', '')}|INC-1>* · Draft" in home_text(standin, LEAD), timeout=5)
    assert "Checkout is down" in home_text(standin, LEAD)


def reply_modals(standin, user: str) -> list[dict]:
    return [call.args["view"] for call in standin.calls_to("views.open")
            if call.args["view"].get("callback_id") == REPLY_MODAL and not call.failed]


def test_an_escalate_form_from_home_refused_after_submitting_says_why_in_a_modal(bot, standin):
    esc = raise_by_command(bot, standin, "new P2 Refunds stuck", user=AGENT)
    bot.driver.command(f"take ESC-{esc['id']}", user=AGENT)
    open_home(bot, standin, AGENT)
    wait_until(lambda: buttons(standin, AGENT, ids.ACTION_ESCALATE))
    escalate = buttons(standin, AGENT, ids.ACTION_ESCALATE)[0]
    bot.driver.home_action(ids.ACTION_ESCALATE, escalate["value"], user=AGENT)
    form = standin.wait_for("views.open", where=lambda call: call.args["view"]["callback_id"] == esc_ids.MODAL_ESCALATE)[-1]
    bot.driver.command(f"up ESC-{esc['id']} customer is a partner", user=AGENT)  # the case moves on meanwhile
    wait_until(lambda: rows(bot.database, "SELECT line FROM escalations") == [{"line": 2}])

    values = form_values({f"{esc_ids.BLOCK_REASON}/{esc_ids.INPUT_REASON}": "Needs a specialist"})
    assert bot.driver.view_submission(form.args["view"], values, user=AGENT, trigger_id="T0SUBMIT").status == 200
    modal = wait_until(lambda: reply_modals(standin, AGENT))[-1]
    assert f"ESC-{esc['id']}" in repr(modal["blocks"])
    assert standin.calls_to("views.open")[-1].args["trigger_id"] == "T0SUBMIT"
    assert rows(bot.database, "SELECT line FROM escalations") == [{"line": 2}]


def test_the_new_escalation_form_from_home_names_the_field_to_fix(bot, standin):
    open_home(bot, standin, AGENT)
    bot.driver.home_action(ids.ACTION_NEW, "new", user=AGENT)
    form = standin.wait_for("views.open")[-1].args["view"]
    refused = submit_new_escalation(bot, L2, "", form)
    assert refused.json["response_action"] == "errors" and esc_ids.BLOCK_SUMMARY in refused.json["errors"]
    assert rows(bot.database, "SELECT id FROM escalations") == []
