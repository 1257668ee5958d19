"""The three ways to raise: the /esc form, the watched reaction and the "Escalate message" shortcut."""

from standin import form_values, selected_option
from commands.esc import ids
from tests.flow import HELP, L1, L2, card_text, cards_in, count, rows


def test_bare_esc_opens_the_form_and_submitting_raises_in_that_channel(bot, standin):
    assert bot.driver.command("", channel=HELP).status == 200
    opened = standin.wait_for("views.open")[0].args["view"]
    assert opened["callback_id"] == ids.MODAL_NEW
    values = form_values({
        f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}": "Invoices show the wrong VAT",
        f"{ids.BLOCK_PRIORITY}/{ids.INPUT_PRIORITY}": selected_option("P2", element_type="radio_buttons"),
        f"{ids.BLOCK_LINE}/{ids.INPUT_LINE}": selected_option("L2"),
        f"{ids.BLOCK_CATEGORY}/{ids.INPUT_CATEGORY}": selected_option("billing"),
        f"{ids.BLOCK_CUSTOMER}/{ids.INPUT_CUSTOMER}": "ZD-4821",
    })
    assert bot.driver.view_submission(opened, values).status == 200
    standin.wait_for("chat.postMessage")
    standin.wait_idle()
    esc = rows(bot.database, "SELECT * FROM escalations")[0]
    assert (esc["summary"], esc["priority"], esc["line"], esc["category"], esc["customer_ref"], esc["source"]) == (
        "Invoices show the wrong VAT", "P2", 2, "billing", "ZD-4821", "modal")
    assert cards_in(standin, HELP)[0]["ts"] == esc["origin_ts"]
    assert "ZD-4821" in card_text(cards_in(standin, L2)[0])


def test_form_with_blank_summary_shows_the_error_in_the_form(bot, standin):
    bot.driver.command("", channel=HELP)
    opened = standin.wait_for("views.open")[0].args["view"]
    response = bot.driver.view_submission(opened, form_values({f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}": "   "}))
    assert response.json == {"response_action": "errors", "errors": {ids.BLOCK_SUMMARY: "Say in a sentence what is wrong."}}
    standin.wait_idle()
    assert count(bot.database, "escalations") == 0


def test_reaction_in_a_watched_channel_raises_once_in_the_message_thread(bot, standin):
    ts = standin.post_user_message(HELP, "Customer <@U0AGENT2> says login loops <!here>", user="U0AGENT2")
    assert bot.driver.reaction_added(HELP, ts, user="U0AGENT1").status == 200
    standin.wait_for("chat.postMessage")
    standin.wait_idle()
    esc = rows(bot.database, "SELECT * FROM escalations")[0]
    assert (esc["source"], esc["origin_ts"], esc["summary"]) == ("reaction", ts, "Customer @Bo Agent says login loops @here")
    in_thread = [m for m in standin.thread(HELP, ts) if m["ts"] != ts]
    assert len(in_thread) == 1 and "ESC-1" in card_text(in_thread[0])
    assert "<!here>" not in card_text(in_thread[0])
    assert len(cards_in(standin, L1)) == 1

    assert bot.driver.reaction_added(HELP, ts, user="U0SPEC1").status == 200
    standin.wait_for("chat.postEphemeral")
    standin.wait_idle()
    assert count(bot.database, "escalations") == 1
    told = standin.ephemerals[-1]
    assert told["user"] == "U0SPEC1" and "already escalated as ESC-1" in told["text"]


def test_other_reactions_and_unwatched_channels_do_nothing_but_are_answered(bot, standin):
    ts = standin.post_user_message(HELP, "thanks!")
    other = standin.post_user_message(L1, "internal chatter")
    assert bot.driver.reaction_added(HELP, ts, reaction="tada").status == 200
    assert bot.driver.reaction_added(L1, other).status == 200
    standin.wait_idle()
    assert count(bot.database, "escalations") == 0 and not standin.calls_to("chat.postMessage")


def test_message_shortcut_opens_the_form_prefilled_and_raises_in_the_thread(bot, standin):
    ts = standin.post_user_message(HELP, "Refund for order &lt;4411&gt; never arrived", user="U0AGENT2")
    assert bot.driver.message_shortcut(ids.SHORTCUT_ESCALATE_MESSAGE, channel=HELP, message_ts=ts).status == 200
    opened = standin.wait_for("views.open")[0].args["view"]
    summary_input = opened["blocks"][0]["element"]
    assert summary_input["initial_value"] == "Refund for order <4411> never arrived"
    values = form_values({f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}": summary_input["initial_value"]})
    bot.driver.view_submission(opened, values, user="U0AGENT1")
    standin.wait_for("chat.postMessage")
    standin.wait_idle()
    esc = rows(bot.database, "SELECT * FROM escalations")[0]
    assert (esc["source"], esc["origin_ts"], esc["requester"], esc["raised_by"]) == ("shortcut", ts, "U0AGENT2", "U0AGENT1")
    assert esc["origin_link"] == standin.calls_to("chat.getPermalink")[0].response["permalink"]
    assert any("ESC-1" in card_text(m) for m in standin.thread(HELP, ts) if m.get("blocks"))

    bot.driver.message_shortcut(ids.SHORTCUT_ESCALATE_MESSAGE, channel=HELP, message_ts=ts)
    standin.wait_for_response()
    standin.wait_idle()
    assert len(standin.calls_to("views.open")) == 1
    assert "already escalated as ESC-1" in standin.responses[-1]["body"]["text"]
