"""`supportbot jobs list | jobs run JOB [--for DATE-OR-SHIFT]` and `supportbot csat import FILE.csv`."""

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.channels import resolve_channels
from bot.config import ConfigError, TeamConfig, load_settings, load_team_config
from bot.database_clock import DatabaseClock
from bot.slack_client import make_client
from bot.deps import Deps, utc_now
from jobs.report_jobs import DIGEST_JOB, SHIFT_JOB, RunResult, post_digest_once, post_shift_once, report_jobs
from jobs.report_rows import post_now
from jobs.schedule import scheduled_jobs
from storage import outbox
from storage.csat_import import import_csat_csv
from bot.database_check import database_target, open_database
from storage.db import Store
from storage.job_claims import find_claim, subject
from storage.periods import current_or_latest_window, local_day


def add_commands(commands: argparse._SubParsersAction) -> None:
    jobs = commands.add_parser("jobs", help="list the scheduled jobs, or run one now").add_subparsers(required=True, metavar="ACTION")
    jobs.add_parser("list", help="every scheduled job and its next run").set_defaults(run=list_jobs)
    run = jobs.add_parser("run", help="run a job now, posting as the schedule would")
    run.add_argument("job", help=f"{DIGEST_JOB} or {SHIFT_JOB}")
    run.add_argument("--for", dest="period", help="the digest's day (YYYY-MM-DD; default yesterday) or the shift's name (default the first shift)")
    run.set_defaults(run=run_job)
    csat = commands.add_parser("csat", help="CSAT scores").add_subparsers(required=True, metavar="ACTION")
    load = csat.add_parser("import", help="load scores exported from a helpdesk (CSV with a header row)")
    load.add_argument("file", type=Path)
    load.set_defaults(run=import_scores)


def _team() -> TeamConfig:
    return load_team_config(Path(os.environ.get("SUPPORTBOT_CONFIG") or "app.yaml"))


def list_jobs(args: argparse.Namespace) -> int:
    team = _team()
    tz = ZoneInfo(team.timezone)
    jobs = scheduled_jobs(Deps(store=Store(database_target()), team=team))
    for job in jobs:
        upcoming = job.trigger.get_next_fire_time(None, utc_now().astimezone(tz))
        when = upcoming.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z") if upcoming else "never"
        print(f"{job.name:<20} next run {when} ({team.timezone})")
    if not jobs:
        print("No jobs are scheduled: add `digest` or `shifts` to app.yaml.")
    return 0


def run_job(args: argparse.Namespace) -> int:
    result, deps = _run_job(args)
    db = deps.store.db()
    claim = find_claim(db, result.job, result.period)
    if result.posted and not claim.posted_ts:
        print(f"supportbot: {result.job}: {result.period} is not posted"
              f" ({outbox.last_outcome(db, subject(result.job, result.period))}); what Slack took is kept:"
              " run this again to post the rest", file=sys.stderr)
        return 1
    print(_result_words(result))
    return 0


def _run_job(args: argparse.Namespace) -> tuple[RunResult, Deps]:
    settings = load_settings(os.environ)
    open_database(settings.database)
    client = make_client(settings.bot_token, settings.api_url)
    store = Store(settings.database)
    deps = Deps(store=store, team=resolve_channels(client, settings.team), clock=DatabaseClock(store))
    return post_now(client, deps, lambda: _claim(args, deps)), deps


def _claim(args: argparse.Namespace, deps: Deps) -> RunResult:
    if args.job == DIGEST_JOB and deps.team.reports.digest:
        return post_digest_once(deps, _day(args.period, deps))
    if args.job == SHIFT_JOB and deps.team.reports.shifts:
        shift = _shift(args.period, deps)
        return post_shift_once(deps, current_or_latest_window(shift, deps.clock(), ZoneInfo(deps.team.timezone)))
    known = ", ".join(job.name for job in report_jobs(deps.team)) or "none"
    raise ConfigError(args.job, "is not a scheduled job", f"run one of: {known} (see `supportbot jobs list`)")


def _day(text: str | None, deps: Deps) -> date:
    if not text:
        return local_day(deps.clock(), ZoneInfo(deps.team.timezone), days_back=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError("--for", f"{text!r} is not a day", "give it as YYYY-MM-DD, e.g. --for 2026-11-23") from None


def _shift(name: str | None, deps: Deps):
    shifts = deps.team.reports.shifts
    shift = deps.team.reports.shift(name) if name else shifts[0]
    if shift is None:
        raise ConfigError("--for", f"{name!r} is not a shift", "name one of: " + ", ".join(s.name for s in shifts))
    return shift


def _result_words(result: RunResult) -> str:
    if result.posted:
        return f"{result.job}: posted {result.period}."
    claim = result.earlier_claim
    return f"{result.job}: {result.period} was already posted (at {claim.claimed_at:%Y-%m-%d %H:%M} UTC); nothing posted."


def import_scores(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise ConfigError(str(args.file), "does not exist", "give the path of the exported CSV file")
    team = _team()
    target = database_target()
    open_database(target)
    report = import_csat_csv(Store(target).db(), utc_now(), args.file.read_text(encoding="utf-8-sig"), ZoneInfo(team.timezone))
    print(f"{report.loaded} rows loaded, {report.already_loaded} already loaded, {len(report.rejected)} rejected.")
    for line, reason in report.rejected:
        print(f"line {line}: {reason}")
    return 1 if report.rejected else 0
