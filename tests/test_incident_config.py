"""The `incidents` section of app.yaml: checked at start-up, resolved to channel IDs, documented."""

import pytest
import yaml

from bot.channels import resolve_channels
from bot.config import ConfigError, parse_team_config
from bot.slack_client import make_client
from standin import SlackStandIn
from tests.documentation import documentation
from tests.harness import REPO, bot_env, run_cli
from tests.incident_flow import APP_YAML as BASE


@pytest.mark.parametrize("incidents, key", [
    ({"broadcast_channels": ["status"]}, "incidents.broadcast_channels[0]"),
    ({"broadcast_channels": "#status"}, "incidents.broadcast_channels"),
    ({"broadcasters": ["U0LEAD1", "lea"]}, "incidents.broadcasters[1]"),
    ("everyone", "incidents"),
])
def test_a_broken_incidents_section_names_its_key(incidents, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        parse_team_config({**BASE, "incidents": incidents})


def test_broken_incidents_config_stops_the_bot_with_one_line_and_exit_2(standin, tmp_path):
    (tmp_path / "app.yaml").write_text(yaml.safe_dump({**BASE, "incidents": {"broadcasters": ["nobody"]}}))
    result = run_cli(["run"], bot_env(standin, tmp_path), tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "incidents.broadcasters[0]" in lines[0] and "Fix:" in lines[0]


def test_channel_names_resolve_at_start_up_and_no_section_means_no_broadcasters():
    with SlackStandIn() as slack:
        team = resolve_channels(make_client(slack.bot_token, slack.api_url), parse_team_config(BASE))
    assert team.incidents.broadcast_channels == ("C0STATUS", "C0HELP", "C0GENERAL")
    assert team.incidents.broadcasters == ("U0LEAD1", "S0LEADS")
    bare = parse_team_config({key: value for key, value in BASE.items() if key != "incidents"})
    assert bare.incidents.broadcast_channels == () and bare.incidents.broadcasters == ()


def test_the_docs_document_every_incident_command_and_key():
    readme = documentation()
    for verb in ("draft", "preview", "broadcast", "update", "resolve", "list", "help"):
        assert f"/incident {verb}" in readme, verb
    for key in ("incidents", "broadcast_channels", "broadcasters"):
        assert f"`{key}`" in readme, key
    assert "incidents:" in (REPO / "bot" / "demo_app.yaml").read_text()
