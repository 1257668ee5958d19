"""House rules that keep the code honest: the domain core never imports Slack."""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORE = sorted((REPO / "storage").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda path: path.name)
def test_domain_core_imports_nothing_from_slack_or_the_adapters(path):
    forbidden = {name for name in imported_modules(path) if name.split(".")[0] in {"slack_bolt", "slack_sdk", "commands", "bot"}}
    assert not forbidden, f"{path.name} imports {forbidden}"


def test_core_modules_were_found():
    assert {"escalations.py", "model.py", "db.py"} <= {path.name for path in CORE}
