"""A PostgreSQL URL that cannot serve stops `supportbot run` at once: exit 2 within 15 s, at most
two lines, the last naming SUPPORTBOT_DB and the fix, never the password."""

import time
from urllib.parse import urlsplit

import pytest

from tests.databases import TEST_SERVER
from tests.harness import bot_env, run_cli

pytestmark = pytest.mark.needs_postgres
SECRET_WORD = "hunter2-not-shown"


def _server(**parts) -> str:
    url = urlsplit(TEST_SERVER)
    netloc = f"{parts.get('user', url.username)}:{parts.get('password', url.password)}@{url.hostname}:{parts.get('port', url.port)}"
    return url._replace(netloc=netloc, path=f"/{parts.get('database', url.path.strip('/'))}").geturl()


@pytest.mark.parametrize("url, said", [
    (lambda: _server(password=SECRET_WORD), "user name or password"),
    (lambda: _server(database="no_such_database"), "no such database"),
    (lambda: _server(port=1), "refused the connection"),
    (lambda: f"postgresql://supportbot:{SECRET_WORD}@127.0.0.1:not-a-port/x", "does not parse"),
], ids=["wrong password", "no such database", "nothing listening", "malformed URL"])
def test_a_database_that_cannot_serve_is_named_in_words(standin, tmp_path, url, said):
    started = time.monotonic()
    result = run_cli(["run"], bot_env(standin, tmp_path, SUPPORTBOT_DB=url()), tmp_path, timeout=30)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and time.monotonic() - started < 15
    assert 1 <= len(lines) <= 2 and "SUPPORTBOT_DB" in lines[-1] and said in lines[-1] and "Fix:" in lines[-1], lines
    assert SECRET_WORD not in result.stderr + result.stdout
    assert (urlsplit(TEST_SERVER).password or "") not in result.stderr + result.stdout


def test_a_missing_postgresql_driver_is_named_with_the_install_that_brings_it(standin, tmp_path):
    """The [postgres] extra brings psycopg and its pool; a machine with only one of them is told."""
    shadow = tmp_path / "shadow" / "psycopg_pool"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('no psycopg_pool here')\n")
    env = bot_env(standin, tmp_path, SUPPORTBOT_DB=_server(password=SECRET_WORD))
    env["PYTHONPATH"] = str(shadow.parent)
    result = run_cli(["run"], env, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and 1 <= len(lines) <= 2, lines
    assert "SUPPORTBOT_DB" in lines[-1] and "pip install 'supportbot[postgres]'" in lines[-1], lines
    assert SECRET_WORD not in result.stderr + result.stdout
