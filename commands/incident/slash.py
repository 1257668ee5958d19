"""`/incident …`: parse the text and hand it to the matching operation."""

from bot.deps import Deps
from commands.incident import operations as op
from commands.incident import parse as p
from bot.turn import Turn


def handle_incident(turn: Turn, deps: Deps) -> None:
    match p.parse(turn.body.get("text", "")):
        case p.Draft(title):
            op.draft(turn, deps, title)
        case p.Preview(incident_id):
            op.preview(turn, deps, incident_id)
        case p.Broadcast(incident_id):
            op.open_broadcast(turn, deps, incident_id)
        case p.Update(incident_id, status):
            op.open_follow_up(turn, deps, incident_id, status, None, resolving=False)
        case p.Resolve(incident_id, text):
            op.open_follow_up(turn, deps, incident_id, None, text, resolving=True)
        case p.List():
            op.show_list(turn, deps)
        case p.Help():
            op.show_help(turn)
