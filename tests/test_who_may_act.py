"""Who may take, take over and acknowledge, end to end: refusals are ephemeral and change nothing."""

from commands.esc import ids
from commands.line3.ids import ACTION_ACK
from tests.flow import HELP, L1, L3, card_text, cards_in, raise_by_command, rows, run_concurrently
from tests.line3_flow import l3_card, origin_notes


def buttons(card) -> dict:
    return {button["action_id"]: button for block in card["blocks"] if block["type"] == "actions"
            for button in block["elements"]}


def answer_to(standin, user: str) -> dict:
    return standin.wait_for_response(where=lambda response: response["user"] == user)[-1]["body"]


def owners(bot) -> list[dict]:
    return rows(bot.database, "SELECT line, user FROM line_owners ORDER BY line")


def test_a_non_responder_may_not_take_on_line_3_by_command_or_button(bot, standin):
    raise_by_command(bot, standin, "new P1 L3 Database failover loops")
    bot.driver.command("take ESC-1", user="U0AGENT1", channel=HELP)
    refusal = answer_to(standin, "U0AGENT1")
    assert "Only line 3's responders (<!subteam^S0ENGINEERS>) or a lead can take ESC-1. Nothing changed." in refusal["text"]
    assert refusal["response_type"] == "ephemeral"
    card = l3_card(standin)
    bot.driver.block_action(ids.ACTION_TAKE, "1:3", user="U0AGENT2", channel=L3, message_ts=card["ts"])
    assert "can take ESC-1" in answer_to(standin, "U0AGENT2")["text"]
    standin.wait_idle()
    assert owners(bot) == [] and rows(bot.database, "SELECT action FROM events") == [{"action": "raised"}]
    assert not standin.calls_to("chat.update"), "no card changed"


def test_take_on_line_3_by_a_responder_is_an_acknowledgement(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Exports time out")
    bot.driver.command("take ESC-1", user="U0ENG1", channel=HELP)
    assert "You acknowledged *ESC-1* on line 3" in answer_to(standin, "U0ENG1")["text"]
    standin.wait_idle()
    assert owners(bot) == [{"line": 3, "user": "U0ENG1"}]
    assert any("<@U0ENG1> acknowledged ESC-1 on line 3" in note for note in origin_notes(standin, esc))


def test_two_takes_of_one_card_state_make_one_owner_and_the_second_is_told_who(bot, standin):
    esc = raise_by_command(bot, standin, user="U0SPEC1")
    card = cards_in(standin, L1)[-1]
    value = buttons(card)[ids.ACTION_TAKE]["value"]
    run_concurrently(*(lambda user=user: bot.driver.block_action(ids.ACTION_TAKE, value, user=user, channel=L1,
                                                                 message_ts=card["ts"])
                       for user in ("U0AGENT1", "U0AGENT2")))
    refusal = standin.wait_for_response()[-1]
    standin.wait_idle()
    taken = rows(bot.database, "SELECT actor FROM events WHERE action = 'taken'")
    assert len(taken) == 1
    winner, loser = taken[0]["actor"], refusal["user"]
    assert {winner, loser} == {"U0AGENT1", "U0AGENT2"} and len(standin.responses) == 1
    assert f"ESC-1 changed since you saw it: <@{winner}> owns it on line 1 now. Nothing changed." in refusal["body"]["text"]
    assert refusal["body"]["response_type"] == "ephemeral"
    assert owners(bot) == [{"line": 1, "user": winner}]
    for channel in (HELP, L1):
        assert f"<@{loser}>" not in card_text(cards_in(standin, channel)[-1])
    assert not any(f"<@{loser}>" in note for note in origin_notes(standin, esc))


def test_taking_an_owned_escalation_is_a_take_over_that_tells_the_previous_owner(bot, standin):
    esc = raise_by_command(bot, standin)
    card = cards_in(standin, L1)[-1]
    bot.driver.block_action(ids.ACTION_TAKE, buttons(card)[ids.ACTION_TAKE]["value"], user="U0AGENT1", channel=L1,
                            message_ts=card["ts"])
    standin.wait_for("chat.update", count=2)
    standin.wait_idle()
    take_over = buttons(cards_in(standin, L1)[-1])[ids.ACTION_TAKE]
    assert take_over["text"]["text"] == "Take over" and "<@U0AGENT1> owns it" in take_over["confirm"]["text"]["text"]
    bot.driver.block_action(ids.ACTION_TAKE, take_over["value"], user="U0AGENT2", channel=L1, message_ts=card["ts"])
    standin.wait_for("chat.update", count=4)
    standin.wait_idle()
    assert owners(bot) == [{"line": 1, "user": "U0AGENT2"}]
    assert "<@U0AGENT2> took ESC-1 over from <@U0AGENT1>" in origin_notes(standin, esc)[-1]

    bot.driver.command("take ESC-1", user="U0SPEC1", channel=HELP)
    receipt = answer_to(standin, "U0SPEC1")["text"]
    assert "You took *ESC-1* over from <@U0AGENT2> on line 1." in receipt
    standin.wait_idle()
    assert "<@U0SPEC1> took ESC-1 over from <@U0AGENT2>" in origin_notes(standin, esc)[-1]


def test_a_take_over_on_line_3_is_for_its_crew_too(bot, standin):
    raise_by_command(bot, standin, "new P2 L3 Webhooks drop")
    card = l3_card(standin)
    bot.driver.block_action(ACTION_ACK, buttons(card)[ACTION_ACK]["value"], user="U0ENG1", channel=L3, message_ts=card["ts"])
    standin.wait_for("chat.update")
    standin.wait_idle()
    take_over = buttons(l3_card(standin))[ids.ACTION_TAKE]
    assert take_over["value"] == "1:3:U0ENG1"
    bot.driver.block_action(ids.ACTION_TAKE, take_over["value"], user="U0AGENT1", channel=L3, message_ts=card["ts"])
    assert "can take ESC-1" in answer_to(standin, "U0AGENT1")["text"]
    bot.driver.block_action(ids.ACTION_TAKE, take_over["value"], user="U0ENG2", channel=L3, message_ts=card["ts"])
    standin.wait_for("chat.update", count=4)
    standin.wait_idle()
    assert owners(bot) == [{"line": 3, "user": "U0ENG2"}]
