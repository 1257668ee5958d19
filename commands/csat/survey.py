"""The survey: sent by DM when an escalation is resolved; its buttons and comment form record the score."""

import json
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from commands.button_values import json_numbers_in, numbers_in
from commands.csat import ids
from commands.csat.survey_blocks import (comment_errors, read_comment, render_comment_form, render_survey, render_thanks,
                                         survey_text)
from commands.deps import Deps
from commands.message_search import message_metadata
from commands.posting import post_direct
from commands.turn import Turn
from storage.csat import score_escalation
from storage.model import Outcome
from storage.queries import get_escalation

log = logging.getLogger(__name__)


def offer_survey(client: WebClient, deps: Deps, outcome: Outcome) -> None:
    """After a resolve: ask the requester, unless the team turned surveys off or it was a replay."""
    if outcome.duplicate or not deps.team.reports.survey_on_resolve:
        return
    esc = outcome.escalation
    try:
        post_direct(client, esc.requester, blocks=render_survey(esc), text=survey_text(esc),
                    metadata=message_metadata("supportbot_survey", escalation_id=esc.id))
    except SlackApiError as error:
        log.warning("the CSAT survey of %s did not reach %s: %s", esc.key, esc.requester, error.response.get("error"))


def handle_score_button(turn: Turn, deps: Deps) -> None:
    action = turn.body["actions"][0]
    (escalation_id,), score = numbers_in(action["value"], 1), ids.ACTION_SCORES.index(action["action_id"]) + 1
    recorded = score_escalation(deps.store.db(), deps.clock(), escalation_id, score, None, turn.user, "survey",
                                request_key=turn.request_key)
    if recorded.duplicate:
        return
    esc = get_escalation(deps.store.db(), escalation_id)
    container = turn.body["container"]
    turn.client.chat_update(channel=container["channel_id"], ts=container["message_ts"],
                            blocks=render_thanks(esc, score, recorded), text=f"{esc.key}: {score}")


def handle_comment_button(turn: Turn, deps: Deps) -> None:
    escalation_id, score = json_numbers_in(turn.body["actions"][0]["value"], "escalation_id", "score")
    esc = get_escalation(deps.store.db(), escalation_id)
    turn.client.views_open(trigger_id=turn.body["trigger_id"], view=render_comment_form(esc, score))


def check_comment(body: dict, deps: Deps) -> dict[str, str]:
    return comment_errors(body["view"]["state"]["values"])


def handle_comment(turn: Turn, deps: Deps) -> None:
    """The comment comes with the score already given: the answer is recorded again, now complete."""
    chosen = json.loads(turn.body["view"]["private_metadata"])
    comment = read_comment(turn.body["view"]["state"]["values"])
    score_escalation(deps.store.db(), deps.clock(), chosen["escalation_id"], chosen["score"], comment or None,
                     turn.user, "survey", request_key=turn.request_key)
