"""Waking background work on a schedule (APScheduler 3, in memory, one per process).

The scheduler never holds the truth. Each job asks the database what is due and claims it
under a unique key before acting, so a restart, a missed wake-up or a second instance on the
same database neither skips nor doubles anything. That is also why no job store is shared
between processes (APScheduler 3 does not support it) and why jobs are added fresh at every
start instead of with `replace_existing=True`, which silently drops a run already overdue.
"""

import logging
from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from jobs.home_turns import LeadsHomesAtTurns, home_turns_trigger
from jobs.incident_broadcasts import send_due_broadcasts
from jobs.liveness import check_lives, liveness_trigger
from jobs.report_jobs import report_jobs, retry_trigger
from jobs.sla_reminders import reminder_trigger, send_due_reminders
from jobs.ticker import Ticker
from storage.db import DATABASE_ERRORS, database_unavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    trigger: BaseTrigger
    run: Callable[[WebClient, Deps], object]
    run_at_start: bool = False  # once at start-up too, for work that came due while the bot was down


def scheduled_jobs(deps: Deps) -> list[ScheduledJob]:
    """Every job the features schedule; each feature adds its own."""
    return [
        ScheduledJob("liveness", liveness_trigger(), check_lives),
        ScheduledJob("sla-reminders", reminder_trigger(), send_due_reminders),
        ScheduledJob("incident-broadcasts", IntervalTrigger(seconds=1), send_due_broadcasts),
        ScheduledJob("leads-homes", home_turns_trigger(), LeadsHomesAtTurns()),
        *(ScheduledJob(job.name, job.trigger, job.run, run_at_start=True) for job in report_jobs(deps.team)),
        *(ScheduledJob(f"{job.name}-retry", retry_trigger(), job.retry) for job in report_jobs(deps.team)),
    ]


@dataclass(frozen=True)
class Schedule:
    """Jobs at a time of day on APScheduler; frequent ones on the monotonic clock (jobs/ticker.py)."""

    at_times: BackgroundScheduler
    frequent: Ticker

    def shutdown(self, wait: bool = True) -> None:
        self.at_times.shutdown(wait=wait)
        self.frequent.shutdown(wait=wait)


def start_scheduler(client: WebClient, deps: Deps, more: tuple[ScheduledJob, ...] = ()) -> Schedule:
    """`more` are jobs that need what only the runner has, such as the app itself."""
    scheduler = BackgroundScheduler(
        timezone=ZoneInfo(deps.team.timezone),
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    ticker = Ticker()
    for job in (*scheduled_jobs(deps), *more):
        run = _next_run_tries_again(job)
        if isinstance(job.trigger, IntervalTrigger):
            ticker.every(job.trigger.interval.total_seconds(), job.name, lambda run=run: run(client, deps),
                         at_start=job.run_at_start)
            continue
        scheduler.add_job(run, job.trigger, args=(client, deps), id=job.name, name=job.name)
        if job.run_at_start:
            scheduler.add_job(run, args=(client, deps), id=f"{job.name}-at-start", name=job.name)
    scheduler.start()
    return Schedule(scheduler, ticker)


def _next_run_tries_again(job: ScheduledJob) -> Callable[[WebClient, Deps], object]:
    """A job that waited out the busy timeout on another process's write lock had that
    transaction rolled back. Like any run that stops early, it leaves the rest to the runs that
    follow. Expected while another process holds the lock: a warning, not a traceback."""

    def run(client: WebClient, deps: Deps) -> object:
        try:
            return job.run(client, deps)
        except DATABASE_ERRORS as error:
            if not database_unavailable(error):
                raise
            log.warning("database busy: %s tries again on its next run (%s)", job.name, error)
        return None

    return run
