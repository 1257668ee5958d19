"""Sending commands at a steady rate instead of as fast as the server answers.

Command i goes out at start + i / rate on whichever connection is free, so a quiet team's
trickle is measured as a quiet team sends it: one command at a time, never a burst.
"""

from __future__ import annotations

import selectors
import time
from collections import deque

from load_generator import TIMEOUT, Connection
from run_results import Sample
from signed_commands import Command


def send_paced(connections: list[Connection], commands: list[Command], rate: float) -> list[Sample]:
    start = time.monotonic()
    waiting = deque(enumerate(commands))
    idle = list(connections)
    samples: list[Sample] = []
    selector = selectors.DefaultSelector()
    while waiting or selector.get_map():
        while waiting and idle and time.monotonic() >= start + waiting[0][0] / rate:
            connection = idle.pop()
            connection.send(waiting.popleft()[1])
            selector.register(connection.sock, selectors.EVENT_READ, connection)
        due = start + waiting[0][0] / rate - time.monotonic() if waiting and idle else TIMEOUT
        for key, _ in selector.select(timeout=max(0.0, min(due, TIMEOUT))):
            connection = key.data
            sample = connection.receive()
            if sample is not None:
                samples.append(sample)
                selector.unregister(connection.sock)
                if not sample.acked:
                    connection.reconnect()
                idle.append(connection)
    selector.close()
    return samples
