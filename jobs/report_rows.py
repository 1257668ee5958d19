"""Delivering a report's outbox row (storage/job_claims.py): the report of the period it names,
built from the figures as they are when it goes out, posted piece by piece (jobs/report_delivery.py).

Slack failing (429, 5xx, the network) backs the row off; its next try, by this process or any
other, posts only what is still missing, after looking in Slack for what an earlier try may
have posted unrecorded. A refusal that will not change by itself (a private channel the bot
was not invited to) ends the row and says so; the next start within the grace period or
`supportbot jobs run` tries the period again.
"""

import logging
from dataclasses import dataclass
from datetime import date
from typing import Callable
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.delivery import Delivery, DeliveryLoop, transient
from bot.deps import Deps
from commands.posting import refused_where
from jobs.report_delivery import ReportDelivery
from jobs.report_jobs import DIGEST_JOB, ON_TIME, POSTS, RETRY_EVERY, SHIFT_JOB, RunResult
from jobs.report_posting import post_digest, post_shift_summary
from storage.job_claims import REPORT, find_claim, record_posted, subject
from storage.periods import shift_window

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """Where a period's report goes, and how to post its pieces (late or not); `post` returns its message's ts."""

    channel: str
    post: Callable[[bool, ReportDelivery], str]


def deliver_report(job: Delivery) -> None:
    name, period = job.payload["job"], job.payload["period"]
    report = _report_of(job.deps, name, period)
    if report is None:
        log.warning("%s is no longer in app.yaml: %s is not posted", name, period)
        return
    claim = find_claim(job.db(), name, period)
    late = job.payload["late"] or job.deps.clock() - claim.claimed_at > ON_TIME
    earlier_try = job.retried or job.payload["resumed"]
    pieces = ReportDelivery(job, name, period, report.channel, look_since=claim.claimed_at if earlier_try else None)
    try:
        ts = report.post(late, pieces)
    except SlackApiError as error:
        if not transient(error):
            log.warning("%s %s is not posted: Slack refused it in %s. The next start within the grace period, or"
                        " `supportbot jobs run %s`, tries it again", name, period,
                        refused_where(report.channel, error.response.get("error", "unknown_error")), name)
        elif job.last_try:
            log.warning("%s %s is not posted yet: Slack failed it past every try (%s); tried again every %d s"
                        " within the grace period", name, period, error.response.get("error"),
                        RETRY_EVERY.total_seconds())
        raise
    job.record(lambda db: record_posted(db, name, period, report.channel, ts))
    metrics.POSTS_SENT.labels(POSTS[name]).inc()


def _report_of(deps: Deps, name: str, period: str) -> Report | None:
    """The report of `period` of the job `name`, while the job is still configured."""
    reports = deps.team.reports
    if name == DIGEST_JOB and reports.digest:
        day = date.fromisoformat(period)
        return Report(reports.digest.channel, lambda late, pieces: post_digest(deps, day, late, pieces))
    shift_name, _, day = period.rpartition(" ")
    shift = reports.shift(shift_name) if name == SHIFT_JOB else None
    if shift is None:
        return None
    window = shift_window(shift, date.fromisoformat(day), ZoneInfo(deps.team.timezone))
    return Report(reports.summaries_channel,
                  lambda late, pieces: post_shift_summary(deps, shift, window, late, pieces))


DELIVERIES = {REPORT: deliver_report}


def post_now(client: WebClient, deps: Deps, claim: Callable[[], RunResult]) -> RunResult:
    """For `supportbot jobs run` and the demo, which run no delivery loop: the report's row
    `claim` enqueues is delivered in this thread, again after each backoff, until it ends."""
    result = claim()
    if result.posted:
        delivery = DeliveryLoop(client, deps, workers=None, handlers=DELIVERIES)
        delivery.deliver_until_done(subject(result.job, result.period))
    return result
