"""Starting the bot: database, Slack client, channel names, the app, then a transport."""

import logging
import os
import signal
import sys
import threading
import time
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

from bot.ack_first import AckFirstPool
from bot.app_factory import build_app
from bot.channels import resolve_channels
from bot.config import ConfigError, Settings
from bot.database_check import open_database
from bot.delivery import DeliveryLoop
from bot.front import Front, FrontStart, yield_cpu_to_front
from bot.http_server import make_server, make_wsgi_app
from bot.metrics import watch_queues
from bot.readiness import Readiness
from bot.slack_client import make_client
from bot.surface import HandOver
from bot.database_clock import DatabaseClock
from bot.deps import Deps
from jobs.inbox_replay import inbox_replay_job
from jobs.schedule import Schedule, start_scheduler
from storage.boots import end_boot, start_boot
from storage.db import DATABASE_ERRORS, Store
from storage.outbox import KEEP_DONE, forget_done_before
from storage.records import forget_requests_before

log = logging.getLogger(__name__)

WORKERS = 32  # Web API calls mostly wait on the network; 32 drained a burst's cards faster than 16
REPLAY_MEMORY = timedelta(days=2)


@dataclass(frozen=True)
class Prepared:
    app: App
    deps: Deps
    workers: Executor
    scheduler: Schedule
    delivery: DeliveryLoop
    readiness: Readiness
    identity: dict  # Slack's auth.test answer for the bot token
    take_over: HandOver  # works on a request the HTTP front acknowledged
    front: Front | None = None

    def stop(self) -> None:
        """Stop taking requests and waking new jobs, let work already acknowledged finish, then
        stop delivering: rows still pending stay in the outbox for the next process."""
        if self.front is not None:
            self.front.stop()
        self.scheduler.shutdown(wait=True)
        self.delivery.stop()
        self.workers.shutdown(wait=True)
        try:
            if self.deps.boot is not None:
                end_boot(self.deps.store.db(), self.deps.clock(), self.deps.boot)
        except DATABASE_ERRORS as error:
            log.warning("could not record this process's stop (%s): the others notice it in a few seconds", error)
        finally:
            self.deps.store.close()


SWITCH_INTERVAL_S = 0.0005


def prepare(settings: Settings, front: Front | None = None) -> Prepared:
    """Everything but the transport; `front`, forked before, is stopped with the rest."""
    # A request thread woken by Slack waits for the GIL while a worker renders cards or writes:
    # up to Python's 5 ms switch interval each time. The ack is the latency that counts.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    if front is not None:
        try:
            yield_cpu_to_front()
        except OSError as error:  # a sandbox that forbids it: the front still acknowledges apart
            log.warning("could not lower the work's CPU priority (%s): acknowledgements may wait for it", error)
    open_database(settings.database)
    client = make_client(settings.bot_token, settings.api_url)
    store = Store(settings.database, settings.busy_timeout_ms, pool_size=WORKERS)
    readiness = Readiness(store)
    identity = _check_token(client)
    readiness.token_accepted()
    watch_queues(store)
    clock = DatabaseClock(store)
    deps = Deps(store=store, team=resolve_channels(client, settings.team), clock=clock,
                boot=start_boot(store.target, clock(), store.busy_timeout_ms))
    log.info("database %s (%s) at schema version %d", store.engine.describe(), store.engine.name,
             store.engine.schema_version(deps.store.db()))
    forget_requests_before(deps.store.db(), deps.clock() - REPLAY_MEMORY)
    forget_done_before(deps.store.db(), deps.clock() - KEEP_DONE)
    workers = _workers(front)
    app, surface = build_app(settings, client, deps, workers)
    delivery = DeliveryLoop(client, deps, workers, surface.deliveries)
    delivery.start()
    scheduler = start_scheduler(client, deps, (inbox_replay_job(app),))
    return Prepared(app=app, deps=deps, workers=workers, scheduler=scheduler, delivery=delivery, readiness=readiness,
                    identity=identity, take_over=surface.take_over, front=front)


