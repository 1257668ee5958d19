"""Exactly once per period: the database, not the scheduler, decides whether a report went out.

A job claims (job, period) before it posts. The UNIQUE constraint lets exactly one caller win,
whichever thread, process or instance asks, and however often the scheduler wakes it. The
winning claim writes the report's outbox row (storage/outbox.py) in the same transaction, so a
claimed period always has its delivery on the way: a process that dies or pauses mid-report
leaves the row to whichever process takes it over once its lease runs out.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import outbox, records
from storage.db import write_transaction

REPORT = "report"  # the outbox row kind: post the missing pieces of a claimed period's report


@dataclass(frozen=True)
class Claim:
    job: str
    period: str
    claimed_at: datetime
    late: bool
    posted_channel: str | None
    posted_ts: str | None


def subject(job: str, period: str) -> str:
    return f"report:{job}:{period}"


def claim_period(db: Database, now: datetime, job: str, period: str, late: bool = False) -> bool:
    """True for the one caller that claims this period first; its report's row is then enqueued."""
    with write_transaction(db):
        inserted = db.execute(
            "INSERT INTO job_claims (job, period, claimed_at, late) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [job, period, records.to_text(now), int(late)],
        )
        if inserted.rowcount != 1:
            return False
        _report_goes_out(db, now, job, period, late)
        return True


def still_to_post(db: Database, now: datetime, job: str, period: str, after_refusal: bool = True) -> bool:
    """Claimed earlier and not posted yet: its row is still pending, or every row ended without
    the report (Slack failed past every try, or, with `after_refusal`, refused it) and a new one
    is enqueued, which looks in Slack first for pieces the last try may have posted unrecorded."""
    claim = find_claim(db, job, period)
    if claim is None or claim.posted_ts:
        return False
    with write_transaction(db):
        claim = find_claim(db, job, period)
        if claim.posted_ts:
            return False
        if outbox.next_due(db, subject(job, period)) is not None:
            return True
        if not after_refusal and not (outbox.last_outcome(db, subject(job, period)) or "").startswith(outbox.GAVE_UP):
            return False
        _report_goes_out(db, now, job, period, claim.late, resumed=True)
        return True


def _report_goes_out(db: Database, now: datetime, job: str, period: str, late: bool,
                     resumed: bool = False) -> None:
    outbox.enqueue(db, now, subject(job, period), REPORT,
                   {"job": job, "period": period, "late": late, "resumed": resumed})


def record_posted(db: Database, job: str, period: str, channel: str, ts: str) -> None:
    """Inside the transaction that ends the report's row: where its message went."""
    db.execute("UPDATE job_claims SET posted_channel = ?, posted_ts = ? WHERE job = ? AND period = ?",
               [channel, ts, job, period])


def record_piece(db: Database, now: datetime, job: str, period: str, piece: str, channel: str, slack_id: str) -> None:
    """Inside a write transaction: one piece of a claimed period that Slack took (see `posted_pieces`)."""
    db.execute("INSERT INTO report_pieces (job, period, piece, channel, slack_id, posted_at)"
               " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [job, period, piece, channel, slack_id, records.to_text(now)])


def posted_pieces(db: Database, job: str, period: str) -> dict[str, str]:
    """{piece: ts or file id} of what Slack took for this period, whichever try posted it: a try
    cut short (a failure, a crash, a lost lease) leaves them, so they are not posted again."""
    rows = db.query("SELECT piece, slack_id FROM report_pieces WHERE job = ? AND period = ?", [job, period])
    return {row["piece"]: row["slack_id"] for row in rows}


def find_claim(db: Database, job: str, period: str) -> Claim | None:
    rows = list(db.query("SELECT * FROM job_claims WHERE job = ? AND period = ?", [job, period]))
    return _claim(rows[0]) if rows else None


def _claim(row: dict) -> Claim:
    return Claim(row["job"], row["period"], records.from_text(row["claimed_at"]), bool(row["late"]),
                 row["posted_channel"], row["posted_ts"])


def watched_since(db: Database, now: datetime, job: str) -> datetime:
    """Since when `job` has been scheduled here: periods due before that were never missed."""
    with write_transaction(db):
        db.execute("INSERT INTO job_watch (job, since) VALUES (?, ?) ON CONFLICT DO NOTHING", [job, records.to_text(now)])
    return records.from_text(db.execute("SELECT since FROM job_watch WHERE job = ?", [job]).fetchone()[0])
