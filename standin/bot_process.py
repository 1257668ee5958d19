"""Running the real `supportbot` process against the stand-in, as the tests and the benchmark do."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bot_env(*, api_url: str, bot_token: str, signing_secret: str, workdir: Path, config: Path, **overrides: str) -> dict:
    """The environment of `supportbot run` in HTTP mode, with nothing inherited from a real workspace."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "SUPPORTBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=bot_token,
        SLACK_SIGNING_SECRET=signing_secret,
        SLACK_API_URL=api_url,
        SUPPORTBOT_DB=str(workdir / "supportbot.db"),
        SUPPORTBOT_CONFIG=str(config),
        PORT=str(free_port()),
    )
    env.update(overrides)
    return env


def spawn(command: list[str], log_path: Path, **options) -> subprocess.Popen:
    """Start a process whose output goes to `log_path`."""
    with open(log_path, "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)


def spawn_bot(env: dict, workdir: Path, log_path: Path) -> subprocess.Popen:
    return spawn([sys.executable, "-m", "bot", "run"], log_path, env=env, cwd=workdir)


class PortTaken(RuntimeError):
    """Another process bound the port between `free_port` and the bot's own bind."""


def wait_healthy(process: subprocess.Popen, port: int, log_path: Path, timeout: float = 30.0) -> None:
    """Until this process says it listens on `port` and GET /healthz answers 200 (another process
    that took the port would answer too); RuntimeError with the log if the process exits or takes
    too long, PortTaken if it could not bind."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()
            error = PortTaken if "Address already in use" in log else RuntimeError
            raise error(f"{log_path.name}: exited with {process.returncode}:\n{log}")
        if f"listening on port {port}" not in log_path.read_text():
            time.sleep(0.05)
            continue
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    stop_process(process)
    raise RuntimeError(f"{log_path.name}: not healthy after {timeout:.0f}s:\n{log_path.read_text()}")


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM (the bot finishes acknowledged work), then SIGKILL if it takes too long."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child_pids(pid: int) -> list[int]:
    """The process's children alive now, such as the bot's HTTP front (Linux /proc; none elsewhere)."""
    try:
        return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()]
    except OSError:
        return []
