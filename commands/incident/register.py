"""Wiring the incident feature into the app."""

from bot.surface import SlackSurface
from commands.incident import ids
from commands.incident.buttons import handle_card_button, handle_retry
from commands.incident.deliveries import DELIVERIES
from commands.incident.drafting import handle_message, handle_pick
from commands.incident.form import check_broadcast, check_follow_up, handle_broadcast, handle_follow_up
from commands.incident.slash import handle_incident


def register(surface: SlackSurface) -> None:
    surface.command(ids.COMMAND, handle_incident, description="Draft, broadcast and follow up incident notices",
                    usage_hint="draft title · preview|broadcast|update|resolve INC-3 · list · help")
    surface.event("message", handle_message)
    surface.message_shortcut(ids.SHORTCUT_USE_AS_NOTICE, handle_pick, name=ids.SHORTCUT_NAME,
                             description="Make this thread reply the incident's notice")
    for action_id in ids.CARD_BUTTONS:
        surface.action(action_id, handle_card_button)
    surface.action(ids.ACTION_RETRY, handle_retry)
    surface.view_submission(ids.MODAL_BROADCAST, handle_broadcast, check=check_broadcast)
    surface.view_submission(ids.MODAL_FOLLOW_UP, handle_follow_up, check=check_follow_up)
    for kind, deliver in DELIVERIES.items():
        surface.delivery(kind, deliver)
    surface.needs("chat:write", "channels:history", "groups:history", "channels:read", "channels:join",
                  "groups:read", "users:read", "usergroups:read",
                  "im:write", "im:history")  # a failure report to a broadcaster the card's channel cannot reach
