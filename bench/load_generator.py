"""Sending the commands: `concurrency` workers, each on its own keep-alive HTTP connection, timing every ack."""

from __future__ import annotations

import http.client
import queue
import threading
import time

from run_results import Sample
from signed_commands import EVENTS_PATH, Command


def send_all(port: int, commands: list[Command], concurrency: int) -> list[Sample]:
    """Send every command to 127.0.0.1:`port`, `concurrency` at a time; the workers start together."""
    work: queue.SimpleQueue[Command | None] = queue.SimpleQueue()
    for command in commands:
        work.put(command)
    workers = min(concurrency, len(commands))
    for _ in range(workers):
        work.put(None)
    samples: list[Sample] = []
    start_together = threading.Barrier(workers)
    threads = [threading.Thread(target=_send_from_queue, args=(port, work, samples, start_together), daemon=True)
               for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _send_from_queue(port: int, work: queue.SimpleQueue, samples: list[Sample],
                     start_together: threading.Barrier) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()  # before the clock starts: the figures are about requests, not TCP handshakes
    start_together.wait()
    try:
        while (command := work.get()) is not None:
            sample = _send_one(connection, command)
            if not sample.acked:
                connection.close()  # http.client reconnects on the next request
            samples.append(sample)
    finally:
        connection.close()


def _send_one(connection: http.client.HTTPConnection, command: Command) -> Sample:
    sample = Sample(command.token, command.response_url, sent_at=time.time())
    try:
        connection.request("POST", EVENTS_PATH, body=command.body, headers=command.headers)
        response = connection.getresponse()
        response.read()
        sample.acked_at = time.time()
        if response.status != 200:
            sample.ack_error = f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as error:
        sample.ack_error = type(error).__name__
    return sample
