"""Two instances in working directories of their own, sharing nothing but one PostgreSQL
database: a burst spread over both stores each escalation once with both its cards, a request
Slack sends again to the other instance has one effect, and neither keeps a file of its own."""

import pytest

from tests.databases import new_server_database
from tests.flow import HELP, L1, cards_in, count, rows, run_concurrently, wait_until
from tests.harness import start_bot

pytestmark = pytest.mark.needs_postgres
BURST = 20


def test_a_burst_over_two_instances_apart_stores_each_once_and_a_redelivery_to_the_other_does_nothing(standin, tmp_path):
    url, (first, second) = apart(tmp_path)
    one, two = start_bot(standin, first, SUPPORTBOT_DB=url), start_bot(standin, second, SUPPORTBOT_DB=url)
    try:
        run_concurrently(*(lambda n=n: (one, two)[n % 2].driver.command(f"new Burst case {n}", trigger_id=f"trig.{n}")
                           for n in range(BURST)))
        ts = standin.post_user_message(HELP, "Search is empty")
        run_concurrently(lambda: one.driver.reaction_added(HELP, ts, event_id="Ev0APART"),
                         lambda: two.driver.reaction_added(HELP, ts, event_id="Ev0APART", retry_num=1))
        each_stored_once_with_both_cards(standin, url, BURST)
        for workdir in (first, second):
            kept = {path.name for path in workdir.iterdir()} - {"app.yaml"}
            assert all(name.startswith("bot-") and name.endswith(".log") for name in kept), kept
    finally:
        one.stop()
        two.stop()


def apart(tmp_path) -> tuple[str, tuple]:
    """A new database on the server, and two working directories of their own."""
    workdirs = (tmp_path / "a", tmp_path / "b")
    for workdir in workdirs:
        workdir.mkdir()
    return new_server_database(), workdirs


def each_stored_once_with_both_cards(standin, url: str, burst: int) -> None:
    """The burst ("Burst case n") and the one raised by a reaction ("Search is empty"), once each,
    each with its card where it was raised and its queue card."""
    wait_until(lambda: len(cards_in(standin, L1)) >= burst + 1, timeout=30)
    standin.wait_idle()
    summaries = [row["summary"] for row in rows(url, "SELECT summary FROM escalations")]
    assert sorted(summaries) == sorted([f"Burst case {n}" for n in range(burst)] + ["Search is empty"])
    assert len(cards_in(standin, L1)) == burst + 1, "one queue card each"
    assert len(cards_in(standin, HELP)) == burst + 1, "one card where each was raised"
    assert count(url, "cards") == 2 * (burst + 1)
