"""Release, waiting on the customer and edits through the stand-in: commands, the card's menu,
the edit form, the requester's reply, and refusals that change nothing."""

from commands.esc import ids
from standin import form_values, selected_option
from tests.flow import HELP, L1, card_text, cards_in, raise_by_command, rows, wait_until
from tests.test_working import run, thread_notes


def menu_choice(card: dict, verb: str) -> str | None:
    menus = [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]
             if e["action_id"] == ids.ACTION_CARD_MENU]
    return next((o["value"] for o in menus[0]["options"] if o["value"].startswith(f"{verb}|")), None) if menus else None


def choose(bot, standin, verb, user, channel=L1):
    card = cards_in(standin, channel)[-1]
    updates = len(standin.calls_to("chat.update"))
    payload_value = menu_choice(card, verb)
    assert payload_value, f"the queue card offers {verb}"
    bot.driver.block_action(ids.ACTION_CARD_MENU, payload_value, user=user, channel=channel, message_ts=card["ts"])
    return updates


def test_release_gives_it_back_and_a_stranger_is_refused(bot, standin):
    esc = raise_by_command(bot, standin)
    run(bot, standin, "take ESC-1")
    refused = run(bot, standin, "release ESC-1", user="U0AGENT2")["text"]
    assert "belongs to <@U0AGENT1> on line 1: only they or a lead (<@U0LEAD1>) can release it" in refused
    assert rows(bot.database, "SELECT user FROM line_owners") == [{"user": "U0AGENT1"}], "refused: nothing changed"
    assert "back in line 1's queue" in run(bot, standin, "release ESC-1", user="U0LEAD1")["text"]
    card = card_text(cards_in(standin, L1)[-1])
    assert "*Owner*\\n_unowned_" in card and "take due" in card
    assert any("<@U0LEAD1> released ESC-1 from <@U0AGENT1>" in note for note in thread_notes(standin, esc))
    clocks = rows(bot.database, "SELECT outcome FROM sla_clocks ORDER BY id")
    assert [c["outcome"] for c in clocks] == ["met", None], "the take clock restarted"


def test_release_from_the_card_menu(bot, standin):
    raise_by_command(bot, standin)
    run(bot, standin, "take ESC-1")
    standin.wait_idle()
    choose(bot, standin, "release", "U0AGENT1")
    wait_until(lambda: not rows(bot.database, "SELECT * FROM line_owners"))
    wait_until(lambda: "*Owner*\\n_unowned_" in card_text(cards_in(standin, L1)[-1]))
    assert menu_choice(cards_in(standin, L1)[-1], "release") is None, "nothing to release while unowned"


def test_waiting_pauses_the_card_and_the_requesters_reply_resumes_it(bot, standin):
    esc = raise_by_command(bot, standin, user="U0SPEC1")
    answer = run(bot, standin, "wait ESC-1 asked for the &lt;invoice&gt;", user="U0AGENT2")["text"]
    assert "waiting on the customer" in answer
    card = card_text(cards_in(standin, L1)[-1])
    assert "Waiting on the customer* since <!date^" in card and "asked for the &lt;invoice&gt;" in card
    assert "take clock paused" in card and "⏸ Waiting on customer" in card
    assert rows(bot.database, "SELECT paused_at IS NOT NULL AS paused FROM sla_clocks") == [{"paused": 1}]
    assert "already waiting" in run(bot, standin, "wait ESC-1")["text"]
    updates = len(standin.calls_to("chat.update"))
    bot.driver.user_message(HELP, "here is the invoice", user="U0SPEC1", thread_ts=esc["origin_ts"])
    standin.wait_for("chat.update", count=updates + 1)
    wait_until(lambda: rows(bot.database, "SELECT waiting_since FROM escalations")[0]["waiting_since"] is None)
    assert rows(bot.database, "SELECT paused_at FROM sla_clocks") == [{"paused_at": None}]
    wait_until(lambda: any("<@U0SPEC1> resumed ESC-1" in note for note in thread_notes(standin, esc)))
    assert any("put ESC-1 on hold, waiting on the customer: asked for the &lt;invoice&gt;" in note
               for note in thread_notes(standin, esc))


