"""Acknowledging Slack's HTTP requests in a process of their own: the front.

Python threads share one interpreter lock. In one process, a request being acknowledged waits
for it at every step of its way through the server while other threads render, store and post
cards, so the bot's slowest acknowledgements lagged the bare Bolt app's (bench/ack_latency.py).
The front serves POST /slack/events alone: Bolt checks the signature, the listener keeps the
request in the inbox and acknowledges it (bot/surface.py), and the request goes to the main
process over a pipe, named with the listener that acknowledged it. Everything after the ack,
the outbox's deliveries and the jobs run in the main process, which also answers /healthz,
/readyz and /metrics on a loopback port the front passes those paths to.

The two live and die together. The front is forked before the main process opens anything,
and learns what it needs once the main process is ready: the channels, the bot's identity and
the main process's boot, which the requests it keeps carry. If the main process dies, those
requests are a gone boot's and another process finishes them (storage/inbox.py); the front
sees its pipe close and exits. If the front dies, the main process stops with it.
"""

import logging
import multiprocessing
import os
import queue
import signal
import threading
from dataclasses import dataclass
from typing import Callable

from slack_sdk import WebClient

from bot import metrics
from bot.app_factory import build_front_app
from bot.config import ConfigError, Settings, TeamConfig
from bot.database_clock import DatabaseClock
from bot.deps import Deps
from bot.http_server import make_front_wsgi, make_server
from bot.surface import HandOver
from storage.boots import Boot
from storage.db import Store

log = logging.getLogger(__name__)
FORK = multiprocessing.get_context("fork")
STOP_WITHIN = 10.0  # seconds for the front to finish the requests it is acknowledging
POOL_SIZE = 4  # the front only keeps requests, on the inbox's own connections
WORK_NICENESS = 3  # mild, so the work is not starved when other processes keep the machine busy


def yield_cpu_to_front() -> None:
    """Called by the main process before it starts any thread, so each thread inherits it (both
    settings are a thread's own on Linux). Slack's 3-second window is the hard limit and a card a
    millisecond later is not. At niceness WORK_NICENESS the kernel gives the CPU to the front first
    when both want it; SCHED_BATCH keeps a worker thread that wakes up from preempting the front's
    running request, and changes no CPU share, so it cannot starve the work."""
    os.nice(WORK_NICENESS)
    os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))


@dataclass(frozen=True)
class FrontStart:
    """What the main process tells the front once it is ready."""

    team: TeamConfig
    identity: dict  # the main process's auth.test answer
    boot_id: int | None
    endpoints_port: int  # where the main process answers /healthz, /readyz and /metrics


