"""`supportbot db check`: which engine and schema version the database has, that it can be
written, and how many instances of the bot hold their life on it right now."""

from storage.migrations import MIGRATION_SETS, steps_of
from tests.harness import bot_env, run_cli, start_bot

LATEST = len(steps_of(MIGRATION_SETS[0]))


def _check(standin, workdir, database) -> str:
    result = run_cli(["db", "check"], bot_env(standin, workdir, SUPPORTBOT_DB=database), workdir)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_db_check_names_the_engine_the_schema_and_the_instances_running(standin, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    one = start_bot(standin, first)
    two = start_bot(standin, second, SUPPORTBOT_DB=one.database)
    try:
        said = _check(standin, first, one.database)
        assert f"schema version {LATEST}, writable; 2 instances of the bot running on it." in said, said
        assert said.startswith(("sqlite at ", "postgresql at ")) and "not-in-logs" not in said
    finally:
        two.stop()
    assert "writable; 1 instance of the bot" in _check(standin, first, one.database)
    one.stop()
    assert "writable; no instance of the bot" in _check(standin, first, one.database)
