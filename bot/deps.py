"""What every Slack adapter needs from the rest of the bot, built once in bot/app_factory.py."""

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from bot.config import TeamConfig
from storage.boots import Boot
from storage.db import Store
from storage.outbox import Claim


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Doorbell:
    """Rung after a commit that wrote outbox rows, so this process's delivery loop (bot/delivery.py)
    starts on them at once instead of at its next poll."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._deliver: Callable[[str, Claim | None, int | None], bool] | None = None
        self.deliverer: str | None = None  # the delivery loop's owner name, once it answers

    def ring(self) -> None:
        self._event.set()

    def answer_with(self, deliver: Callable[[str, Claim | None, int | None], bool], owner: str) -> None:
        self._deliver, self.deliverer = deliver, owner

    def deliver_now(self, subject: str, leased: Claim | None = None, requested: int | None = None) -> bool:
        """The subject's pending rows, delivered in the calling thread, so a person's receipt comes
        after the cards it speaks of; `leased` is its first row when the change wrote it leased to
        this process. True when the request's own row `requested` was delivered here; when
        another thread or process has it, that delivery answers the person. Without a delivery
        loop (a one-off command) it only rings."""
        if self._deliver:
            return self._deliver(subject, leased, requested)
        self.ring()
        return False

    def wait(self, seconds: float) -> None:
        """Until rung or `seconds` have passed (the monotonic clock), then ready for the next ring."""
        self._event.wait(seconds)
        self._event.clear()


@dataclass(frozen=True)
class Deps:
    store: Store
    team: TeamConfig
    clock: Callable[[], datetime] = utc_now
    boot: Boot | None = None  # this process, in storage/boots.py
    doorbell: Doorbell = field(default_factory=Doorbell)

    @property
    def boot_id(self) -> int | None:
        return self.boot.id if self.boot else None
