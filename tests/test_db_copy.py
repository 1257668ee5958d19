"""`supportbot db copy --to postgresql://…`: a generated month of history moves from its SQLite
file to an empty PostgreSQL database, and reads the same there."""

import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.config import parse_team_config
from storage.backlog import open_page
from storage.db import open_db
from storage.digest_figures import digest_figures
from storage.periods import day_window
from storage.queries import timeline
from tests.databases import new_server_database
from tests.flow import count, raise_by_command
from tests.harness import REPO, bot_env, run_cli, start_bot
from tests.incident_flow import APP_YAML

sys.path.insert(0, str(REPO / "bench"))
from history_data import HistoryWriter  # noqa: E402

pytestmark = pytest.mark.needs_postgres
END = datetime(2026, 11, 30, 18, tzinfo=timezone.utc)
TABLES = ("escalations", "events", "sla_clocks", "line_owners", "csat_answers", "cards")


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("month")
    source = workdir / "supportbot.db"
    HistoryWriter(parse_team_config(APP_YAML), END).write(source, escalations=3_000, csat_answers=600, days=30)
    return workdir, source


def test_a_month_moves_with_its_ids_and_reads_the_same(month, standin, tmp_path):
    workdir, source = month
    target = new_server_database()
    env = bot_env(standin, workdir, SUPPORTBOT_DB=str(source))
    result = run_cli(["db", "copy", "--to", target], env, workdir, timeout=120)
    assert result.returncode == 0, result.stderr
    printed = {line.split()[0]: int(line.split()[1]) for line in result.stdout.splitlines() if line.endswith(" rows")}
    for table in TABLES:
        assert printed[table] == count(str(source), table) == count(target, table) > 0, table
    copied = open_db(target)
    try:
        maintained = {row["relname"] for row in copied.query(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL AND last_analyze IS NOT NULL")}
    finally:
        copied.close()
    assert maintained >= set(TABLES), "vacuumed and analysed, ready for index-only scans"

    before, after = open_db(str(source)), open_db(target)
    try:
        tz = ZoneInfo("Europe/Berlin")
        day = day_window((END - timedelta(days=1)).date(), tz)
        assert digest_figures(after, day, tz) == digest_figures(before, day, tz)
        assert open_page(after, "open", "U0LEAD", END) == open_page(before, "open", "U0LEAD", END)
        for escalation_id in (1, 1_500, 3_000):
            assert timeline(after, escalation_id) == timeline(before, escalation_id)
    finally:
        before.close()
        after.close()

    bot = start_bot(standin, tmp_path, SUPPORTBOT_DB=target)
    try:
        assert raise_by_command(bot, standin)["id"] == 3_001, "the next escalation follows the copied ones"
    finally:
        bot.stop()


def test_a_target_that_holds_data_is_refused_in_one_line(month, standin):
    workdir, source = month
    target = new_server_database()
    env = bot_env(standin, workdir, SUPPORTBOT_DB=str(source))
    assert run_cli(["db", "copy", "--to", target], env, workdir, timeout=120).returncode == 0
    again = run_cli(["db", "copy", "--to", target], env, workdir, timeout=120)
    lines = again.stderr.strip().splitlines()
    assert again.returncode == 2 and len(lines) == 1 and "holds data already" in lines[0], again.stderr
    password = target.split(":")[2].split("@")[0]
    assert password not in again.stderr + again.stdout
