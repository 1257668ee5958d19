"""CPU time used by the processes under load and by the rest of the machine (Linux /proc; NaN elsewhere)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from standin.bot_process import child_pids


class CpuMeter:
    """CPU used from its creation to `cores()`, per process and by all other processes, in cores
    (CPU time over wall time)."""

    def __init__(self, processes: dict[str, int]) -> None:
        self._processes = processes
        self._before = self._snapshot()
        self._machine_before = machine_busy_seconds()
        self._started = time.monotonic()

    def cores(self) -> dict[str, float]:
        wall = time.monotonic() - self._started
        cores = {label: (used - self._before[label]) / wall for label, used in self._snapshot().items()}
        machine = (machine_busy_seconds() - self._machine_before) / wall
        cores["other processes"] = max(0.0, machine - sum(cores.values()))
        return cores

    def _snapshot(self) -> dict[str, float]:
        # A server's children are its own (the bot's HTTP front); this process's are the servers.
        return {label: cpu_seconds(pid, with_children=pid != os.getpid()) for label, pid in self._processes.items()}


def machine_busy_seconds() -> float:
    """CPU time all processes on this machine have used so far, summed over CPUs."""
    try:
        ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return float("nan")
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, with_children: bool = False) -> float:
    """User + system CPU time of a process so far, with its children alive now if asked."""
    children = child_pids(pid) if with_children else []
    return _own_cpu_seconds(pid) + sum(_own_cpu_seconds(child) for child in children)


def _own_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
