"""Wiring the line-3 feature into the app. `/esc ack` is parsed with the other /esc verbs."""

from bot.surface import SlackSurface
from commands.line3.acknowledging import deliver_ack_reaction, handle_ack_button, handle_eyes_reaction
from commands.line3.ids import ACTION_ACK
from commands.line3.mirroring import deliver_mirror
from commands.line3.thread_replies import handle_message
from storage.escalation_effects import ACK_REACTION, MIRROR


def register(surface: SlackSurface) -> None:
    surface.action(ACTION_ACK, handle_ack_button)
    surface.event("reaction_added", handle_eyes_reaction)
    surface.event("message", handle_message)
    surface.delivery(MIRROR, deliver_mirror)
    surface.delivery(ACK_REACTION, deliver_ack_reaction)
    surface.needs("channels:history", "groups:history", "reactions:read", "reactions:write",
                  "usergroups:read", "users:read", "chat:write")
