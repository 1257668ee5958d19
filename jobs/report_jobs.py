"""The daily digest and the shift summaries on a schedule, each period posted exactly once.

A run posts whatever period is due and not yet posted: the period that just ended when the
trigger fires on time, or one missed while the bot was down when it runs at start-up (within
the grace period, and marked late). The claim in the database decides, so a restart, a
daylight-saving change or a second instance never posts a period twice; the outbox row the
claim writes posts it (jobs/report_rows.py).
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

from bot.config import TeamConfig
from bot.deps import Deps
from storage.job_claims import Claim, claim_period, find_claim, still_to_post, subject, watched_since
from storage.periods import WEEKDAYS, Window, latest_digest, latest_ended_window

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
    run: Callable[..., list["RunResult"]]  # (client, deps, after_refusal=True)

    def retry(self, client: WebClient, deps: Deps) -> list["RunResult"]:
        """A period whose report Slack failed past every try of its row (an outage longer than the
        outbox's backoff) is tried again every RETRY_EVERY while within the grace period. One
        Slack refused (an archived channel) waits for the next start or `jobs run`: trying it
        every 30 s would only log the same refusal."""
        return self.run(client, deps, after_refusal=False)


@dataclass(frozen=True)
class RunResult:
    job: str
    period: str
    earlier_claim: Claim | None  # set when the period had already been posted: nothing is posted now

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


def retry_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=RETRY_EVERY.total_seconds())


def run_due_digest(client: WebClient, deps: Deps, after_refusal: bool = True) -> list[RunResult]:
    now = deps.clock()
    due, day = latest_digest(now, ZoneInfo(deps.team.timezone), deps.team.reports.digest.time)
    if not _within_reach(deps, DIGEST_JOB, due, now):
        return []
    return [post_digest_once(deps, day, late=now - due > ON_TIME, after_refusal=after_refusal)]


def run_due_shift_summaries(client: WebClient, deps: Deps, after_refusal: bool = True) -> list[RunResult]:
    now, tz = deps.clock(), ZoneInfo(deps.team.timezone)
    results = []
    for shift in deps.team.reports.shifts:
        window = latest_ended_window(shift, now, tz)
        if _within_reach(deps, SHIFT_JOB, window.end, now):
            results.append(post_shift_once(deps, window, late=now - window.end > ON_TIME, after_refusal=after_refusal))
    return results


def _within_reach(deps: Deps, job: str, due: datetime, now: datetime) -> bool:
    """Due while this database was watching the job, and not longer ago than the grace period."""
    since = watched_since(deps.store.db(), now, job)
    return since <= due and now - due <= deps.team.reports.grace


def post_digest_once(deps: Deps, day: date, late: bool = False, after_refusal: bool = True) -> RunResult:
    return _once(deps, DIGEST_JOB, day.isoformat(), late, after_refusal)


def post_shift_once(deps: Deps, window: Window, late: bool = False, after_refusal: bool = True) -> RunResult:
    return _once(deps, SHIFT_JOB, window.key, late, after_refusal)


def _once(deps: Deps, job: str, period: str, late: bool, after_refusal: bool = True) -> RunResult:
    """Claim the period (its report's outbox row with it) and deliver it in this thread, as a
    request's thread delivers its own rows; the delivery loop takes over what this try leaves."""
    db, now = deps.store.db(), deps.clock()
    if not (claim_period(db, now, job, period, late) or still_to_post(db, now, job, period, after_refusal)):
        return RunResult(job, period, find_claim(db, job, period))
    deps.doorbell.deliver_now(subject(job, period))
    return RunResult(job, period, None)
