"""What whoever runs the bot reads over HTTP: /healthz, /readyz and /metrics, in both modes."""

import math
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import queue_depth
from bot.readiness import Readiness
from standin import SocketModeDriver
from standin.bot_process import wait_healthy
from tests.flow import HELP, raise_by_command, wait_until
from tests.harness import start_bot, start_socket_mode_bot

ID_LIKE = ("U0", "C0", "ESC-", "INC-")  # what a label must never carry: a person, a channel, a case


@dataclass
class Answer:
    status: int
    content_type: str
    text: str


def get(url: str) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return Answer(response.status, response.headers["Content-Type"], response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers["Content-Type"], error.read().decode())


def samples(base: str) -> list:
    return [sample for family in text_string_to_metric_families(get(f"{base}/metrics").text)
            for sample in family.samples]


def metric(base: str, name: str, **labels: str) -> float:
    return sum(sample.value for sample in samples(base)
               if sample.name == name and all(sample.labels.get(key) == value for key, value in labels.items()))


def test_a_healthy_bot_is_ready_and_counts_a_command_and_its_slack_calls(bot, standin):
    assert get(f"{bot.url}/healthz").text == "ok"
    assert (get(f"{bot.url}/readyz").status, get(f"{bot.url}/readyz").text) == (200, "ready")
    answer = get(f"{bot.url}/metrics")
    assert (answer.status, answer.content_type) == (200, CONTENT_TYPE_LATEST)
    assert metric(bot.url, "supportbot_requests_total", kind="command") == 0
    changes_before = metric(bot.url, "supportbot_write_transactions_total")
    held_before = metric(bot.url, "supportbot_write_lock_held_seconds_total")

    raise_by_command(bot, standin)

    assert metric(bot.url, "supportbot_requests_total", kind="command", outcome="acknowledged") == 1
    assert metric(bot.url, "supportbot_ack_seconds_count") == 1
    assert wait_until(lambda: metric(bot.url, "supportbot_slack_calls_total", method="chat.postMessage", outcome="ok"))
    assert wait_until(lambda: metric(bot.url, "supportbot_outbox_deliveries_total", outcome="done"))
    assert metric(bot.url, "supportbot_outbox_pending") == 0
    assert bot.driver.command("take ESC-1", channel=HELP).status == 200  # a change of owner takes the write lock
    assert wait_until(lambda: metric(bot.url, "supportbot_write_transactions_total") > changes_before)
    assert metric(bot.url, "supportbot_write_lock_held_seconds_total") > held_before
    assert metric(bot.url, "supportbot_write_lock_wait_seconds_total") >= 0
    found = samples(bot.url)
    assert all(sample.name.startswith("supportbot_") for sample in found)
    assert not [sample for sample in found for value in sample.labels.values() if value.startswith(ID_LIKE)]


def test_a_bot_whose_database_went_away_is_not_ready_and_says_why_within_two_seconds(standin, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    bot = start_bot(standin, tmp_path, SUPPORTBOT_DB=str(data / "supportbot.db"))
    try:
        assert get(f"{bot.url}/readyz").status == 200
        data.rename(tmp_path / "unmounted")
        asked = time.monotonic()
        answer = get(f"{bot.url}/readyz")
        assert time.monotonic() - asked < 2
        assert answer.status == 503 and answer.text.startswith("the database cannot be read")
        assert len(answer.text.splitlines()) == 1
        assert get(f"{bot.url}/healthz").status == 200
        assert metric(bot.url, "supportbot_database_errors_total") >= 1

        (tmp_path / "unmounted").rename(data)
        assert get(f"{bot.url}/readyz").status == 200
    finally:
        bot.stop()


class StalledStore:
    """A database that never answers, until released."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def db(self):
        self.release.wait()
        raise ConnectionError("released")


def test_a_database_that_hangs_makes_the_bot_not_ready_in_time_without_piling_up_checks():
    store = StalledStore()
    readiness = Readiness(store, time_limit=0.1)
    try:
        assert readiness.problem() == "the Slack token has not been accepted yet"
        readiness.token_accepted()
        assert readiness.problem() == "the database did not answer within 0.1 s"
        assert readiness.problem() == "the database has not answered the previous check yet"
    finally:
        store.release.set()


def test_a_queue_depth_the_database_does_not_answer_is_nan_in_time_without_piling_up_reads():
    store = StalledStore()
    reads = []
    depth = queue_depth(lambda: reads.append(1) or store.db(), "inbox-depth", within=0.1)
    try:
        for _ in range(3):
            asked = time.monotonic()
            assert math.isnan(depth())
            assert time.monotonic() - asked < 0.5
        assert reads == [1], "one read waits on the database; the scrapes meanwhile start none"
    finally:
        store.release.set()
    assert wait_until(lambda: math.isnan(depth()) and len(reads) == 2), "the database answered (with an error): read again"


def test_socket_mode_serves_health_readiness_and_metrics_on_port(standin, tmp_path):
    bot = start_socket_mode_bot(standin, tmp_path)
    try:
        wait_healthy(bot.process, int(bot.url.rsplit(":", 1)[1]), bot.log_path)
        assert get(f"{bot.url}/readyz").text == "ready"
        assert get(f"{bot.url}/slack/events").status == 404

        SocketModeDriver(standin).command("new P2 Raised over the socket", channel=HELP)

        assert wait_until(lambda: metric(bot.url, "supportbot_requests_total", kind="command", outcome="acknowledged"))
    finally:
        bot.stop()
