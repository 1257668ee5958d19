import pytest

from standin import SlackStandIn
from storage.db import open_db, prepare_database
from tests.harness import SECRET, start_bot


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "core.db"
    prepare_database(path)
    database = open_db(path)
    yield database
    database.close()


@pytest.fixture
def standin():
    with SlackStandIn(signing_secret=SECRET) as running:
        yield running


@pytest.fixture
def bot(standin, tmp_path):
    running = start_bot(standin, tmp_path)
    yield running
    running.stop()
