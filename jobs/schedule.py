"""Waking background work on a schedule (APScheduler 3, in memory, one per process).

The scheduler never holds the truth. Each job asks the database what is due and claims it
under a unique key before acting, so a restart, a missed wake-up or a second instance on the
same database neither skips nor doubles anything. That is also why no job store is shared
between processes (APScheduler 3 does not support it) and why jobs are added fresh at every
start instead of with `replace_existing=True`, which silently drops a run already overdue.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from commands.deps import Deps
from jobs.card_repair import heartbeat_trigger, repair_missing_cards, repair_trigger, send_heartbeat
from jobs.sla_reminders import reminder_trigger, send_due_reminders
from jobs.incident_broadcasts import resume_unfinished_steps, send_due_broadcasts


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    trigger: BaseTrigger
    run: Callable[[WebClient, Deps], object]
    at_start: bool = False  # also run once as the process starts


def scheduled_jobs(deps: Deps) -> list[ScheduledJob]:
    """Every job the features schedule; each feature adds its own."""
    return [
        ScheduledJob("heartbeat", heartbeat_trigger(), send_heartbeat),
        ScheduledJob("card-repair", repair_trigger(), repair_missing_cards, at_start=True),
        ScheduledJob("sla-reminders", reminder_trigger(), send_due_reminders),
        ScheduledJob("incident-broadcasts", IntervalTrigger(seconds=1), send_due_broadcasts),
        ScheduledJob("incident-resume", IntervalTrigger(seconds=30), resume_unfinished_steps),
    ]


def start_scheduler(client: WebClient, deps: Deps, more: tuple[ScheduledJob, ...] = ()) -> BackgroundScheduler:
    """`more` are jobs that need what only the runner has, such as the app itself."""
    scheduler = BackgroundScheduler(
        timezone=ZoneInfo(deps.team.timezone),
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    for job in (*scheduled_jobs(deps), *more):
        first = {"next_run_time": datetime.now(timezone.utc)} if job.at_start else {}
        scheduler.add_job(job.run, job.trigger, args=(client, deps), id=job.name, name=job.name, **first)
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # not one line per run of a 1 s job
    scheduler.start()
    return scheduler
