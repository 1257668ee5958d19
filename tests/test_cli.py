"""The command line: broken configuration, the manifest, and what it must agree with."""

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.app_factory import declared_surface
from bot.config import ConfigError, load_settings
from tests.documentation import documentation
from tests.harness import REPO, bot_env, run_cli

SCHEMA_PATH = REPO.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"


@pytest.mark.parametrize("yaml_text, names", [
    ("timezone: Mars/Olympus\n", "timezone"),
    ("lines: [{level: 1, name: A, channel: '#a'}]\n", "lines"),
    ("lines:\n  - {level: 1, name: A, channel: 'not a channel'}\n  - {level: 2, name: B, channel: '#b'}\n  - {level: 3, name: C, channel: '#c'}\n", "lines[0].channel"),
    ("lines:\n  - {level: 1, name: A, channel: '#a'}\n  - {level: 2, name: B, channel: '#b'}\n  - {level: 3, name: C, channel: '#c', responders: [bob]}\n", "lines[2].responders[0]"),
    ("escalations: {reaction: 'not an emoji!'}\n" , "escalations.reaction"),
    ("sla: {P1: {ack: 15x}}\n", "sla.P1.ack"),
    ("sla: {remind_every: 10m, max_reminders: many}\n", "sla.max_reminders"),
    ("timezone: [unclosed\n", "app.yaml"),
])
def test_broken_app_yaml_is_one_clear_line_and_exit_2(standin, tmp_path, yaml_text, names):
    base = yaml.safe_load((REPO / "app.yaml").read_text())
    broken = tmp_path / "app.yaml"
    if yaml_text.startswith(("lines", "timezone: Mars", "escalations", "sla")):
        base.update(yaml.safe_load(yaml_text))
        broken.write_text(yaml.safe_dump(base))
    else:
        broken.write_text(yaml_text)
    result = run_cli(["run"], bot_env(standin, tmp_path), tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and names in lines[0] and "Fix:" in lines[0], result.stderr


@pytest.mark.parametrize("unset, key", [
    ("SLACK_BOT_TOKEN", "SLACK_BOT_TOKEN"),
    ("SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET"),
])
def test_missing_secret_names_the_key(standin, tmp_path, unset, key):
    env = bot_env(standin, tmp_path)
    del env[unset]
    result = run_cli(["run"], env, tmp_path)
    assert result.returncode == 2 and key in result.stderr and "Fix:" in result.stderr


def test_unknown_channel_name_and_rejected_token_are_config_errors(standin, tmp_path):
    config = tmp_path / "app.yaml"
    config.write_text((REPO / "app.yaml").read_text().replace("#support-l2", "#no-such-channel"))
    result = run_cli(["run"], bot_env(standin, tmp_path), tmp_path)
    assert result.returncode == 2 and "#no-such-channel" in result.stderr
    result = run_cli(["run"], bot_env(standin, tmp_path, SLACK_BOT_TOKEN="xoxb-wrong"), tmp_path)
    assert result.returncode == 2 and "invalid_auth" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr


def test_slack_failing_past_the_retries_at_start_up_is_one_line_not_a_traceback(standin, tmp_path):
    (tmp_path / "app.yaml").write_text((REPO / "app.yaml").read_text())
    standin.fail("auth.test", status=500, times=6)
    result = run_cli(["run"], bot_env(standin, tmp_path), tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("supportbot:")]
    assert "auth.test" in line and "internal_error" in line and "start again" in line


def test_slack_failing_bolts_own_token_check_at_start_up_is_one_line_too(standin, tmp_path):
    (tmp_path / "app.yaml").write_text((REPO / "app.yaml").read_text())
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=bot_env(standin, tmp_path), cwd=tmp_path,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        standin.wait_for("auth.test")  # the bot's own check passed; Bolt's, a moment later, fails
        standin.fail("auth.test", status=500, times=6)
        _, stderr = bot.communicate(timeout=30)
    finally:
        bot.kill()
    assert bot.returncode == 1 and "Traceback" not in stderr, stderr
    (line,) = [line for line in stderr.splitlines() if line.startswith("supportbot:")]
    assert "auth.test" in line and "internal_error" in line and "start again" in line
    assert len(standin.calls_to("auth.test")) == 7


def _manifest(tmp_path, *args):
    result = run_cli(["manifest", *args], {"PATH": "/usr/bin:/bin"}, tmp_path)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.mark.parametrize("args", [(), ("--request-url", "https://bot.example.com/slack/events")])
def test_manifest_validates_against_slacks_schema(tmp_path, args):
    schema = json.loads(SCHEMA_PATH.read_text())
    manifest = _manifest(tmp_path, *args)
    jsonschema.validate(manifest, schema)
    assert manifest["settings"]["socket_mode_enabled"] is (not args)


def test_manifest_declares_exactly_what_the_code_registers(tmp_path):
    manifest = _manifest(tmp_path)
    declared = declared_surface()
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [c["command"] for c in declared.commands] == [
        "/esc", "/incident", "/csat", "/digest", "/shift"]
    assert all(c["should_escape"] for c in manifest["features"]["slash_commands"])
    assert [s["name"] for s in manifest["features"]["shortcuts"]] == ["Escalate message", "Use as incident notice"]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened", "message.channels", "message.groups", "reaction_added"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == declared.scopes


def test_the_docs_and_env_example_document_every_command_key_and_variable():
    readme = documentation()
    env_example = (REPO / ".env.example").read_text()
    for command in declared_surface().commands:
        assert command["command"] in readme
    for verb in ("new", "take", "ack", "assign", "up", "down", "resolve", "reopen", "list", "show", "handoff", "help"):
        assert f"/esc {verb}" in readme, verb
    for key in ("timezone", "lines", "level", "name", "channel", "responders", "watch_channels", "reaction", "categories", "leads",
                "mirror_replies", "sla", "ack", "take", "remind_every", "max_reminders"):
        assert f"`{key}`" in readme, key
    for variable in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "PORT", "SUPPORTBOT_CONFIG", "SUPPORTBOT_DB",
                     "SUPPORTBOT_BUSY_TIMEOUT", "SUPPORTBOT_LOG_FORMAT"):
        assert re.search(rf"^{variable}=", env_example, re.M), variable
        assert variable in readme, variable


