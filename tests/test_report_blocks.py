"""How the digest reads, straight from the renderer with a fixed clock: a quiet day in one line,
lines as a list, uncategorised cases named, survey answers and imported scores apart, the chart
inside the message."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from commands.digest.digest_blocks import ChartImage, render_digest
from storage.digest_figures import digest_figures
from storage.periods import day_window
from tests.blockkit import assert_valid_blocks
from tests.report_fixtures import csat, escalation, event, fixture_day, utc
from tests.test_blocks import TEAM

BERLIN = ZoneInfo("Europe/Berlin")
DAY = day_window(date(2026, 11, 23), BERLIN)
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
CHART = ChartImage("F0CHART", "Volume and CSAT, 14 days to 23 Nov 2026", "Bar chart of escalations …")


def _text(blocks: list[dict]) -> str:
    return repr(blocks)


def test_a_quiet_day_is_one_line_with_the_backlog_and_still_shows_the_chart(db):
    escalation(db, 1, utc("11-20 08:00"), summary="Old case")
    blocks = render_digest(digest_figures(db, DAY, BERLIN), TEAM, "Daily digest · Mon 23 Nov 2026", NOW, chart=CHART)
    assert [block["type"] for block in blocks] == ["header", "section", "image", "section"]
    assert blocks[1]["text"]["text"] == ("😌 Quiet: nothing raised, resolved or reopened, no SLA deadline fell due and"
                                         " no CSAT answers. Backlog at the end: 1.")
    assert "—" not in _text(blocks) and "*Oldest open*" in _text(blocks)
    assert blocks[2] == {"type": "image", "slack_file": {"id": "F0CHART"}, "alt_text": "Bar chart of escalations …",
                         "title": {"type": "plain_text", "text": "Volume and CSAT, 14 days to 23 Nov 2026"}}
    assert_valid_blocks(blocks)


def test_a_busy_day_lists_lines_names_uncategorised_cases_and_says_what_each_csat_trend_compares(db):
    fixture_day(db)
    blocks = render_digest(digest_figures(db, DAY, BERLIN), TEAM, "Daily digest", NOW)
    text = _text(blocks)
    assert "*By line*\\n• L1 · Frontline: 2 raised, 1 resolved\\n• L2 · Specialists: 1 raised\\n" in text
    assert "uncategorised 1" in text and "—" not in text
    assert "our survey: 4.5 from 2 · ▲ +1.5 vs previous 7 days (3.0)\\nhelpdesk import: 2.0 from 1" in text
    assert "*CSAT answers* 3 (2 to our survey, 1 imported from the helpdesk)" in text
    assert_valid_blocks(blocks)


def test_without_imported_scores_the_csat_reads_as_the_survey_alone(db):
    escalation(db, 1, utc("11-23 08:00"), resolved=utc("11-23 09:00"))
    event(db, 1, utc("11-23 08:00"), "raised")
    csat(db, "ESC-1", 4, utc("11-23 10:00"), escalation_id=1)
    text = _text(render_digest(digest_figures(db, DAY, BERLIN), TEAM, "Daily digest", NOW))
    assert "*CSAT*\\nour survey: 4.0 from 1" in text and "helpdesk" not in text
    assert "*CSAT answers* 1 · 1★ 0" in text and "*Time to acknowledge (L3)*\\nnothing acknowledged" in text
