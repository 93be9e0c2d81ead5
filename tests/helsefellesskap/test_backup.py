"""A backup holds the database, with every record's history, and the private files together;
restored into a fresh database and folder it gives back the same objects, history and files;
a restore never lands on live data."""

import sqlite3
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError

from helsefellesskap import backup
from helsefellesskap.models import Person
from meetings.models import Attachment
from tests.factories import PersonFactory
from tests.meetings.factories import PDF_BYTES, AttachmentFactory


def counts_in(database: dict) -> dict:
    """Rows of the tables that matter, read straight from the restored database."""
    query = {
        "people": "SELECT count(*) FROM helsefellesskap_person",
        "person_history": "SELECT count(*) FROM helsefellesskap_historicalperson",
        "attachments": "SELECT count(*) FROM meetings_attachment",
    }
    if backup.is_postgresql(database):
        with psycopg.connect(backup._dsn(database), password=database.get("PASSWORD")) as conn:
            return {key: conn.execute(sql).fetchone()[0] for key, sql in query.items()}
    with sqlite3.connect(database["NAME"]) as conn:
        return {key: conn.execute(sql).fetchone()[0] for key, sql in query.items()}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_same_objects_history_and_files(tmp_path, fresh_database):
    person = PersonFactory(name="Kari Nordmann")
    person.title = "Leder"
    person.save()  # a second history record
    attachment = AttachmentFactory()
    before = {
        "people": Person.objects.count(),
        "person_history": Person.history.count(),
        "attachments": Attachment.objects.count(),
    }
    archive = tmp_path / "kopi.tar.gz"
    call_command("backup", "-o", str(archive), verbosity=0)
    with tarfile.open(archive) as opened:
        assert backup.MANIFEST in opened.getnames()

    files = tmp_path / "gjenopprettede-filer"
    storage = FileSystemStorage(location=files)
    manifest = backup.restore(source=archive, database=fresh_database, storage=storage)
    assert manifest.files == 1
    assert counts_in(fresh_database) == before
    assert (files / attachment.file.name).read_bytes() == PDF_BYTES

    # Never onto live data: the same database and folder again are refused.
    with pytest.raises(backup.BackupError, match="ikke tom|finnes allerede"):
        backup.restore(
            source=archive,
            database=fresh_database,
            storage=FileSystemStorage(location=tmp_path / "tom"),
        )
    with pytest.raises(backup.BackupError, match="er ikke tomt"):
        backup.restore(source=archive, database=fresh_database, storage=storage)


@pytest.mark.django_db
def test_an_existing_archive_is_not_overwritten_and_a_foreign_file_is_refused(tmp_path):
    existing = tmp_path / "kopi.tar.gz"
    existing.write_bytes(b"noe annet")
    with pytest.raises(CommandError, match="finnes allerede"):
        call_command("backup", "-o", str(existing))
    assert existing.read_bytes() == b"noe annet"

    foreign = tmp_path / "fremmed.tar.gz"
    with tarfile.open(foreign, "w:gz") as archive:
        archive.add(existing, arcname="noe.txt")
    with pytest.raises(backup.BackupError, match="ikke en sikkerhetskopi"):
        backup.restore(
            source=foreign,
            database={"ENGINE": "x", "NAME": "x"},
            storage=FileSystemStorage(location=tmp_path / "f"),
        )
    assert not Path(tmp_path / "f").exists()