def test_the_busy_timeout_is_whole_seconds_and_thirty_unless_set():
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret", "SUPPORTBOT_CONFIG": str(REPO / "app.yaml")}
    assert load_settings(env).busy_timeout_ms == 30_000
    assert load_settings({**env, "SUPPORTBOT_BUSY_TIMEOUT": "2"}).busy_timeout_ms == 2_000
    for wrong in ("0", "0.5", "601", "soon"):
        with pytest.raises(ConfigError, match="SUPPORTBOT_BUSY_TIMEOUT: .* from 1 to 600. Fix:"):
            load_settings({**env, "SUPPORTBOT_BUSY_TIMEOUT": wrong})


def test_demo_plays_the_whole_life_cycle_without_slack(tmp_path):
    result = run_cli(["demo"], {"PATH": "/usr/bin:/bin"}, tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    shown = result.stdout
    for seen in ("#help", "#support-l1", "#support-l2", "#eng-escalations",
                 "== ESC-1 · Checkout fails for EU cards ==", "moved ESC-1 up to L3 · Engineering: _BIN lookup fails_",
                 "*Why on L3:* BIN lookup fails",
                 "resolved ESC-1: _card BIN table fixed in 4.2.1_", "ESC-2 · ACME says login loops",
                 "Raised by @Sam Specialist from a message in #help", "Open escalations (2)",
                 "@Eli Engineer acknowledged ESC-1 on line 3 after", "*Eva Engineer* replied in #eng-escalations",
                 "missing from the BIN table @channel",
                 "#support-leads", "shift ==", "*CSAT received* 5.0 from 1", "== 📊 Daily digest ·",
                 "[image: Volume and CSAT, 14 days to", "*CSAT* our survey: 5.0 from 1",
                 "*Age* opened a few seconds ago", "*SLA* ⏱ take due ",
                 "what only Bo saw after /esc take ESC-1", "(only you): ⚠️ ESC-1 is resolved.",
                 "@Ana Agent\nsupportbot: *ESC-1* is resolved", "How satisfied are you", "Thank you: 5 for ESC-1",
                 "Two hours on, nobody has taken ESC-2", "*SLA* 🔴 take overdue since ",
                 "⏰ Reminder 1 of 3: #support-l1, *ESC-2* (P3) has waited 2 h 1 min", "Press *Take*"):
        assert seen in shown, seen
    assert "<!date" not in shown and " UTC" not in shown, "dates read as Slack shows them in the team's zone"
    chart = Path(re.search(r"The digest's chart is saved at (\S+)", shown).group(1))
    assert chart.read_bytes().startswith(b"\x89PNG")
    incident_scene = shown[shown.index("incident notices"):]
    for seen in ("#support-leads", "#status", "#general", "(edited)", "== ✅ Resolved · INC-1 · Card payments failing ==",
                 "@here The provider fixed it; payments work again.", "*🛠️ Identified*", "*✅ Resolved* after",
                 'The form "Update INC-1" shows', '"Post to 3 channels"', "we expect payments to work again"):
        assert seen in incident_scene, seen
    homes = shown[shown.index("━━━━━━━━ Ana's Home"):]
    for seen in ("[New escalation]", "*Waiting for an owner on L1 · Frontline*", "[Take]", "━━━━━━━━ Lea the lead's Home",
                 "== Your team · last 7 days ==", "[Show 30 days]", "@Ana Agent · *"):
        assert seen in homes, seen


def test_dotenv_in_the_working_directory_is_read_and_the_environment_wins(standin, tmp_path):
    env = bot_env(standin, tmp_path, PORT="env-port")
    token = env.pop("SLACK_BOT_TOKEN")
    (tmp_path / ".env").write_text(f"SLACK_BOT_TOKEN={token}\nPORT=dotenv-port\n")
    result = run_cli(["run"], env, tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" not in result.stderr, "the token came from .env"
    assert "PORT: 'env-port' is not a TCP port" in result.stderr, "the environment beat .env"
