"""The Web API client: one base URL for every call, and slack_sdk's retry handlers."""

import json
import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest

from bot.slack_call_counts import CountingCalls, CountingRetries

SLACK_API_URL = "https://slack.com/api/"


def make_client(token: str, api_url: str | None) -> WebClient:
    """Retries 429s after Retry-After, 5xx answers and dropped connections (a post carrying
    metadata excepted: see LeavingFindablePosts). Enough times that even one call in five
    failing at random loses nothing (0.2 ** 6 per call); server errors back off from 0.2 s, so
    a call gives up after about 6 s rather than 30. Every attempt and retry is counted for
    /metrics (bot/slack_call_counts.py)."""
    return WebClient(
        token=token,
        base_url=api_url or SLACK_API_URL,
        timeout=10,
        logger=_sdk_logger(),
        retry_handlers=[
            CountingCalls(),
            CountingRetries("network", LeavingFindablePosts(ConnectionErrorRetryHandler(max_retry_count=2))),
            CountingRetries("rate_limited", RateLimitErrorRetryHandler(max_retry_count=5)),
            CountingRetries("server_error", LeavingFindablePosts(ServerErrorRetryHandler(
                max_retry_count=5, interval_calculator=BackoffRetryIntervalCalculator(0.2)))),
            CountingRetries("file_not_ready", ImageNotReadyRetryHandler()),
        ],
    )


def _sdk_logger() -> logging.Logger:
    """slack_sdk formats every request and answer, blocks included, for its debug log whenever
    its logger's own level is unset, even when nothing would show it: about a tenth of the CPU
    a card's post takes. Set to the level in effect, the same lines show and the others are
    never formatted."""
    logger = logging.getLogger("slack_sdk.web.base_client")
    if logger.level == logging.NOTSET:
        logger.setLevel(logger.getEffectiveLevel())
    return logger


class ImageNotReadyRetryHandler(RetryHandler):
    """A message showing a file just uploaded (an image block's `slack_file`) is refused with
    `invalid_blocks` while Slack still processes the file: tried again, backing off from 0.5 s,
    for about 8 s. A refused post was not stored, so trying it again cannot show it twice; the
    caller decides what to do if the file never gets ready."""

    def __init__(self) -> None:
        super().__init__(max_retry_count=4, interval_calculator=BackoffRetryIntervalCalculator(0.5))

    def _can_retry(self, *, state, request: HttpRequest, response=None, error=None) -> bool:
        refused = response is not None and isinstance(response.body, dict) and response.body.get("error") == "invalid_blocks"
        return refused and request.url.endswith("/chat.postMessage") and b'"slack_file"' in (request.data or b"")


class LeavingFindablePosts(RetryHandler):
    """`handler`, except for posts that carry metadata. A post that got a server error or lost
    its connection may have been stored all the same, and posting it again blindly would show
    it twice. Their callers try them again, looking for the message first (the outbox's next
    try of the row, bot/delivery.py)."""

    def __init__(self, handler: RetryHandler):
        super().__init__(handler.max_retry_count, handler.interval_calculator)
        self._handler = handler

    def _can_retry(self, *, state, request: HttpRequest, response=None, error=None) -> bool:
        """Asked after every answer, the 200s too: the handler's own cheap check comes first."""
        retried = self._handler._can_retry(state=state, request=request, response=response, error=error)
        return retried and not _findable_post(request)


def _findable_post(request: HttpRequest) -> bool:
    if not request.url.endswith("/chat.postMessage") or not request.data:
        return False
    try:
        return bool(json.loads(request.data).get("metadata"))
    except (ValueError, AttributeError):
        return False  # a form-encoded post: the bot's posts are JSON
