"""`/digest` and `/shift summary`: the same reports the schedule posts, shown only to the asker."""

from zoneinfo import ZoneInfo

from commands.command_help import asks_for_help, render_command_help
from bot.deps import Deps
from commands.digest import ids
from commands.digest.digest_blocks import digest_text, render_digest
from commands.digest.parse import DIGEST_USAGE, SHIFT_USAGE, digest_period, shift_to_show
from commands.digest.shift_blocks import render_shift_summary
from bot.turn import Turn
from storage.digest_figures import digest_figures
from storage.shift_figures import shift_summary

ON_DEMAND_CHART = "📈 The chart comes with the daily post in the leads' channel."


def handle_digest(turn: Turn, deps: Deps) -> None:
    if asks_for_help(turn.body.get("text", "")):
        turn.reply(_digest_help(), f"Usage: {DIGEST_USAGE}")
        return
    tz, now = ZoneInfo(deps.team.timezone), deps.clock()
    window, title = digest_period(turn.body.get("text", ""), now, tz)
    figures = digest_figures(deps.store.db(), window, tz)
    turn.reply(render_digest(figures, deps.team, title, now, chart_note=ON_DEMAND_CHART), digest_text(figures, title))


def handle_shift(turn: Turn, deps: Deps) -> None:
    if asks_for_help(turn.body.get("text", "")):
        turn.reply(_shift_help(deps), f"Usage: {SHIFT_USAGE}")
        return
    tz, now = ZoneInfo(deps.team.timezone), deps.clock()
    shift, window = shift_to_show(turn.body.get("text", ""), deps.team.reports, now, tz)
    summary = shift_summary(deps.store.db(), shift.name, window, now)
    message = render_shift_summary(summary, deps.team, so_far=window.end > now, thread_allowed=False)
    turn.reply(message.blocks, message.text)


def _digest_help() -> list[dict]:
    return render_command_help(f"Digests with {ids.COMMAND_DIGEST}", [
        ("/digest yesterday", "yesterday's digest, as posted in the leads' channel"),
        ("/digest today", "today so far"),
        ("/digest 7d", "the last 7 days"),
        ("/digest 2026-11-23", "one day"),
    ], f"Usage: `{DIGEST_USAGE}`. Only you see the digest.")


def _shift_help(deps: Deps) -> list[dict]:
    names = ", ".join(shift.name for shift in deps.team.reports.shifts) or "none set up yet (`shifts:` in app.yaml)"
    return render_command_help(f"Shift summaries with {ids.COMMAND_SHIFT}", [
        ("/shift summary", "the summary so far of the shift running now"),
        ("/shift summary NAME", "the named shift's current or latest window"),
    ], f"Usage: `{SHIFT_USAGE}`. Shifts: {names}. Only you see the summary.")
