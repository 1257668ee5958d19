"""Shared pieces of the Web API method handlers: context, argument readers, paging."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from .recorder import Journal

if TYPE_CHECKING:
    from .api_files import FileUploads
from .state import SlackError, Workspace
from .views import ViewStore

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


@dataclass
class ApiContext:
    workspace: Workspace
    views: ViewStore
    ephemerals: Journal
    socket_url: Callable[[], str]
    files: "FileUploads"


def arg_bool(args: dict, name: str, default: bool = False) -> bool:
    value = args.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def arg_int(args: dict, name: str, default: int, maximum: int = 1000) -> int:
    try:
        value = int(args.get(name) or 0)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments") from None
    return min(value, maximum) if value > 0 else default


def arg_required(args: dict, name: str, error: str = "invalid_arguments") -> str:
    value = args.get(name)
    if value is None or value == "":
        raise SlackError(error)
    return str(value)


def checked_blocks(blocks: object, limit: int = MAX_MESSAGE_BLOCKS) -> list:
    """Slack rejects blocks that are not a list of typed objects, or too many of them."""
    if blocks is None or blocks == "":
        return []
    if not isinstance(blocks, list) or len(blocks) > limit:
        raise SlackError("invalid_blocks")
    if not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks):
        raise SlackError("invalid_blocks")
    if not all(_accepted_by_slack_models(block) for block in blocks):
        raise SlackError("invalid_blocks")
    return blocks


def _accepted_by_slack_models(block: dict) -> bool:
    """slack_sdk's models encode Slack's own limits: to_dict() raises on what Slack would reject."""
    try:
        parsed = Block.parse(block)
        return parsed is not None and bool(parsed.to_dict())
    except SlackObjectFormationError:
        return False


def encode_cursor(key: str) -> str:
    return base64.b64encode(f"next:{key}".encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    prefix, _, key = text.partition(":")
    if prefix != "next" or not key:
        raise SlackError("invalid_cursor")
    return key


def paginate(items: list, args: dict, key: Callable[[object], str], default_limit: int = 100) -> tuple[list, str]:
    """One page of `items` starting at the cursor, and the cursor for the next page ("" at the end)."""
    start = 0
    if args.get("cursor"):
        wanted = decode_cursor(str(args["cursor"]))
        keys = [key(item) for item in items]
        if wanted not in keys:
            raise SlackError("invalid_cursor")
        start = keys.index(wanted)
    limit = arg_int(args, "limit", default_limit)
    page = items[start:start + limit]
    rest = items[start + limit:]
    return page, encode_cursor(key(rest[0])) if rest else ""
