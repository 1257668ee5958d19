"""Arbitrary text into every slash command, form field and button value: never a 5xx, never a traceback,
always a reply that says what was wrong, and no change for what was refused."""

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app_factory import declared_surface
from standin import form_values, selected_option
from commands.csat import ids as csat_ids
from commands.esc import ids as esc_ids
from commands.incident import ids as incident_ids
from commands.digest.parse import digest_period
from commands.esc.parse import parse as parse_esc
from commands.line3 import ids as line3_ids
from commands.incident.parse import parse as parse_incident
from commands.text import clean_user_text
from storage.errors import UsageError
from tests.flow import count, raise_by_command, rows, wait_until
from tests.incident_flow import GENERAL, LEAD, STATUS, draft, incident, open_modal, reply

VERBS = ["new", "take", "ack", "assign", "up", "down", "resolve", "reopen", "list", "show", "handoff", "help",
         "release", "wait", "resume", "edit",
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
    tables = ("escalations", "events", "line_owners", "incidents", "incident_steps", "incident_posts",
              "incident_events", "csat_answers", "job_claims")
    return {table: count(bot.database, table) for table in tables}


@pytest.mark.parametrize("command", [command["command"] for command in declared_surface().commands])
@given(text=COMMAND_TEXT)
@LIVE
def test_any_command_text_gets_an_answer_and_refusals_change_nothing(bot, standin, command, text):
    if not text.strip():
        return  # the bare command opens a form: covered by the form tests
    before, answered, posted = _tables(bot), len(standin.responses), len(standin.calls)
    response = bot.driver.command(text, command=command, user="U0AGENT1", channel="C0HELP")
    assert response.status == 200
    try:
        wait_until(lambda: any(_answers(standin, answered, posted)), timeout=15)
    except TimeoutError:
        pytest.fail(f"{command} {text!r} got no answer at all")
    standin.wait_idle(quiet=0.15)
    replies, _ = _answers(standin, answered, posted)
    if any(reply.startswith("⚠️") for reply in replies):
        assert _tables(bot) == before, f"refused {text!r} but changed something"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]


def _answers(standin, answered: int, posted: int) -> tuple[list[str], list[str]]:
    """The replies to the person and the posts or forms the bot made, since those counts."""
    replies = [r["body"].get("text", "") for r in standin.responses[answered:]]
    return replies, [c.method for c in standin.calls[posted:] if c.method in ("chat.postMessage", "views.open")]


