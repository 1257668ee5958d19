"""Counting every Web API attempt and retry, from inside slack_sdk's retry loop.

The WebClient asks its retry handlers, in order, after every answer (the 200s too) and after
every network error, until one of them retries: a first handler that never retries sees each
attempt once. Wrapping the others counts the retries they take and the time they wait.
"""

import time

from slack_sdk.http_retry.handler import RetryHandler

from bot import metrics


class CountingCalls(RetryHandler):
    """Never retries: counts the attempt it was shown, by method and outcome."""

    def can_retry(self, *, state, request, response=None, error=None) -> bool:
        metrics.SLACK_CALLS.labels(_method(request.url), _outcome(response)).inc()
        return False


class CountingRetries(RetryHandler):
    """`handler`, counting each retry it takes under `reason` and the time it waits before it."""

    def __init__(self, reason: str, handler: RetryHandler):
        super().__init__(handler.max_retry_count, handler.interval_calculator)
        self._reason, self._handler = reason, handler

    def can_retry(self, *, state, request, response=None, error=None) -> bool:
        return self._handler.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        started = time.monotonic()
        self._handler.prepare_for_next_attempt(state=state, request=request, response=response, error=error)
        metrics.SLACK_RETRIES.labels(self._reason).inc()
        metrics.SLACK_RETRY_WAIT.labels(self._reason).inc(time.monotonic() - started)


def _method(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[-1]


def _outcome(response) -> str:
    if response is None:
        return "network"
    status = response.status_code
    if status == 429:
        return "429"
    if status >= 500:
        return "5xx"
    if status >= 400:
        return "4xx"
    return "ok" if isinstance(response.body, dict) and response.body.get("ok") else "error"
