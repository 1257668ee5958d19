"""Digests and shift summaries under Web API faults: one call in five answered 429 or 500, one piece
failing past the client's retries, or one refused. Each piece (the chart's upload, the message, each
reply in its thread) still arrives exactly once: the report's outbox row backs off and its next try posts
only what is missing; a refused report ends its row, and the next `jobs run` posts only what is missing."""

import pytest

from jobs.report_jobs import DIGEST_JOB, SHIFT_JOB
from tests.report_fixtures import LISTED_ONCE, OVERFLOWING, fixture_day, open_backlog
from tests.test_report_crash import (charts, claims, digests, late_summaries, listed_cases, pieces,
                                     reports_due_ten_minutes_ago, run_until_posted, thread_replies)
from tests.harness import start_bot
from tests.incident_flow import wait_until
from tests.test_report_jobs import LEADS, chart_image, cli, fixture_db, shown
from tests.databases import database_for

SEEDS = range(1, 7)  # two instances interleave their calls, so which fail differs from run to run too


def _piece(args: dict) -> str | None:
    return (args.get("metadata") or {}).get("event_payload", {}).get("piece")


def _fail_past_the_retries(standin, piece: str) -> None:
    """Rate-limit every try of the post of `piece`, the first and the client's five retries."""
    standin.fail("chat.postMessage", error="ratelimited", status=429, retry_after=0, times=6,
                 where=lambda args: _piece(args) == piece)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_429s_and_500s_two_instances_post_one_digest_one_chart_one_summary_and_each_reply_once(
        standin, tmp_path, seed):
    day = reports_due_ten_minutes_ago(tmp_path, watched=(DIGEST_JOB, SHIFT_JOB),
                                      fill=lambda db: open_backlog(db, OVERFLOWING))
    standin.fail_randomly(0.2, seed=seed)
    run_until_posted(standin, tmp_path, periods=2, instances=2)
    faults = sum(call.status in (429, 500) for call in standin.calls)
    assert faults >= 0.1 * len(standin.calls), f"only {faults} of {len(standin.calls)} calls failed"
    (digest,), (summary,) = digests(standin), late_summaries(standin)
    assert day.strftime("%a %d %b %Y") in shown(digest)
    uploads = standin.completed_uploads()  # none only if the upload itself ran out of tries, and then the digest says so
    assert charts(standin) == [] and len(uploads) <= 1
    if uploads:
        assert chart_image(digest)["slack_file"] == {"id": uploads[0].id}
    else:
        assert chart_image(digest) is None and "The chart is missing" in shown(digest)
    replies = thread_replies(standin, summary)
    assert [_piece(reply) for reply in replies] == ["reply 1", "reply 2"]
    assert listed_cases(replies) == LISTED_ONCE
    assert sorted(claim["posted_ts"] for claim in claims(database_for(tmp_path))) == sorted([digest["ts"], summary["ts"]])


def test_a_thread_reply_failing_past_the_retries_is_posted_alone_on_the_rows_next_try(standin, tmp_path):
    fixture_db(tmp_path, lambda db: open_backlog(db, OVERFLOWING))
    _fail_past_the_retries(standin, "reply 2")
    result = cli(standin, tmp_path, "jobs", "run", "shift-summaries", "--for", "EMEA")
    assert result.returncode == 0 and "shift-summaries: posted EMEA" in result.stdout, result.stderr
    assert "tries again later: ratelimited" in result.stderr and "Traceback" not in result.stderr
    (summary,) = [m for m in standin.messages(LEADS) if not m.get("thread_ts")]
    replies = thread_replies(standin, summary)
    assert len(replies) == 2 and listed_cases(replies) == LISTED_ONCE
    tried = [_piece(call.args) for call in standin.calls_to("chat.postMessage")]
    assert tried == ["message", "reply 1"] + ["reply 2"] * 7, "the next try posted only the missing reply"
    assert pieces(database_for(tmp_path), SHIFT_JOB) == {"message": summary["ts"], "reply 1": replies[0]["ts"],
                                                         "reply 2": replies[1]["ts"]}


def test_a_refused_thread_reply_leaves_the_next_run_only_the_replies_missing(standin, tmp_path):
    fixture_db(tmp_path, lambda db: open_backlog(db, OVERFLOWING))
    standin.fail("chat.postMessage", error="is_archived", where=lambda args: _piece(args) == "reply 2")
    failed = cli(standin, tmp_path, "jobs", "run", "shift-summaries", "--for", "EMEA")
    assert failed.returncode == 1 and "is not posted (failed: is_archived)" in failed.stderr, failed.stderr
    assert "the channel is archived" in failed.stderr and "Traceback" not in failed.stderr
    (summary,) = [m for m in standin.messages(LEADS) if not m.get("thread_ts")]
    (first_reply,) = thread_replies(standin, summary)

    again = cli(standin, tmp_path, "jobs", "run", "shift-summaries", "--for", "EMEA")
    assert again.returncode == 0 and "shift-summaries: posted EMEA" in again.stdout, again.stderr
    assert [m["ts"] for m in standin.messages(LEADS) if not m.get("thread_ts")] == [summary["ts"]]
    replies = thread_replies(standin, summary)
    assert [reply["ts"] for reply in replies][0] == first_reply["ts"] and len(replies) == 2
    assert listed_cases(replies) == LISTED_ONCE
    tried = [_piece(call.args) for call in standin.calls_to("chat.postMessage")]
    assert tried == ["message", "reply 1", "reply 2", "reply 2"], "the second run posted only the missing reply"
    assert pieces(database_for(tmp_path), SHIFT_JOB) == {"message": summary["ts"], "reply 1": first_reply["ts"],
                                                         "reply 2": replies[1]["ts"]}


def test_a_digest_failing_past_the_retries_is_posted_on_the_rows_next_try_with_the_chart_already_uploaded(
        standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    _fail_past_the_retries(standin, "message")
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", "2026-11-23")
    assert result.returncode == 0 and "daily-digest: posted 2026-11-23." in result.stdout, result.stderr
    (upload,), (digest,) = standin.completed_uploads(), digests(standin)
    assert chart_image(digest)["slack_file"] == {"id": upload.id} and "Mon 23 Nov 2026" in shown(digest)
    assert len(standin.calls_to("files.getUploadURLExternal")) == 1, "the chart is not uploaded again"
    assert pieces(database_for(tmp_path), DIGEST_JOB) == {"chart": upload.id, "message": digest["ts"]}


def test_a_digest_failing_past_the_retries_is_posted_by_the_running_bot_on_its_next_try(standin, tmp_path):
    reports_due_ten_minutes_ago(tmp_path)
    _fail_past_the_retries(standin, "message")
    bot = start_bot(standin, tmp_path)
    try:
        wait_until(lambda: digests(standin), timeout=30)
        standin.wait_idle(quiet=1.0)
    finally:
        bot.stop()
    (digest,), (upload,) = digests(standin), standin.completed_uploads()
    assert chart_image(digest)["slack_file"] == {"id": upload.id}, "posted once, showing the chart already uploaded"
    assert "(report) tries again later: ratelimited" in bot.log() and "Traceback" not in bot.log()
