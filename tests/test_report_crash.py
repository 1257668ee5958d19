"""Digests and shift summaries exactly once across a crash: a process killed after claiming the day, before or after
Slack took the message but before the bot saved it, is finished by the next one: the message
Slack has is adopted (found by its metadata), a missing one is posted, marked late."""

import time
from dataclasses import replace
from datetime import datetime, timedelta

import yaml

from commands.deps import utc_now
from jobs.report_jobs import SHIFT_JOB
from jobs.report_delivery import report_metadata
from jobs.report_recovery import finish_left_behind_reports
from storage.boots import start_boot
from storage.db import open_db, prepare_database
from storage.job_claims import claim_period
from storage.periods import latest_digest
from tests.flow import rows
from tests.harness import TEAM_YAML, start_bot
from tests.incident_flow import wait_until
from tests.report_fixtures import at
from tests.test_report_jobs import BERLIN, LEADS
from tests.test_report_schedule import deps_at


def _digest_due_ten_minutes_ago(workdir):
    """A digest that fell due while the bot was watching, so the bot posts it (late) as it starts."""
    now = utc_now()
    due_local = (now - timedelta(minutes=10)).astimezone(BERLIN)
    config = yaml.safe_load(TEAM_YAML)
    config["digest"]["time"] = due_local.strftime("%H:%M")
    (workdir / "app.yaml").write_text(yaml.safe_dump(config))
    prepare_database(workdir / "supportbot.db")
    db = open_db(workdir / "supportbot.db")
    db.execute("INSERT INTO job_watch VALUES ('daily-digest', ?)", [at(now - timedelta(days=1))])
    db.conn.commit()
    db.close()
    return latest_digest(now, BERLIN, due_local.time().replace(second=0, microsecond=0))[1]


def _claims(db_path) -> list[dict]:
    return rows(db_path, "SELECT period, posted_ts FROM job_claims")


def _digests(standin) -> list[dict]:
    return [m for m in standin.messages(LEADS) if "Daily digest" in repr(m.get("blocks"))]


def _charts(standin) -> list[dict]:
    return [m for m in standin.messages(LEADS) if m.get("files")]


def _kill(bot) -> None:
    bot.process.kill()
    bot.process.wait()


def _restart_until_posted(standin, workdir):
    bot = start_bot(standin, workdir)
    try:
        wait_until(lambda: _claims(bot.db_path)[0]["posted_ts"], timeout=30)
        standin.wait_idle(quiet=1.0)
    finally:
        bot.stop()
    return bot


def test_killed_between_slack_taking_the_digest_and_saving_it_the_next_process_adopts_it(standin, tmp_path):
    day = _digest_due_ten_minutes_ago(tmp_path)
    standin.delay("chat.postMessage", 2)
    first = start_bot(standin, tmp_path)
    standin.wait_for("files.completeUploadExternal")
    time.sleep(0.7)  # the chart is up and the digest sent: Slack is taking it
    _kill(first)
    time.sleep(2)
    assert len(_digests(standin)) == 1 and _claims(first.db_path) == [{"period": day.isoformat(), "posted_ts": None}]
    standin.delay("chat.postMessage", 0)
    second = _restart_until_posted(standin, tmp_path)
    assert len(_digests(standin)) == 1 and len(_charts(standin)) == 1, "adopted, not posted again"
    assert _claims(second.db_path)[0]["posted_ts"] == _digests(standin)[0]["ts"]


def test_killed_after_claiming_the_day_but_before_posting_it_the_next_process_posts_it_late(standin, tmp_path):
    day = _digest_due_ten_minutes_ago(tmp_path)
    standin.delay("files.getUploadURLExternal", 3)
    first = start_bot(standin, tmp_path)
    wait_until(lambda: _claims(first.db_path))
    _kill(first)
    time.sleep(3.5)
    assert _digests(standin) == [] and _claims(first.db_path) == [{"period": day.isoformat(), "posted_ts": None}]
    standin.delay("files.getUploadURLExternal", 0)
    second = _restart_until_posted(standin, tmp_path)
    (digest,) = _digests(standin)
    assert "Posted late" in repr(digest["blocks"]) and day.strftime("%a %d %b %Y") in repr(digest["blocks"])
    assert _claims(second.db_path)[0]["posted_ts"] == digest["ts"]


def test_shift_summaries_left_behind_are_adopted_from_slack_or_posted_once(standin, tmp_path):
    db_path = tmp_path / "s.db"
    prepare_database(db_path)
    now = datetime(2026, 10, 27, 16, 0, 10, tzinfo=BERLIN)
    client, deps = deps_at(standin, db_path, [now])
    db = deps.store.db()
    dead = start_boot(db, now - timedelta(minutes=1))
    deps = replace(deps, boot_id=start_boot(db, now))
    for period in ("EMEA 2026-10-26", "EMEA 2026-10-27"):
        claim_period(db, now - timedelta(minutes=1), SHIFT_JOB, period, boot_id=dead)
    taken = client.chat_postMessage(channel=LEADS, text="summary Slack took",
                                    metadata=report_metadata(SHIFT_JOB, "EMEA 2026-10-26"))
    assert finish_left_behind_reports(client, deps) == 2
    assert finish_left_behind_reports(client, deps) == 0
    summaries = [m for m in standin.messages(LEADS) if not m.get("thread_ts")]
    assert [m["ts"] for m in summaries][0] == taken["ts"] and len(summaries) == 2
    assert "Quiet EMEA shift" in summaries[1]["text"]
    posted = {row["period"]: row["posted_ts"] for row in rows(db_path, "SELECT period, posted_ts FROM job_claims")}
    assert posted == {"EMEA 2026-10-26": taken["ts"], "EMEA 2026-10-27": summaries[1]["ts"]}
