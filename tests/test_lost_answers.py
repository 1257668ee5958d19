"""Slack stores a post and its answer is lost (a 500 after the message is in the channel). A post
that must go out once is looked for by its metadata before it is sent again: one card, one
incident copy and update, one digest."""

from tests.flow import HELP, L1, cards_in, raise_by_command, rows
from tests.incident_flow import CONFIGURED, STATUS, broadcast, command, copies, draft, notes, reply
from tests.report_fixtures import fixture_day
from tests.test_report_crash import digests, pieces
from tests.test_report_jobs import cli, fixture_db
from jobs.report_jobs import DIGEST_JOB


def _stored_then_500(standin, where) -> None:
    standin.fail("chat.postMessage", status=500, where=where, after_doing=True)


def test_a_card_slack_stored_before_answering_500_is_adopted_not_posted_again(bot, standin):
    _stored_then_500(standin, lambda args: args.get("channel") == L1)
    esc = raise_by_command(bot, standin)
    (card,) = cards_in(standin, L1)
    assert len(cards_in(standin, HELP)) == 1
    recorded = rows(bot.db_path, "SELECT ts FROM cards WHERE escalation_id = ? AND channel = ?", [esc["id"], L1])
    assert recorded == [{"ts": card["ts"]}], "the card Slack has is the one the bot edits"
    assert "Traceback" not in bot.log()


def test_an_incident_copy_and_update_stored_before_a_500_go_out_once(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Checkout fails for EU cards.")
    _stored_then_500(standin, lambda args: args.get("channel") == STATUS and not args.get("thread_ts"))
    broadcast(bot, standin, card)
    assert all(len(copies(standin, channel)) == 1 for channel in CONFIGURED)
    _stored_then_500(standin, lambda args: args.get("channel") == STATUS and args.get("thread_ts"))
    reply(bot, standin, card, "Cause found: an expired certificate.")
    assert "now Identified everywhere" in command(bot, standin, "update INC-1")["text"]
    standin.wait_idle(quiet=0.2)
    assert [len(notes(standin, channel)) for channel in CONFIGURED] == [1, 1, 1]


def test_a_digest_stored_before_a_500_is_posted_once_and_recorded(standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    _stored_then_500(standin, lambda args: (args.get("metadata") or {}).get("event_payload", {}).get("piece") == "message")
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", "2026-11-23")
    assert result.returncode == 0, result.stderr
    (digest,) = digests(standin)
    assert pieces(tmp_path / "supportbot.db", DIGEST_JOB)["message"] == digest["ts"]
