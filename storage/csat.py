"""Customer satisfaction scores, linked to escalations.

Every answer is kept as the audit trail. One answer per subject counts: the latest one by
the time it was given. A subject is an escalation (`ESC-12`), or a helpdesk ticket that no
escalation names (`ticket:ZD-4821`).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from storage import escalation_effects as effects
from storage import home_visits, records
from storage.db import write_transaction
from storage.errors import UsageError

SCORES = range(1, 6)


@dataclass(frozen=True)
class CsatAnswer:
    subject: str
    escalation_id: int | None
    score: int
    comment: str | None
    respondent: str | None
    source: str  # survey, command or import
    received_at: datetime


@dataclass(frozen=True)
class Recorded:
    counted: bool
    replaced_score: int | None = None
    duplicate: bool = False


def escalation_subject(escalation_id: int) -> str:
    return f"ESC-{escalation_id}"


def check_score(score: int, usage: str) -> int:
    if score not in SCORES:
        raise UsageError(f"A score is a whole number from 1 to 5, not {score}.", usage)
    return score


def score_escalation(db: Database, now: datetime, escalation_id: int, score: int, comment: str | None,
                     respondent: str, source: str, *, request_key: str, survey: tuple[str, str] | None = None) -> Recorded:
    """A score given now, for an escalation that must exist. The delivery that gave it is
    claimed with it, so a redelivery or a replay from the inbox adds no second answer. `survey`:
    the message (channel, ts) it was given in, which then thanks the person."""
    records.load_escalation(db, escalation_id)
    answer = CsatAnswer(escalation_subject(escalation_id), escalation_id, score, comment, respondent, source, now)
    return record_answer(db, now, answer, request_key=request_key, survey=survey)


def record_answer(db: Database, now: datetime, answer: CsatAnswer, import_key: str | None = None,
                  request_key: str | None = None, survey: tuple[str, str] | None = None) -> Recorded:
    """Store the answer and, unless a later one exists, make it the one that counts, in one
    transaction, with the survey's thanks when it came from one."""
    with write_transaction(db):
        if import_key and db.execute("SELECT 1 FROM csat_answers WHERE import_key = ?", [import_key]).fetchone():
            return Recorded(counted=False, duplicate=True)
        if request_key and records.claim_request(db, request_key, now) is not None:
            return Recorded(counted=False, duplicate=True)
        current = db.execute("SELECT id, score, received_at FROM csat_answers WHERE subject = ? AND counts = 1",
                             [answer.subject]).fetchone()
        counts = current is None or records.to_text(answer.received_at) >= current[2]
        if counts and current:
            db.execute("UPDATE csat_answers SET counts = 0 WHERE id = ?", [current[0]])
        records.insert_row(db, "csat_answers", {
            "subject": answer.subject, "escalation_id": answer.escalation_id, "score": answer.score,
            "comment": answer.comment, "respondent": answer.respondent, "source": answer.source,
            "received_at": records.to_text(answer.received_at), "recorded_at": records.to_text(now),
            "counts": int(counts), "import_key": import_key,
        })
        if counts:
            home_visits.refresh(db, now, leads=True)  # the leads' CSAT figures move
        recorded = Recorded(counted=counts, replaced_score=current[1] if counts and current else None)
        if survey:
            effects.survey_thanks(db, now, answer.escalation_id, survey, answer.score, recorded.counted,
                                  recorded.replaced_score)
        return recorded


def escalation_for_reference(db: Database, reference: str) -> int | None:
    """The newest escalation raised for a helpdesk ticket reference, if any."""
    row = db.execute("SELECT max(id) FROM escalations WHERE customer_ref = ?", [reference]).fetchone()
    return row[0]
