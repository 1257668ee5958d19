"""Digests and shift summaries as leads see them, posted by `supportbot jobs run` and by the schedule."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import yaml

from bot.config import parse_team_config
from bot.deps import utc_now
from storage.db import open_db, prepare_database
from storage.periods import current_or_latest_window, latest_digest
from tests.flow import rows, run_concurrently
from tests.harness import REPO, TEAM_YAML, bot_env, run_cli, start_bot
from tests.report_fixtures import at, clock, csat, escalation, event, fixture_day
from tests.databases import database_for

LEADS = "C0LEADS"
BERLIN = ZoneInfo("Europe/Berlin")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def cli(standin, workdir, *args):
    return run_cli(list(args), bot_env(standin, workdir), workdir)


def fixture_db(workdir, fill):
    prepare_database(database_for(workdir))
    db = open_db(database_for(workdir))
    fill(db)
    db.conn.commit()
    db.close()


def shown(message) -> str:
    return repr(message["blocks"])


def chart_image(digest: dict) -> dict | None:
    return next((block for block in digest["blocks"] if block["type"] == "image"), None)


def test_digest_of_a_fixture_day_shows_its_chart_once_and_says_so_when_the_upload_fails(standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", "2026-11-23")
    assert result.returncode == 0 and "daily-digest: posted 2026-11-23." in result.stdout, result.stderr
    (digest,) = standin.messages(LEADS)
    (upload,) = standin.completed_uploads()
    image = chart_image(digest)
    assert image["slack_file"] == {"id": upload.id} and image["title"]["text"] == "Volume and CSAT, 14 days to 23 Nov 2026"
    assert image["alt_text"].startswith("Bar chart of escalations raised and resolved per day, 10 Nov to 23 Nov:")
    assert upload.alt_txt == image["alt_text"] and upload.data.startswith(PNG_SIGNATURE)
    assert [call.args["filename"] for call in standin.calls_to("files.getUploadURLExternal")] == ["digest-2026-11-23.png"]
    assert not standin.calls_to("files.completeUploadExternal")[0].args.get("channel_id"), "not shared: shown"
    assert standin.uploaded_files() == []
    text = shown(digest)
    for figure in ("Daily digest · Mon 23 Nov 2026", "*Raised*\\n4", "*Resolved*\\n2", "*Reopened*\\n1",
                   "*Backlog at day end*\\n4", "median 3 h · p90 3 h 48 min (of 2)", "median 40 min · p90 56 min (of 2)",
                   "*First-contact resolution*\\n50% (1 of 2)", "*SLA compliance*\\n33% (1 of 3)",
                   "our survey: 4.5 from 2 · ▲ +1.5 vs previous 7 days (3.0)\\nhelpdesk import: 2.0 from 1",
                   "*By line*\\n• L1 · Frontline: 2 raised, 1 resolved\\n• L2 · Specialists: 1 raised\\n"
                   "• L3 · Engineering: 1 raised, 1 resolved",
                   "*By priority* P2 2 · P1 1 · P3 1", "*By category* billing 1 · bug 1 · login 1 · uncategorised 1",
                   "*By channel* <#C0HELP> 3 · <#C0SUPL1> 1",
                   "*CSAT answers* 3 (2 to our survey, 1 imported from the helpdesk) · 1★ 0 · 2★ 1 · 3★ 0 · 4★ 1 · 5★ 1"):
        assert figure in text, figure
    assert text.index("*ESC-4*") < text.index("*ESC-3*") < text.index("*ESC-6*"), "oldest open first"

    again = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", "2026-11-23")
    assert "2026-11-23 was already posted" in again.stdout and "nothing posted" in again.stdout
    assert len(standin.messages(LEADS)) == 1

    standin.fail("files.getUploadURLExternal", error="ratelimited")
    assert cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", "2026-11-22").returncode == 0
    missing = standin.messages(LEADS)[-1]
    assert "Daily digest · Sun 22 Nov 2026" in shown(missing) and "The chart is missing" in shown(missing)
    assert chart_image(missing) is None and len(standin.completed_uploads()) == 1


def emea_fixture(db):
    """In EMEA's current (or latest) window: 9 raised, 1 taken and resolved, 1 reopened and handed off,
    1 breach on line 3, 1 CSAT answer. Open: 8 unowned on L1, 1 owned on L2, 1 waiting on L3."""
    now = utc_now()
    window = current_or_latest_window(_shifts()["EMEA"], now, BERLIN)
    span = min(window.end, now) - window.start

    def inside(share: float) -> str:
        return at(window.start + span * share)

    before = at(window.start - timedelta(days=1))
    for esc_id in range(1, 9):
        escalation(db, esc_id, inside(0.1 * esc_id / 9), priority="P2", summary=f"Login loop {esc_id}")
        event(db, esc_id, inside(0.1 * esc_id / 9), "raised")
    escalation(db, 9, inside(0.2), resolved=inside(0.4), owner="U0AGENT2")
    for action, share in (("raised", 0.2), ("taken", 0.3), ("resolved", 0.4)):
        event(db, 9, inside(share), action)
    escalation(db, 10, before, line=2, owner="U0SPEC1")
    event(db, 10, inside(0.5), "reopened", line=2)
    event(db, 10, inside(0.6), "handed_off", line=2)
    escalation(db, 11, before, priority="P1", line=3)
    clock(db, 11, line=3, kind="ack", priority="P1", started=before, due=inside(0.05), breached=inside(0.05))
    csat(db, "ESC-9", 4, inside(0.7), escalation_id=9)


def _shifts():
    return {shift.name: shift for shift in parse_team_config(yaml.safe_load(TEAM_YAML)).reports.shifts}


def test_a_quiet_shift_is_one_line_and_a_busy_one_has_its_figures_and_full_lists_in_the_thread(bot, standin, tmp_path):
    quiet = cli(standin, tmp_path, "jobs", "run", "shift-summaries", "--for", "Americas")
    assert quiet.returncode == 0 and "shift-summaries: posted Americas" in quiet.stdout, quiet.stderr
    (one_line,) = standin.messages(LEADS)
    assert len(one_line["blocks"]) == 1 and "😌 Quiet Americas shift" in shown(one_line)

    fixture_db(tmp_path, emea_fixture)
    assert cli(standin, tmp_path, "jobs", "run", "shift-summaries", "--for", "emea").returncode == 0
    summary = [message for message in standin.messages(LEADS) if not message.get("thread_ts")][-1]
    text = shown(summary)
    for figure in ("*Raised*\\n9", "*Taken*\\n1", "*Resolved*\\n1", "*Reopened*\\n1", "*Handoffs*\\n1",
                   "*SLA breaches*\\n1", "*Waiting for L3 ack*\\n1", "*Unowned*\\n9", "*CSAT received*\\n4.0 from 1",
                   "Unowned (9)", "Owned on L2 · Specialists (1)", "*ESC-10* · P3 · L2 · <@U0SPEC1>",
                   "Waiting for acknowledgement on L3 (1)", "L3 P1: 1", "…and 4 more, the full list is in the thread."):
        assert figure in text, figure
    assert "Owned on L1" not in text and "Owned on L3" not in text, "the unowned are listed once, under Unowned"
    assert "*ESC-5*" not in text.split("Owned on L2")[0], "only the oldest 5 in the message"
    thread = standin.thread(LEADS, summary["ts"])[1:]
    full = repr([message["blocks"] for message in thread])
    assert all(f"*ESC-{esc_id}*" in full for esc_id in range(1, 9))

    answered = len(standin.responses)
    bot.driver.command("summary EMEA", command="/shift", user="U0LEAD1", channel=LEADS)
    ephemeral = standin.wait_for_response(count=answered + 1)[-1]["body"]
    assert ephemeral["response_type"] == "ephemeral" and "*Raised*\\n9" in repr(ephemeral["blocks"])
    assert "…and 4 more: `/esc list unowned` lists them all." in repr(ephemeral["blocks"])
    assert "Every open case, a page at a time: `/esc list`" in repr(ephemeral["blocks"][-1])


def test_a_period_missed_while_down_is_posted_late_once_by_two_instances_and_not_again_after_a_restart(standin, tmp_path):
    now = utc_now()
    due_local = (now - timedelta(minutes=10)).astimezone(BERLIN)
    config = yaml.safe_load(TEAM_YAML)
    config["digest"]["time"] = due_local.strftime("%H:%M")
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(config))
    _, day = latest_digest(now, BERLIN, due_local.time().replace(second=0, microsecond=0))

    def watched_since_yesterday(db):
        db.execute("INSERT INTO job_watch VALUES ('daily-digest', ?)", [at(now - timedelta(days=1))])

    fixture_db(tmp_path, watched_since_yesterday)
    bots = []
    run_concurrently(lambda: bots.append(start_bot(standin, tmp_path)), lambda: bots.append(start_bot(standin, tmp_path)))
    try:
        standin.wait_for("chat.postMessage", where=lambda call: call.args.get("channel") == LEADS)
        standin.wait_idle(quiet=1.0)
    finally:
        for bot in bots:
            bot.stop()
    digests = [m for m in standin.messages(LEADS) if "Daily digest" in shown(m)]
    assert len(digests) == 1 and "Posted late" in shown(digests[0])
    assert day.strftime("%a %d %b %Y") in shown(digests[0])
    assert rows(database_for(tmp_path), "SELECT period, late FROM job_claims") == [{"period": day.isoformat(), "late": 1}]
    restarted = start_bot(standin, tmp_path)
    try:
        standin.wait_idle(quiet=1.0)
    finally:
        restarted.stop()
    assert len([m for m in standin.messages(LEADS) if "Daily digest" in shown(m)]) == 1


def test_jobs_list_csv_import_and_a_bad_shift_setting(standin, tmp_path):
    listed = cli(standin, tmp_path, "jobs", "list")
    assert listed.returncode == 0
    assert "daily-digest" in listed.stdout and "shift-summaries" in listed.stdout and "(Europe/Berlin)" in listed.stdout
    fixture_db(tmp_path, lambda db: escalation(db, 1, at(utc_now())))
    scores = tmp_path / "scores.csv"
    scores.write_text("reference,score,timestamp,comment\nESC-1,4,2026-11-23T09:00:00Z,ok\nZD-7,five,2026-11-23T10:00:00Z,\n"
                      "ZD-8,2,2026-11-23T11:00:00Z,slow\nESC-77,3,2026-11-23T12:00:00Z,\n")
    first = cli(standin, tmp_path, "csat", "import", str(scores))
    assert first.stdout.splitlines() == ["2 rows loaded, 0 already loaded, 2 rejected.",
                                         "line 3: score 'five' is not a whole number from 1 to 5", "line 5: there is no ESC-77"]
    again = cli(standin, tmp_path, "csat", "import", str(scores))
    assert again.stdout.splitlines()[0] == "0 rows loaded, 2 already loaded, 2 rejected."
    assert len(rows(database_for(tmp_path), "SELECT * FROM csat_answers")) == 2
    broken = yaml.safe_load((REPO / "app.yaml").read_text())
    broken["shifts"][1]["days"] = "weekdays"
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(broken))
    result = run_cli(["run"], bot_env(standin, tmp_path), tmp_path)
    assert result.returncode == 2 and "shifts[1].days" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_digest_command_shows_a_day_only_to_the_asker_and_refuses_what_it_cannot_read(bot, standin, tmp_path):
    fixture_db(tmp_path, fixture_day)

    def digest(text):
        answered = len(standin.responses)
        bot.driver.command(text, command="/digest", user="U0LEAD1", channel=LEADS)
        return standin.wait_for_response(count=answered + 1)[-1]["body"]

    day = digest("2026-11-23")
    assert day["response_type"] == "ephemeral" and "Digest · Mon 23 Nov 2026" in repr(day["blocks"])
    assert "*Backlog at day end*\\n4" in repr(day["blocks"]) and "*SLA compliance*\\n33% (1 of 3)" in repr(day["blocks"])
    assert "Digest · the last 7 days" in repr(digest("7d")["blocks"])
    assert "`someday` is not a day I know." in digest("someday")["text"]
    assert not standin.messages(LEADS) and not standin.calls_to("files.getUploadURLExternal"), "nothing is posted"
