"""Posting a digest (with its chart) or a shift summary (with its thread) to the leads' channel.

The message carries metadata naming its job and period, so one posted just before a crash is
found again (jobs/report_recovery.py) instead of posted twice.
"""

import logging
from datetime import date
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from commands.deps import Deps
from commands.digest.chart import render_chart
from commands.digest.digest_blocks import CHART_SHOWN, digest_text, render_digest
from commands.digest.shift_blocks import render_shift_summary
from storage.digest_figures import daily_series, digest_figures
from storage.periods import ShiftSpec, Window, day_window
from storage.shift_figures import shift_summary

log = logging.getLogger(__name__)
REPORT_EVENT = "supportbot_report"


def report_metadata(job: str, period: str) -> dict:
    return {"event_type": REPORT_EVENT, "event_payload": {"job": job, "period": period}}


def digest_title(day: date) -> str:
    return f"Daily digest · {day.strftime('%a %d %b %Y')}"


def post_digest(client: WebClient, deps: Deps, day: date, late: bool, metadata: dict) -> str:
    """The chart goes first, so the digest below it can say whether it made it. Returns the digest's ts."""
    tz, db, channel = ZoneInfo(deps.team.timezone), deps.store.db(), deps.team.reports.digest.channel
    chart_note = _upload_chart(client, channel, render_chart(daily_series(db, day, tz), _chart_title(day)), day)
    figures = digest_figures(db, day_window(day, tz), tz)
    blocks = render_digest(figures, deps.team, digest_title(day), deps.clock(), chart_note=chart_note, late=late)
    text = digest_text(figures, digest_title(day))
    return post_in(client, channel, blocks=blocks, text=text, metadata=metadata)["ts"]


def _chart_title(day: date) -> str:
    return f"Volume and CSAT, 14 days to {day.strftime('%d %b %Y')}"


def _upload_chart(client: WebClient, channel: str, png: bytes, day: date) -> str:
    try:
        client.files_upload_v2(channel=channel, file=png, filename=f"digest-{day.isoformat()}.png",
                               title=_chart_title(day))
    except (SlackApiError, SlackRequestError, OSError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
        log.warning("the digest chart of %s was not uploaded: %s", day, reason)
        return f"⚠️ The chart is missing: Slack did not take the upload (`{reason}`)."
    return CHART_SHOWN


def post_shift_summary(client: WebClient, deps: Deps, shift: ShiftSpec, window: Window, late: bool,
                       metadata: dict) -> str:
    summary = shift_summary(deps.store.db(), shift.name, window, deps.clock())
    message = render_shift_summary(summary, deps.team, late=late)
    channel = deps.team.reports.summaries_channel
    ts = post_in(client, channel, blocks=message.blocks, text=message.text, metadata=metadata)["ts"]
    for blocks in message.thread:
        post_in(client, channel, thread_ts=ts, blocks=blocks, text=f"{shift.name} shift: the full lists")
    return ts


def post_in(client: WebClient, channel: str, **message):
    """The leads' channel may be public and not joined yet; the bot joins it the first time."""
    try:
        return client.chat_postMessage(channel=channel, **message)
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
    client.conversations_join(channel=channel)
    return client.chat_postMessage(channel=channel, **message)
