"""A PostgreSQL URL that cannot serve stops `supportbot run` at once: exit 2 within 15 s, at most
two lines, the last naming SUPPORTBOT_DB and the fix, never the password."""

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.databases import TEST_SERVER, new_server_database
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
    (lambda: f"postgresql://supportbot:{SECRET_WORD}@127.0.0.1:5432/", "names no database"),
    (lambda: f"postgresql://supportbot@/x?host=/no-such-socket-directory&password={SECRET_WORD}", "Unix socket"),
    (lambda: _server(password="") + f"?password={SECRET_WORD}", "user name or password"),
], ids=["wrong password", "no such database", "nothing listening", "malformed URL", "no database named",
        "no socket there", "wrong password as a parameter"])
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


def test_a_server_on_this_machine_is_reached_through_its_unix_socket(standin, tmp_path):
    """libpq's socket form: no host in the URL, the socket's directory as `host=`, and here the
    password as a parameter too, which `db check` shows masked like one after the user name."""
    server = urlsplit(TEST_SERVER)
    directory = _socket_directory(server.port or 5432)
    if directory is None:
        pytest.skip("the test server has no Unix socket on this machine")
    database = urlsplit(new_server_database()).path
    password = server.password or SECRET_WORD  # a server that trusts its socket ignores it
    url = f"postgresql://{server.username}@{database}?host={directory}&port={server.port}&password={password}"
    result = run_cli(["db", "check"], bot_env(standin, tmp_path, SUPPORTBOT_DB=url), tmp_path)
    assert result.returncode == 0, result.stderr
    shown = f"postgresql://{server.username}@{database}?host={directory}&port={server.port}&password=***"
    assert result.stdout.startswith(f"postgresql at {shown}: schema version "), result.stdout
    assert "writable" in result.stdout and password not in result.stdout + result.stderr


def _socket_directory(port: int) -> str | None:
    """Where a server on this machine listens on `port` through a Unix socket, from the kernel's
    table of bound sockets (the server's own setting is for its superusers to read)."""
    name = f"/.s.PGSQL.{port}"
    for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
        path = line.split()[-1]
        if path.endswith(name):
            return path[: -len(name)]
    return None
