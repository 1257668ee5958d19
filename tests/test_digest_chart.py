"""The digest shows its chart inside the message. Slack refuses a file it is still processing
(`invalid_blocks`): the post is tried again, and if the file never gets ready the chart is shared
above the digest as its own message, the digest saying so; each piece still goes out once."""

import pytest
from slack_sdk.errors import SlackApiError

from bot.slack_client import make_client
from jobs.report_jobs import DIGEST_JOB
from tests.report_fixtures import fixture_day
from tests.test_report_crash import pieces
from tests.test_report_jobs import LEADS, chart_image, cli, fixture_db, shown
from tests.databases import database_for

DAY = "2026-11-23"


def _digest_posts(standin, with_image: bool) -> list:
    return [call for call in standin.calls_to("chat.postMessage")
            if call.args.get("channel") == LEADS and ("slack_file" in repr(call.args.get("blocks"))) == with_image]


def test_a_chart_slack_is_still_processing_is_shown_in_the_digest_once_it_is_ready(standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    standin.hold_file_processing(2)
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", DAY)
    assert result.returncode == 0, result.stderr
    (digest,) = standin.messages(LEADS)
    (upload,) = standin.completed_uploads()
    assert chart_image(digest)["slack_file"] == {"id": upload.id}
    tries = _digest_posts(standin, with_image=True)
    assert [call.response.get("error") for call in tries] == ["invalid_blocks", "invalid_blocks", None]
    assert pieces(database_for(tmp_path), DIGEST_JOB) == {"chart": upload.id, "message": digest["ts"]}


def test_a_chart_that_never_gets_ready_is_shared_above_the_digest_which_says_it_is_separate(standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    standin.hold_file_processing(None)
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", DAY)
    assert result.returncode == 0, result.stderr
    chart, digest = standin.messages(LEADS)
    (shared,) = standin.uploaded_files()
    assert chart["files"][0]["id"] == shared.id and shared.filename == f"digest-{DAY}.png"
    assert chart_image(digest) is None and "it is separate, the file just above" in shown(digest)
    assert len(_digest_posts(standin, with_image=True)) == 5, "the first try and four more"
    assert len(_digest_posts(standin, with_image=False)) == 1
    private, _ = standin.completed_uploads()
    assert pieces(database_for(tmp_path), DIGEST_JOB) == {"chart": private.id, "chart message": shared.id,
                                                              "message": digest["ts"]}


def test_after_the_fallback_a_digest_failing_past_the_retries_goes_out_below_the_same_chart_on_the_next_try(
        standin, tmp_path):
    fixture_db(tmp_path, fixture_day)
    standin.hold_file_processing(None)
    standin.fail("chat.postMessage", error="ratelimited", status=429, retry_after=0, times=6,
                 where=lambda args: "slack_file" not in repr(args.get("blocks")) and args.get("metadata"))
    result = cli(standin, tmp_path, "jobs", "run", "daily-digest", "--for", DAY)
    assert result.returncode == 0 and "tries again later: ratelimited" in result.stderr, result.stderr
    chart, digest = standin.messages(LEADS)
    assert chart["files"] and "it is separate" in shown(digest)
    assert len(standin.calls_to("files.getUploadURLExternal")) == 2, "one private upload, one shared: not again"
    assert len(_digest_posts(standin, with_image=True)) == 5, "the next try does not try the image again"


def test_the_client_tries_again_only_a_post_that_shows_a_slack_file(standin):
    client = make_client(standin.bot_token, standin.api_url)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=LEADS, text="chart", blocks=[{"type": "image", "alt_text": "no source"}])
    assert refused.value.response["error"] == "invalid_blocks"
    assert len(standin.calls_to("chat.postMessage")) == 1, "a block Slack will never take is not sent again"
