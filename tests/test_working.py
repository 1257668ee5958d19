"""Working an escalation from Slack: commands and buttons, cards updated in place, notes in the thread."""

from commands.esc import ids
from standin import form_values
from tests.flow import HELP, L1, L2, L3, card_text, cards_in, raise_by_command, rows, wait_until


def run(bot, standin, text, user="U0AGENT1", channel=HELP):
    """Send a command and wait for its ephemeral answer (every command ends with one)."""
    answered = len(standin.responses)
    assert bot.driver.command(text, user=user, channel=channel).status == 200
    return standin.wait_for_response(count=answered + 1)[-1]["body"]


def click(bot, standin, action_id, channel, user):
    """Click the newest card's button in `channel` and wait for the bot to finish."""
    card = cards_in(standin, channel)[-1]
    updates = len(standin.calls_to("chat.update"))
    assert bot.driver.block_action(action_id, _value(card, action_id), user=user, channel=channel, message_ts=card["ts"]).status == 200
    standin.wait_for("chat.update", count=updates + 1)
    standin.wait_idle()


def escalate_form(bot, standin, channel, user) -> dict:
    """Click Escalate on the newest card in `channel`; returns the form it opened."""
    card = cards_in(standin, channel)[-1]
    opened = len(standin.calls_to("views.open"))
    bot.driver.block_action(ids.ACTION_ESCALATE, _value(card, ids.ACTION_ESCALATE), user=user, channel=channel,
                            message_ts=card["ts"])
    standin.wait_for("views.open", count=opened + 1)
    return standin.last_view(ids.MODAL_ESCALATE)


def submit_reason(bot, standin, form, reason, user):
    updates = len(standin.calls_to("chat.update"))
    bot.driver.view_submission(form, form_values({f"{ids.BLOCK_REASON}/{ids.INPUT_REASON}": reason}), user=user)
    standin.wait_for("chat.update", count=updates + 1)
    standin.wait_idle()


