"""The bot's HTTP endpoints, served by waitress: Slack's requests at /slack/events (HTTP mode),
and for whoever runs it /healthz (the process answers), /readyz (it may be sent work) and
/metrics (Prometheus)."""

import urllib.error
import urllib.request
from http import HTTPStatus
from typing import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.metrics import exposition

EVENTS_PATH = "/slack/events"
WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
PASS_ON_WITHIN = 3.0  # seconds; /readyz answers within 1.5 (bot/readiness.py)
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def make_wsgi_app(app: App | None, readiness_problem: Callable[[], str | None]) -> WsgiApp:
    """`readiness_problem` says why the instance is not ready, or None (bot/readiness.py).
    Without an app (Socket Mode), everything but /slack/events."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH) if app else None

    def route(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _plain(start_response, "200 OK", "ok")
        if path == "/readyz":
            problem = readiness_problem()
            return _plain(start_response, "503 Service Unavailable", problem) if problem else _plain(
                start_response, "200 OK", "ready")
        if path == "/metrics":
            body, content_type = exposition()
            return _body(start_response, "200 OK", content_type, body)
        return _slack_events(slack, environ, start_response)

    return route


def make_front_wsgi(app: App, endpoints_port: int) -> WsgiApp:
    """The HTTP front's (bot/front.py): /slack/events here, /healthz, /readyz and /metrics passed
    to the main process on `endpoints_port`, so they speak for the whole bot."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def route(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/readyz", "/metrics"):
            return _passed_on(start_response, f"http://127.0.0.1:{endpoints_port}{path}")
        return _slack_events(slack, environ, start_response)

    return route


def _slack_events(slack: SlackRequestHandler | None, environ: dict, start_response: Callable) -> Iterable[bytes]:
    if environ.get("PATH_INFO", "") != EVENTS_PATH or slack is None:
        return _plain(start_response, "404 Not Found", "not found")
    if not environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "").isdigit():
        # Bolt would answer a non-numeric timestamp with a 500; it is simply not a valid request.
        return _plain(start_response, "401 Unauthorized", "invalid request")
    return slack(environ, start_response)


def _passed_on(start_response: Callable, url: str) -> list[bytes]:
    try:
        with _DIRECT.open(url, timeout=PASS_ON_WITHIN) as answer:
            status, content_type, body = answer.status, answer.headers.get("Content-Type"), answer.read()
    except urllib.error.HTTPError as answer:
        status, content_type, body = answer.code, answer.headers.get("Content-Type"), answer.read()
    except OSError as error:
        return _plain(start_response, "503 Service Unavailable", f"the bot's main process did not answer ({error})")
    return _body(start_response, f"{status} {HTTPStatus(status).phrase}", content_type or "text/plain", body)


def _plain(start_response: Callable, status: str, text: str) -> list[bytes]:
    return _body(start_response, status, "text/plain; charset=utf-8", text.encode())


def _body(start_response: Callable, status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def make_server(wsgi: WsgiApp, host: str, port: int, threads: int = 16):
    """A waitress server; `.run()` serves until `.close()`, `.effective_port` tells the bound port."""
    return create_server(wsgi, host=host, port=port, threads=threads, connection_limit=1000, channel_timeout=30)
