"""Sending the commands: `concurrency` keep-alive connections, one command in flight on each, timing every ack.

All connections are driven by one thread with a selector, not a thread each, and a response is
read no further than its status line and Content-Length: during a run it takes 0.03 to 0.1 of a
core, where 50 sender threads on http.client took 0.4 of the two the servers under test share.
"""

from __future__ import annotations

import selectors
import socket
import time
from collections import deque

from run_results import Sample
from signed_commands import EVENTS_PATH, Command

TIMEOUT = 30.0  # seconds without any response that end the run; what is still in flight counts as failed
# The bot's HTTP server closes a keep-alive connection after 30 s idle (bot/http_server.py); one idle
# longer than this between runs is opened anew before it carries a command, which would otherwise
# meet the close and count as failed without ever reaching the bot.
REOPEN_IDLE_AFTER = 20.0


def open_connections(port: int, count: int) -> list[Connection]:
    """Opened once per server and kept for its warm-up and measured runs, so the figures are about
    requests, not about TCP handshakes and the server accepting connections."""
    return [Connection(port) for _ in range(count)]


def send_all(connections: list[Connection], commands: list[Command]) -> list[Sample]:
    """Send every command, keeping one in flight on each connection."""
    waiting = deque(commands)
    samples: list[Sample] = []
    selector = selectors.DefaultSelector()
    for connection in connections[:len(commands)]:
        connection.send(waiting.popleft())
        selector.register(connection.sock, selectors.EVENT_READ, connection)
    while selector.get_map():
        ready = selector.select(timeout=TIMEOUT)
        if not ready:
            samples += _abandon(selector, "timeout")
            break
        for key, _ in ready:
            connection: Connection = key.data
            sample = connection.receive()
            if sample is None:
                continue
            samples.append(sample)
            if not sample.acked:
                selector.unregister(connection.sock)
                connection.reconnect()
                selector.register(connection.sock, selectors.EVENT_READ, connection)
            if waiting:
                connection.send(waiting.popleft())
            else:
                selector.unregister(connection.sock)
    selector.close()
    return samples


def _abandon(selector: selectors.BaseSelector, reason: str) -> list[Sample]:
    abandoned = []
    for key in list(selector.get_map().values()):
        connection: Connection = key.data
        abandoned.append(connection.fail(reason))
        selector.unregister(connection.sock)
        connection.reconnect()
    return abandoned


class Connection:
    """One keep-alive HTTP/1.1 connection with at most one request on it."""

    def __init__(self, port: int):
        self.port = port
        self.sock = self._connect()
        self.sample: Sample | None = None
        self.buffer = b""
        self.idle_since = time.monotonic()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def send(self, command: Command) -> None:
        head = "".join(f"{name}: {value}\r\n" for name, value in command.headers.items())
        request = (f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
                   f"Content-Length: {len(command.body)}\r\n\r\n").encode() + command.body
        if time.monotonic() - self.idle_since > REOPEN_IDLE_AFTER:
            self.reconnect()
        self.sample = Sample(command.token, command.response_url, sent_at=time.time())
        self.buffer = b""
        try:
            self.sock.sendall(request)
        except OSError as error:
            self.sample.ack_error = type(error).__name__

    def receive(self) -> Sample | None:
        """The finished sample once its whole response has arrived (or the connection failed), else None."""
        try:
            chunk = self.sock.recv(65536)
        except OSError as error:
            return self.fail(type(error).__name__)
        if not chunk:
            return self.fail("connection closed")
        self.buffer += chunk
        status = _complete_response_status(self.buffer)
        if status is None:
            return None
        sample, self.sample = self.sample, None
        sample.acked_at, self.idle_since = time.time(), time.monotonic()
        if status != 200:
            sample.ack_error = f"HTTP {status}"
        return sample

    def fail(self, reason: str) -> Sample:
        sample, self.sample = self.sample, None
        sample.ack_error = sample.ack_error or reason
        return sample

    def reconnect(self) -> None:
        self.close()
        self.sock = self._connect()

    def close(self) -> None:
        self.sock.close()


def _complete_response_status(buffer: bytes) -> int | None:
    """The status code once the headers and the Content-Length bytes of body are in, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buffer[:end].decode("latin-1").split("\r\n")
    length = next((int(line.split(":", 1)[1]) for line in head[1:] if line.lower().startswith("content-length:")), 0)
    if len(buffer) < end + 4 + length:
        return None
    return int(head[0].split(" ", 2)[1])
