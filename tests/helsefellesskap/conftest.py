"""Fixtures shared by the tests of the foundations."""

import uuid

import psycopg
import pytest
from django.db import connection

from helsefellesskap import backup


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the engine the tests run on, to restore a backup into; dropped
    afterwards."""
    settings_dict = dict(connection.settings_dict)
    if not backup.is_postgresql(settings_dict):
        yield settings_dict | {"NAME": str(tmp_path / "gjenopprettet.sqlite3")}
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = settings_dict | {"NAME": "postgres"}
    with psycopg.connect(backup._dsn(admin), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield settings_dict | {"NAME": name}
    with psycopg.connect(backup._dsn(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
