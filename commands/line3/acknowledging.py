"""Acknowledging a line-3 escalation: the command, the button, the :eyes: reaction and a reply
in the card's thread all come here, so each is checked and carried out the same way. A reply
also gets the bot's ✅, an outbox row of the acknowledgement."""

from slack_sdk.errors import SlackApiError

from bot.delivery import Delivery
from bot.deps import Deps
from commands.esc.card_blocks import parse_button_value
from commands.esc.operations import ACK_RECEIPT, changed
from commands.esc.refusals import in_slack_words, line_3_crew
from commands.line3.ids import ACK_REACTION, CONFIRM_REACTION
from bot.turn import Turn
from storage.acknowledgements import acknowledge as acknowledge_escalation
from storage.queries import escalation_of_card
from storage.sla import ACK_LINE


def acknowledge(turn: Turn, deps: Deps, escalation_id: int, reply: tuple[str, str] | None = None) -> None:
    """`reply`: the (channel, ts) of the thread reply that acknowledged, to react to."""
    crew = line_3_crew(turn.client, deps.team)
    with in_slack_words(deps.team):
        outcome = acknowledge_escalation(deps.store.db(), deps.clock(), escalation_id, turn.user, turn.request_key,
                                         deps.team.sla, crew, reply)
    changed(turn, deps, outcome, ACK_RECEIPT)


def deliver_ack_reaction(job: Delivery) -> None:
    """The reaction on the acknowledging reply: one reactions.add, which Slack refuses with
    `already_reacted` when an earlier try of the row added it."""
    job.still_mine()
    try:
        job.client.reactions_add(channel=job.payload["channel"], timestamp=job.payload["ts"], name=CONFIRM_REACTION)
    except SlackApiError as error:
        if error.response.get("error") != "already_reacted":
            raise


def handle_ack_button(turn: Turn, deps: Deps) -> None:
    escalation_id, _ = parse_button_value(turn.body["actions"][0]["value"])
    acknowledge(turn, deps, escalation_id)


def handle_eyes_reaction(turn: Turn, deps: Deps) -> None:
    """:eyes: on the escalation's card in the line-3 channel is an acknowledgement."""
    event = turn.body["event"]
    item = event.get("item", {})
    if event.get("reaction") != ACK_REACTION or item.get("channel") != deps.team.line(ACK_LINE).channel:
        return
    escalation_id = escalation_of_card(deps.store.db(), item["channel"], item.get("ts", ""))
    if escalation_id is not None:
        acknowledge(turn, deps, escalation_id)
