"""Slack's own models as the judge of every payload we build: to_dict() raises on what Slack rejects."""

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def assert_valid_blocks(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= 50, f"{len(blocks)} blocks"
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.type == block["type"], block
        parsed.to_dict()


def assert_valid_view(view: dict) -> None:
    View(**view).to_dict()
    assert_valid_blocks(view["blocks"])