class Front:
    """The main process's side of the front."""

    def __init__(self, settings: Settings):
        """Forks the front, which waits for `start`. Call it before anything is opened or started:
        a fork copies only the thread that makes it."""
        control_in, self._control = FORK.Pipe(duplex=False)
        self._handed, handed_out = FORK.Pipe(duplex=False)
        main_ends = (self._control, self._handed)  # closed in the front
        self._process = FORK.Process(target=_front, args=(settings, control_in, handed_out, main_ends),
                                     name="supportbot-front", daemon=True)
        self._process.start()
        control_in.close()
        handed_out.close()
        self._port = settings.http_port
        self._stopping = False
        self._receiver: threading.Thread | None = None
        self.died = False  # it stopped while the main process still wanted it

    def start(self, start: FrontStart, dispatch: HandOver, on_death: Callable[[], None]) -> int:
        """Tells the front to listen; returns its port. ConfigError if the port is taken, OSError
        if the front could not start for another reason."""
        self._control.send(start)
        try:
            kind, detail = self._handed.recv()
        except EOFError:
            raise OSError(f"the HTTP front exited with {self._process.exitcode} before listening") from None
        if kind == "unbound":
            raise ConfigError("PORT", f"cannot listen on port {self._port} ({detail})",
                              "stop whatever listens there, or set PORT to a free port")
        if kind == "failed":
            raise OSError(detail)
        self._receiver = threading.Thread(target=self._receive, args=(dispatch, on_death),
                                          name="supportbot-front-link", daemon=True)
        self._receiver.start()
        return detail

    def stop(self) -> None:
        """Stop taking requests, and return once every request the front acknowledged is dispatched."""
        self._stopping = True
        if self._process.is_alive():
            os.kill(self._process.pid, signal.SIGTERM)
        self._process.join(STOP_WITHIN)
        if self._process.is_alive():
            log.warning("the HTTP front did not stop within %g s: killed", STOP_WITHIN)
            self._process.kill()
            self._process.join()
        if self._receiver is not None:
            self._receiver.join()
        self._control.close()

    def _receive(self, dispatch: HandOver, on_death: Callable[[], None]) -> None:
        while True:
            try:
                kind, *detail = self._handed.recv()
            except (EOFError, OSError):
                break
            if kind == "request":
                try:
                    dispatch(*detail)
                except Exception:  # noqa: BLE001 - the next requests must still be worked on
                    log.exception("could not work on a request the HTTP front acknowledged:"
                                  " it stays in the inbox for the next start")
            elif kind == "database_error":
                metrics.DATABASE_ERRORS.labels(*detail).inc()
        if not self._stopping:
            self.died = True
            self._process.join(STOP_WITHIN)  # its pipe closed as it died: its exit code follows
            log.error("the HTTP front exited with %s: stopping", self._process.exitcode)
            on_death()


class _HandOver:
    """The front's requests, sent to the main process in order by one thread, so no request
    thread waits on the pipe (the main process may be paused)."""

    def __init__(self, pipe):
        self._pipe = pipe
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._send, name="supportbot-hand-over", daemon=True)
        self._thread.start()

    def request(self, listener: int, body: dict, response_url: str | None, outcome: str, seconds: float) -> None:
        self._queue.put(("request", listener, body, response_url, outcome, seconds))

    def database_error(self, reason: str) -> None:
        self._queue.put(("database_error", reason))

    def close(self) -> None:
        """Once everything handed over so far is sent."""
        self._queue.put(None)
        self._thread.join()
        self._pipe.close()

    def _send(self) -> None:
        while (message := self._queue.get()) is not None:
            try:
                self._pipe.send(message)
            except OSError:  # the main process is gone: the front exits with it (_exit_with_main)
                return


def _front(settings: Settings, control, handed, main_ends: tuple) -> None:
    for end in main_ends:
        end.close()
    try:
        start: FrontStart = control.recv()
    except EOFError:
        return  # the main process stopped before it was ready
    threading.Thread(target=_exit_with_main, args=(control,), name="supportbot-front-life", daemon=True).start()
    hand_over = _HandOver(handed)
    metrics.send_database_errors_to(hand_over.database_error)
    try:
        store = Store(settings.database, settings.busy_timeout_ms, pool_size=POOL_SIZE)
        deps = Deps(store=store, team=start.team, clock=DatabaseClock(store), boot=Boot(start.boot_id, life=None))
        client = WebClient(base_url=settings.api_url or WebClient.BASE_URL)  # the front calls no Web API method
        app = build_front_app(settings, client, deps, start.identity, hand_over.request)
    except Exception as error:  # noqa: BLE001 - told to the main process, which says it and stops
        handed.send(("failed", f"{type(error).__name__}: {error}"))
        return
    try:
        server = make_server(make_front_wsgi(app, start.endpoints_port), host="0.0.0.0", port=settings.http_port)
    except OSError as error:
        handed.send(("unbound", error.strerror or str(error)))
        return
    handed.send(("started", server.effective_port))
    signal.signal(signal.SIGTERM, _stop_serving)
    try:
        server.run()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.close()
        hand_over.close()


def _stop_serving(signum, frame) -> None:
    raise SystemExit(0)


def _exit_with_main(control) -> None:
    """The main process never sends a second message: the pipe ends when it does."""
    try:
        control.recv()
    except EOFError:
        pass
    os._exit(0)