def test_someone_elses_message_does_not_resume_and_wait_refuses_a_resolved_one(bot, standin):
    esc = raise_by_command(bot, standin, user="U0SPEC1")
    updates = choose(bot, standin, "wait", "U0AGENT2")
    standin.wait_for("chat.update", count=updates + 1)
    wait_until(lambda: rows(bot.database, "SELECT waiting_since FROM escalations")[0]["waiting_since"])
    bot.driver.user_message(HELP, "any news?", user="U0ENG1", thread_ts=esc["origin_ts"])
    standin.wait_idle()
    assert rows(bot.database, "SELECT waiting_since IS NOT NULL AS waiting FROM escalations") == [{"waiting": 1}]
    assert "is being worked again" in run(bot, standin, "resume ESC-1")["text"]
    run(bot, standin, "resolve ESC-1")
    refused = run(bot, standin, "wait ESC-1")["text"]
    assert "ESC-1 is resolved" in refused
    assert [e["action"] for e in rows(bot.database, "SELECT action FROM events ORDER BY id")] == [
        "raised", "waiting", "resumed", "resolved"]


def test_edit_opens_the_form_checks_it_and_a_new_priority_restarts_the_clock(bot, standin):
    esc = raise_by_command(bot, standin, text="new P4 Exports fail")
    opened = len(standin.calls_to("views.open"))
    bot.driver.command("edit ESC-1", channel=HELP)
    standin.wait_for("views.open", count=opened + 1)
    form = standin.last_view(ids.MODAL_EDIT)
    summary = next(b for b in form["blocks"] if b["block_id"] == ids.BLOCK_SUMMARY)
    assert summary["element"]["initial_value"] == "Exports fail"
    values = {f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}": "",
              f"{ids.BLOCK_PRIORITY}/{ids.INPUT_PRIORITY}": selected_option("P1", element_type="radio_buttons"),
              f"{ids.BLOCK_CUSTOMER}/{ids.INPUT_CUSTOMER}": "ZD-4821"}
    refused = bot.driver.view_submission(form, form_values(values))
    assert refused.json["response_action"] == "errors" and ids.BLOCK_SUMMARY in refused.json["errors"]
    values[f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}"] = "Exports fail for EU"
    updates = len(standin.calls_to("chat.update"))
    bot.driver.view_submission(form, form_values(values))
    standin.wait_for("chat.update", count=updates + 1)
    wait_until(lambda: rows(bot.database, "SELECT priority FROM escalations")[0]["priority"] == "P1")
    clocks = rows(bot.database, "SELECT priority, started_at, outcome FROM sla_clocks ORDER BY id")
    assert [(c["priority"], c["outcome"]) for c in clocks] == [("P4", "cancelled"), ("P1", None)]
    assert clocks[1]["started_at"] == esc["created_at"], "counted from its arrival on the line"
    wait_until(lambda: "Exports fail for EU" in card_text(cards_in(standin, L1)[-1]))
    assert "ZD-4821" in card_text(cards_in(standin, L1)[-1])
    edits = rows(bot.database, "SELECT note FROM events WHERE action = 'edited' ORDER BY id")
    assert [e["note"] for e in edits] == ["summary", "priority", "customer_ref"]
    wait_until(lambda: any("changed ESC-1's priority from P4 to P1" in n for n in thread_notes(standin, esc)))


def test_edit_of_an_owned_escalation_by_someone_else_is_refused(bot, standin):
    raise_by_command(bot, standin)
    run(bot, standin, "take ESC-1")
    updates = choose(bot, standin, "edit", "U0AGENT2")
    form = wait_until(lambda: standin.last_view(ids.MODAL_EDIT))
    assert updates == len(standin.calls_to("chat.update"))
    answered = len(standin.responses) + len(standin.calls_to("chat.postEphemeral"))
    values = {f"{ids.BLOCK_SUMMARY}/{ids.INPUT_SUMMARY}": "Something else",
              f"{ids.BLOCK_PRIORITY}/{ids.INPUT_PRIORITY}": selected_option("P1", element_type="radio_buttons")}
    bot.driver.view_submission(form, form_values(values), user="U0AGENT2")
    wait_until(lambda: len(standin.responses) + len(standin.calls_to("chat.postEphemeral")) > answered)
    refusal = standin.calls_to("chat.postEphemeral")[-1].args["text"]
    assert "only they or a lead (<@U0LEAD1>) can edit it" in refusal
    assert rows(bot.database, "SELECT summary, priority FROM escalations") == [
        {"summary": "Checkout fails for EU cards", "priority": "P2"}]
