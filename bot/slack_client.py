"""The Web API client: one base URL for every call, and slack_sdk's retry handlers."""

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

SLACK_API_URL = "https://slack.com/api/"


def make_client(token: str, api_url: str | None) -> WebClient:
    """Retries 429s after Retry-After, 5xx answers and dropped connections, a few times each."""
    return WebClient(
        token=token,
        base_url=api_url or SLACK_API_URL,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
