"""Every refusal is ephemeral, says what was wrong and how to do it right, and changes nothing."""

import pytest

from tests.flow import HELP, count, raise_by_command


def refusal(bot, standin, text, user="U0AGENT1"):
    """Send `text`, wait, and return the ephemeral answer, checking nothing public was posted or edited."""
    public_before = len(standin.calls_to("chat.postMessage")) + len(standin.calls_to("chat.update"))
    events_before = count(bot.database, "events")
    answered = len(standin.responses)
    assert bot.driver.command(text, user=user, channel=HELP).status == 200
    body = standin.wait_for_response(count=answered + 1)[-1]["body"]
    standin.wait_idle()
    assert body["response_type"] == "ephemeral" and body.get("replace_original") is False
    assert len(standin.calls_to("chat.postMessage")) + len(standin.calls_to("chat.update")) == public_before
    assert count(bot.database, "events") == events_before
    return body


@pytest.mark.parametrize("text, says, shows", [
    ("escalate 1", "`escalate` is not an /esc command", "Did you mean `/esc up 1`?"),
    ("take ESC-99", "There is no ESC-99", "/esc list"),
    ("take ESC-x1", "`ESC-x1` is not an escalation ID", "/esc take ESC-12"),
    ("assign 1 <#C0HELP|help>", "`#help` is not a person", "/esc assign ESC-12 @person"),
    ("assign 1 <@U0NOBODY|ghost>", "There is no user <@U0NOBODY>", "/esc assign ESC-12 @person"),
    ("assign 1 <@U0OTHERBOT|bot>", "is a bot", "/esc assign ESC-12 @person"),
    ("assign 1 <@U0GONE|gone>", "is deactivated", "/esc assign ESC-12 @person"),
    ("down 1", "already on line 1, the first line", "/esc up ESC-1"),
    ("list everything", "`everything` is not a list view", "/esc list [mine|unowned|open|L1|L2|L3]"),
    ("new P1", "An escalation needs a summary", "/esc new [P1-P4] [L1|L2|L3] <summary>"),
    ("handoff <@U0AGENT2|bo>", "nothing to hand off", None),
])
def test_refusals(bot, standin, text, says, shows):
    raise_by_command(bot, standin, "new Something broke")
    body = refusal(bot, standin, text)
    shown = repr(body["blocks"])
    assert says in shown
    if shows:
        assert shows in shown


def test_moving_above_line_3_and_resolving_twice_are_refused(bot, standin):
    raise_by_command(bot, standin, "new P1 L3 Database down")
    assert "already on line 3, the top line" in repr(refusal(bot, standin, "up ESC-1")["blocks"])
    bot.driver.command("resolve 1", channel=HELP)
    standin.wait_for_response(count=len(standin.responses) + 1)
    standin.wait_idle()
    body = refusal(bot, standin, "resolve esc-1")
    assert "ESC-1 is resolved" in repr(body["blocks"]) and "/esc reopen ESC-1" in repr(body["blocks"])


def test_refusal_falls_back_to_chat_post_ephemeral_when_the_response_url_fails(bot, standin):
    standin.fail("response_url", error="expired_url", status=404, times=1)
    assert bot.driver.command("take ESC-404", user="U0AGENT2", channel=HELP).status == 200
    told = standin.wait_for("chat.postEphemeral")[0].args
    assert told["user"] == "U0AGENT2" and told["channel"] == HELP and "There is no ESC-404" in told["text"]
    standin.wait_idle()
    assert not standin.calls_to("chat.postMessage")


def test_unexpected_failure_is_answered_with_a_reference_and_changes_nothing(bot, standin):
    raise_by_command(bot, standin, "new Something broke")
    standin.fail("users.info", error="fatal_error", times=1)
    body = refusal(bot, standin, "assign 1 <@U0SPEC1|sam>")
    text = repr(body["blocks"])
    assert "Something went wrong on our side (fatal_error)" in text and "Quote ref `" in text
    assert "ref" in bot.log() and "fatal_error" in bot.log()
