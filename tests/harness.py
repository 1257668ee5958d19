"""Running the real `supportbot` process against the local Slack stand-in."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.standin import SlackDriver, SlackStandIn

REPO = Path(__file__).resolve().parent.parent
SECRET = "standin-secret"
TEAM_YAML = (REPO / "app.yaml").read_text()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningBot:
    process: subprocess.Popen
    url: str
    db_path: Path
    log_path: Path
    driver: SlackDriver

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def bot_env(standin: SlackStandIn, workdir: Path, **overrides: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "SUPPORTBOT_"))}
    config = workdir / "app.yaml"
    if not config.exists():
        config.write_text(TEAM_YAML)
    env.update(
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=standin.api_url,
        SUPPORTBOT_DB=str(workdir / "supportbot.db"),
        SUPPORTBOT_CONFIG=str(config),
        PORT=str(free_port()),
    )
    env.update(overrides)
    return env


def run_cli(args: list[str], env: dict, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def start_bot(standin: SlackStandIn, workdir: Path, **overrides: str) -> RunningBot:
    """HTTP mode, ready once /healthz answers."""
    bot = _spawn(standin, workdir, **overrides)
    _wait_healthy(bot)
    return bot


def start_socket_mode_bot(standin: SlackStandIn, workdir: Path) -> RunningBot:
    """Socket Mode, ready once it has opened its WebSocket to the stand-in."""
    bot = _spawn(standin, workdir, SLACK_APP_TOKEN=standin.app_token)
    try:
        standin.socket_connected(timeout=20)
    except TimeoutError:
        bot.stop()
        raise TimeoutError(f"supportbot did not connect over Socket Mode:\n{bot.log()}") from None
    return bot


def _spawn(standin: SlackStandIn, workdir: Path, **overrides: str) -> RunningBot:
    env = bot_env(standin, workdir, **overrides)
    log_path = workdir / f"bot-{env['PORT']}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=workdir,
                                   stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{env['PORT']}"
    return RunningBot(process, base, Path(env["SUPPORTBOT_DB"]), log_path,
                      SlackDriver(f"{base}/slack/events", SECRET, standin))


def _wait_healthy(bot: RunningBot, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.process.poll() is not None:
            raise RuntimeError(f"supportbot exited with {bot.process.returncode}:\n{bot.log()}")
        try:
            with urllib.request.urlopen(f"{bot.url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    bot.stop()
    raise TimeoutError(f"supportbot did not become healthy:\n{bot.log()}")
