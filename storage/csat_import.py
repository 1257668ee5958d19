"""Loading CSAT scores exported from a helpdesk: a CSV with a header row.

Columns (by header name, any order): `reference` (a ticket reference or an ESC id), `score`,
`timestamp` (ISO 8601; without an offset it is read in the team's time zone) and, optionally,
`comment`. Each row is keyed by its reference and timestamp, so a re-import adds nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from storage import records
from storage.csat import SCORES, CsatAnswer, escalation_for_reference, escalation_subject, record_answer

COLUMNS = {
    "reference": ("reference", "ticket", "ticket reference", "ref", "esc", "escalation"),
    "score": ("score", "csat", "rating"),
    "timestamp": ("timestamp", "time", "date", "received_at"),
    "comment": ("comment", "comments", "feedback"),
}
REQUIRED = ("reference", "score", "timestamp")
ESC_ID = re.compile(r"^(?:esc-)?(\d+)$", re.IGNORECASE)


class RowRejected(ValueError):
    """Why one row cannot be loaded; the rest of the file still is."""


@dataclass
class ImportReport:
    loaded: int = 0
    already_loaded: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def import_csat_csv(db: Database, now: datetime, text: str, tz: ZoneInfo) -> ImportReport:
    reader = csv.reader(io.StringIO(text))
    report = ImportReport()
    try:
        columns = _header(next(reader, []))
    except RowRejected as reason:
        report.rejected.append((1, str(reason)))
        return report
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            answer = _answer(db, dict(zip(columns, (cell.strip() for cell in row))), tz)
        except RowRejected as reason:
            report.rejected.append((number, str(reason)))
            continue
        key = f"{answer.subject}|{records.to_text(answer.received_at)}"
        if record_answer(db, now, answer, import_key=key).duplicate:
            report.already_loaded += 1
        else:
            report.loaded += 1
    return report


def _header(cells: list[str]) -> list[str]:
    names = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    columns = [names.get(cell.strip().lower(), "") for cell in cells]
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise RowRejected(f"the header row must name the columns {', '.join(REQUIRED)} (missing: {', '.join(missing)})")
    return columns


def _answer(db: Database, row: dict[str, str], tz: ZoneInfo) -> CsatAnswer:
    subject, escalation_id = _subject(db, row.get("reference", ""))
    return CsatAnswer(subject=subject, escalation_id=escalation_id, score=_score(row.get("score", "")),
                      comment=row.get("comment") or None, respondent=None, source="import",
                      received_at=_timestamp(row.get("timestamp", ""), tz))


def _subject(db: Database, reference: str) -> tuple[str, int | None]:
    if not reference:
        raise RowRejected("no reference")
    if match := ESC_ID.match(reference):
        escalation_id = int(match.group(1))
        if not db.execute("SELECT 1 FROM escalations WHERE id = ?", [escalation_id]).fetchone():
            raise RowRejected(f"there is no ESC-{escalation_id}")
        return escalation_subject(escalation_id), escalation_id
    escalation_id = escalation_for_reference(db, reference)
    return (escalation_subject(escalation_id), escalation_id) if escalation_id else (f"ticket:{reference}", None)


def _score(text: str) -> int:
    if not text.isdigit() or int(text) not in SCORES:
        raise RowRejected(f"score {text!r} is not a whole number from 1 to 5")
    return int(text)


def _timestamp(text: str, tz: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RowRejected(f"timestamp {text!r} is not ISO 8601, e.g. 2026-11-23T14:05:00Z") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(timezone.utc)
