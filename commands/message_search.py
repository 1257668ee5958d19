"""Finding a message the bot posted by its metadata, for posts whose ts a crash never saved.

chat.postMessage has no idempotency key, so a process killed between Slack taking a post and
the bot recording it leaves the only proof in Slack. Every post that must go out exactly once
carries metadata naming what it is; before posting it again, the next process looks for it.
"""

import logging
from datetime import datetime, timedelta
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
SEARCH_PAGES = 5  # 1,000 messages: a post left by a recent crash is among them
CLOCK_SKEW = timedelta(seconds=60)  # the clocks of two hosts may differ a little


def message_metadata(event_type: str, **payload) -> dict:
    """Slack message metadata naming what a post is, so `find_by_metadata` can find it again."""
    return {"event_type": event_type, "event_payload": payload}


def find_by_metadata(client: WebClient, channel: str, metadata: dict, since: datetime,
                     thread_ts: str | None = None) -> str | None:
    """The ts of the message in `channel` (or in the thread `thread_ts`) posted since `since`
    that carries exactly `metadata`; None when there is none. Raises what `_first_since` raises."""
    found = _first_since(client, channel, lambda message: message.get("metadata") == metadata, since, thread_ts,
                         metadata["event_type"])
    return found["ts"] if found else None


def find_file_share(client: WebClient, channel: str, filename: str, since: datetime) -> str | None:
    """The id of the file named `filename` the bot shared in `channel` since `since`. An upload
    carries no metadata; a name that says what it is (a digest's day) identifies it as well."""
    found = _first_since(client, channel, lambda message: _file_named(message, filename) is not None, since,
                         what=filename)
    return _file_named(found, filename)["id"] if found else None


def _file_named(message: dict, filename: str) -> dict | None:
    return next((file for file in message.get("files", []) if file.get("name") == filename), None)


def find_message(client: WebClient, channel: str, matches: Callable[[dict], bool], since: datetime,
                 thread_ts: str | None = None, what: str = "a message") -> dict | None:
    """The first message in `channel` (or the thread `thread_ts`) since `since` that `matches`;
    None also when Slack could not be asked."""
    try:
        return _first_since(client, channel, matches, since, thread_ts, what)
    except (SlackApiError, OSError) as error:
        log.warning("could not look for %s in %s: %s", what, channel, error)
    return None


def _first_since(client: WebClient, channel: str, matches: Callable[[dict], bool], since: datetime,
                 thread_ts: str | None = None, what: str = "a message") -> dict | None:
    """Before a post goes out again: Slack failing for now (429, 5xx, the network) is raised, so
    the post waits for a look that can be made instead of going out blind, perhaps a second
    time. A refusal (not in the channel, no such channel) means the bot cannot have posted there."""
    try:
        return next((message for message in _messages_since(client, channel, since, thread_ts) if matches(message)),
                    None)
    except SlackApiError as error:
        if error.response.status_code == 429 or error.response.status_code >= 500:
            raise
        log.warning("could not look for %s in %s: %s", what, channel, error.response.get("error"))
    return None


def _messages_since(client: WebClient, channel: str, since: datetime, thread_ts: str | None):
    oldest = f"{(since - CLOCK_SKEW).timestamp():.6f}"
    pages = (client.conversations_replies(channel=channel, ts=thread_ts, oldest=oldest, include_all_metadata=True,
                                          limit=200)
             if thread_ts else
             client.conversations_history(channel=channel, oldest=oldest, include_all_metadata=True, limit=200))
    for number, page in enumerate(pages):
        yield from page["messages"]
        if number + 1 >= SEARCH_PAGES:
            return
