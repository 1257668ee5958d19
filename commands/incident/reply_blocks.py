"""What only the person who asked sees: previews, the list and help."""

from commands.incident.card_blocks import STATUS_BADGE
from commands.incident.parse import USAGE
from commands.text import escape
from storage.incident_model import Incident

HELP_LINES = {
    "draft": "post a draft card; its thread is where the notice is written",
    "preview": "see the exact notice, only you",
    "broadcast": "choose channels, severity and @here, then send it (now or later)",
    "update": "open a form with the latest draft reply and the status; it goes under every copy when you send it",
    "resolve": "open a form for the closing message every copy will show, then mark them resolved",
    "list": "active and recent incidents with links to their copies",
    "help": "this list",
}


def render_preview(incident: Incident, copy_blocks: list[dict]) -> list[dict]:
    intro = f"Preview of *{incident.key}*: every channel will get exactly this."
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": intro}]}, *copy_blocks]


def render_list(incidents: list[Incident], links: dict[int, list[str]]) -> list[dict]:
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": f"Incidents ({len(incidents)})"}}]
    if not incidents:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "No incidents. 🎉"}})
    for incident in incidents[:45]:
        copies = ", ".join(links.get(incident.id, [])) or "no copies yet"
        row = f"*{incident.key}* · {STATUS_BADGE[incident.status]} · {escape(incident.title)}\n{copies}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": row}})
    return blocks


def render_help() -> list[dict]:
    rows = "\n".join(f"`{USAGE[verb]}` — {words}" for verb, words in HELP_LINES.items())
    note = ("IDs work as INC-3, inc-3 or 3. The card has the same buttons: Preview, Broadcast and Discard, then Update"
            " and Resolve.")
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Incident notices with /incident"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": rows}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
    ]