def _workers(front: Front | None) -> Executor:
    """Behind the HTTP front the acknowledgements are answered in another process, which this one
    already yields the CPU to: work starts at once. Holding it through a burst (AckFirstPool)
    protects acknowledgements that share this process's interpreter lock (Socket Mode, the demo);
    behind the front it would only keep the cards waiting (bench/README.md, PostgreSQL)."""
    if front is not None:
        return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="supportbot")
    return AckFirstPool(threads=WORKERS)


def _check_token(client) -> dict:
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        if error.response.status_code >= 429:
            raise  # Slack failing, not the token: bot/cli.py says so in one line
        raise ConfigError("SLACK_BOT_TOKEN", f"Slack rejected the token ({error.response.get('error')})",
                          "copy the Bot User OAuth Token from OAuth & Permissions into .env") from None
    except OSError as error:
        raise ConfigError("SLACK_API_URL", f"cannot reach {client.base_url} ({error})",
                          "check the network, or unset SLACK_API_URL to use slack.com") from None
    log.info("connected to %s as %s", identity.get("team"), identity.get("user"))
    return identity.data


def serve_through_front(prepared: Prepared) -> int:
    """Answers /healthz, /readyz and /metrics on a loopback port, starts the front (bot/front.py)
    and returns the port it listens on. Each request the front acknowledged is worked on here,
    by the listener that acknowledged it there. If the front dies, this process stops as on
    SIGTERM."""
    endpoints = serve_http(None, prepared.readiness, 0, host="127.0.0.1")
    threading.Thread(target=endpoints.run, name="supportbot-endpoints", daemon=True).start()
    start = FrontStart(team=prepared.deps.team, identity=prepared.identity, boot_id=prepared.deps.boot_id,
                       endpoints_port=endpoints.effective_port)
    return prepared.front.start(start, prepared.take_over, on_death=lambda: os.kill(os.getpid(), signal.SIGTERM))


def serve_http(app: App | None, readiness: Readiness, port: int, host: str = "0.0.0.0"):
    """Returns the server unstarted: `.run()` blocks, `.effective_port` tells the port, `.close()` stops.
    Without an app, only /healthz, /readyz and /metrics."""
    return make_server(make_wsgi_app(app, readiness.problem), host=host, port=port)


def run_until_stopped(serve: Callable[[], None], prepared: Prepared) -> None:
    """Serve until SIGTERM or Ctrl-C, then let work already acknowledged finish: Slack was
    told "received", so the cards and notes it promised must still go out."""
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        serve()
    except (SystemExit, KeyboardInterrupt):
        pass
    log.info("stopping: finishing work already acknowledged")
    prepared.stop()


def _exit_quietly(signum, frame) -> None:
    raise SystemExit(0)


def wait_for_a_signal() -> None:
    """The main thread's part while other threads serve. Python runs a signal's handler on the
    main thread, between two of its steps; a wait with no timeout is cut short only when the
    kernel hands the signal to the main thread itself. Waking every second, the main thread
    runs the handler within a second whichever thread the signal reached."""
    while True:
        time.sleep(1.0)


def serve_socket_mode(prepared: Prepared, app_token: str, port: int | None) -> None:
    """With a port, /healthz, /readyz and /metrics are served there meanwhile."""
    endpoints = serve_http(None, prepared.readiness, port) if port is not None else None
    handler = SocketModeHandler(prepared.app, app_token=app_token)
    handler.connect()
    log.info("connected over Socket Mode")
    if endpoints:
        threading.Thread(target=endpoints.run, name="supportbot-endpoints", daemon=True).start()
        log.info("listening on port %s: GET /healthz, /readyz, /metrics", endpoints.effective_port)
    try:
        wait_for_a_signal()
    finally:
        handler.close()
        if endpoints:
            endpoints.close()