# What Slack could send for an element: what was offered, anything else, or nothing at all.
MAYBE_TEXT = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["", "  ", "<!channel>", "<@U0LEAD1>"]))
DM = "D0AGENT1"  # U0AGENT1's direct message with the bot, where surveys go
LONG_TEXT = st.text(min_size=1, max_size=30).map(lambda piece: piece * (3100 // len(piece)))  # past every limit


def _option(offered: list[str], element_type: str = "static_select"):
    """A select's (or radio buttons') state: an offered option, any other value, or none picked."""
    value = st.one_of(st.sampled_from(offered), st.text(max_size=12))
    return st.one_of(st.none(), value.map(lambda picked: selected_option(picked, element_type=element_type)),
                     st.just({"type": element_type, "selected_option": None}))


def _drop_some(values: dict):
    """Missing fields: Slack leaves out blocks the view no longer has; null stands for the rest."""
    return st.sets(st.sampled_from(sorted(values))).map(lambda gone: {k: v for k, v in values.items() if k not in gone})


def _refused_in_the_form(response, blocks: set[str]) -> bool:
    """True for `response_action: errors`, after checking each error names a field of the form."""
    assert response.status == 200
    if not (response.json and response.json.get("response_action") == "errors"):
        return False
    assert response.json["errors"] and set(response.json["errors"]) <= blocks, response.json
    assert all(message.strip() for message in response.json["errors"].values()), response.json
    return True


ESC_FORM = st.fixed_dictionaries({
    f"{esc_ids.BLOCK_SUMMARY}/{esc_ids.INPUT_SUMMARY}": st.one_of(MAYBE_TEXT, st.text(max_size=400), LONG_TEXT),
    f"{esc_ids.BLOCK_PRIORITY}/{esc_ids.INPUT_PRIORITY}": _option(["P1", "P2", "P3", "P4"], "radio_buttons"),
    f"{esc_ids.BLOCK_LINE}/{esc_ids.INPUT_LINE}": _option(["L1", "L2", "L3", "L4", "L", "Lx", ""]),
    f"{esc_ids.BLOCK_CATEGORY}/{esc_ids.INPUT_CATEGORY}": _option(["billing", "outage"]),
    f"{esc_ids.BLOCK_CUSTOMER}/{esc_ids.INPUT_CUSTOMER}": MAYBE_TEXT,
}).flatmap(_drop_some)


@given(fields=ESC_FORM)
@LIVE
def test_any_form_values_get_field_errors_or_an_escalation_never_a_5xx(bot, standin, fields):
    forms = len(standin.calls_to("views.open"))
    bot.driver.command("", channel="C0HELP")
    opened = standin.wait_for("views.open", count=forms + 1)[-1].args["view"]
    before, posted = _tables(bot), len(standin.calls_to("chat.postMessage"))
    response = bot.driver.view_submission(opened, form_values(fields))
    if _refused_in_the_form(response, {block["block_id"] for block in opened["blocks"]}):
        standin.wait_idle(quiet=0.15)
        assert _tables(bot) == before and len(standin.calls_to("chat.postMessage")) == posted, "refused: nothing stored or posted"
    else:
        standin.wait_for("chat.postMessage", count=posted + 1)
        standin.wait_idle(quiet=0.15)
        assert count(bot.database, "escalations") == before["escalations"] + 1, "accepted: stored and its card posted"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]


EDIT_FORM = st.fixed_dictionaries({
    f"{esc_ids.BLOCK_SUMMARY}/{esc_ids.INPUT_SUMMARY}": st.one_of(MAYBE_TEXT, st.text(max_size=400), LONG_TEXT),
    f"{esc_ids.BLOCK_PRIORITY}/{esc_ids.INPUT_PRIORITY}": _option(["P1", "P2", "P3", "P4"], "radio_buttons"),
    f"{esc_ids.BLOCK_CATEGORY}/{esc_ids.INPUT_CATEGORY}": _option(["billing", "outage"]),
    f"{esc_ids.BLOCK_CUSTOMER}/{esc_ids.INPUT_CUSTOMER}": st.one_of(MAYBE_TEXT, LONG_TEXT),
}).flatmap(_drop_some)


@given(fields=EDIT_FORM)
@LIVE
def test_any_edit_form_values_get_field_errors_or_are_saved_never_a_5xx(bot, standin, fields):
    if not count(bot.database, "escalations"):
        raise_by_command(bot, standin)
    forms = len(standin.calls_to("views.open"))
    bot.driver.command("edit ESC-1", channel="C0HELP")
    opened = standin.wait_for("views.open", count=forms + 1)[-1].args["view"]
    before = rows(bot.database, "SELECT summary, priority, category, customer_ref FROM escalations")
    events = count(bot.database, "events")
    response = bot.driver.view_submission(opened, form_values(fields))
    standin.wait_idle(quiet=0.15)
    if _refused_in_the_form(response, {block["block_id"] for block in opened["blocks"]}):
        assert rows(bot.database, "SELECT summary, priority, category, customer_ref FROM escalations") == before
        assert count(bot.database, "events") == events, "refused: nothing stored"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]


INCIDENT_FORM = st.fixed_dictionaries({
    f"{incident_ids.BLOCK_CHANNELS}/{incident_ids.INPUT_CHANNELS}": st.one_of(
        st.none(), st.builds(lambda picked: {"type": "multi_conversations_select", "selected_conversations": picked},
                             st.one_of(st.none(), st.lists(st.one_of(
                                 st.sampled_from([STATUS, GENERAL, "C0HELP", "C0GONE", "G0OLDPRIV"]),
                                 st.from_regex(r"[CGD][A-Z0-9]{0,12}", fullmatch=True), st.text(max_size=20)),
                                 max_size=5), st.just([f"C0MANY{n}" for n in range(101)])))),
    f"{incident_ids.BLOCK_SEVERITY}/{incident_ids.INPUT_SEVERITY}": _option(["SEV1", "SEV2", "SEV3"]),
    f"{incident_ids.BLOCK_NOTIFY}/{incident_ids.INPUT_NOTIFY}": st.lists(MAYBE_TEXT.filter(bool), max_size=2).map(
        lambda values: {"type": "checkboxes", "selected_options": [{"value": value} for value in values]}),
    f"{incident_ids.BLOCK_SCHEDULE}/{incident_ids.INPUT_SCHEDULE}": st.one_of(
        st.none(), st.integers(), st.integers(-3600, 400 * 86400).map(lambda ahead: int(time.time()) + ahead),
        st.text(max_size=10)).map(lambda when: {"type": "datetimepicker", "selected_date_time": when}),
}).flatmap(_drop_some)


