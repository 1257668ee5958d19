"""How the process's log lines look: plain text for people, or one JSON object a line for log shippers."""

import json
import logging
import os
import socket
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Iterator

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REQUEST_KEY: ContextVar[str | None] = ContextVar("request_key", default=None)


def instance_name() -> str:
    """This process among the bot's instances: its host (a container's ID) and process ID."""
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def logged_as(request_key: str) -> Iterator[None]:
    """Lines logged inside, in this thread, name the Slack request being handled."""
    token = REQUEST_KEY.set(request_key)
    try:
        yield
    finally:
        REQUEST_KEY.reset(token)


class JsonLines(logging.Formatter):
    def __init__(self, instance: str):
        super().__init__()
        self.instance = instance

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "instance": self.instance,
        }
        if REQUEST_KEY.get():
            line["request"] = REQUEST_KEY.get()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def use_log_format(name: str) -> None:
    """Every handler of the root logger writes `name` ("text" or "json") from now on."""
    formatter = JsonLines(instance_name()) if name == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
