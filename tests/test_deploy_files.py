"""The Dockerfile and deploy/compose.yaml agree with CI and with .env.example (neither is built in CI)."""

import re

import yaml

from tests.harness import REPO

PIP_INSTALL = re.compile(r"pip install [^&\n\\]+")


def pip_installs(text: str) -> list[str]:
    """Each `pip install …` command, with the test extra dropped from the project's extras."""
    return [re.sub(r"'?\.\[([^\]]*)\]'?", _without_test_extra, command.strip()) for command in PIP_INSTALL.findall(text)]


def _without_test_extra(match: re.Match) -> str:
    extras = [extra for extra in match.group(1).split(",") if extra.strip() != "test"]
    return f"'.[{','.join(extras)}]'" if extras else "."


def test_the_image_installs_the_project_as_ci_does_and_runs_it_as_a_non_root_user():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert pip_installs(dockerfile) == pip_installs((REPO / ".ci" / "run").read_text()) != []
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*/healthz", dockerfile, re.M | re.S)
    assert 'CMD ["supportbot", "run"]' in dockerfile


def test_compose_runs_two_instances_on_postgresql_with_only_settings_env_example_lists():
    text = (REPO / "deploy" / "compose.yaml").read_text()
    services = yaml.safe_load(text)["services"]
    bots = [service for service in services.values() if "build" in service]
    assert len(bots) == 2 and len({bot["environment"]["PORT"] for bot in bots}) == 2
    assert all(bot["environment"]["SUPPORTBOT_DB"].startswith("postgresql://supportbot:") for bot in bots)
    names = {name for bot in bots for name in bot["environment"]} | set(re.findall(r"\$\{(\w+)", text))
    listed = set(re.findall(r"^(\w+)=", (REPO / ".env.example").read_text(), re.M))
    assert names - listed == set()
