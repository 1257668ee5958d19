"""`/csat ESC-12 <1-5> [comment]`: record a score for an escalation by hand."""

from commands.csat.survey_blocks import USAGE, answer_words
from commands.command_help import asks_for_help, render_command_help
from commands.csat import ids
from bot.deps import Deps
from commands.esc.parse import parse_escalation_id
from commands.replies import render_confirmation
from commands.text import plain_text
from bot.turn import Turn
from storage.csat import check_score, escalation_subject, score_escalation
from storage.errors import UsageError


def handle_csat(turn: Turn, deps: Deps) -> None:
    if asks_for_help(turn.body.get("text", "")):
        turn.reply(_help(deps.team.reports.survey_on_resolve), f"Usage: {USAGE}")
        return
    words = turn.body.get("text", "").split(maxsplit=2)
    if len(words) < 2 or not words[1].isdigit():
        raise UsageError("`/csat` needs an escalation and a score from 1 to 5.", f"Usage: `{USAGE}`")
    escalation_id = parse_escalation_id(words[0], USAGE)
    score = check_score(int(words[1]), f"Usage: `{USAGE}`")
    comment = plain_text(words[2]).strip() if len(words) > 2 else None
    recorded = score_escalation(deps.store.db(), deps.clock(), escalation_id, score, comment, turn.user, "command",
                                request_key=turn.request_key)
    if recorded.duplicate:
        return
    text = f"⭐ {answer_words(escalation_subject(escalation_id), score, recorded)}"
    turn.reply(render_confirmation(text), text)


def _help(survey_on_resolve: bool) -> list[dict]:
    survey = " Requesters also get a survey when their escalation is resolved." if survey_on_resolve else ""
    return render_command_help(f"Customer satisfaction with {ids.COMMAND}", [
        (USAGE, "record a score from 1 (very unhappy) to 5 (very happy) for an escalation"),
        ("/csat ESC-12 5 quick and friendly", "with a comment"),
    ], "A later score for the same escalation replaces the earlier one." + survey)