@given(fields=INCIDENT_FORM)
@LIVE
def test_any_broadcast_form_gets_field_errors_or_goes_out_never_a_5xx(bot, standin, fields):
    card = draft(bot, standin)
    reply(bot, standin, card, "Checkout fails for EU cards.")
    view = open_modal(bot, standin, card)
    incident_id = int(view["private_metadata"])
    before, posted = _tables(bot), len(standin.calls_to("chat.postMessage"))
    told = len(standin.calls_to("chat.postEphemeral"))
    response = bot.driver.view_submission(view, form_values(fields), user=LEAD)
    if _refused_in_the_form(response, {block["block_id"] for block in view["blocks"] if block["type"] == "input"}):
        standin.wait_idle(quiet=0.15)
        assert _tables(bot) == before and len(standin.calls_to("chat.postMessage")) == posted, "refused: nothing stored or posted"
    else:
        answer = standin.wait_for("chat.postEphemeral", count=told + 1)[-1].args["text"]
        assert any(words in answer for words in ("went out to", "goes out", "could not reach")), answer
        assert incident(bot, incident_id)["status"] in ("investigating", "scheduled"), "accepted: stored"
    standin.wait_idle(quiet=0.15)
    assert "Traceback" not in bot.log(), bot.log()[-2000:]


def _answer_a_survey(bot, standin):
    """ESC-1 raised by U0AGENT1 and resolved; its survey in their DM answered 4, offering a comment."""
    raise_by_command(bot, standin)
    assert bot.driver.command("resolve ESC-1", user="U0SPEC1").status == 200
    survey = standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == DM)[-1]
    bot.driver.block_action(csat_ids.ACTION_SCORES[3], "1", channel=DM, message_ts=survey.response["ts"])
    standin.wait_for("chat.update")


@given(comment=st.one_of(MAYBE_TEXT, LONG_TEXT, st.just(...)))
@LIVE
def test_any_survey_comment_is_stored_as_typed_or_refused_in_the_form(bot, standin, comment):
    if not count(bot.database, "escalations"):
        _answer_a_survey(bot, standin)
    opened = len(standin.calls_to("views.open"))
    bot.driver.block_action(csat_ids.ACTION_COMMENT, '{"escalation_id": 1, "score": 4}', channel=DM,
                            message_ts=standin.messages(DM)[-1]["ts"])
    standin.wait_for("views.open", count=opened + 1)
    form = standin.last_view(csat_ids.MODAL_COMMENT)
    before = _tables(bot)
    fields = {} if comment is ... else {f"{csat_ids.BLOCK_COMMENT}/{csat_ids.INPUT_COMMENT}": comment}
    response = bot.driver.view_submission(form, form_values(fields))
    standin.wait_idle(quiet=0.15)
    if _refused_in_the_form(response, {csat_ids.BLOCK_COMMENT}):
        assert _tables(bot) == before, "refused: nothing stored"
    else:
        stored = rows(bot.database, "SELECT score, comment FROM csat_answers WHERE counts = 1")
        assert stored == [{"score": 4, "comment": clean_user_text(comment).strip()}], "accepted: the comment as typed counts"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]


BUTTONS = (*esc_ids.CARD_BUTTONS, esc_ids.ACTION_CARD_MENU, esc_ids.ACTION_NEXT_PAGE, line3_ids.ACTION_ACK, *incident_ids.CARD_BUTTONS,
           incident_ids.ACTION_RETRY, *csat_ids.ACTION_SCORES, csat_ids.ACTION_COMMENT)
# A button's value as a hand-made payload could carry it: the bot's own formats, near misses, anything.
BUTTON_VALUE = st.one_of(
    st.text(max_size=40), st.from_regex(r"-?[0-9]{1,24}(:-?[0-9]{0,24}){0,2}", fullmatch=True),
    st.sampled_from(["1", "1:1", "1:9", "0:0", "9999:1", "1:", ":1", "١", "{}", "[1]", '{"escalation_id": 1, "score": 9}',
                     '{"escalation_id": "1", "score": 4}', '{"escalation_id": 1.5, "score": 4}', "open|x|1", "L1||"]),
)


@given(action_id=st.sampled_from(BUTTONS), value=BUTTON_VALUE)
@LIVE
def test_any_button_value_gets_an_answer_or_an_effect_never_a_traceback(bot, standin, action_id, value):
    if not count(bot.database, "escalations"):
        raise_by_command(bot, standin)
    card = standin.messages("C0HELP")[0]
    before, answered, posted = _tables(bot), len(standin.responses), len(standin.calls)
    response = bot.driver.block_action(action_id, value, channel="C0HELP", message_ts=card["ts"], user=LEAD)
    assert response.status == 200
    standin.wait_idle(quiet=0.15)
    replies = [r["body"].get("text", "") for r in standin.responses[answered:]]
    replies += [c.args.get("text", "") for c in standin.calls[posted:] if c.method == "chat.postEphemeral"]
    assert not any("Something went wrong" in reply for reply in replies), replies
    if any(reply.startswith("⚠️") for reply in replies):
        assert _tables(bot) == before, f"refused {value!r} but changed something"
    assert "Traceback" not in bot.log(), bot.log()[-2000:]
