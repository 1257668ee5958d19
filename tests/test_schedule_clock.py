"""Frequent jobs run on the monotonic clock: a wall clock stepped back does not stall them."""

import threading
from datetime import datetime, timedelta

import apscheduler.schedulers.base
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import parse_team_config
from bot.deps import Deps
from jobs import schedule
from jobs.schedule import ScheduledJob, start_scheduler
from storage.db import Store
from tests.flow import wait_until
from tests.incident_flow import APP_YAML
from tests.databases import database_for


class SteppedBack(datetime):
    """The wall clock as APScheduler reads it, an hour behind once `step` is set."""

    step = threading.Event()

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) - (timedelta(hours=1) if cls.step.is_set() else timedelta(0))


def test_a_frequent_job_keeps_its_pace_after_the_wall_clock_steps_back_an_hour(monkeypatch, tmp_path):
    monkeypatch.setattr(schedule, "scheduled_jobs", lambda deps: [])
    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", SteppedBack)
    runs: list[int] = []
    job = ScheduledJob("counting", IntervalTrigger(seconds=0.2), lambda client, deps: runs.append(1))
    deps = Deps(store=Store(database_for(tmp_path)), team=parse_team_config(APP_YAML))
    running = start_scheduler(None, deps, (job,))
    try:
        wait_until(lambda: len(runs) >= 2, timeout=5)
        SteppedBack.step.set()
        before = len(runs)
        wait_until(lambda: len(runs) >= before + 5, timeout=5)
    finally:
        SteppedBack.step.clear()
        running.shutdown(wait=True)
