"""Posting a digest (with its chart) or a shift summary (with its thread) to the leads' channel.

Every piece goes out through a ReportDelivery (jobs/report_delivery.py), which posts it once:
a piece already in Slack, recorded or found there again after a crash, is not posted twice.
"""

import logging
from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError, SlackRequestError

from commands.deps import Deps
from commands.digest.chart import render_chart
from commands.digest.digest_blocks import CHART_SHOWN, digest_text, render_digest
from commands.digest.shift_blocks import render_shift_summary
from jobs.report_delivery import MAIN, ReportDelivery
from storage.digest_figures import daily_series, digest_figures
from storage.periods import ShiftSpec, Window, day_window
from storage.shift_figures import shift_summary

log = logging.getLogger(__name__)
CHART = "chart"


def digest_title(day: date) -> str:
    return f"Daily digest · {day.strftime('%a %d %b %Y')}"


def post_digest(deps: Deps, day: date, late: bool, delivery: ReportDelivery) -> str:
    """The chart goes first, so the digest below it can say whether it made it. Returns the digest's ts."""
    tz, db = ZoneInfo(deps.team.timezone), deps.store.db()
    chart_note = _share_chart(deps, day, delivery)
    figures = digest_figures(db, day_window(day, tz), tz)
    blocks = render_digest(figures, deps.team, digest_title(day), deps.clock(), chart_note=chart_note, late=late)
    return delivery.message(MAIN, blocks=blocks, text=digest_text(figures, digest_title(day)))


def _chart_title(day: date) -> str:
    return f"Volume and CSAT, 14 days to {day.strftime('%d %b %Y')}"


def _share_chart(deps: Deps, day: date, delivery: ReportDelivery) -> str:
    """The digest's note on its chart: shown (now or by an earlier try), or why it is missing."""
    try:
        delivery.file(CHART, _chart_filename(day), lambda: _upload_chart(deps, day, delivery))
    except (SlackApiError, SlackRequestError, OSError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
        log.warning("the digest chart of %s was not uploaded: %s", day, reason)
        return f"⚠️ The chart is missing: Slack did not take the upload (`{reason}`)."
    return CHART_SHOWN


def _chart_filename(day: date) -> str:
    return f"digest-{day.isoformat()}.png"


def _upload_chart(deps: Deps, day: date, delivery: ReportDelivery) -> str:
    png = render_chart(daily_series(deps.store.db(), day, ZoneInfo(deps.team.timezone)), _chart_title(day))
    uploaded = delivery.client.files_upload_v2(channel=delivery.channel, file=png, filename=_chart_filename(day),
                                               title=_chart_title(day))
    return uploaded["files"][0]["id"]


def post_shift_summary(deps: Deps, shift: ShiftSpec, window: Window, late: bool, delivery: ReportDelivery) -> str:
    """The summary, then the full lists that overflow it in its thread, one reply per message."""
    summary = shift_summary(deps.store.db(), shift.name, window, deps.clock())
    message = render_shift_summary(summary, deps.team, late=late)
    ts = delivery.message(MAIN, blocks=message.blocks, text=message.text)
    for number, blocks in enumerate(message.thread, start=1):
        delivery.message(f"reply {number}", thread_ts=ts, blocks=blocks, text=f"{shift.name} shift: the full lists")
    return ts
