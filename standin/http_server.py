"""The HTTP side of the stand-in: a threaded, keep-alive JSON server."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

CONNECTION_DROPPED = 0  # the status a router gives to close the connection without answering

# router(http_method, path, query, headers, body) -> (status, json payload, extra headers)
Router = Callable[[str, str, str, dict, bytes], "tuple[int, dict, dict]"]

logger = logging.getLogger(__name__)


class StandInHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 resets bursts of concurrent clients

    def __init__(self, router: Router):
        self.router = router
        self._open_sockets: set[socket.socket] = set()
        self._sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def track(self, sock: socket.socket, is_open: bool) -> None:
        with self._sockets_lock:
            (self._open_sockets.add if is_open else self._open_sockets.discard)(sock)

    def close_open_connections(self) -> None:
        """Keep-alive connections would otherwise outlive the server until they time out."""
        with self._sockets_lock:
            sockets = list(self._open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SlackStandIn/1.0"
    timeout = 60
    server: StandInHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def do_POST(self) -> None:
        self._route()

    def do_GET(self) -> None:
        self._route()

    def _route(self) -> None:
        body = self._read_body()
        path, _, query = self.path.partition("?")
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            status, payload, extra = self.server.router(self.command, path, query, headers, body)
        except Exception:
            logger.exception("stand-in failed to answer %s %s", self.command, path)
            status, payload, extra = 500, {"ok": False, "error": "fatal_error"}, {}
        if status == CONNECTION_DROPPED:
            self.close_connection = True  # no answer at all, as when a connection breaks mid-call
            return
        self._send_json(status, payload, extra)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _send_json(self, status: int, payload: dict, extra: dict) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass
