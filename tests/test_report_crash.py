"""Digests and shift summaries exactly once across a crash: a process killed after claiming the day, before or after
Slack took a piece of the report (the chart's upload, the message, a reply in its thread) but before the bot saved it,
leaves the report's outbox row to the next process once its lease runs out: each message Slack has is adopted (found
by its metadata), only a missing one is posted, marked late. The chart is uploaded unshared, for the digest to show:
one a crash left unrecorded is seen by nobody, and is made again."""

import re
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

import pytest
import yaml

from bot.deps import utc_now
from jobs.report_jobs import DIGEST_JOB, SHIFT_JOB
from storage.periods import latest_digest
from tests.flow import rows, run_concurrently
from tests.harness import TAKEOVER_WAIT_S, TEAM_YAML, RunningBot, start_bot
from tests.incident_flow import wait_until
from tests.report_fixtures import LISTED_ONCE, OVERFLOWING, at, open_backlog
from tests.test_report_jobs import BERLIN, LEADS, chart_image, fixture_db
from tests.databases import database_for

TAKEN_OVER_WITHIN = 15  # seconds from a kill: the dead process's lease (10 s) runs out, another process takes its row


def reports_due_ten_minutes_ago(workdir, watched=(DIGEST_JOB,), fill=lambda db: None):
    """The digest and a "Late" shift fell due ten minutes ago; the bot has been watching the
    `watched` jobs since before that, so it posts those (late) as it starts. Returns the digest's day.
    "Late" is the team's only shift: one of app.yaml's own that ended meanwhile (EMEA at 16:00 on
    a weekday) would fall due beside it."""
    now = utc_now()
    due_local = (now - timedelta(minutes=10)).astimezone(BERLIN)
    config = yaml.safe_load(TEAM_YAML)
    config["digest"]["time"] = due_local.strftime("%H:%M")
    config["shifts"] = [{"name": "Late", "start": (due_local - timedelta(hours=1)).strftime("%H:%M"),
                         "end": due_local.strftime("%H:%M"), "days": "mon-sun"}]
    (workdir / "app.yaml").write_text(yaml.safe_dump(config))

    def watching(db):
        for job in watched:
            db.execute("INSERT INTO job_watch VALUES (?, ?)", [job, at(now - timedelta(minutes=20))])
        fill(db)

    fixture_db(workdir, watching)
    return latest_digest(now, BERLIN, due_local.time().replace(second=0, microsecond=0))[1]


def claims(db_path) -> list[dict]:
    return rows(db_path, "SELECT period, posted_ts FROM job_claims ORDER BY job")


def pieces(db_path, job: str) -> dict[str, str]:
    return {row["piece"]: row["slack_id"]
            for row in rows(db_path, "SELECT piece, slack_id FROM report_pieces WHERE job = ?", [job])}


def digests(standin) -> list[dict]:
    return [m for m in standin.messages(LEADS) if "Daily digest" in repr(m.get("blocks"))]


def charts(standin) -> list[dict]:
    return [m for m in standin.messages(LEADS) if m.get("files")]


def late_summaries(standin) -> list[dict]:
    return [m for m in standin.messages(LEADS) if "Late shift" in m["text"] and not m.get("thread_ts")]


def thread_replies(standin, summary: dict) -> list[dict]:
    return standin.thread(LEADS, summary["ts"])[1:]


def to_leads(call) -> bool:
    return call.args.get("channel") == LEADS


def listed_cases(replies: list[dict]) -> Counter:
    """How often each case is listed in the thread's full lists."""
    return Counter(re.findall(r"\*(ESC-\d+)\*", repr([reply["blocks"] for reply in replies])))


def _kill(bot) -> None:
    bot.process.kill()
    bot.process.wait()


def _started_as_a_supervisor_would(standin, workdir, tries: int = 3):
    """A bot whose start-up Slack refused past the retries exits 1 and says to start it again in a
    moment (tests/test_cli.py), as a supervisor does: with faults injected at random, so here."""
    for left in reversed(range(tries)):
        try:
            return start_bot(standin, workdir)
        except RuntimeError as error:
            if "start again in a moment" not in str(error) or not left:
                raise


def run_until_posted(standin, workdir, periods: int = 1, instances: int = 1) -> None:
    """Start the bot (`instances` of it at once), wait until `periods` periods are posted and the
    bot has stopped calling Slack for a second, then stop it."""
    bots = []
    run_concurrently(*[lambda: bots.append(_started_as_a_supervisor_would(standin, workdir))] * instances)
    try:
        wait_until(lambda: sum(bool(claim["posted_ts"]) for claim in claims(database_for(workdir))) == periods,
                   timeout=60)
        standin.wait_idle(quiet=1.0, timeout=60)
    finally:
        for bot in bots:
            bot.stop()


def test_killed_between_slack_taking_the_digest_and_saving_it_the_next_process_adopts_it(standin, tmp_path):
    day = reports_due_ten_minutes_ago(tmp_path)
    standin.delay("chat.postMessage", 2)
    first = start_bot(standin, tmp_path)
    standin.wait_for_arrival("chat.postMessage", where=to_leads)  # the chart is up and the digest sent
    _kill(first)
    standin.wait_for("chat.postMessage", where=to_leads)  # Slack took it; nobody heard back
    assert len(digests(standin)) == 1 and claims(first.database) == [{"period": day.isoformat(), "posted_ts": None}]
    standin.delay("chat.postMessage", 0)
    run_until_posted(standin, tmp_path)
    (digest,), (upload,) = digests(standin), standin.completed_uploads()
    assert chart_image(digest)["slack_file"] == {"id": upload.id} and charts(standin) == [], "adopted, not posted again"
    assert claims(first.database)[0]["posted_ts"] == digest["ts"]


def test_killed_between_the_chart_upload_and_the_digest_the_next_process_shows_a_new_upload(standin, tmp_path):
    reports_due_ten_minutes_ago(tmp_path)
    standin.delay("files.completeUploadExternal", 2)
    first = start_bot(standin, tmp_path)
    standin.wait_for_arrival("files.completeUploadExternal")
    _kill(first)
    standin.wait_for("files.completeUploadExternal")  # the chart is uploaded; the digest was never sent
    assert len(standin.completed_uploads()) == 1 and digests(standin) == [] and pieces(first.database, DIGEST_JOB) == {}
    standin.delay("files.completeUploadExternal", 0)
    run_until_posted(standin, tmp_path)
    (digest,), (unseen, shown) = digests(standin), standin.completed_uploads()
    assert chart_image(digest)["slack_file"] == {"id": shown.id} and "Posted late" in repr(digest["blocks"])
    assert charts(standin) == [] and unseen.channel is None, "the first upload was never shared: nobody sees it"
    assert pieces(first.database, DIGEST_JOB) == {"chart": shown.id, "message": digest["ts"]}


def test_killed_after_sharing_a_chart_slack_would_not_show_the_next_process_posts_the_digest_below_it(standin,
                                                                                                        tmp_path):
    reports_due_ten_minutes_ago(tmp_path)
    standin.hold_file_processing(None)
    standin.delay("files.completeUploadExternal", 2)
    first = start_bot(standin, tmp_path)
    # the private upload, then (after the client's tries of the digest Slack would not show) the shared one
    standin.wait_for_arrival("files.completeUploadExternal", count=2, timeout=40)
    _kill(first)
    standin.wait_for("files.completeUploadExternal", count=2)
    (chart,) = charts(standin)
    assert digests(standin) == [] and "chart message" not in pieces(first.database, DIGEST_JOB)
    standin.delay("files.completeUploadExternal", 0)
    run_until_posted(standin, tmp_path)
    (digest,) = digests(standin)
    assert charts(standin) == [chart] and chart["ts"] < digest["ts"], "the shared chart is adopted, not shared again"
    assert chart_image(digest) is None and "it is separate, the file just above" in repr(digest["blocks"])
    assert pieces(first.database, DIGEST_JOB)["chart message"] == chart["files"][0]["id"]


@pytest.mark.parametrize("sent_before_the_kill", [1, 2], ids=["the summary", "the summary and its first reply"])
def test_killed_between_the_summary_and_its_thread_the_next_process_posts_each_reply_once(
        standin, tmp_path, sent_before_the_kill):
    reports_due_ten_minutes_ago(tmp_path, watched=(SHIFT_JOB,), fill=lambda db: open_backlog(db, OVERFLOWING))
    standin.delay("chat.postMessage", 2)
    first = start_bot(standin, tmp_path)
    standin.wait_for_arrival("chat.postMessage", count=sent_before_the_kill, where=to_leads)
    _kill(first)
    standin.wait_for("chat.postMessage", count=sent_before_the_kill, where=to_leads)  # Slack took what was sent
    (summary,) = late_summaries(standin)
    assert len(thread_replies(standin, summary)) == sent_before_the_kill - 1 and claims(first.database)[0]["posted_ts"] is None
    standin.delay("chat.postMessage", 0)
    run_until_posted(standin, tmp_path)
    assert late_summaries(standin) == [summary], "the summary is not posted again"
    replies = thread_replies(standin, summary)
    assert [reply["metadata"]["event_payload"]["piece"] for reply in replies] == ["reply 1", "reply 2"]
    assert listed_cases(replies) == LISTED_ONCE, "unowned, or owned on L1: never both"
    assert pieces(first.database, SHIFT_JOB) == {"message": summary["ts"], "reply 1": replies[0]["ts"],
                                                "reply 2": replies[1]["ts"]}
    assert claims(first.database)[0]["posted_ts"] == summary["ts"]


def test_killed_after_claiming_the_day_but_before_posting_it_the_next_process_posts_it_late(standin, tmp_path):
    day = reports_due_ten_minutes_ago(tmp_path)
    standin.delay("files.getUploadURLExternal", 3)
    first = start_bot(standin, tmp_path)
    standin.wait_for_arrival("files.getUploadURLExternal")  # claimed, and its first Slack call on its way
    _kill(first)
    assert digests(standin) == [] and claims(first.database) == [{"period": day.isoformat(), "posted_ts": None}]
    standin.delay("files.getUploadURLExternal", 0)
    run_until_posted(standin, tmp_path)
    (digest,) = digests(standin)
    assert "Posted late" in repr(digest["blocks"]) and day.strftime("%a %d %b %Y") in repr(digest["blocks"])
    assert claims(first.database)[0]["posted_ts"] == digest["ts"]


@contextmanager
def _two_instances_mid_summary(standin, workdir) -> Iterator[RunningBot]:
    """Two instances start as a summary falls due; once its message and first reply are on their
    way to Slack, yields the instance delivering it (the owner of its outbox row)."""
    reports_due_ten_minutes_ago(workdir, watched=(SHIFT_JOB,), fill=lambda db: open_backlog(db, OVERFLOWING))
    standin.delay("chat.postMessage", 2)
    bots = []
    run_concurrently(lambda: bots.append(start_bot(standin, workdir)), lambda: bots.append(start_bot(standin, workdir)))
    try:
        standin.wait_for_arrival("chat.postMessage", count=2, where=to_leads)
        (row,) = rows(database_for(workdir), "SELECT claimed_by FROM outbox WHERE kind = 'report' AND done_at IS NULL")
        yield next(bot for bot in bots if row["claimed_by"].split(":")[1] == str(bot.process.pid))
    finally:
        for bot in bots:
            bot.stop()


def _summary_with_both_replies_once(standin, db_path) -> None:
    (summary,) = late_summaries(standin)
    replies = thread_replies(standin, summary)
    assert [reply["metadata"]["event_payload"]["piece"] for reply in replies] == ["reply 1", "reply 2"]
    assert listed_cases(replies) == LISTED_ONCE
    assert pieces(db_path, SHIFT_JOB) == {"message": summary["ts"], "reply 1": replies[0]["ts"],
                                         "reply 2": replies[1]["ts"]}
    assert claims(db_path)[0]["posted_ts"] == summary["ts"]


def test_killed_mid_summary_beside_another_instance_the_other_finishes_it_within_15_s(standin, tmp_path):
    db_path = database_for(tmp_path)
    with _two_instances_mid_summary(standin, tmp_path) as delivering:
        _kill(delivering)
        killed_at = time.monotonic()
        standin.delay("chat.postMessage", 0)
        wait_until(lambda: claims(db_path)[0]["posted_ts"], timeout=TAKEN_OVER_WITHIN)
        assert time.monotonic() - killed_at < TAKEN_OVER_WITHIN
        standin.wait_idle(quiet=1.0)
    _summary_with_both_replies_once(standin, db_path)


def test_paused_mid_summary_beside_another_instance_the_other_finishes_it_and_the_paused_one_posts_nothing_more(
        standin, tmp_path):
    db_path = database_for(tmp_path)
    with _two_instances_mid_summary(standin, tmp_path) as delivering:
        with delivering.paused():
            standin.delay("chat.postMessage", 0)
            wait_until(lambda: claims(db_path)[0]["posted_ts"], timeout=TAKEOVER_WAIT_S)  # the other took the row over
        standin.wait_idle(quiet=2.0)
        assert "was taken over by another process" in delivering.log()
    _summary_with_both_replies_once(standin, db_path)
