"""`/esc list` a page at a time through the stand-in: every open escalation once, most urgent first,
the total stated, "Next page" replacing the real ephemeral message, and each row's menu."""

import re
from datetime import datetime, timedelta, timezone

from commands.esc import ids
from storage.backlog import PAGE_SIZE
from standin import form_values, selected_user
from tests.blockkit import assert_valid_blocks, assert_valid_view
from tests.flow import HELP, raise_by_command, rows
from tests.report_fixtures import at, clock, escalation
from tests.test_report_jobs import fixture_db
from tests.test_working import run

START = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
RAISED = 130


def backlog(db) -> None:
    """130 escalations whose ages do not follow their IDs, pairs raised in the same minute, every
    fourth resolved, every fifth owned, every third unowned one waiting on a running SLA clock
    (some due at the same time): 98 open, on all three lines, P2 to P4."""
    for esc_id in range(1, RAISED + 1):
        created = START + timedelta(minutes=(esc_id * 37 % RAISED) // 2)
        resolved = at(created + timedelta(hours=1)) if esc_id % 4 == 0 else None
        owner, priority, line = "U0AGENT2" if esc_id % 5 == 0 else None, f"P{1 + esc_id % 4}", 1 + esc_id % 3
        escalation(db, esc_id, at(created), priority=priority, line=line, resolved=resolved, owner=owner)
        if not (resolved or owner) and esc_id % 3 == 0:
            clock(db, esc_id, line=line, kind="take", priority=priority, started=at(created),
                  due=at(START + timedelta(minutes=30 * (esc_id % 5))))


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


def open_keys_most_urgent_first(db_path, where: str = "") -> list[str]:
    """Running clocks by deadline, then priority; then the rest by priority and age."""
    found = rows(db_path, "SELECT e.id FROM escalations e LEFT JOIN sla_clocks c ON c.escalation_id = e.id"
                          f" AND c.stopped_at IS NULL WHERE e.status = 'open' {where} ORDER BY c.due_at IS NULL, c.due_at,"
                          " e.priority, CASE WHEN c.due_at IS NULL THEN e.created_at END, e.id")
    return [f"ESC-{row['id']}" for row in found]


def test_pages_cover_every_open_escalation_once_in_order_even_when_one_is_resolved_between_clicks(bot, standin, tmp_path):
    fixture_db(tmp_path, backlog)
    expected = open_keys_most_urgent_first(bot.database)
    assert len(expected) == 98
    pages = [run(bot, standin, "list")]
    assert "Open escalations (98)" in repr(pages[0]["blocks"]) and "1–15 of 98, most urgent first." in repr(pages[0]["blocks"])
    assert "*Overdue*" in repr(pages[0]["blocks"]) and pages[0].get("replace_original") is False
    fixture_db(tmp_path, lambda db: db.execute("UPDATE escalations SET status = 'resolved' WHERE id = ?",
                                               [int(listed_keys(pages[0])[3][4:])]))
    while value := next_page_value(pages[-1]):
        pages.append(click_next_page(bot, standin, value))
    assert [len(listed_keys(page)) for page in pages] == [PAGE_SIZE] * 6 + [8]
    assert [key for page in pages for key in listed_keys(page)] == expected, "each once, most urgent first, none skipped"
    assert "Open escalations (97)" in repr(pages[1]["blocks"]) and "15–29 of 97, most urgent first." in repr(pages[1]["blocks"])
    assert "90–97 of 97" in repr(pages[-1]["blocks"]) and "*Others*" in repr(pages[-1]["blocks"])
    for page in pages:
        assert page["response_type"] == "ephemeral" and len(page["blocks"]) <= 50
        assert_valid_blocks(page["blocks"])
    assert all(page["replace_original"] is True for page in pages[1:]), "Next page replaces the list it was clicked on"


def test_a_line_view_pages_its_own_rows_and_a_stale_or_forged_button_is_refused_plainly(bot, standin, tmp_path):
    fixture_db(tmp_path, backlog)
    on_line_2 = run(bot, standin, "list L2")
    expected = open_keys_most_urgent_first(bot.database, "AND e.line = 2")
    assert f"Open on line 2 ({len(expected)})" in repr(on_line_2["blocks"])
    pages = [on_line_2]
    while value := next_page_value(pages[-1]):
        pages.append(click_next_page(bot, standin, value))
    assert [key for page in pages for key in listed_keys(page)] == expected and len(pages) == 3
    for forged in ("7:2", "open|2026-11-01T08:00:00+00:00|3", "everything|due|2026-11-01T08:00:00+00:00|P1|3",
                   "open|due|yesterday|P1|3", "open|rest|P9|2026-11-01T08:00:00+00:00|3", "open|rest|P3|2026-11-01T08:00:00+00:00|-1"):
        refusal = click_next_page(bot, standin, forged)
        assert refusal["response_type"] == "ephemeral"
        assert "That page button is out of date" in refusal["text"], forged
        assert "/esc list [mine|unowned|open|L1|L2|L3]" in repr(refusal["blocks"])


def test_each_row_offers_take_assign_and_show(bot, standin):
    raise_by_command(bot, standin, "new P1 Checkout fails for EU cards")
    raise_by_command(bot, standin, "new P4 Typo on the invoice")
    listed = run(bot, standin, "list")
    assert listed_keys(listed) == ["ESC-1", "ESC-2"], "the P1's deadline comes first"
    updates = len(standin.calls_to("chat.update"))
    assert bot.driver.block_action(ids.ACTION_LIST_ROW, "take|1", user="U0AGENT1", channel=HELP).status == 200
    standin.wait_for("chat.update", count=updates + 1)
    standin.wait_idle()
    assert owners(bot, 1) == [("U0AGENT1", 1)]

    answered = len(standin.responses)
    bot.driver.block_action(ids.ACTION_LIST_ROW, "show|2", user="U0AGENT1", channel=HELP)
    assert "ESC-2 · Typo on the invoice" in repr(standin.wait_for_response(count=answered + 1)[-1]["body"]["blocks"])

    bot.driver.block_action(ids.ACTION_LIST_ROW, "assign|2", user="U0AGENT1", channel=HELP)
    standin.wait_for("views.open")
    form = standin.last_view(ids.MODAL_ASSIGN)
    assert_valid_view(form) and form["title"]["text"] == "Assign ESC-2"
    refused = bot.driver.view_submission(form, form_values({}), user="U0AGENT1")
    assert refused.json["response_action"] == "errors" and ids.BLOCK_ASSIGNEE in refused.json["errors"]
    picked = form_values({f"{ids.BLOCK_ASSIGNEE}/{ids.INPUT_ASSIGNEE}": selected_user("U0SPEC1")})
    updates = len(standin.calls_to("chat.update"))
    assert bot.driver.view_submission(form, picked, user="U0AGENT1").status == 200
    standin.wait_for("chat.update", count=updates + 1)
    standin.wait_idle()
    assert owners(bot, 2) == [("U0SPEC1", 1)]
    assert listed_keys(run(bot, standin, "list")) == ["ESC-1", "ESC-2"], "both owned now: by priority"


def owners(bot, esc_id) -> list[tuple[str, int]]:
    return [(row["user"], row["line"]) for row in rows(bot.database, "SELECT user, line FROM line_owners WHERE escalation_id = ?", [esc_id])]
