import pytest

from storage.db import open_db, prepare_database


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "core.db"
    prepare_database(path)
    database = open_db(path)
    yield database
    database.close()
