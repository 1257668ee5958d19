"""Every way in is documented: each slash command and verb, each app.yaml key the loader reads."""

import re
from typing import Any

import yaml

from bot.app_factory import declared_surface
from bot.config import parse_team_config
from commands.esc.parse import PARSERS as ESC_VERBS
from commands.incident.parse import USAGE as INCIDENT_USAGE
from tests.documentation import documentation
from tests.harness import REPO


class ReadKeys(dict):
    """A mapping that notes every key the config loader asks it for, nested sections included."""

    def __init__(self, raw: dict, seen: set[str]):
        super().__init__({key: _recording(value, seen) for key, value in raw.items()})
        self.seen = seen

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)


def _recording(value: Any, seen: set[str]) -> Any:
    if isinstance(value, dict):
        return ReadKeys(value, seen)
    if isinstance(value, list):
        return [_recording(item, seen) for item in value]
    return value


def keys_the_loader_reads() -> set[str]:
    seen: set[str] = set()
    parse_team_config(ReadKeys(yaml.safe_load((REPO / "app.yaml").read_text()), seen))
    return seen


def test_every_app_yaml_key_the_loader_reads_is_documented():
    keys = keys_the_loader_reads()
    assert {"timezone", "lines", "responders", "sla", "P1", "remind_every", "broadcasters", "shifts", "days", "grace",
            "survey_on_resolve"} <= keys
    docs = documentation()
    assert not [key for key in sorted(keys) if f"`{key}`" not in docs]


def test_every_slash_command_and_verb_is_documented():
    docs = documentation()
    commands = [command["command"] for command in declared_surface().commands]
    assert commands == ["/esc", "/incident", "/csat", "/digest", "/shift"]
    assert not [command for command in commands if not re.search(rf"`{command}[ `]", docs)]
    assert not [verb for verb in ESC_VERBS if f"/esc {verb}" not in docs]
    assert not [verb for verb in INCIDENT_USAGE if f"/incident {verb}" not in docs]


def test_the_readme_is_the_short_front_door():
    readme = (REPO / "README.md").read_text()
    assert len(readme.encode()) < 9_000
    for link in ("docs/configuration.md", "docs/operations.md", "docs/reliability.md", "docs/reports.md",
                 "docs/incidents.md", "docs/rules.md", "bench/README.md", "docs/digest-chart.png"):
        assert f"({link})" in readme, link
    for page in re.findall(r"\]\(((?:docs|bench)/[^)#]+)", readme):
        assert page == "docs/rules.md" or (REPO / page).exists(), page
