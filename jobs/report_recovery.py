"""Finishing a digest or shift summary whose process died between claiming its period and
saving where it posted it.

Killed before the post, the period would never go out (its claim keeps every other run away);
killed after a piece of it (the chart, the message, a reply in its thread), Slack has that
piece and the database may not know. Once the claiming process is declared gone
(storage/boots.py), a live one takes the claim over once and finishes the report: each piece
Slack already has is adopted (jobs/report_delivery.py), only a missing one is posted, marked
late when it is.
"""

import logging
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot import metrics
from bot.deps import Deps
from jobs.report_jobs import DIGEST_JOB, ON_TIME, SHIFT_JOB, Report, digest_report, post_claimed, shift_report
from storage.job_claims import Claim, left_behind_claims, take_over_claim
from storage.periods import shift_window

log = logging.getLogger(__name__)
CHECK_EVERY = timedelta(seconds=3)  # soon after a dead process is declared gone (jobs/liveness.py)


def recovery_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=CHECK_EVERY.total_seconds())


def finish_left_behind_reports(client: WebClient, deps: Deps) -> int:
    now, db = deps.clock(), deps.store.db()
    finished = 0
    for claim in left_behind_claims(db, now, now - deps.team.reports.grace):
        report = _report_of(client, deps, claim)
        if report and take_over_claim(db, now, claim.job, claim.period, deps.boot_id):
            log.info("%s %s was claimed by a process that died before finishing it: finishing it", claim.job, claim.period)
            metrics.TAKEN_OVER.labels("report").inc()
            post_claimed(deps, report, claim.late or now - claim.claimed_at > ON_TIME, look_since=claim.claimed_at)
            finished += 1
    return finished


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
