"""Readers and actions for line-3 tests: the engineering card, its thread, the asker's thread."""

from tests.flow import HELP, L3, cards_in, rows


def l3_card(standin) -> dict:
    return cards_in(standin, L3)[-1]


def reply(bot, standin, text, user="U0ENG1", event_id=None, card=None) -> str:
    """An engineer replies in the line-3 card's thread; returns the reply's ts once the bot is done."""
    card = card or l3_card(standin)
    ts, response = bot.driver.user_message(L3, text, user=user, thread_ts=card["ts"], event_id=event_id)
    assert response.status == 200
    standin.wait_idle()
    return ts


def origin_notes(standin, esc) -> list[str]:
    """The bot's messages in the thread where the escalation was raised, after its card."""
    return [m["text"] for m in standin.thread(HELP, esc["origin_ts"])[1:] if m.get("bot_id")]


def wait_for_ephemeral(standin, user: str) -> dict:
    standin.wait_for("chat.postEphemeral", where=lambda call: call.args.get("user") == user)
    return [e for e in standin.ephemerals if e["user"] == user][-1]


def ack_events(bot) -> int:
    return len(rows(bot.database, "SELECT * FROM events WHERE action = 'acknowledged'"))
