"""Running the real `supportbot` process against the local Slack stand-in."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from standin import SlackDriver, SlackStandIn
from storage.outbox import LEASE
from tests.databases import database_for
from standin.bot_process import bot_env as process_env
from standin.bot_process import PortTaken, spawn, stop_process, wait_healthy

REPO = Path(__file__).resolve().parent.parent
SECRET = "standin-secret"
PORT_TRIES = 3
# A paused instance sleeps past its outbox lease, so another takes its rows over while it sleeps;
# the take-over is waited for up to TAKEOVER_WAIT_S, however long that keeps it paused.
PAUSE_S = 1.5 * LEASE.total_seconds()
TAKEOVER_WAIT_S = 30.0
TEAM_YAML = (REPO / "app.yaml").read_text()


@dataclass
class RunningBot:
    process: subprocess.Popen
    url: str
    database: str
    log_path: Path
    driver: SlackDriver

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        stop_process(self.process)

    @contextmanager
    def paused(self, seconds: float = PAUSE_S):
        """SIGSTOP for `seconds` in all (a stalled VM, a closed laptop lid), whatever the block
        inside waits for meanwhile; then SIGCONT."""
        self.process.send_signal(signal.SIGSTOP)
        woken_at = time.monotonic() + seconds
        try:
            yield
            time.sleep(max(0.0, woken_at - time.monotonic()))
        finally:
            self.process.send_signal(signal.SIGCONT)


def bot_env(standin: SlackStandIn, workdir: Path, **overrides: str) -> dict:
    config = workdir / "app.yaml"
    if not config.exists():
        config.write_text(TEAM_YAML)
    return process_env(api_url=standin.api_url, bot_token=standin.bot_token, signing_secret=SECRET,
                       workdir=workdir, config=config, **{"SUPPORTBOT_DB": overrides.get("SUPPORTBOT_DB") or database_for(workdir), **overrides})


def run_cli(args: list[str], env: dict, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def read_only_prefix(directory: Path) -> tuple[str, ...]:
    """A command prefix under which nothing in `directory` can be written. Root ignores file
    modes, so as root the directory is mounted read-only in a mount namespace of the bot's own."""
    if os.geteuid() != 0:
        for path in directory.iterdir():
            path.chmod(0o444)
        directory.chmod(0o555)
        return ()
    remount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return ("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", remount, str(directory))


def start_bot(standin: SlackStandIn, workdir: Path, read_only: bool = False, **overrides: str) -> RunningBot:
    """HTTP mode, ready once /healthz answers. A free port can be taken by another process before
    the bot binds it (tests run side by side): then the bot starts again on another. With
    `read_only`, the bot cannot write to its working directory (its log goes beside it)."""
    tries_left = PORT_TRIES
    while True:
        bot = _spawn(standin, workdir, read_only, **overrides)
        try:
            wait_healthy(bot.process, int(bot.url.rsplit(":", 1)[1]), bot.log_path, timeout=20)
            return bot
        except PortTaken:
            tries_left -= 1
            if not tries_left:
                raise


def start_socket_mode_bot(standin: SlackStandIn, workdir: Path, **overrides: str) -> RunningBot:
    """Socket Mode, ready once it has opened its WebSocket to the stand-in: one more than were open."""
    already_open = standin.open_socket_connections
    bot = _spawn(standin, workdir, False, SLACK_APP_TOKEN=standin.app_token, **overrides)
    try:
        standin.socket_connected(timeout=20, count=already_open + 1)
    except TimeoutError:
        bot.stop()
        raise TimeoutError(f"supportbot did not connect over Socket Mode:\n{bot.log()}") from None
    return bot


def _spawn(standin: SlackStandIn, workdir: Path, read_only: bool = False, **overrides: str) -> RunningBot:
    env = bot_env(standin, workdir, **overrides)
    log_name = f"bot-{env['PORT']}.log"
    log_path = workdir.parent / f"{workdir.name}-{log_name}" if read_only else workdir / log_name
    prefix = read_only_prefix(workdir) if read_only else ()
    process = spawn([*prefix, sys.executable, "-m", "bot", "run"], log_path, env=env, cwd=workdir)
    base = f"http://127.0.0.1:{env['PORT']}"
    return RunningBot(process, base, env["SUPPORTBOT_DB"], log_path,
                      SlackDriver(f"{base}/slack/events", SECRET, standin))
