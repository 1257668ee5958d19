"""Refusals of the core that carry facts, put into Slack's words, and the facts it needs
from Slack to decide who may work line 3."""

from contextlib import contextmanager

from slack_sdk import WebClient

from bot.config import TeamConfig
from commands.people import members, mentions
from commands.text import mention
from storage.errors import InvalidTransition
from storage.ownership import CardChanged, Crew, NotOnCrew, NotYours
from storage.sla import ACK_LINE

CHANGED_HINT = "Its card shows it as it is now; press again if you still mean it."


def line_3_crew(client: WebClient, team: TeamConfig) -> Crew:
    responders = team.line(ACK_LINE).responders
    return Crew(responders=members(client, responders), leads=lead_members(client, team),
                configured=bool(responders))


def lead_members(client: WebClient, team: TeamConfig) -> frozenset[str]:
    return members(client, team.leads_users)


@contextmanager
def in_slack_words(team: TeamConfig):
    try:
        yield
    except CardChanged as changed:
        raise InvalidTransition(changed_words(changed), CHANGED_HINT) from None
    except NotOnCrew as refused:
        names = mentions(team.line(ACK_LINE).responders, ", ")
        raise InvalidTransition(
            f"Only line 3's responders ({names}) or a lead can {refused.verb} {refused.key}. Nothing changed.",
            "Ask a responder to reply `ack` in the card's thread, or move it with `/esc down`.",
        ) from None
    except NotYours as refused:
        leads = f" ({mentions(team.leads_users, ', ')})" if team.leads_users else ""
        raise InvalidTransition(
            f"{refused.key} belongs to {mention(refused.owner)} on line {refused.line}: only they or a lead{leads}"
            f" can {refused.verb} it. Nothing changed.",
            f"Ask {mention(refused.owner)}, or a lead.",
        ) from None


def changed_words(changed: CardChanged) -> str:
    """What changed since the card was drawn, naming who owns it now."""
    who = f"{mention(changed.owner)} owns it" if changed.owner else "nobody owns it"
    if changed.line != changed.seen.line:
        return f"{changed.key} has already moved to line {changed.line}: {who} there. Nothing changed."
    return f"{changed.key} changed since you saw it: {who} on line {changed.line} now. Nothing changed."
