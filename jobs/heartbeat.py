"""Proving this process is alive, for the claims that still name their boot (storage/boots.py)."""

from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.deps import Deps
from storage.boots import HEARTBEAT_EVERY, beat


def heartbeat_trigger() -> IntervalTrigger:
    return IntervalTrigger(seconds=HEARTBEAT_EVERY.total_seconds())


def send_heartbeat(client: WebClient, deps: Deps) -> None:
    beat(deps.store.db(), deps.clock(), deps.boot_id)
