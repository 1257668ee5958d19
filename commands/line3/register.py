"""Wiring the line-3 feature into the app. `/esc ack` is parsed with the other /esc verbs."""

from bot.surface import SlackSurface
from commands.line3.acknowledging import handle_ack_button, handle_eyes_reaction
from commands.line3.ids import ACTION_ACK
from commands.line3.thread_replies import handle_message


def register(surface: SlackSurface) -> None:
    surface.action(ACTION_ACK, handle_ack_button)
    surface.event("reaction_added", handle_eyes_reaction)
    surface.event("message", handle_message)
    surface.needs("channels:history", "groups:history", "reactions:read", "reactions:write",
                  "usergroups:read", "users:read", "chat:write")
