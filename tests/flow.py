"""Small readers over what the stand-in saw, so flow tests read like what a person sees."""

import threading
import time
from typing import Callable


from standin import SlackStandIn
from storage.db import open_db

HELP, L1, L2, L3 = "C0HELP", "C0SUPL1", "C0SUPL2", "C0ENGESC"


def cards_in(standin: SlackStandIn, channel: str) -> list[dict]:
    return [m for m in standin.messages(channel) if m.get("blocks") and m["blocks"][0]["type"] == "header"]


def card_text(message: dict) -> str:
    return repr(message["blocks"])


def rows(database, sql: str, params=()) -> list[dict]:
    db = open_db(database)
    try:
        return list(db.query(sql, params))
    finally:
        db.close()


def count(database, table: str) -> int:
    return rows(database, f"SELECT count(*) AS n FROM {table}")[0]["n"]


def raise_by_command(bot, standin, text="new P2 Checkout fails for EU cards", channel=HELP, user="U0AGENT1"):
    """Raise one with /esc and wait for its cards; returns the escalation row."""
    before = count(bot.database, "escalations")
    posted = len(standin.calls_to("chat.postMessage"))
    response = bot.driver.command(text, channel=channel, user=user)
    assert response.status == 200
    standin.wait_for("chat.postMessage", count=posted + 1)
    standin.wait_idle()
    found = rows(bot.database, "SELECT * FROM escalations ORDER BY id")
    assert len(found) == before + 1
    return found[-1]



def wait_until(check, timeout: float = 10.0):
    """The first true result of `check`, asked until `timeout`: waiting on an outcome, not a quiet spell."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError("the bot did not get there in time")


def run_concurrently(*calls: Callable[[], object]) -> None:
    """Start every call at once, as Slack's redeliveries and a second instance would, and wait for
    all; a call that raised fails the test with its error, once every call is done."""
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's own thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
