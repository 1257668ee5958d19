"""Wiring the reports feature into the app."""

from bot.surface import SlackSurface
from commands.digest import ids
from commands.digest.slash import handle_digest, handle_shift
from jobs.report_rows import DELIVERIES


def register(surface: SlackSurface) -> None:
    surface.command(ids.COMMAND_DIGEST, handle_digest, description="Show the CSAT and volume digest",
                    usage_hint="[today|yesterday|7d|YYYY-MM-DD]")
    surface.command(ids.COMMAND_SHIFT, handle_shift, description="Show the current shift's summary so far",
                    usage_hint="summary [NAME]")
    for kind, deliver in DELIVERIES.items():
        surface.delivery(kind, deliver)
    surface.needs("chat:write", "files:write", "channels:join")
