"""CSAT from Slack: the survey DM after a resolve, its buttons and comment form, and `/csat`."""

from standin import form_values
from commands.csat import ids
from tests.flow import HELP, raise_by_command, rows
from tests.harness import TEAM_YAML, start_bot

DM = "D0AGENT1"  # the requester's direct message with the bot


def run(bot, standin, text, command="/esc", user="U0AGENT1", channel=HELP):
    answered = len(standin.responses)
    assert bot.driver.command(text, command=command, user=user, channel=channel).status == 200
    return standin.wait_for_response(count=answered + 1)[-1]["body"]


def click_score(bot, standin, score, message_ts):
    updates = len(standin.calls_to("chat.update"))
    bot.driver.block_action(ids.ACTION_SCORES[score - 1], "1", user="U0AGENT1", channel=DM, message_ts=message_ts)
    standin.wait_for("chat.update", count=updates + 1)
    return repr(standin.message(DM, message_ts)["blocks"])


def counting_answers(bot):
    return rows(bot.database, "SELECT subject, score, comment, source FROM csat_answers WHERE counts = 1")


def test_the_requester_answers_the_survey_changes_the_answer_and_adds_a_comment(bot, standin):
    raise_by_command(bot, standin)
    run(bot, standin, "resolve ESC-1 fixed", user="U0SPEC1")
    standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == DM)
    survey = standin.messages(DM)[-1]
    buttons = [e for b in survey["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [button["text"]["text"] for button in buttons] == ["1", "2", "3", "4", "5"]
    assert "ESC-1" in survey["text"]
    assert "Thank you: 4 for ESC-1 is recorded." in click_score(bot, standin, 4, survey["ts"])
    assert "Your new score 2 for ESC-1 replaces your earlier 4." in click_score(bot, standin, 2, survey["ts"])
    bot.driver.block_action(ids.ACTION_COMMENT, '{"escalation_id": 1, "score": 2}', user="U0AGENT1", channel=DM,
                            message_ts=survey["ts"])
    standin.wait_for("views.open")
    form = standin.last_view(ids.MODAL_COMMENT)
    assert form["title"]["text"] == "Comment on ESC-1"
    bot.driver.view_submission(form, form_values({f"{ids.BLOCK_COMMENT}/{ids.INPUT_COMMENT}": "Took two days"}), user="U0AGENT1")
    standin.wait_idle()
    assert counting_answers(bot) == [{"subject": "ESC-1", "score": 2, "comment": "Took two days", "source": "survey"}]
    assert len(rows(bot.database, "SELECT * FROM csat_answers")) == 3, "every answer stays in the trail"


def test_csat_command_records_replaces_and_refuses_and_the_survey_can_be_off(standin, tmp_path):
    (tmp_path / "app.yaml").write_text(TEAM_YAML.replace("survey_on_resolve: true", "survey_on_resolve: false"))
    bot = start_bot(standin, tmp_path)
    try:
        raise_by_command(bot, standin)
        run(bot, standin, "resolve ESC-1")
        assert not standin.calls_to("conversations.open"), "no survey when it is turned off"
        assert "Thank you: 5 for ESC-1 is recorded." in run(bot, standin, "ESC-1 5 <@U0SPEC1|sam> was great", "/csat")["text"]
        assert "replaces your earlier 5" in run(bot, standin, "1 3", "/csat")["text"]
        assert "There is no ESC-9" in run(bot, standin, "ESC-9 3", "/csat")["text"]
        assert "from 1 to 5, not 7" in run(bot, standin, "ESC-1 7", "/csat")["text"]
        assert "needs an escalation and a score" in run(bot, standin, "ESC-1", "/csat")["text"]
        assert counting_answers(bot) == [{"subject": "ESC-1", "score": 3, "comment": None, "source": "command"}]
        comment = rows(bot.database, "SELECT comment FROM csat_answers WHERE score = 5")[0]["comment"]
        assert comment == "@sam was great"
    finally:
        bot.stop()


def test_an_answer_delivered_twice_is_recorded_once(bot, standin):
    raise_by_command(bot, standin)
    for _ in range(2):
        assert bot.driver.command("ESC-1 4 kind", command="/csat", trigger_id="trig.SAME").status == 200
    standin.wait_for_response()
    bot.driver.block_action(ids.ACTION_COMMENT, '{"escalation_id": 1, "score": 2}', user="U0AGENT1", channel=HELP,
                            message_ts="1.000001")
    standin.wait_for("views.open")
    form = standin.last_view(ids.MODAL_COMMENT)
    for _ in range(2):
        bot.driver.view_submission(form, form_values({f"{ids.BLOCK_COMMENT}/{ids.INPUT_COMMENT}": "Slow"}), user="U0AGENT1")
    standin.wait_idle()
    answers = rows(bot.database, "SELECT score, comment, source FROM csat_answers ORDER BY id")
    assert answers == [{"score": 4, "comment": "kind", "source": "command"}, {"score": 2, "comment": "Slow", "source": "survey"}]
    assert len(standin.responses) == 1, "the second delivery of the command is silent"
