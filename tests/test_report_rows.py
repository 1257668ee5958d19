"""A report's outbox row in-process, on an injected clock: backed off after a 500 and finished by its next
try, taken over once its lease ran out, and an owner that lost its row mid-report recording nothing. However
a try is cut short, every piece Slack took is adopted on the next try, never posted twice."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.deps import utc_now
from bot.metrics import REGISTRY
from jobs.report_delivery import report_metadata
from jobs.report_jobs import DIGEST_JOB, RETRY_EVERY, SHIFT_JOB, report_jobs
from storage import outbox
from storage.db import write_transaction
from storage.job_claims import claim_period, find_claim, watched_since
from storage.periods import latest_ended_window
from tests.databases import database_for
from tests.flow import rows
from tests.report_fixtures import OVERFLOWING, fixture_day, open_backlog
from tests.test_outbox import FakeClock
from tests.test_report_crash import digests, pieces, thread_replies
from tests.test_report_jobs import BERLIN, LEADS, chart_image, fixture_db
from tests.test_report_schedule import report_loop

FIXTURE_DIGEST_DUE = datetime(2026, 11, 24, 9, 0, 1, tzinfo=BERLIN)


def _piece(args: dict) -> str | None:
    return (args.get("metadata") or {}).get("event_payload", {}).get("piece")


def _report_row(db_path) -> dict:
    (row,) = rows(db_path, "SELECT attempt, generation, claimed_by, done_at, outcome FROM outbox WHERE kind = 'report'")
    return row


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _emea_window(loop, now: datetime):
    shift = loop.deps.team.reports.shift("EMEA")
    return latest_ended_window(shift, now, ZoneInfo(loop.deps.team.timezone))


def test_a_report_row_backed_off_after_a_500_finishes_on_its_next_try_without_doubling_what_slack_took(
        standin, tmp_path, clock):
    fixture_db(tmp_path, fixture_day)
    db_path = database_for(tmp_path)
    clock.now = FIXTURE_DIGEST_DUE
    loop = report_loop(standin, db_path, clock)
    standin.fail("chat.postMessage", status=500, after_doing=True, where=lambda args: _piece(args) == "message")
    assert claim_period(loop.deps.store.db(), clock.now, DIGEST_JOB, "2026-11-23")
    assert loop.deliver_due() == 1
    (digest,), (upload,) = digests(standin), standin.completed_uploads()
    assert pieces(db_path, DIGEST_JOB) == {"chart": upload.id}, "Slack stored the digest; its answer was a 500"
    assert _report_row(db_path)["done_at"] is None and _report_row(db_path)["outcome"] == "internal_error"
    assert loop.deliver_due() == 0, "backed off"

    clock.now += outbox.FIRST_BACKOFF
    assert loop.deliver_due() == 1
    assert digests(standin) == [digest] and standin.completed_uploads() == [upload]
    assert chart_image(digest)["slack_file"] == {"id": upload.id}
    assert [_piece(call.args) for call in standin.calls_to("chat.postMessage")] == ["message"], "adopted, not posted again"
    assert pieces(db_path, DIGEST_JOB) == {"chart": upload.id, "message": digest["ts"]}
    assert find_claim(loop.deps.store.db(), DIGEST_JOB, "2026-11-23").posted_ts == digest["ts"]
    assert _report_row(db_path)["done_at"] and _report_row(db_path)["attempt"] == 2


def test_a_report_row_taken_over_once_its_lease_ran_out_adopts_what_its_first_owner_posted_unrecorded(
        standin, tmp_path, clock):
    fixture_db(tmp_path, lambda db: open_backlog(db, OVERFLOWING))
    db_path = database_for(tmp_path)
    clock.now = utc_now()
    loop = report_loop(standin, db_path, clock)
    db, period = loop.deps.store.db(), _emea_window(loop, clock.now).key
    assert claim_period(db, clock.now, SHIFT_JOB, period)
    (first_try,) = outbox.claim_due(db, clock.now, "a process that dies mid-report", 1)
    summary = loop.client.chat_postMessage(channel=LEADS, text="EMEA shift", metadata=report_metadata(SHIFT_JOB, period))
    first_reply = loop.client.chat_postMessage(channel=LEADS, thread_ts=summary["ts"], text="EMEA shift: the full lists",
                                               metadata=report_metadata(SHIFT_JOB, period, "reply 1"))
    assert loop.deliver_due() == 0, "its lease holds while it might still be alive"

    clock.now += outbox.LEASE
    assert loop.deliver_due() == 1
    assert [m["ts"] for m in standin.messages(LEADS) if not m.get("thread_ts")] == [summary["ts"]]
    replies = thread_replies(standin, summary)
    assert replies[0]["ts"] == first_reply["ts"] and [_piece(reply) for reply in replies] == ["reply 1", "reply 2"]
    assert pieces(db_path, SHIFT_JOB) == {"message": summary["ts"], "reply 1": first_reply["ts"],
                                          "reply 2": replies[1]["ts"]}
    assert find_claim(db, SHIFT_JOB, period).posted_ts == summary["ts"]
    row = _report_row(db_path)
    assert row["done_at"] and (row["attempt"], row["claimed_by"]) == (2, loop.owner)


def test_an_owner_that_lost_its_row_mid_report_records_nothing_and_sends_nothing_more(standin, tmp_path, clock):
    fixture_db(tmp_path, lambda db: open_backlog(db, OVERFLOWING))
    db_path = database_for(tmp_path)
    clock.now = utc_now()
    slow, other = report_loop(standin, db_path, clock), report_loop(standin, db_path, clock)  # a Slack client each
    send = slow.client.chat_postMessage

    def posted_then_overtaken(**message):
        """Slack takes the summary; this process then sleeps past its lease, and another takes the row over."""
        answer = send(**message)
        clock.now += outbox.LEASE
        assert other.deliver_due() == 1
        return answer

    slow.client.chat_postMessage = posted_then_overtaken
    db, period = slow.deps.store.db(), _emea_window(slow, clock.now).key
    lost_before = REGISTRY.get_sample_value("supportbot_outbox_deliveries_total",
                                            {"kind": "report", "outcome": "taken_over"}) or 0
    assert claim_period(db, clock.now, SHIFT_JOB, period)
    assert slow.deliver_due() == 1
    (summary,) = [m for m in standin.messages(LEADS) if not m.get("thread_ts")]
    replies = thread_replies(standin, summary)
    assert [_piece(reply) for reply in replies] == ["reply 1", "reply 2"], "the other adopted the summary and went on"
    assert len(standin.calls_to("chat.postMessage")) == 3, "the slow one posted nothing after losing its row"
    assert REGISTRY.get_sample_value("supportbot_outbox_deliveries_total",
                                     {"kind": "report", "outcome": "taken_over"}) == lost_before + 1
    assert pieces(db_path, SHIFT_JOB) == {"message": summary["ts"], "reply 1": replies[0]["ts"],
                                          "reply 2": replies[1]["ts"]}
    row = _report_row(db_path)
    assert (row["generation"], row["claimed_by"]) == (2, other.owner) and row["done_at"]


@pytest.mark.parametrize("last_try, retried", [("gave up: internal_error", True), ("failed: is_archived", False)])
def test_the_retry_run_tries_again_a_report_slack_failed_past_every_try_but_not_one_it_refused(
        standin, tmp_path, clock, last_try, retried):
    fixture_db(tmp_path, fixture_day)
    db_path = database_for(tmp_path)
    clock.now = FIXTURE_DIGEST_DUE
    loop = report_loop(standin, db_path, clock)
    db = loop.deps.store.db()
    watched_since(db, clock.now - timedelta(days=1), DIGEST_JOB)  # the bot ran before the digest came due
    assert claim_period(db, clock.now, DIGEST_JOB, "2026-11-23")
    with write_transaction(db):
        db.execute("UPDATE outbox SET done_at = ?, outcome = ? WHERE kind = 'report'", [clock.now.isoformat(), last_try])
    (digest_job,) = [job for job in report_jobs(loop.deps.team) if job.name == DIGEST_JOB]

    clock.now += RETRY_EVERY
    digest_job.retry(loop.client, loop.deps)
    assert bool(digests(standin)) == retried
    assert bool(find_claim(db, DIGEST_JOB, "2026-11-23").posted_ts) == retried
    digest_job.run(loop.client, loop.deps)  # the run at start-up tries a refused one again too
    assert len(digests(standin)) == 1
