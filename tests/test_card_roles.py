"""Each copy of a card has its role: the work happens on the current line's queue card, the asker's
channel follows along, and a line the escalation left keeps one line pointing to where it is."""

from commands.esc import ids
from tests.flow import HELP, L1, L2, card_text, cards_in, raise_by_command
from tests.test_working import run


def bot_messages(standin, channel) -> list[dict]:
    return [message for message in standin.messages(channel) if message.get("bot_id")]


def test_the_askers_card_shows_status_and_owner_but_no_work_buttons(bot, standin):
    raise_by_command(bot, standin)
    run(bot, standin, "take ESC-1", user="U0AGENT2")
    origin, queue = card_text(cards_in(standin, HELP)[-1]), card_text(cards_in(standin, L1)[-1])
    assert "🟢 Open" in origin and "*Owner*\\n<@U0AGENT2>" in origin
    assert "'actions'" not in origin and ids.ACTION_TAKE not in origin
    assert ids.ACTION_TAKE in queue and ids.ACTION_ESCALATE in queue and ids.ACTION_RESOLVE in queue


def test_a_line_the_escalation_left_keeps_one_line_linking_where_it_is_now(bot, standin):
    raise_by_command(bot, standin, "new P2 Refund stuck")
    run(bot, standin, "up ESC-1 needs a specialist")
    (left,) = bot_messages(standin, L1)
    assert left["blocks"] == [{"type": "section", "text": {
        "type": "mrkdwn", "text": "↪️ *ESC-1* · Refund stuck is on L2 · Specialists now: <#C0SUPL2>"}}]
    assert ids.ACTION_TAKE in card_text(cards_in(standin, L2)[-1])
    run(bot, standin, "down ESC-1 customer answered")
    (back,) = bot_messages(standin, L1)
    assert back["ts"] == left["ts"] and ids.ACTION_TAKE in card_text(back), "the card opens up again in place"
    assert bot_messages(standin, L2)[0]["blocks"][0]["text"]["text"].endswith("is on L1 · Frontline now: <#C0SUPL1>")
