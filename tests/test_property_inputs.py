"""Arbitrary text into every slash command and form field: never a 5xx, never a traceback,
always a reply that says what was wrong, and no change for what was refused."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app_factory import declared_surface
from bot.standin import form_values, selected_option
from commands.esc import ids as esc_ids
from commands.digest.parse import digest_period
from commands.esc.parse import parse as parse_esc
from commands.incident.parse import parse as parse_incident
from storage.errors import UsageError
from tests.flow import count

VERBS = ["new", "take", "ack", "assign", "up", "down", "resolve", "reopen", "list", "show", "handoff", "help",
         "draft", "preview", "broadcast", "update", "summary", "today", "yesterday", "7d", "2026-11-23", "2026-02-30",
         "EMEA", "P1", "L3", "ESC-1", "INC-1", "5", "0", "<@U0GONE>", "<!here>"]
# Text people and attackers type: words the parsers know, Slack markup, and anything at all.
COMMAND_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(VERBS), st.text(min_size=1, max_size=12)), max_size=6).map(" ".join),
)
LIVE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("parse", [parse_esc, parse_incident], ids=["esc", "incident"])
@given(text=COMMAND_TEXT)
@settings(max_examples=400, deadline=None)
def test_every_parse_either_understands_or_says_what_is_wrong(parse, text):
    try:
        parse(text)
    except UsageError as error:
        assert error.message.strip() and error.hint, "a refusal names the problem and the right usage"
        assert "<!" not in error.message, "text quoted back never becomes a mention"


@given(text=COMMAND_TEXT)
@settings(max_examples=300, deadline=None)
def test_every_digest_period_is_understood_or_refused_with_the_usage(text):
    try:
        window, title = digest_period(text, datetime(2026, 12, 2, 9, tzinfo=timezone.utc), ZoneInfo("Europe/Berlin"))
    except UsageError as error:
        assert error.message.strip() and "/digest" in error.hint and "<!" not in error.message
    else:
        assert window.start <= window.end and title.startswith("Digest")


def _tables(bot):
    tables = ("escalations", "events", "line_owners", "incidents", "csat_answers", "job_claims")
    return {table: count(bot.db_path, table) for table in tables}


@pytest.mark.parametrize("command", [command["command"] for command in declared_surface().commands])
@given(text=COMMAND_TEXT)
@LIVE
def test_any_command_text_gets_an_answer_and_refusals_change_nothing(bot, standin, command, text):
    if not text.strip():
        return  # the bare command opens a form: covered by the form tests
    before, answered, posted = _tables(bot), len(standin.responses), len(standin.calls)
    response = bot.driver.command(text, command=command, user="U0AGENT1", channel="C0HELP")
    assert response.status == 200
    standin.wait_idle(quiet=0.15)
    replies = [r["body"].get("text", "") for r in standin.responses[answered:]]
    acted = [c.method for c in standin.calls[posted:] if c.method in ("chat.postMessage", "views.open")]
    assert replies or acted, f"{command} {text!r} got no answer at all"
    if any(reply.startswith("⚠️") for reply in replies):
        assert _tables(bot) == before, f"refused {text!r} but changed something"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]


@given(summary=st.text(max_size=400), customer=st.one_of(st.none(), st.text(max_size=300)))
@LIVE
def test_any_form_values_get_field_errors_or_an_escalation_never_a_5xx(bot, standin, summary, customer):
    bot.driver.command("", channel="C0HELP")
    opened = standin.wait_for("views.open")[-1].args["view"]
    before = count(bot.db_path, "escalations")
    values = form_values({
        f"{esc_ids.BLOCK_SUMMARY}/{esc_ids.INPUT_SUMMARY}": summary,
        f"{esc_ids.BLOCK_PRIORITY}/{esc_ids.INPUT_PRIORITY}": selected_option("P2"),
        f"{esc_ids.BLOCK_LINE}/{esc_ids.INPUT_LINE}": selected_option("L1"),
        f"{esc_ids.BLOCK_CUSTOMER}/{esc_ids.INPUT_CUSTOMER}": customer,
    })
    response = bot.driver.view_submission(opened, values)
    assert response.status == 200
    standin.wait_idle(quiet=0.15)
    if response.json and response.json.get("response_action") == "errors":
        assert all(message.strip() for message in response.json["errors"].values())
        assert count(bot.db_path, "escalations") == before, "a refused form stores nothing"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]
