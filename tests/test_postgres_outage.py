"""PostgreSQL restarted while the bot runs: every command is answered inside Slack's window,
either done or "not stored, try again", /readyz says 503 until the server is back (and /metrics
still answers, in time), and the bot finds the server again by itself."""

import math
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.flow import rows, wait_until
from tests.test_endpoints import metric
from tests.harness import REPO, start_bot

pytestmark = pytest.mark.needs_postgres
OUTAGE_S = 20


def _postgres(*args: str) -> str:
    return subprocess.run(["bash", str(REPO / ".ci" / "postgres"), *args], check=True, capture_output=True,
                          text=True, timeout=60).stdout


@pytest.fixture
def own_server():
    """A server of this test's own, since it is stopped half-way."""
    exported = dict(item.split("=", 1) for item in _postgres("start").split()[1:])
    server, directory = exported["SUPPORTBOT_TEST_DB"], exported["PG_DIR"]
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute("CREATE DATABASE outage")
    yield urlsplit(server)._replace(path="/outage").geturl(), directory
    _postgres("stop", directory)


def _answer(bot, standin, text: str) -> tuple[float, str]:
    """Seconds until the command was acknowledged, and what it led to: the ephemeral answer, or
    the card of the escalation it raised."""
    answered, posted = len(standin.responses), len(standin.calls_to("chat.postMessage"))
    started = time.monotonic()
    response = bot.driver.command(text)
    took = time.monotonic() - started
    assert response.status == 200
    if response.json and response.json.get("text"):
        return took, response.json["text"]

    def outcome() -> str | None:
        if len(standin.responses) > answered:
            return standin.responses[-1]["body"]["text"]
        cards = standin.calls_to("chat.postMessage")[posted:]
        return cards[0].args["text"] if cards else None

    return took, wait_until(outcome, timeout=10)


def _ready(bot) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"{bot.url}/readyz", timeout=2) as response:
            return response.status, response.read().decode().strip()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode().strip()


def test_a_restarted_server_is_answered_in_time_and_found_again(standin, tmp_path, own_server):
    url, directory = own_server
    bot = start_bot(standin, tmp_path, SUPPORTBOT_DB=url)
    try:
        took, said = _answer(bot, standin, "new Raised before the outage")
        assert "ESC-1" in said
        assert _ready(bot) == (200, "ready")
        _postgres("down", directory)
        down_since = time.monotonic()
        status, reason = _ready(bot)
        assert status == 503 and "database" in reason and "not-in-logs" not in reason, reason
        asked = time.monotonic()
        assert math.isnan(metric(bot.url, "supportbot_outbox_pending")) and time.monotonic() - asked < 2
        sent = 0
        while time.monotonic() - down_since < OUTAGE_S:
            took, said = _answer(bot, standin, f"new Raised during the outage {sent}")
            assert took < 3 and "not stored" in said, said
            sent += 1
        assert sent >= 5, "commands kept coming through the outage"
        _postgres("up", directory)
        def raised_after() -> str | None:
            said = _answer(bot, standin, "new Raised after the outage")[1]
            return said if "ESC-" in said else None

        assert "ESC-2" in wait_until(raised_after, timeout=20), "nothing from the outage was stored"
        assert _ready(bot) == (200, "ready")
        wait_until(lambda: rows(url, "SELECT count(*) AS n FROM boots WHERE gone_at IS NULL")[0]["n"] == 1)
        wait_until(lambda: not rows(url, "SELECT id FROM boots WHERE gone_at IS NULL AND id NOT IN"
                                         " (SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory')"),
                   timeout=10)  # its life, lost with its connection, is held again
        summaries = [row["summary"] for row in rows(url, "SELECT summary FROM escalations ORDER BY id")]
        assert summaries == ["Raised before the outage", "Raised after the outage"], "each retry told not stored stored nothing"
        assert "Traceback" not in bot.log(), bot.log()[-3000:]
    finally:
        bot.stop()
