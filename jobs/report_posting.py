"""Posting a digest (showing its chart) or a shift summary (with its thread) to the leads' channel.

Every piece goes out through a ReportDelivery (jobs/report_delivery.py), which posts it once:
a piece already in Slack, recorded or found there again after a crash, is not posted twice.
"""

import logging
from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from commands.digest.digest_blocks import digest_text, render_digest
from commands.digest.shift_blocks import render_shift_summary
from jobs.report_chart import DigestChart, chart_beside_digest, chart_in_digest, refused_as_not_ready
from jobs.report_delivery import MAIN, ReportDelivery
from storage.digest_figures import digest_figures
from storage.periods import ShiftSpec, Window, day_window
from storage.shift_figures import shift_summary

log = logging.getLogger(__name__)


def digest_title(day: date) -> str:
    return f"Daily digest · {day.strftime('%a %d %b %Y')}"


def post_digest(deps: Deps, day: date, late: bool, delivery: ReportDelivery) -> str:
    """The chart goes up first, so the digest can show it (or say where it is). Returns the digest's ts."""
    posted = delivery.message_out(MAIN)
    if posted:
        return posted
    tz = ZoneInfo(deps.team.timezone)
    figures, title = digest_figures(deps.store.db(), day_window(day, tz), tz), digest_title(day)

    def post(chart: DigestChart) -> str:
        blocks = render_digest(figures, deps.team, title, deps.clock(), chart=chart.image, chart_note=chart.note,
                               late=late)
        return delivery.message(MAIN, blocks=blocks, text=digest_text(figures, title))

    chart = chart_in_digest(deps, day, delivery)
    try:
        return post(chart)
    except SlackApiError as error:
        if not refused_as_not_ready(error, chart):
            raise
        log.warning("Slack would not show the digest chart of %s in the digest: it goes above it", day)
    return post(chart_beside_digest(deps, day, delivery))


def post_shift_summary(deps: Deps, shift: ShiftSpec, window: Window, late: bool, delivery: ReportDelivery) -> str:
    """The summary, then the full lists that overflow it in its thread, one reply per message."""
    summary = shift_summary(deps.store.db(), shift.name, window, deps.clock())
    message = render_shift_summary(summary, deps.team, late=late)
    ts = delivery.message(MAIN, blocks=message.blocks, text=message.text)
    for number, blocks in enumerate(message.thread, start=1):
        delivery.message(f"reply {number}", thread_ts=ts, blocks=blocks, text=f"{shift.name} shift: the full lists")
    return ts
