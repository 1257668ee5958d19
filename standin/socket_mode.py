"""Socket Mode: a WebSocket server that delivers envelopes and collects acks."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from . import directory as d

DEBUG_HOST = "standin-socket-mode"
_INTERACTIONS_WITH_RESPONSE = ("view_submission", "block_suggestion")


def accepts_response_payload(envelope_type: str, payload: dict) -> bool:
    if envelope_type == "slash_commands":
        return True
    return envelope_type == "interactive" and payload.get("type") in _INTERACTIONS_WITH_RESPONSE


class SocketModeServer:
    """Keeps every open connection, as Slack does for an app's several instances, and delivers
    each envelope on one of them: the newest unless a test names another."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open: list[ServerConnection] = []
        self._total_connections = 0
        self._acks: dict[str, dict] = {}
        self._server = None
        self.port = 0

    def start(self) -> None:
        self._server = serve(
            self._serve_connection, "127.0.0.1", 0,
            compression=None, close_timeout=1, max_size=None,
            # Frequent pings wake clients blocked on a socket read, so they notice closes promptly.
            ping_interval=0.5, ping_timeout=20,
            logger=logging.getLogger("standin.socket_mode"),
        )
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, name="standin-socket-mode", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    def new_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket={secrets.token_hex(16)}&app_id={d.APP_ID}"

    @property
    def total_connections(self) -> int:
        with self._changed:
            return self._total_connections

    @property
    def open_connections(self) -> int:
        with self._changed:
            return len(self._open)

    def _serve_connection(self, connection: ServerConnection) -> None:
        with self._changed:
            # Hello goes first, before any envelope can be sent on this connection.
            connection.send(json.dumps(_hello(len(self._open) + 1)))
            self._open.append(connection)
            self._total_connections += 1
            self._changed.notify_all()
        try:
            for raw in connection:
                self._on_client_message(raw)
        except ConnectionClosed:
            pass
        finally:
            self._forget(connection)

    def _forget(self, connection: ServerConnection) -> None:
        with self._changed:
            if connection in self._open:
                self._open.remove(connection)
            self._changed.notify_all()

    def _on_client_message(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return
        if isinstance(message, dict) and message.get("envelope_id"):
            with self._changed:
                self._acks[message["envelope_id"]] = message
                self._changed.notify_all()

    def _wait(self, condition, timeout: float, failure: str):
        """The first true result of `condition`, asked under the lock whenever something changes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (found := condition()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(failure)
                self._changed.wait(remaining)
            return found

    def _open_connection(self, index: int | None, timeout: float) -> ServerConnection:
        """The open connection at `index` (oldest first), or the newest; waits until there is one."""
        if index is None:
            return self._wait(lambda: self._open and self._open[-1], timeout,
                              f"no Socket Mode client connected within {timeout}s")
        return self._wait(lambda: len(self._open) > index and self._open[index], timeout,
                          f"no Socket Mode connection #{index} open within {timeout}s")

    def wait_connected(self, timeout: float = 5.0, *, count: int = 1) -> int:
        """Wait until `count` connections are open; return how many there have been in total."""
        self._wait(lambda: len(self._open) >= count, timeout,
                   f"{count} Socket Mode connection(s) not open within {timeout}s")
        return self.total_connections

    def send_envelope(self, envelope_type: str, payload: dict, *, retry_attempt: int = 0,
                      retry_reason: str | None = None, envelope_id: str | None = None,
                      connection: int | None = None, timeout: float = 5.0) -> dict:
        """Deliver on the open connection at index `connection` (oldest first), or on the newest;
        return the client's ack."""
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload(envelope_type, payload),
            "retry_attempt": retry_attempt,
            "retry_reason": (retry_reason or "timeout") if retry_attempt else "",
        }
        self._deliver(json.dumps(envelope), connection, timeout)
        self._wait(lambda: envelope_id in self._acks, timeout,
                   f"no ack for {envelope_type} envelope {envelope_id} within {timeout}s")
        with self._changed:
            return self._acks.pop(envelope_id)

    def request_reconnect(self, timeout: float = 5.0) -> int:
        """Ask the client on the newest connection to refresh it; return once a new one is open."""
        old = self._open_connection(None, timeout)
        before = self.total_connections
        disconnect = {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": DEBUG_HOST}}
        old.send(json.dumps(disconnect))
        self._wait(lambda: self._total_connections > before, timeout,
                   f"the Socket Mode client did not reconnect within {timeout}s")
        # Like Slack, retire the refreshed connection once its replacement is up.
        threading.Thread(target=old.close, name="standin-socket-retire", daemon=True).start()
        return self.total_connections

    def _deliver(self, text: str, index: int | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            connection = self._open_connection(index, max(deadline - time.monotonic(), 0.0))
            try:
                connection.send(text)
                return
            except ConnectionClosed:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"the Socket Mode connection closed while sending, for {timeout}s")
                self._forget(connection)
                index = None  # as Slack does, deliver on a connection still open


def _hello(num_connections: int) -> dict:
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {"host": DEBUG_HOST, "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": d.APP_ID},
    }
