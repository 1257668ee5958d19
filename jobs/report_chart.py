"""The digest's chart: inside the digest message, or beside it when Slack will not show it there.

The PNG is uploaded without a channel, so Slack keeps it private to the bot, and the digest shows
it in an image block by its file id. Slack refuses that block (`invalid_blocks`) while it still
processes the file; the client tries again for a few seconds (bot/slack_client.py), and if the
file is still not ready the chart is shared in the channel as its own message, just above the
digest, which says so.
"""

import logging
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.deps import Deps
from commands.digest.chart import chart_alt_text, render_chart
from commands.digest.digest_blocks import CHART_SEPARATE, ChartImage
from jobs.report_delivery import ReportDelivery
from storage.digest_figures import DayPoint, daily_series

log = logging.getLogger(__name__)
CHART = "chart"  # the private upload the digest shows
SHARED_CHART = "chart message"  # the fallback: the chart shared in the channel, above the digest


@dataclass(frozen=True)
class DigestChart:
    """Where the digest's chart is: in the digest (`image`), or what the digest says about it."""

    image: ChartImage | None = None
    note: str | None = None


@dataclass
class ChartFile:
    deps: Deps
    day: date

    @property
    def filename(self) -> str:
        return f"digest-{self.day.isoformat()}.png"

    @property
    def title(self) -> str:
        return f"Volume and CSAT, 14 days to {self.day.strftime('%d %b %Y')}"

    @cached_property
    def points(self) -> list[DayPoint]:
        return daily_series(self.deps.store.db(), self.day, ZoneInfo(self.deps.team.timezone))

    @cached_property
    def png(self) -> bytes:
        return render_chart(self.points, self.title)

    @cached_property
    def alt_text(self) -> str:
        return chart_alt_text(self.points)

    def upload(self, delivery: ReportDelivery, channel: str | None) -> str:
        """Its file id; shared in `channel`, or private to the bot without one."""
        uploaded = delivery.client.files_upload_v2(channel=channel, file=self.png, filename=self.filename,
                                                   title=self.title, alt_txt=self.alt_text)
        return uploaded["files"][0]["id"]


def chart_in_digest(deps: Deps, day: date, delivery: ReportDelivery) -> DigestChart:
    """The chart for the digest to show, unless an earlier try already shared it beside the digest."""
    chart = ChartFile(deps, day)
    if delivery.file_out(SHARED_CHART, chart.filename):
        return DigestChart(note=CHART_SEPARATE)
    try:
        file_id = delivery.private_file(CHART, lambda: chart.upload(delivery, None))
    except (SlackApiError, SlackRequestError, OSError) as error:
        return DigestChart(note=_missing(day, error))
    return DigestChart(ChartImage(file_id, chart.title, chart.alt_text))


def chart_beside_digest(deps: Deps, day: date, delivery: ReportDelivery) -> DigestChart:
    """The chart shared in the channel as its own message, for the digest posted below it."""
    chart = ChartFile(deps, day)
    try:
        delivery.file(SHARED_CHART, chart.filename, lambda: chart.upload(delivery, delivery.channel))
    except (SlackApiError, SlackRequestError, OSError) as error:
        return DigestChart(note=_missing(day, error))
    return DigestChart(note=CHART_SEPARATE)


def refused_as_not_ready(error: SlackApiError, chart: DigestChart) -> bool:
    """Slack would not show the chart in the digest: its file never got ready."""
    return chart.image is not None and error.response.get("error") == "invalid_blocks"


def _missing(day: date, error: Exception) -> str:
    reason = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
    log.warning("the digest chart of %s was not uploaded: %s", day, reason)
    return f"⚠️ The chart is missing: Slack did not take the upload (`{reason}`)."
