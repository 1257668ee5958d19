"""HTTP mode: Slack's requests at /slack/events and a health check, served by waitress."""

from typing import Callable, Iterable

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server


EVENTS_PATH = "/slack/events"
WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


def make_wsgi_app(app: App) -> WsgiApp:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def route(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return _plain(start_response, "200 OK", "ok")
        if path != EVENTS_PATH:
            return _plain(start_response, "404 Not Found", "not found")
        if not environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "").isdigit():
            # Bolt would answer a non-numeric timestamp with a 500; it is simply not a valid request.
            return _plain(start_response, "401 Unauthorized", "invalid request")
        return slack(environ, start_response)

    return route


def _plain(start_response: Callable, status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]


def make_server(wsgi: WsgiApp, host: str, port: int, threads: int = 16):
    """A waitress server; `.run()` serves until `.close()`, `.effective_port` tells the bound port."""
    return create_server(wsgi, host=host, port=port, threads=threads, connection_limit=1000, channel_timeout=30)