def _value(card, action_id):
    actions = [b for b in card["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(button["value"] for button in actions if button["action_id"] == action_id)


def thread_notes(standin, esc):
    return [m["text"] for m in standin.thread(HELP, esc["origin_ts"]) if m["ts"] != esc["origin_ts"] and m.get("bot_id")]


def test_take_up_take_up_resolve_keeps_every_card_true(bot, standin):
    esc = raise_by_command(bot, standin)
    assert "You own *ESC-1* on line 1" in run(bot, standin, "take ESC-1")["text"]
    assert "Moved *ESC-1* to line 2" in run(bot, standin, "up esc-1 needs a specialist")["text"]
    assert "<@U0AGENT1>" in card_text(cards_in(standin, L2)[0]) and "*Owner*\\n_unowned_" in card_text(cards_in(standin, L2)[0])
    run(bot, standin, "take 1", user="U0SPEC1")
    run(bot, standin, "up 1 reproduced, needs a fix")
    run(bot, standin, "take 1", user="U0ENG1")
    run(bot, standin, "resolve ESC-1 fixed in 4.2.1")
    wait_until(lambda: all("✅ Resolved" in card_text(cards_in(standin, channel)[-1]) for channel in (HELP, L3)))
    for channel in (HELP, L3):
        card = card_text(cards_in(standin, channel)[-1])
        assert "✅ Resolved" in card and "<@U0AGENT1>" in card and "<@U0SPEC1>" in card and "<@U0ENG1>" in card, channel
    assert ids.ACTION_REOPEN in card_text(cards_in(standin, L3)[-1]) and "actions" not in card_text(cards_in(standin, HELP)[-1])
    for channel in (L1, L2):
        (left,) = [m for m in standin.messages(channel) if m.get("bot_id")]
        assert left["blocks"][0]["text"]["text"].endswith("was resolved on L3 · Engineering: <#C0ENGESC>"), channel
    notes = thread_notes(standin, esc)
    assert len(notes) == 6
    assert "ESC-1: <@U0AGENT1> moved ESC-1 up to L2 · Specialists: needs a specialist" in notes[1]
    assert notes[-1] == "ESC-1: <@U0AGENT1> resolved ESC-1: fixed in 4.2.1"
    events = rows(bot.database, "SELECT action, actor, from_value, to_value FROM events ORDER BY id")
    assert [e["action"] for e in events] == ["raised", "taken", "moved_up", "taken", "moved_up", "acknowledged", "resolved"]


def test_buttons_do_what_the_commands_do(bot, standin):
    raise_by_command(bot, standin)
    click(bot, standin, ids.ACTION_TAKE, L1, "U0AGENT2")
    assert "*Owner*\\n<@U0AGENT2>" in card_text(cards_in(standin, L1)[-1])
    assert "*Owner*\\n<@U0AGENT2>" in card_text(cards_in(standin, HELP)[-1])
    form = escalate_form(bot, standin, L1, "U0AGENT2")
    assert form["callback_id"] == ids.MODAL_ESCALATE and form["submit"]["text"] == "Escalate to L2"
    assert not standin.calls_to("views.open")[0].args["view"].get("blocks")[1]["element"].get("initial_value")
    submit_reason(bot, standin, form, "Refund API returns 500 for <!channel> orders", "U0AGENT2")
    assert rows(bot.database, "SELECT line FROM escalations")[0]["line"] == 2
    card = card_text(cards_in(standin, L2)[-1])
    assert "L2 · Specialists" in card and "*Why on L2:* Refund API returns 500 for &lt;!channel&gt; orders" in card
    click(bot, standin, ids.ACTION_RESOLVE, L2, "U0SPEC1")
    assert rows(bot.database, "SELECT status FROM escalations")[0]["status"] == "resolved"
    assert not standin.ephemerals, "clicks answer through the card"


def test_two_escalate_forms_from_one_card_move_it_once(bot, standin):
    raise_by_command(bot, standin)
    first, second = escalate_form(bot, standin, L1, "U0AGENT1"), escalate_form(bot, standin, L1, "U0AGENT2")
    submit_reason(bot, standin, first, "", "U0AGENT1")
    bot.driver.view_submission(second, form_values({f"{ids.BLOCK_REASON}/{ids.INPUT_REASON}": "me too"}), user="U0AGENT2")
    standin.wait_for("chat.postEphemeral")
    refusal = standin.ephemerals[-1]
    assert (refusal["user"], refusal["channel"]) == ("U0AGENT2", L1)
    assert "ESC-1 has already moved to line 2: nobody owns it there. Nothing changed." in refusal["text"]
    assert rows(bot.database, "SELECT line FROM escalations")[0]["line"] == 2
    assert len(rows(bot.database, "SELECT * FROM events WHERE action = 'moved_up'")) == 1


def test_assign_down_reopen_and_timeline(bot, standin):
    raise_by_command(bot, standin, "new L2 Refund stuck")
    assert "now belongs to <@U0SPEC1>" in run(bot, standin, "assign ESC-1 <@U0SPEC1|sam>")["text"]
    run(bot, standin, "down 1 customer answered")
    run(bot, standin, "resolve 1")
    run(bot, standin, "reopen 1")
    shown = run(bot, standin, "show ESC-1")
    text = repr(shown["blocks"])
    for words in ("raised ESC-1", "assigned ESC-1 to <@U0SPEC1>", "back down to L1", "resolved ESC-1", "reopened ESC-1"):
        assert words in text
    assert shown["response_type"] == "ephemeral"


def test_list_views_are_ephemeral_and_waiting_for_an_owner_first(bot, standin):
    raise_by_command(bot, standin, "new First")
    raise_by_command(bot, standin, "new L2 Second")
    run(bot, standin, "take 1")
    listed = run(bot, standin, "list")
    text = repr(listed["blocks"])
    assert "Open escalations (2)" in text and text.index("ESC-2") < text.index("*Others*") < text.index("ESC-1")
    assert "ESC-2" not in repr(run(bot, standin, "list mine")["blocks"])
    assert "ESC-1" not in repr(run(bot, standin, "list unowned")["blocks"])
    assert "Open on line 2 (1)" in repr(run(bot, standin, "list L2")["blocks"])
    assert "Escalations with /esc" in repr(run(bot, standin, "help")["blocks"])


def test_handoff_gives_all_my_open_escalations_away(bot, standin):
    for summary in ("new One", "new Two"):
        raise_by_command(bot, standin, summary)
    run(bot, standin, "take 1")
    run(bot, standin, "take 2")
    answer = run(bot, standin, "handoff <@U0AGENT2|bo>")
    assert "Handed 2 to <@U0AGENT2>: ESC-1, ESC-2" in answer["text"]
    owners = rows(bot.database, "SELECT user FROM line_owners ORDER BY escalation_id")
    assert [o["user"] for o in owners] == ["U0AGENT2", "U0AGENT2"]
    assert len(rows(bot.database, "SELECT * FROM events WHERE action = 'handed_off'")) == 2


def test_a_change_while_the_first_cards_are_still_posting_adds_no_second_card(bot, standin):
    standin.delay("chat.postMessage", 1.0)
    assert bot.driver.command("new P2 Slow Slack day", channel=HELP).status == 200
    standin.wait_for_arrival("chat.postMessage", count=2)  # the origin card is posted, the queue card on its way
    assert bot.driver.command("take ESC-1", channel=HELP).status == 200
    assert "You own *ESC-1* on line 1" in standin.wait_for_response()[-1]["body"]["text"]
    standin.delay("chat.postMessage", 0)
    standin.wait_idle(quiet=1.5)
    (queue_card,) = cards_in(standin, L1)
    (origin_card,) = cards_in(standin, HELP)
    assert "*Owner*\\n<@U0AGENT1>" in card_text(queue_card) and "*Owner*\\n<@U0AGENT1>" in card_text(origin_card)
