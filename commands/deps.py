"""What every Slack adapter needs from the rest of the bot, built once in bot/app_factory.py."""

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from bot.config import TeamConfig
from storage.db import Store


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Deps:
    store: Store
    team: TeamConfig
    clock: Callable[[], datetime] = utc_now
    boot_id: int | None = None  # this process, in storage/boots.py
