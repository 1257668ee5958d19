"""The `text` of every message the bot sends is what a phone's push shows, raw: it names the
incident, escalation or report first and carries no formatting (`*bold*`, backticks) and no
`<!date…>` token."""

import re

from tests.flow import raise_by_command
from tests.incident_flow import CONFIGURED, LEAD, copies, draft, follow_up, open_modal, plan, reply, told, wait_until
from tests.test_csat_flow import DM, click_score, run
from tests.test_report_jobs import LEADS, cli, emea_fixture, fixture_db
from tests.report_fixtures import fixture_day

SENDING = ("chat.postMessage", "chat.update", "chat.postEphemeral")
FORMATTING = re.compile(r"[*`]|<!date")


def sent_texts(standin, where=lambda call: True) -> list[str]:
    return [call.args.get("text", "") for method in SENDING for call in standin.calls_to(method)
            if not call.failed and where(call)]


def assert_plain_and_named(texts: list[str], first: re.Pattern) -> None:
    assert texts
    for text in texts:
        assert not FORMATTING.search(text), text
        assert first.match(text), text


def test_incident_cards_copies_updates_receipts_and_failure_reports_notify_in_plain_words(bot, standin):
    private = standin.add_channel("war-room", "C0WARROOM", is_private=True, bot_is_member=False)
    card = draft(bot, standin)
    reply(bot, standin, card, "Checkout fails for EU cards.")
    bot.driver.view_submission(open_modal(bot, standin, card), plan([*CONFIGURED, private], here=True), user=LEAD)
    told(standin, "could not reach")
    reply(bot, standin, card, "Cause found: an expired certificate.")
    follow_up(bot, standin, "update INC-1")
    follow_up(bot, standin, "resolve INC-1 Certificate renewed.")
    wait_until(lambda: all(len(standin.thread(channel, copies(standin, channel)[0]["ts"])) == 3
                           for channel in CONFIGURED))
    standin.wait_idle(quiet=0.3)
    texts = sent_texts(standin)
    assert_plain_and_named(texts, re.compile(r"INC-1 "))
    assert any(text.startswith("INC-1 Resolved after") and text.endswith(": Certificate renewed.") for text in texts)
    assert "INC-1 Investigating: Checkout is down <!here>" in texts
    assert "INC-1 went out to 4 channels." not in texts, "one channel failed: the report, not a receipt"


def test_the_csat_survey_and_its_answers_notify_in_plain_words(bot, standin):
    raise_by_command(bot, standin)
    run(bot, standin, "resolve ESC-1 fixed", user="U0SPEC1")
    standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == DM)
    click_score(bot, standin, 4, standin.messages(DM)[-1]["ts"])
    assert_plain_and_named(sent_texts(standin, lambda call: call.args.get("channel") == DM), re.compile(r"ESC-1\b"))


def test_the_digest_and_a_shift_summary_notify_in_plain_words(standin, tmp_path):
    for workdir, fixture, job in ((tmp_path / "digest", fixture_day, ("daily-digest", "--for", "2026-11-23")),
                                  (tmp_path / "shift", emea_fixture, ("shift-summaries", "--for", "emea"))):
        workdir.mkdir()
        fixture_db(workdir, fixture)
        assert cli(standin, workdir, "jobs", "run", *job).returncode == 0
    texts = sent_texts(standin, lambda call: call.args.get("channel") == LEADS)
    assert_plain_and_named(texts, re.compile(r"(Daily digest|EMEA shift)\b"))
    assert any(text.startswith("Daily digest") for text in texts) and any(text.startswith("EMEA") for text in texts)
