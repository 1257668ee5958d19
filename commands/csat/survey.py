"""The survey: sent by DM when an escalation is resolved; its buttons and comment form record the score."""

import json


from commands.button_values import json_numbers_in, numbers_in
from commands.csat import ids
from commands.csat.survey_blocks import (comment_errors, read_comment, render_comment_form, render_survey, render_thanks,
                                         survey_text)
from bot.delivery import Delivery
from bot.deps import Deps
from commands.message_search import find_by_metadata, message_metadata
from commands.modals import open_modal
from commands.posting import send_once
from bot.turn import Turn
from storage import escalation_effects as effects
from storage.csat import Recorded, score_escalation
from storage.queries import get_escalation



def deliver_survey(job: Delivery) -> None:
    """The outbox row a resolve wrote when the team asks for scores (storage/escalation_effects.py)."""
    esc = get_escalation(job.db(), job.payload["escalation_id"])
    metadata = message_metadata("supportbot_survey", escalation_id=esc.id)
    channel = job.client.conversations_open(users=esc.requester)["channel"]["id"]
    if job.retried and find_by_metadata(job.client, channel, metadata, esc.resolved_at or esc.created_at):
        return
    job.still_mine()
    send_once(job.client, channel, blocks=render_survey(esc), text=survey_text(esc), metadata=metadata)


def handle_score_button(turn: Turn, deps: Deps) -> None:
    """The survey the person clicked in is edited into a thanks by the outbox row the score commits."""
    action = turn.body["actions"][0]
    (escalation_id,), score = numbers_in(action["value"], 1), ids.ACTION_SCORES.index(action["action_id"]) + 1
    container = turn.body["container"]
    score_escalation(deps.store.db(), deps.clock(), escalation_id, score, None, turn.user, "survey",
                     request_key=turn.request_key, survey=(container["channel_id"], container["message_ts"]))
    deps.doorbell.deliver_now(effects.subject(escalation_id))


def deliver_thanks(job: Delivery) -> None:
    """An edit in place: done twice, it shows the same thanks."""
    p = job.payload
    esc = get_escalation(job.db(), p["escalation_id"])
    recorded = Recorded(counted=p["counted"], replaced_score=p["replaced_score"])
    job.still_mine()
    job.client.chat_update(channel=p["channel"], ts=p["ts"], blocks=render_thanks(esc, p["score"], recorded),
                           text=f"{esc.key}: {p['score']}")


def handle_comment_button(turn: Turn, deps: Deps) -> None:
    escalation_id, score = json_numbers_in(turn.body["actions"][0]["value"], "escalation_id", "score")
    esc = get_escalation(deps.store.db(), escalation_id)
    open_modal(turn.client, turn.body["trigger_id"], render_comment_form(esc, score))


def check_comment(body: dict, deps: Deps) -> dict[str, str]:
    return comment_errors(body["view"]["state"]["values"])


def handle_comment(turn: Turn, deps: Deps) -> None:
    """The comment comes with the score already given: the answer is recorded again, now complete."""
    chosen = json.loads(turn.body["view"]["private_metadata"])
    comment = read_comment(turn.body["view"]["state"]["values"])
    score_escalation(deps.store.db(), deps.clock(), chosen["escalation_id"], chosen["score"], comment or None,
                     turn.user, "survey", request_key=turn.request_key)
