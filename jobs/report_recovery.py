"""Finishing a digest or shift summary whose process died between claiming its period and
saving where it posted it.

Killed before the post, the period would never go out (its claim keeps every other run away);
killed after it, Slack has the message and the database does not know. Once the claiming
process has stopped beating (storage/boots.py), a live one takes the claim over once: the
message Slack already has (found by its metadata) is adopted, a missing one is posted, marked
late when it is.
"""

import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from commands.deps import Deps
from commands.message_search import find_by_metadata
from jobs.report_jobs import DIGEST_JOB, ON_TIME, SHIFT_JOB, Report, digest_report, post_claimed, shift_report
from storage.job_claims import Claim, left_behind_claims, take_over_claim
from storage.periods import shift_window

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(seconds=3)  # a dead process's boot is gone after 6 s: soon after that


def recovery_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


def finish_left_behind_reports(client: WebClient, deps: Deps) -> int:
    now, db = deps.clock(), deps.store.db()
    finished = 0
    for claim in left_behind_claims(db, now, now - deps.team.reports.grace):
        report = _report_of(client, deps, claim)
        if report and take_over_claim(db, now, claim.job, claim.period, deps.boot_id):
            post_claimed(deps, report, lambda: _adopt_or_post(client, deps, report, claim))
            finished += 1
    return finished


def _adopt_or_post(client: WebClient, deps: Deps, report: Report, claim: Claim) -> str:
    found = find_by_metadata(client, report.channel, report.metadata, claim.claimed_at)
    if found:
        log.info("%s %s was in Slack already: adopted", report.job, report.period)
        return found
    log.info("%s %s was claimed by a process that died before posting it: posting it now", report.job, report.period)
    return report.post(claim.late or deps.clock() - claim.claimed_at > ON_TIME, report.metadata)


def _report_of(client: WebClient, deps: Deps, claim: Claim) -> Report | None:
    """The report a claim names, while its job is still configured."""
    reports = deps.team.reports
    if claim.job == DIGEST_JOB and reports.digest:
        return digest_report(client, deps, date.fromisoformat(claim.period))
    name, _, day = claim.period.rpartition(" ")
    shift = reports.shift(name) if claim.job == SHIFT_JOB else None
    if shift is None:
        return None
    return shift_report(client, deps, shift, shift_window(shift, date.fromisoformat(day), ZoneInfo(deps.team.timezone)))
