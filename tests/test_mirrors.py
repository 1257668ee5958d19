"""Engineers' replies in the line-3 thread, mirrored to the thread where the case was raised."""

from tests.flow import L3, raise_by_command, rows
from tests.line3_flow import l3_card, origin_notes, reply

HOSTILE = "Found it <!channel> <!here> <!everyone>, cc <!subteam^S0ENGINEERS|@engineers> and <@U0AGENT1>: cache key"


def mirrors(standin, esc):
    return [note for note in origin_notes(standin, esc) if note.startswith("Eli Engineer:")]


def test_a_reply_is_mirrored_once_with_who_wrote_it_and_mentions_neutralized(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Cart totals wrong")
    ts = reply(bot, standin, HOSTILE, user="U0ENG1", event_id="Ev0MIRROR")
    assert bot.driver.resend_message(L3, ts, event_id="Ev0MIRROR", retry_num=1).status == 200
    assert bot.driver.resend_message(L3, ts, event_id="Ev0MIRROR2").status == 200, "even under a new event id"
    standin.wait_idle()
    [mirrored] = mirrors(standin, esc)
    posted = [m for m in standin.thread("C0HELP", esc["origin_ts"]) if m["text"] == mirrored][0]
    shown = repr(posted["blocks"])
    for markup in ("<!channel>", "<!here>", "<!everyone>", "<!subteam", "<@U0AGENT1>"):
        assert markup not in shown and markup not in mirrored
    assert "@channel" in shown and "@engineers" in shown and "@Ana Agent" in shown and "Eli Engineer" in shown


def test_an_edit_updates_the_mirror_and_a_deletion_removes_it(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Invoices missing")
    ts = reply(bot, standin, "Looking at the invoice job", user="U0ENG1")
    assert bot.driver.edit_message(L3, ts, "Looking at the invoice job: it stopped at 03:00").status == 200
    standin.wait_idle()
    assert mirrors(standin, esc) == ["Eli Engineer: Looking at the invoice job: it stopped at 03:00"]
    assert bot.driver.delete_message(L3, ts).status == 200
    standin.wait_idle()
    assert mirrors(standin, esc) == [] and rows(bot.database, "SELECT * FROM mirrors") == []


def test_bot_messages_and_other_threads_are_not_mirrored(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Search slow")
    other = standin.post_user_message(L3, "unrelated discussion", user="U0ENG2")
    _, response = bot.driver.user_message(L3, "a reply elsewhere", user="U0ENG1", thread_ts=other)
    assert response.status == 200
    event = {"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER", "channel": L3, "text": "beep",
             "ts": "1.000001", "thread_ts": l3_card(standin)["ts"]}
    assert bot.driver.event(event).status == 200
    standin.wait_idle()
    assert mirrors(standin, esc) == [] and rows(bot.database, "SELECT * FROM mirrors") == []
