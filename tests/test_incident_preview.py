"""Update and Resolve go through a form: nothing reaches the customers' channels before the
broadcaster has seen and submitted the words, and every copy then shows what was submitted."""

from commands.incident import ids
from tests.flow import HELP, rows
from tests.incident_flow import (
    CONFIGURED,
    broadcast,
    click,
    copies,
    draft,
    incident,
    notes,
    opened_form,
    reply,
    submit_follow_up,
    told,
    wait_until,
)
from tests.test_incidents import buttons


def _inputs(view: dict) -> dict:
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


def _thread_posts(standin) -> int:
    return len([call for call in standin.calls_to("chat.postMessage") if call.args.get("thread_ts")])


def test_update_and_resolve_post_only_the_submitted_words_and_every_copy_shows_the_latest(bot, standin):
    card = draft(bot, standin)
    discard = next(e for b in standin.message(HELP, card)["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == ids.ACTION_DISCARD)
    assert discard["confirm"]["title"]["text"] == "Discard this draft?"
    reply(bot, standin, card, "Checkout fails for EU cards.")
    broadcast(bot, standin, card)
    assert "Reply in this thread to write the notice" not in repr(standin.message(HELP, card)["blocks"])
    chatty = reply(bot, standin, card, "lol is anyone looking at this? brb lunch")

    posted = _thread_posts(standin)
    form = opened_form(standin, ids.MODAL_FOLLOW_UP, lambda: click(bot, standin, ids.ACTION_UPDATE, card))
    inputs = _inputs(form)
    assert (form["title"]["text"], form["submit"]["text"]) == ("Update INC-1", "Post to 3 channels")
    assert inputs[ids.BLOCK_FOLLOW_UP_TEXT]["element"]["initial_value"] == "lol is anyone looking at this? brb lunch"
    assert inputs[ids.BLOCK_FOLLOW_UP_STATUS]["element"]["initial_option"]["value"] == "identified"
    standin.wait_idle(quiet=0.3)
    assert _thread_posts(standin) == posted and incident(bot)["status"] == "investigating", "nothing went out yet"

    submit_follow_up(bot, form, status="monitoring", words="Cause found: an expired certificate.")
    told(standin, "now Monitoring everywhere")
    for channel in CONFIGURED:
        (update,) = notes(standin, channel)
        assert "Monitoring" in update and "expired certificate" in update and "lol" not in update
        shown = repr(copies(standin, channel)[0]["blocks"])
        assert "Cause found: an expired certificate." in shown and "EU cards" not in shown and "Monitoring" in shown
    assert rows(bot.database, "SELECT status, draft_ts FROM incident_steps WHERE step = 1") == [
        {"status": "monitoring", "draft_ts": chatty}]
    assert rows(bot.database, "SELECT detail FROM incident_events WHERE action = 'updated'") == [{"detail": "monitoring"}]

    form = opened_form(standin, ids.MODAL_FOLLOW_UP, lambda: click(bot, standin, ids.ACTION_RESOLVE, card))
    closing = _inputs(form)[ids.BLOCK_FOLLOW_UP_TEXT]
    assert form["title"]["text"] == "Resolve INC-1" and closing["label"]["text"] == "Closing message"
    assert "initial_value" not in closing["element"], "the chatty reply was sent already, reworded"
    refused = submit_follow_up(bot, form, words="")
    assert refused.json["response_action"] == "errors" and ids.BLOCK_FOLLOW_UP_TEXT in refused.json["errors"]
    assert incident(bot)["status"] == "monitoring"
    submit_follow_up(bot, form, words="Certificate renewed; checkout works again.")
    told(standin, "resolved everywhere")
    standin.wait_idle(quiet=0.2)
    for channel in CONFIGURED:
        shown = repr(copies(standin, channel)[0]["blocks"])
        assert "✅ Resolved" in shown and "Certificate renewed; checkout works again." in shown
        assert "expired certificate" not in shown and len(notes(standin, channel)) == 2
    assert buttons(standin, card) == [] and incident(bot)["status"] == "resolved"


def test_a_second_click_on_a_button_whose_form_is_open_is_a_warning_not_an_error(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Search is slow.")
    broadcast(bot, standin, card)
    for _ in range(2):
        click(bot, standin, ids.ACTION_UPDATE, card, trigger_id="trig.ONE-CLICK")
    refused = standin.wait_for("views.open", count=2, where=lambda call: call.args.get("trigger_id") == "trig.ONE-CLICK")
    assert [call.failed for call in refused] == [False, True]
    assert refused[1].response["error"] == "exchanged_trigger_id"
    wait_until(lambda: "exchanged_trigger_id" in bot.log())
    standin.wait_idle(quiet=0.3)
    assert not [e for e in standin.ephemerals if "went wrong" in e["text"]], "nothing to tell the person"
    assert "Traceback" not in bot.log() and "WARNING" in bot.log().split("exchanged_trigger_id")[0].splitlines()[-1]
