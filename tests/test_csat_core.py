"""CSAT answers: one counts per escalation, the trail keeps them all, an import loads each row once."""

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from storage.port import row_count
from storage.csat import score_escalation
from storage.csat_import import import_csat_csv
from storage.errors import NotFound
from storage.escalation_effects import SURVEY_THANKS
from tests.report_fixtures import escalation, utc

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")


def counting(db):
    return [(row["subject"], row["score"], row["comment"]) for row in
            db.query("SELECT * FROM csat_answers WHERE counts = 1 ORDER BY subject")]


def test_a_later_answer_replaces_the_earlier_one_and_both_are_kept(db):
    escalation(db, 1, utc("11-23 08:00"))
    first = score_escalation(db, T0, 1, 4, None, "U0AGENT1", "survey", request_key="view:V1")
    second = score_escalation(db, T0 + timedelta(minutes=1), 1, 2, "slow", "U0AGENT1", "survey", request_key="view:V2")
    assert (first.counted, first.replaced_score) == (True, None)
    assert (second.counted, second.replaced_score) == (True, 4)
    assert counting(db) == [("ESC-1", 2, "slow")]
    assert row_count(db, "csat_answers") == 2


def test_an_answer_delivered_again_is_recorded_once(db):
    escalation(db, 1, utc("11-23 08:00"))
    score_escalation(db, T0, 1, 4, "kind", "U0AGENT1", "survey", request_key="view:V1")
    again = score_escalation(db, T0 + timedelta(minutes=1), 1, 4, "kind", "U0AGENT1", "survey", request_key="view:V1")
    assert again.duplicate and row_count(db, "csat_answers") == 1


def test_a_score_from_a_survey_commits_its_thanks_with_it_once(db):
    """The survey's thanks is an outbox row of the answer's own transaction: a crash after the
    commit still thanks the person, and a redelivered click thanks them no second time."""
    escalation(db, 1, utc("11-23 08:00"))
    for _ in range(2):
        score_escalation(db, T0, 1, 5, None, "U0AGENT1", "survey", request_key="action:A1", survey=("D0REQ", "1.5"))
    thanks = [json.loads(row["payload"]) for row in db.query("SELECT payload FROM outbox WHERE kind = ?", [SURVEY_THANKS])]
    assert thanks == [{"escalation_id": 1, "channel": "D0REQ", "ts": "1.5", "score": 5, "counted": True,
                       "replaced_score": None}]


def test_a_score_for_a_missing_escalation_is_refused(db):
    with pytest.raises(NotFound, match="There is no ESC-9"):
        score_escalation(db, T0, 9, 3, None, "U0AGENT1", "command", request_key="command:1")


CSV = """Ticket,Score,Timestamp,Comment
ZD-100,5,2026-11-23T09:00:00Z,quick and kind
ESC-1,3,2026-11-23 10:30,
ESC-9,4,2026-11-23T11:00:00Z,
ZD-101,7,2026-11-23T11:00:00Z,
ZD-102,4,yesterday,

,,,
ZD-103,1,2026-11-23T12:00:00+01:00,never again
"""


def test_import_loads_good_rows_rejects_bad_ones_by_line_and_adds_nothing_twice(db):
    escalation(db, 1, utc("11-22 08:00"))
    escalation(db, 2, utc("11-22 09:00"), customer_ref="ZD-100")
    report = import_csat_csv(db, T0, CSV, BERLIN)
    assert (report.loaded, report.already_loaded) == (3, 0)
    assert report.rejected == [(4, "there is no ESC-9"), (5, "score '7' is not a whole number from 1 to 5"),
                               (6, "timestamp 'yesterday' is not ISO 8601, e.g. 2026-11-23T14:05:00Z")]
    assert counting(db) == [("ESC-1", 3, None), ("ESC-2", 5, "quick and kind"), ("ticket:ZD-103", 1, "never again")]
    received = db.execute("SELECT received_at FROM csat_answers WHERE subject = 'ESC-1'").fetchone()[0]
    assert received == "2026-11-23T09:30:00+00:00", "a time without an offset is the team's"
    again = import_csat_csv(db, T0, CSV, BERLIN)
    assert (again.loaded, again.already_loaded, len(again.rejected)) == (0, 3, 3)
    assert row_count(db, "csat_answers") == 3


def test_a_file_without_the_needed_columns_is_rejected_at_line_1(db):
    report = import_csat_csv(db, T0, "id,stars\n1,5\n", BERLIN)
    assert report.loaded == 0 and report.rejected[0][0] == 1 and "reference, score, timestamp" in report.rejected[0][1]
