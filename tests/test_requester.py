"""The people who asked hear about their escalation: mentioned in the thread, told of the resolution
in words they can read, and surveyed; for a message escalated by someone else, that is its author."""

import re

from tests.flow import HELP, L1, card_text, cards_in, raise_by_command, rows
from tests.test_working import run

MARKUP = re.compile(r"\*|`|<!date")


def bot_thread(standin, channel, ts) -> list[dict]:
    return [message for message in standin.thread(channel, ts) if message.get("bot_id")]


def test_a_reacted_message_is_its_authors_escalation_and_the_survey_goes_to_the_author(bot, standin):
    ts = standin.post_user_message(HELP, "Login loops since this morning", user="U0AGENT2")
    bot.driver.reaction_added(HELP, ts, user="U0AGENT1")
    standin.wait_for("chat.postMessage", count=2)
    standin.wait_idle()
    esc = rows(bot.database, "SELECT requester, raised_by, origin_link FROM escalations")[0]
    link = standin.calls_to("chat.getPermalink")[0].response["permalink"]
    assert esc == {"requester": "U0AGENT2", "raised_by": "U0AGENT1", "origin_link": link}
    card = bot_thread(standin, HELP, ts)[0]
    assert card["text"].startswith("ESC-1 [P3] Login loops") and "<@U0AGENT2>" in card["text"]
    provenance = f"Raised by <@U0AGENT1> with a reaction in <#C0HELP> for <@U0AGENT2> · <{link}|the original message>"
    assert provenance.replace("&", "&amp;") in card_text(card)
    assert "the original message" in card_text(cards_in(standin, L1)[-1])

    run(bot, standin, "take ESC-1", user="U0AGENT1")
    first_note = bot_thread(standin, HELP, ts)[1]
    assert "<@U0AGENT2>" in first_note["text"] and first_note["text"].startswith("ESC-1: ")

    run(bot, standin, "resolve ESC-1 cleared the session cache", user="U0AGENT1")
    standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel", "").startswith("D"))
    standin.wait_idle()
    opened = [call.args["users"] for call in standin.calls_to("conversations.open")]
    assert opened == ["U0AGENT2"], "the survey goes to the message's author, not to the agent who reacted"
    resolution = bot_thread(standin, HELP, ts)[-1]
    assert resolution["blocks"][0]["type"] == "section"
    assert "resolved ESC-1: _cleared the session cache_ cc <@U0AGENT2>" in resolution["blocks"][0]["text"]["text"]


def test_the_first_note_mentions_the_requester_and_notes_are_plain(bot, standin):
    esc = raise_by_command(bot, standin, "new P2 *Invoices* show `wrong` VAT")
    run(bot, standin, "take ESC-1", user="U0AGENT2")
    run(bot, standin, "up ESC-1 needs *billing*", user="U0AGENT2")
    notes = bot_thread(standin, HELP, esc["origin_ts"])[1:]
    assert "<@U0AGENT1>" in notes[0]["text"]
    for note in notes:
        assert note["text"].startswith("ESC-1: ") and not MARKUP.search(note["text"].replace("*billing*", "")), note["text"]
    for card in (cards_in(standin, HELP)[-1], cards_in(standin, "C0SUPL2")[-1]):
        assert card["text"].startswith("ESC-1 [P2] ") and "<!date" not in card["text"]
