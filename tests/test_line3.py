"""Line 3 end to end: engineers acknowledge in their threads, by reaction, button or command."""

from commands.line3.ids import ACTION_ACK
from tests.flow import HELP, L3, card_text, cards_in, raise_by_command, rows
from tests.line3_flow import ack_events, l3_card, origin_notes, reply, wait_for_ephemeral


def test_line_3_card_calls_the_responders_and_shows_the_ack_clock(bot, standin):
    raise_by_command(bot, standin, "new P1 L3 Database failover loops")
    card = l3_card(standin)
    assert "<!subteam^S0ENGINEERS>" in card_text(card)
    assert card["text"] == "ESC-1 [P1] Database failover loops: <!subteam^S0ENGINEERS> please acknowledge"
    assert ACTION_ACK in card_text(card) and "ack due <!date^" in card_text(card)
    origin = cards_in(standin, HELP)[0]
    assert "S0ENGINEERS" not in card_text(origin), "the asker's channel is not pinged"
    assert "ack due" in card_text(origin), "every open card shows the clock"


def test_ack_reply_in_the_thread_owns_it_and_tells_the_asker(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Exports time out")
    reply(bot, standin, "Ack — looking at the export workers now", user="U0ENG1")
    assert rows(bot.database, "SELECT user FROM line_owners WHERE line = 3") == [{"user": "U0ENG1"}]
    card = card_text(l3_card(standin))
    assert ACTION_ACK not in card and "ack due" not in card and "S0ENGINEERS" not in card
    assert "*Owner*\\n<@U0ENG1>" in card
    notes = origin_notes(standin, esc)
    assert any("<@U0ENG1> acknowledged ESC-1 on line 3 after" in note for note in notes)
    assert standin.calls_to("reactions.add")[-1].args["name"] == "white_check_mark"
    assert not any("export workers" in note for note in notes), "the ack reply itself is not mirrored"
    assert rows(bot.database, "SELECT outcome FROM sla_clocks WHERE kind = 'ack'") == [{"outcome": "met"}]


def test_every_ack_word_opens_a_message_and_others_do_not(bot, standin):
    raise_by_command(bot, standin, "new P2 L3 Search is empty")
    reply(bot, standin, "acknowledged is not the word", user="U0ENG1")
    assert ack_events(bot) == 0
    reply(bot, standin, "TAKING THIS one", user="U0ENG2")
    assert rows(bot.database, "SELECT user FROM line_owners WHERE line = 3") == [{"user": "U0ENG2"}]


def test_a_non_responder_is_refused_and_nothing_changes(bot, standin):
    raise_by_command(bot, standin, "new P2 L3 Login loops")
    reply(bot, standin, "ack", user="U0AGENT2")
    refusal = wait_for_ephemeral(standin, "U0AGENT2")
    assert "Only line 3's responders (<!subteam^S0ENGINEERS>) or a lead can acknowledge ESC-1" in refusal["text"]
    assert ack_events(bot) == 0 and rows(bot.database, "SELECT * FROM line_owners") == []


def test_a_second_ack_is_a_friendly_no_op(bot, standin):
    raise_by_command(bot, standin, "new P2 L3 Webhooks drop")
    card = l3_card(standin)
    assert bot.driver.block_action(ACTION_ACK, "1:3", user="U0ENG1", channel=L3, message_ts=card["ts"]).status == 200
    standin.wait_for("chat.update")
    standin.wait_idle()
    reply(bot, standin, "on it", user="U0ENG2")
    note = wait_for_ephemeral(standin, "U0ENG2")
    assert "already acknowledged: <@U0ENG1> owns it on line 3" in note["text"]
    assert ack_events(bot) == 1 and rows(bot.database, "SELECT user FROM line_owners WHERE line = 3") == [{"user": "U0ENG1"}]


def test_a_redelivered_ack_reply_has_one_effect(bot, standin):
    raise_by_command(bot, standin, "new P2 L3 PDF export blank")
    ts = reply(bot, standin, "ack!", user="U0ENG1", event_id="Ev0ACKREPLY")
    for retry in (1, 2, 3):
        assert bot.driver.resend_message(L3, ts, event_id="Ev0ACKREPLY", retry_num=retry).status == 200
    standin.wait_idle()
    assert ack_events(bot) == 1 and not standin.ephemerals
    assert [call.args["timestamp"] for call in standin.calls_to("reactions.add")] == [ts], "one ✅, added once"


def test_eyes_on_the_card_and_the_command_acknowledge_too(bot, standin):
    raise_by_command(bot, standin, "new P2 L3 Cache stale")
    raise_by_command(bot, standin, "new P3 L3 Emails late")
    first = cards_in(standin, L3)[0]
    assert bot.driver.reaction_added(L3, first["ts"], reaction="eyes", user="U0ENG1").status == 200
    standin.wait_for("chat.update")
    standin.wait_idle()
    answered = len(standin.responses)
    assert bot.driver.command("ack ESC-2", user="U0ENG2", channel=HELP).status == 200
    confirmation = standin.wait_for_response(count=answered + 1)[-1]["body"]
    assert "You acknowledged *ESC-2* on line 3" in confirmation["text"]
    owners = rows(bot.database, "SELECT escalation_id, user FROM line_owners WHERE line = 3 ORDER BY escalation_id")
    assert owners == [{"escalation_id": 1, "user": "U0ENG1"}, {"escalation_id": 2, "user": "U0ENG2"}]


def test_ack_below_line_3_says_why(bot, standin):
    raise_by_command(bot, standin, "new P2 Refund stuck")
    answered = len(standin.responses)
    bot.driver.command("ack ESC-1", user="U0ENG1", channel=HELP)
    refusal = standin.wait_for_response(count=answered + 1)[-1]["body"]
    assert "on line 1, so there is nothing to acknowledge yet" in refusal["text"]


def test_a_lead_may_acknowledge_too(bot, standin):
    raise_by_command(bot, standin, "new P1 L3 Nobody from engineering is around")
    reply(bot, standin, "on it, paging the database team", user="U0LEAD1")
    assert rows(bot.database, "SELECT user FROM line_owners WHERE line = 3") == [{"user": "U0LEAD1"}]
