"""Two things the demo's people see later, as Slack shows them: the CSAT survey Ana gets by direct
message once her case is resolved, and the reminder a line gets when nobody takes a case in time.

Rather than wait two hours, the demo moves ESC-2's times two hours back in the database; the
running bot then reminds #support-l1 on its own, as it would have."""

import time
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from commands.csat import ids
from standin import SlackDriver, SlackStandIn
from storage.db import open_db, write_transaction
from storage.records import from_text, to_text

ANA_DM = "D0AGENT1"
FRONTLINE = "C0SUPL1"
WAITING = "ESC-2"
BACK = timedelta(hours=2, minutes=1)  # past the P3 take deadline


def play_survey(slack: SlackStandIn, driver: SlackDriver, out: TextIO) -> None:
    print(f"\n━━━━━━━━ Ana's direct messages with supportbot ━━━━━━━━\n{slack.transcript(ANA_DM)}", file=out)
    print("▶ Ana clicks 5", file=out)
    driver.block_action(ids.ACTION_SCORES[4], "1", user="U0AGENT1", channel=ANA_DM)
    slack.wait_idle(quiet=0.2)
    print(slack.transcript(ANA_DM), file=out)


def play_reminder(slack: SlackStandIn, db_path: Path, out: TextIO) -> None:
    print(f"\n▶ Two hours on, nobody has taken {WAITING}: the bot reminds #support-l1 in the thread of its card", file=out)
    _two_hours_back(db_path, int(WAITING.removeprefix("ESC-")))
    card = next(m for m in slack.messages(FRONTLINE) if f"{WAITING} ·" in repr(m.get("blocks")))
    _wait_for_reply(slack, card["ts"])
    slack.wait_idle(quiet=0.3)
    print(f"\n━━━━━━━━ #support-l1 ━━━━━━━━\n{slack.thread_transcript(FRONTLINE, card['ts'])}", file=out)


def _two_hours_back(db_path: Path, esc_id: int) -> None:
    """The escalation's raising and its running SLA clocks, as if they had happened BACK earlier."""
    db = open_db(db_path)
    try:
        with write_transaction(db):
            _move(db, "escalations", ("created_at",), "id = ?", esc_id)
            _move(db, "sla_clocks", ("started_at", "due_at", "next_reminder_at"),
                  "escalation_id = ? AND stopped_at IS NULL", esc_id)
    finally:
        db.close()


def _move(db, table: str, columns: tuple[str, ...], where: str, esc_id: int) -> None:
    for row in list(db.query(f"SELECT id AS row_key, {', '.join(columns)} FROM {table} WHERE {where}", [esc_id])):
        moved = [to_text(from_text(row[column]) - BACK) if row[column] else None for column in columns]
        db.execute(f"UPDATE {table} SET {', '.join(f'{column} = ?' for column in columns)} WHERE id = ?",
                   [*moved, row["row_key"]])


def _wait_for_reply(slack: SlackStandIn, card_ts: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while len(slack.thread(FRONTLINE, card_ts)) < 2:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo's bot did not remind #support-l1 of {WAITING} in time")
        time.sleep(0.05)
