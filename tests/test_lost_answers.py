"""Slack stores a post and its answer is lost (a 500, or a connection that breaks, after the
message is in the channel). Every post is looked for by its metadata before it is sent again:
one card, thread note, mirrored reply, reminder, survey, incident copy and update, digest."""

import time

import pytest

from standin import CONNECTION_DROPPED
from jobs.report_jobs import DIGEST_JOB
from tests.flow import HELP, L1, L3, cards_in, raise_by_command, rows, wait_until
from tests.incident_flow import CONFIGURED, STATUS, broadcast, copies, draft, follow_up, notes, reply, told
from tests.line3_flow import l3_card, origin_notes
from tests.line3_flow import reply as engineer_replies
from tests.report_fixtures import fixture_day
from tests.test_report_crash import digests, pieces
from tests.test_report_jobs import cli, fixture_db
from tests.test_sla_reminders import fast_bot, is_reminder, leads_notices, reminders_in  # noqa: F401 - the fixture
from tests.databases import database_for


def _stored_then_500(standin, where, status=500) -> None:
    standin.fail("chat.postMessage", status=status, where=where, after_doing=True)


@pytest.mark.parametrize("lost", [500, CONNECTION_DROPPED], ids=["500", "connection dropped"])
def test_a_card_slack_stored_before_its_answer_was_lost_is_adopted_not_posted_again(bot, standin, lost):
    _stored_then_500(standin, lambda args: args.get("channel") == L1, status=lost)
    esc = raise_by_command(bot, standin)
    (card,) = cards_in(standin, L1)
    assert len(cards_in(standin, HELP)) == 1
    recorded = wait_until(lambda: rows(bot.database, "SELECT ts FROM cards WHERE escalation_id = ? AND channel = ?",
                                       [esc["id"], L1]))
    assert recorded == [{"ts": card["ts"]}], "the card Slack has is the one the bot edits"
    assert len(cards_in(standin, L1)) == 1
    assert "Traceback" not in bot.log()


def test_a_card_whose_look_up_slack_fails_waits_for_a_look_that_can_be_made_instead_of_posting_blind(bot, standin):
    """The card went out but its answer was lost, and then Slack fails the look for it too
    (conversations.history answering 500 through the client's own retries): posting again then
    could double it, so the row backs off and a later try finds and adopts it."""
    _stored_then_500(standin, lambda args: args.get("channel") == L1)
    standin.fail("conversations.history", status=500, times=6, where=lambda args: args.get("channel") == L1)
    esc = raise_by_command(bot, standin)
    recorded = wait_until(lambda: rows(bot.database, "SELECT ts FROM cards WHERE escalation_id = ? AND channel = ?",
                                       [esc["id"], L1]), timeout=30)
    (card,) = cards_in(standin, L1)
    assert recorded == [{"ts": card["ts"]}]
    assert "Traceback" not in bot.log()


def test_a_thread_note_and_a_mirrored_reply_stored_before_a_500_appear_once(bot, standin):
    esc = raise_by_command(bot, standin, "new P1 L3 Cart totals wrong")
    in_the_origin_thread = lambda args: args.get("channel") == HELP and args.get("thread_ts")  # noqa: E731
    _stored_then_500(standin, in_the_origin_thread)
    engineer_replies(bot, standin, "ack")
    _stored_then_500(standin, in_the_origin_thread)
    engineer_replies(bot, standin, "Looking at the cache keys")
    standin.wait_idle(quiet=0.5)
    said = origin_notes(standin, esc)
    assert sum("acknowledged ESC-1" in note for note in said) == 1, said
    assert sum("Looking at the cache keys" in note for note in said) == 1, said


def test_reminders_and_the_leads_notice_stored_before_a_500_are_sent_once(fast_bot, standin):  # noqa: F811
    _stored_then_500(standin, lambda args: is_reminder(args) and args["metadata"]["event_payload"]["number"] == 1)
    _stored_then_500(standin, lambda args: is_reminder(args, tells_leads=True))
    raise_by_command(fast_bot, standin, "new P1 L3 Payments API returns 500")
    deadline = time.monotonic() + 15
    while not leads_notices(standin) and time.monotonic() < deadline:
        time.sleep(0.2)
    standin.wait_idle(quiet=1.5)
    reminders = [text.split(":")[0] for text in reminders_in(standin, L3, l3_card(standin)["ts"])]
    assert reminders == ["⏰ Reminder 1 of 2", "⏰ Reminder 2 of 2"] and len(leads_notices(standin)) == 1


def test_a_survey_stored_before_a_500_reaches_the_requester_once(bot, standin):
    raise_by_command(bot, standin)
    _stored_then_500(standin, lambda args: args.get("channel", "").startswith("D"))
    assert bot.driver.command("resolve ESC-1", user="U0SPEC1").status == 200
    standin.wait_for("conversations.history", where=lambda call: call.args.get("channel", "").startswith("D"))
    standin.wait_idle(quiet=0.5)
    surveys = [m for m in standin.messages("D0AGENT1") if "ESC-1" in m["text"]]
    assert len(surveys) == 1


def test_an_incident_copy_and_update_stored_before_a_500_go_out_once(bot, standin):
    card = draft(bot, standin)
    reply(bot, standin, card, "Checkout fails for EU cards.")
    _stored_then_500(standin, lambda args: args.get("channel") == STATUS and not args.get("thread_ts"))
    broadcast(bot, standin, card)
    assert all(len(copies(standin, channel)) == 1 for channel in CONFIGURED)
    _stored_then_500(standin, lambda args: args.get("channel") == STATUS and args.get("thread_ts"))
    reply(bot, standin, card, "Cause found: an expired certificate.")
    follow_up(bot, standin, "update INC-1")
    told(standin, "now Identified everywhere")
    standin.wait_idle(quiet=0.2)
    assert [len(notes(standin, channel)) for channel in CONFIGURED] == [1, 1, 1]
    assert len(told(standin, "now Identified everywhere")) == 1, "said once, by the try of its row that ended it"


def test_a_digest_stored_before_a_500_is_posted_once_and_recorded(standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    _stored_then_500(standin, lambda args: (args.get("metadata") or {}).get("event_payload", {}).get("piece") == "message")
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", "2026-11-23")
    assert result.returncode == 0, result.stderr
    (digest,) = digests(standin)
    assert pieces(database_for(tmp_path), DIGEST_JOB)["message"] == digest["ts"]
