"""House rules that keep the code honest: the domain core never imports Slack and writes no Slack markup."""

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORE = sorted((REPO / "storage").glob("**/*.py"))
SLACK_MARKUP = re.compile(r"`/|<[@#][A-Z{]|<![a-z]")  # a backticked command, a mention, <!here>


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


def texts_outside_docstrings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("path", CORE, ids=lambda path: str(path.relative_to(REPO)))
def test_domain_core_writes_no_slack_markup(path):
    """Commands and people the core names are fields its renderers fill (storage/errors.py)."""
    marked = [text for text in texts_outside_docstrings(path) if SLACK_MARKUP.search(text)]
    assert marked == [], marked
