"""The Web API client: one base URL for every call, and slack_sdk's retry handlers."""

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

SLACK_API_URL = "https://slack.com/api/"


def make_client(token: str, api_url: str | None) -> WebClient:
    """Retries 429s after Retry-After, 5xx answers and dropped connections. Enough times that
    even one call in five failing at random loses nothing (0.2 ** 6 per call); server errors
    back off from 0.2 s, so a call gives up after about 6 s rather than 30."""
    return WebClient(
        token=token,
        base_url=api_url or SLACK_API_URL,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=5, interval_calculator=BackoffRetryIntervalCalculator(0.2)),
        ],
    )
