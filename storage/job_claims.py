"""Exactly once per period: the database, not the scheduler, decides whether a report went out.

A job claims (job, period) before it posts. The UNIQUE constraint lets exactly one caller win,
whichever thread, process or instance asks, and however often the scheduler wakes it. The
claim names the claiming process's boot (storage/boots.py): a claim whose boot died before
saving `posted_ts` (saved once every piece of the report is out) is taken over once by a live
process, which adopts or makes each missing piece.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import records
from storage.boots import left_behind, left_behind_params
from storage.db import write_transaction

UNPOSTED_BY_GONE_BOOT = "posted_ts IS NULL AND " + left_behind("job_claims.boot_id", "job_claims.claimed_at")


@dataclass(frozen=True)
class Claim:
    job: str
    period: str
    claimed_at: datetime
    late: bool
    posted_channel: str | None
    posted_ts: str | None


def claim_period(db: Database, now: datetime, job: str, period: str, late: bool = False,
                 boot_id: int | None = None) -> bool:
    """True for the one caller that claims this period first; it must then post it."""
    with write_transaction(db):
        inserted = db.execute(
            "INSERT INTO job_claims (job, period, claimed_at, late, boot_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [job, period, records.to_text(now), int(late), boot_id],
        )
        return inserted.rowcount == 1


def left_behind_claims(db: Database, now: datetime, since: datetime) -> list[Claim]:
    """Periods claimed since `since` by a process that died before saving where it posted them."""
    sql = f"SELECT * FROM job_claims WHERE claimed_at > ? AND {UNPOSTED_BY_GONE_BOOT} ORDER BY claimed_at"
    return [_claim(row) for row in db.query(sql, [records.to_text(since), *left_behind_params(now)])]


def take_over_claim(db: Database, now: datetime, job: str, period: str, boot_id: int | None) -> bool:
    """True for the one caller that takes over a left-behind claim; Slack may have its post already."""
    with write_transaction(db):
        sql = f"UPDATE job_claims SET boot_id = ? WHERE job = ? AND period = ? AND {UNPOSTED_BY_GONE_BOOT}"
        return db.execute(sql, [boot_id, job, period, *left_behind_params(now)]).rowcount == 1


def release_claim(db: Database, job: str, period: str) -> None:
    """The post failed: give the period back, so the next run (or start-up) posts it after all."""
    with write_transaction(db):
        db.execute("DELETE FROM job_claims WHERE job = ? AND period = ? AND posted_ts IS NULL", [job, period])


def record_posted(db: Database, job: str, period: str, channel: str, ts: str) -> None:
    """Where the claimed period's message went (bookkeeping: the claim is the audit record)."""
    with write_transaction(db):
        db.execute("UPDATE job_claims SET posted_channel = ?, posted_ts = ? WHERE job = ? AND period = ?",
                   [channel, ts, job, period])


def record_piece(db: Database, now: datetime, job: str, period: str, piece: str, channel: str, slack_id: str) -> None:
    """One piece of a claimed period that Slack took (see `posted_pieces`)."""
    with write_transaction(db):
        db.execute("INSERT INTO report_pieces (job, period, piece, channel, slack_id, posted_at)"
                   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", [job, period, piece, channel, slack_id, records.to_text(now)])


def posted_pieces(db: Database, job: str, period: str) -> dict[str, str]:
    """{piece: ts or file id} of what Slack took for this period, whichever claim posted it: a
    claim given back after a failure (`release_claim`) leaves them, so they are not posted again."""
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
