"""The daily digest and the shift summaries on a schedule, each period posted exactly once.

A run posts whatever period is due and not yet claimed: the period that just ended when the
trigger fires on time, or one missed while the bot was down when it runs at start-up (within
the grace period, and marked late). The claim in the database decides, so a restart, a
daylight-saving change or a second instance never posts a period twice.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot import metrics
from bot.config import TeamConfig
from bot.deps import Deps
from jobs.report_delivery import ReportDelivery
from jobs.report_posting import post_digest, post_shift_summary
from storage.job_claims import Claim, claim_period, find_claim, record_posted, release_claim, watched_since
from storage.periods import WEEKDAYS, ShiftSpec, Window, latest_digest, latest_ended_window

DIGEST_JOB = "daily-digest"
SHIFT_JOB = "shift-summaries"
POSTS = {DIGEST_JOB: "digest", SHIFT_JOB: "shift_summary"}  # each job's label in /metrics
ON_TIME = timedelta(minutes=5)
RETRY_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class ReportJob:
    """Scheduled by jobs/schedule.py; also run once at start-up to post a period missed while down."""

    name: str
    trigger: BaseTrigger
    run: Callable[[WebClient, Deps], list["RunResult"]]


@dataclass(frozen=True)
class RunResult:
    job: str
    period: str
    earlier_claim: Claim | None  # set when the period had already been posted: nothing was posted now

    @property
    def posted(self) -> bool:
        return self.earlier_claim is None


def report_jobs(team: TeamConfig) -> list[ReportJob]:
    jobs = []
    if team.reports.digest:
        jobs.append(ReportJob(DIGEST_JOB, digest_trigger(team), run_due_digest))
    if team.reports.shifts:
        jobs.append(ReportJob(SHIFT_JOB, shifts_trigger(team), run_due_shift_summaries))
    return jobs


def retry_trigger() -> IntervalTrigger:
    """A period given back after a post failed past the client's retries (Slack down, a channel
    rate-limited) is tried again this often while the bot runs, not only at the next start; a
    period already posted costs one claim attempt."""
    return IntervalTrigger(seconds=RETRY_EVERY.total_seconds())


def digest_trigger(team: TeamConfig) -> CronTrigger:
    at = team.reports.digest.time
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=ZoneInfo(team.timezone))


def shifts_trigger(team: TeamConfig) -> OrTrigger:
    """At each shift's end, on the weekday it ends (a night shift ends the day after it starts)."""
    tz = ZoneInfo(team.timezone)
    return OrTrigger([
        CronTrigger(day_of_week=",".join(WEEKDAYS[(day + shift.crosses_midnight) % 7] for day in shift.days),
                    hour=shift.end.hour, minute=shift.end.minute, timezone=tz)
        for shift in team.reports.shifts
    ])


def run_due_digest(client: WebClient, deps: Deps) -> list[RunResult]:
    now = deps.clock()
    due, day = latest_digest(now, ZoneInfo(deps.team.timezone), deps.team.reports.digest.time)
    if not _within_reach(deps, DIGEST_JOB, due, now):
        return []
    return [post_digest_once(client, deps, day, late=now - due > ON_TIME)]


def run_due_shift_summaries(client: WebClient, deps: Deps) -> list[RunResult]:
    now, tz = deps.clock(), ZoneInfo(deps.team.timezone)
    results = []
    for shift in deps.team.reports.shifts:
        window = latest_ended_window(shift, now, tz)
        if _within_reach(deps, SHIFT_JOB, window.end, now):
            results.append(post_shift_once(client, deps, shift, window, late=now - window.end > ON_TIME))
    return results


def _within_reach(deps: Deps, job: str, due: datetime, now: datetime) -> bool:
    """Due while this database was watching the job, and not longer ago than the grace period."""
    since = watched_since(deps.store.db(), now, job)
    return since <= due and now - due <= deps.team.reports.grace


@dataclass(frozen=True)
class Report:
    """One period's report: where it goes, and how to post its pieces (late or not)."""

    client: WebClient
    job: str
    period: str
    channel: str
    post: Callable[[bool, ReportDelivery], str]  # returns the ts of the report's message


def digest_report(client: WebClient, deps: Deps, day: date) -> Report:
    return Report(client, DIGEST_JOB, day.isoformat(), deps.team.reports.digest.channel,
                  lambda late, delivery: post_digest(deps, day, late, delivery))


def shift_report(client: WebClient, deps: Deps, shift: ShiftSpec, window: Window) -> Report:
    return Report(client, SHIFT_JOB, window.key, deps.team.reports.summaries_channel,
                  lambda late, delivery: post_shift_summary(deps, shift, window, late, delivery))


def post_digest_once(client: WebClient, deps: Deps, day: date, late: bool = False) -> RunResult:
    return _once(deps, digest_report(client, deps, day), late)


def post_shift_once(client: WebClient, deps: Deps, shift: ShiftSpec, window: Window, late: bool = False) -> RunResult:
    return _once(deps, shift_report(client, deps, shift, window), late)


def _once(deps: Deps, report: Report, late: bool) -> RunResult:
    db = deps.store.db()
    if not claim_period(db, deps.clock(), report.job, report.period, late, deps.boot_id):
        return RunResult(report.job, report.period, find_claim(db, report.job, report.period))
    post_claimed(deps, report, late)
    return RunResult(report.job, report.period, None)


def post_claimed(deps: Deps, report: Report, late: bool, look_since: datetime | None = None) -> None:
    """Post a claimed period piece by piece. A failure gives the claim back rather than losing the
    period; the pieces Slack took stay recorded, so the next run posts only the rest. With
    `look_since` (a dead process's claim), pieces it may have posted unrecorded are looked for first."""
    db = deps.store.db()
    delivery = ReportDelivery(report.client, deps, report.job, report.period, report.channel, look_since)
    try:
        ts = report.post(late, delivery)
    except Exception:
        release_claim(db, report.job, report.period)
        raise
    record_posted(db, report.job, report.period, report.channel, ts)
    metrics.POSTS_SENT.labels(POSTS[report.job]).inc()
