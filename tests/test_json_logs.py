"""SUPPORTBOT_LOG_FORMAT=json: one JSON object a line, for log shippers."""

import json
import logging

from bot.log_format import JsonLines, logged_as
from tests.flow import raise_by_command
from tests.harness import bot_env, run_cli, start_bot

KEYS = {"time", "level", "logger", "message", "instance"}


def test_every_line_of_a_running_bot_is_a_json_object_naming_its_instance(standin, tmp_path):
    bot = start_bot(standin, tmp_path, SUPPORTBOT_LOG_FORMAT="json")
    try:
        raise_by_command(bot, standin)
    finally:
        bot.stop()
    lines = [json.loads(line) for line in bot.log().splitlines()]
    assert lines and all(KEYS <= set(line) for line in lines)
    assert len({line["instance"] for line in lines}) == 1
    assert any(line["message"].startswith("listening on port") and line["level"] == "INFO" for line in lines)


def test_a_line_logged_while_handling_a_request_names_it():
    record = logging.LogRecord("bot.turn", logging.WARNING, __file__, 1, "failed handling %s", ("it",), None)
    lines = JsonLines("host:1")
    with logged_as("command:T0TRIGGER"):
        inside = json.loads(lines.format(record))
    outside = json.loads(lines.format(record))
    assert inside["request"] == "command:T0TRIGGER" and inside["message"] == "failed handling it"
    assert "request" not in outside and outside["instance"] == "host:1"


def test_an_unknown_log_format_is_one_line_naming_the_setting_and_exit_2(standin, tmp_path):
    result = run_cli(["run"], bot_env(standin, tmp_path, SUPPORTBOT_LOG_FORMAT="xml"), tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "SUPPORTBOT_LOG_FORMAT" in line and "'xml'" in line and "Fix:" in line
