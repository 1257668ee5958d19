"""`--server-cpus N`: the PostgreSQL server on the last N CPUs of this machine, the bench and
everything it starts on the others, as when the database has a host of its own (a managed
database, the shape a team moving to PostgreSQL runs). On a small machine shared by all of
them, the server's CPU is otherwise taken from the bot it serves and from the ceiling beside it.

The server must run on this machine, and its processes must be this user's (or this user root):
the postmaster and its children get the server's CPUs (backends forked later inherit them), and
when the run ends they and any backend forked meanwhile get the postmaster's CPUs back."""

from __future__ import annotations

import argparse
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class ServerApartError(Exception):
    """Why the server could not be given CPUs of its own; says what to do instead."""


def add_server_cpus_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server-cpus", type=int, default=0, metavar="N",
                        help="with --db, run the PostgreSQL server (on this machine) on N CPUs of its own and the"
                             " bench on the rest, as with a database host of its own (default 0: all share every CPU)")


@contextmanager
def server_apart(server_url: str | None, cpus: int) -> Iterator[str | None]:
    """Yields a line saying which CPUs each side has, or None when nothing was moved."""
    if not cpus:
        yield None
        return
    if not server_url:
        raise ServerApartError("--server-cpus needs --db: it places a PostgreSQL server")
    everything = sorted(os.sched_getaffinity(0))
    if not 0 < cpus < len(everything):
        raise ServerApartError(f"--server-cpus must leave the bench at least one of the {len(everything)} CPUs it may"
                               f" use: at most {len(everything) - 1}")
    server, bench = set(everything[-cpus:]), set(everything[:-cpus])
    postmaster, children = _server_processes(server_url)
    server_before = os.sched_getaffinity(postmaster)
    try:
        for pid in (postmaster, *children):
            _place(pid, server)
        os.sched_setaffinity(0, bench)
        yield f"the PostgreSQL server on CPU {_listed(server)}, the bench and the bot on CPU {_listed(bench)}"
    finally:
        os.sched_setaffinity(0, set(everything))
        for pid in (postmaster, *_children(postmaster)):  # those forked meanwhile too
            _place(pid, server_before)


def _place(pid: int, cpus: set[int]) -> None:
    try:
        os.sched_setaffinity(pid, cpus)
    except ProcessLookupError:
        pass
    except PermissionError:
        raise ServerApartError("--server-cpus needs the PostgreSQL server's processes to be this user's"
                               " (or to run as root)") from None


def _server_processes(server_url: str) -> tuple[int, list[int]]:
    """The postmaster (the parent of this connection's backend) and its children."""
    import psycopg
    try:
        with psycopg.connect(server_url, autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            postmaster = _parent(backend) if _is_postgres(backend) else None  # while the backend lives
    except psycopg.OperationalError as error:
        raise ServerApartError(f"--server-cpus could not reach the server of --db: {str(error).splitlines()[0]}") from None
    if postmaster is None or not _is_postgres(postmaster):
        raise ServerApartError("--server-cpus needs the PostgreSQL server of --db to run on this machine")
    return postmaster, _children(postmaster)


def _children(parent: int) -> list[int]:
    return [int(pid) for pid in os.listdir("/proc") if pid.isdigit() and _parent(int(pid)) == parent]


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _is_postgres(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"
    except OSError:
        return False


def _listed(cpus: set[int]) -> str:
    return ", ".join(map(str, sorted(cpus)))
