"""`/digest` and `/shift summary`: the same reports the schedule posts, shown only to the asker."""

from zoneinfo import ZoneInfo

from commands.deps import Deps
from commands.digest.digest_blocks import digest_text, render_digest
from commands.digest.parse import digest_period, shift_to_show
from commands.digest.shift_blocks import render_shift_summary
from commands.turn import Turn
from storage.digest_figures import digest_figures
from storage.shift_figures import shift_summary

ON_DEMAND_CHART = "📈 The chart comes with the daily post in the leads' channel."


def handle_digest(turn: Turn, deps: Deps) -> None:
    tz, now = ZoneInfo(deps.team.timezone), deps.clock()
    window, title = digest_period(turn.body.get("text", ""), now, tz)
    figures = digest_figures(deps.store.db(), window, tz)
    turn.reply(render_digest(figures, deps.team, title, now, chart_note=ON_DEMAND_CHART), digest_text(figures, title))


def handle_shift(turn: Turn, deps: Deps) -> None:
    tz, now = ZoneInfo(deps.team.timezone), deps.clock()
    shift, window = shift_to_show(turn.body.get("text", ""), deps.team.reports, now, tz)
    summary = shift_summary(deps.store.db(), shift.name, window, now)
    message = render_shift_summary(summary, deps.team, so_far=window.end > now, thread_allowed=False)
    turn.reply(message.blocks, message.text)
