"""The stand-in takes uploads and image blocks as Slack does: a file uploaded without a channel is
private to the bot yet can be shown by `slack_file` (its id, or its URL); while Slack still processes
it, a message showing it is refused with `invalid_blocks`."""

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

CHANNEL = "C0LEADS"


def _client(standin) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url, retry_handlers=[])


def _image(slack_file: dict) -> list[dict]:
    return [{"type": "image", "slack_file": slack_file, "alt_text": "a chart"}]


def _refusal(client: WebClient, blocks: list[dict]) -> dict:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=CHANNEL, text="chart", blocks=blocks)
    return refused.value.response.data


def test_a_private_upload_is_shown_by_id_or_by_url_and_shared_nowhere(standin):
    client = _client(standin)
    (uploaded,) = client.files_upload_v2(content=b"\x89PNG", filename="c.png", title="Chart", alt_txt="a chart")["files"]
    assert standin.uploaded_files() == [] and not uploaded["is_public"] and uploaded["alt_txt"] == "a chart"
    for slack_file in ({"id": uploaded["id"]}, {"url": uploaded["url_private"]}, {"url": uploaded["permalink"]}):
        posted = client.chat_postMessage(channel=CHANNEL, text="chart", blocks=_image(slack_file))
        assert standin.message(CHANNEL, posted["ts"])["blocks"][0]["slack_file"] == slack_file
    assert [m for m in standin.messages(CHANNEL) if m.get("files")] == []


def test_an_unknown_file_a_file_being_processed_and_an_image_without_one_source_are_invalid_blocks(standin):
    client = _client(standin)
    assert _refusal(client, _image({"id": "F0NOSUCH"}))["error"] == "invalid_blocks"
    standin.hold_file_processing(2)
    file_id = client.files_upload_v2(content=b"\x89PNG", filename="c.png")["files"][0]["id"]
    for _ in range(2):
        refused = _refusal(client, _image({"id": file_id}))
        assert refused["error"] == "invalid_blocks" and "still being processed" in refused["errors"][0]
    assert client.chat_postMessage(channel=CHANNEL, text="chart", blocks=_image({"id": file_id}))["ok"]
    both = [{"type": "image", "slack_file": {"id": file_id}, "image_url": "https://example.com/c.png", "alt_text": "c"}]
    assert _refusal(client, both)["error"] == "invalid_blocks"
    assert _refusal(client, [{"type": "image", "alt_text": "c"}])["error"] == "invalid_blocks"
