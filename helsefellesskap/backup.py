"""Backup and restore of everything the portal keeps: the database (with the history of every
record) and the private files beside it (attachments, report PDFs, generated documents).

One archive (.tar.gz) holds both, with a manifest:

- the database as the engine's own consistent snapshot: SQLite's online backup API (a copy
  made page by page inside one read transaction), or `pg_dump --format=custom` on PostgreSQL
  (one snapshot of the whole database);
- then every file of the private storage, read through the storage API (listdir, open), so a
  local folder and an S3 bucket are copied alike, under `files/` with their stored names. Files
  are written once under new names and deleted only after their row's deletion is committed,
  so taking the database first means every row in the snapshot finds its file (a file added
  since is an unused extra), except a file whose row is deleted while the copy is being made:
  it is left out, and its download in the restored portal says the file is missing.

`restore` puts an archive into an empty database and an empty private storage (folder or
bucket), and refuses anything else: a restore never mixes with or overwrites live data.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connection
from django.utils import timezone
from psycopg.conninfo import make_conninfo

from .files import private_storage

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.pgdump"
FILES_FOLDER = "files"


class BackupError(Exception):
    """The backup or restore cannot be made; the message says why."""


@dataclass(frozen=True)
class Manifest:
    created: str
    engine: str
    files: int

    @classmethod
    def read(cls, archive: tarfile.TarFile) -> "Manifest":
        try:
            data = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError, TypeError):
            raise BackupError("Arkivet er ikke en sikkerhetskopi fra portalen.") from None
        return cls(**data)


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """The name of every file in the storage, folder by folder through `listdir`, so that a
    local folder and a bucket are walked alike; nothing when the folder does not exist yet."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(folders):
        yield from stored_names(storage, f"{folder}{name}/")


def where(storage: Storage) -> str:
    """The storage as the messages name it: its bucket and prefix, or its folder."""
    if hasattr(storage, "bucket_name"):
        return f"s3://{storage.bucket_name}/{storage.location}"
    return str(storage.location)


def is_postgresql(database: dict) -> bool:
    return database["ENGINE"].endswith("postgresql")


def backup(*, destination: Path) -> Manifest:
    """Writes the archive to `destination` (it must not exist yet)."""
    if destination.exists():
        raise BackupError(f"{destination} finnes allerede; velg et nytt filnavn.")
    database = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if is_postgresql(database):
            dump = work / POSTGRES_NAME
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _dsn(database)],
                database,
            )
        else:
            dump = work / SQLITE_NAME
            _sqlite_snapshot(dump)
        created = timezone.now()
        partial = destination.with_name(destination.name + ".delvis")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            storage = private_storage()
            files = sum(
                _add_stored(archive, storage, name, created) for name in stored_names(storage)
            )
            manifest = Manifest(created=created.isoformat(), engine=database["ENGINE"], files=files)
            _add_bytes(archive, MANIFEST, json.dumps(manifest.__dict__).encode())
        partial.rename(destination)  # a finished archive or none
    return manifest


def restore(
    *, source: Path, database: dict | None = None, storage: Storage | None = None
) -> Manifest:
    """Restores the archive into `database` (settings-style, the default database if None) and
    `storage` (the private storage if None); both must be empty."""
    database = database or settings.DATABASES["default"]
    storage = storage or private_storage()
    if next(stored_names(storage), None) is not None:
        raise BackupError(
            f"Fillageret {where(storage)} er ikke tomt; gjenopprett til et tomt fillager."
        )
    with tarfile.open(source, "r:gz") as archive:
        manifest = Manifest.read(archive)
        if is_postgresql(database) != manifest.engine.endswith("postgresql"):
            raise BackupError(
                f"Kopien er tatt fra {manifest.engine}; den kan bare gjenopprettes dit."
            )
        with tempfile.TemporaryDirectory() as work:
            archive.extractall(work, members=_safe_members(archive))
            work = Path(work)
            if is_postgresql(database):
                _restore_postgresql(work / POSTGRES_NAME, database)
            else:
                _restore_sqlite(work / SQLITE_NAME, Path(database["NAME"]))
            _restore_files(work / FILES_FOLDER, storage)
    return manifest


def _add_stored(archive: tarfile.TarFile, storage: Storage, name: str, created) -> bool:
    """Adds one stored file under `files/`; False when it was deleted since it was listed."""
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        return False
    with handle:
        info = tarfile.TarInfo(f"{FILES_FOLDER}/{name}")
        info.size = handle.size
        info.mtime = int(created.timestamp())
        archive.addfile(info, handle)
    return True


def _restore_files(folder: Path, storage: Storage) -> None:
    """Saves every file under the archive's `files/` into the storage under its own name."""
    paths = sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []
    for path in paths:
        name = path.relative_to(folder).as_posix()
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"Filen {name} ble lagret som {saved}; fillageret var ikke tomt.")


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only plain files and folders inside the archive's own tree (Python 3.11.2, Debian's,
    has no extraction filter yet)."""
    members = archive.getmembers()
    for member in members:
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Arkivet har en ugyldig oppføring: {member.name!r}.")
    return members


def _sqlite_snapshot(target: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def _restore_sqlite(dump: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"Databasen {target} finnes allerede; gjenopprett til en ny fil.")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dump, target)


def _restore_postgresql(dump: Path, database: dict) -> None:
    tables = _run(
        [
            "psql",
            "--tuples-only",
            "--no-align",
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            _dsn(database),
        ],
        database,
    )
    if tables.strip() != "0":
        raise BackupError(f"Databasen {database['NAME']} er ikke tom; gjenopprett til en ny.")
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_dsn(database)}", str(dump)],
        database,
    )


def _dsn(database: dict) -> str:
    """The connection string for the PostgreSQL tools; the password goes in the environment
    (`_run`), never on a command line that `ps` shows."""
    return make_conninfo(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        dbname=database["NAME"],
    )


def _run(command: list[str], database: dict | None = None) -> str:
    env = {**os.environ}
    if database and database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    except FileNotFoundError:
        raise BackupError(f"Fant ikke programmet {command[0]} (PostgreSQL-klienten).") from None
    except subprocess.CalledProcessError as failure:
        raise BackupError(f"{command[0]} feilet: {failure.stderr.strip()}") from None
    return result.stdout


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, fileobj=io.BytesIO(content))
