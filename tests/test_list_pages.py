"""`/esc list` a page at a time through the stand-in: every open escalation once, oldest first, the
total stated, and the "Next page" button clicked on the real ephemeral message."""

import re
from datetime import datetime, timedelta, timezone

from commands.esc import ids
from storage.backlog import PAGE_SIZE
from tests.blockkit import assert_valid_blocks
from tests.flow import HELP, rows
from tests.report_fixtures import at, escalation
from tests.test_report_jobs import fixture_db
from tests.test_working import run

START = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
RAISED = 130


def backlog(db) -> None:
    """130 escalations whose ages do not follow their IDs, pairs raised in the same minute, every
    fourth resolved, every fifth owned: 98 open, on all three lines."""
    for esc_id in range(1, RAISED + 1):
        created = START + timedelta(minutes=(esc_id * 37 % RAISED) // 2)
        resolved = at(created + timedelta(hours=1)) if esc_id % 4 == 0 else None
        escalation(db, esc_id, at(created), line=1 + esc_id % 3, resolved=resolved,
                   owner="U0AGENT2" if esc_id % 5 == 0 else None)


def listed_keys(answer: dict) -> list[str]:
    return re.findall(r"\*(ESC-\d+)\* ·", repr(answer["blocks"]))


def next_page_value(answer: dict) -> str | None:
    buttons = [element for block in answer["blocks"] if block["type"] == "actions" for element in block["elements"]]
    return next((button["value"] for button in buttons if button["action_id"] == ids.ACTION_NEXT_PAGE), None)


def click_next_page(bot, standin, value: str) -> dict:
    """Click "Next page" on the newest ephemeral list, as Slack would send it, and wait for the answer."""
    answered = len(standin.responses)
    assert bot.driver.block_action(ids.ACTION_NEXT_PAGE, value, channel=HELP).status == 200
    return standin.wait_for_response(count=answered + 1)[-1]["body"]


def open_keys_oldest_first(db_path) -> list[str]:
    found = rows(db_path, "SELECT id FROM escalations WHERE status = 'open' ORDER BY created_at, id")
    return [f"ESC-{row['id']}" for row in found]


def test_pages_cover_every_open_escalation_once_in_order_even_when_one_is_resolved_between_clicks(bot, standin, tmp_path):
    fixture_db(tmp_path, backlog)
    expected = open_keys_oldest_first(bot.db_path)
    assert len(expected) == 98
    pages = [run(bot, standin, "list")]
    assert "Open escalations (98)" in repr(pages[0]["blocks"]) and "1–40 of 98, oldest first." in repr(pages[0]["blocks"])
    fixture_db(tmp_path, lambda db: db.execute("UPDATE escalations SET status = 'resolved' WHERE id = ?",
                                               [int(listed_keys(pages[0])[3][4:])]))
    while value := next_page_value(pages[-1]):
        pages.append(click_next_page(bot, standin, value))
    assert [len(listed_keys(page)) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 18]
    assert [key for page in pages for key in listed_keys(page)] == expected, "each once, oldest first, none skipped"
    assert "Open escalations (97)" in repr(pages[1]["blocks"]) and "40–79 of 97, oldest first." in repr(pages[1]["blocks"])
    assert "80–97 of 97" in repr(pages[2]["blocks"])
    for page in pages:
        assert page["response_type"] == "ephemeral" and len(page["blocks"]) <= 50
        assert_valid_blocks(page["blocks"])


def test_a_line_view_pages_its_own_rows_and_a_stale_or_forged_button_is_refused_plainly(bot, standin, tmp_path):
    fixture_db(tmp_path, backlog)
    on_line_2 = run(bot, standin, "list L2")
    expected = [f"ESC-{row['id']}" for row in rows(bot.db_path, "SELECT id FROM escalations WHERE status = 'open'"
                                                                " AND line = 2 ORDER BY created_at, id")]
    assert f"Open on line 2 ({len(expected)})" in repr(on_line_2["blocks"])
    assert listed_keys(on_line_2) == expected and next_page_value(on_line_2) is None, "one page, no button"
    assert next_page_value(run(bot, standin, "list")), "a real page to click on"
    for forged in ("7:2", "everything|2026-11-01T08:00:00+00:00|3", "open|yesterday|3", "open|2026-11-01T08:00:00+00:00|-1"):
        refusal = click_next_page(bot, standin, forged)
        assert refusal["response_type"] == "ephemeral"
        assert "That page button is out of date" in refusal["text"], forged
        assert "/esc list [mine|unowned|open|L1|L2|L3]" in repr(refusal["blocks"])
