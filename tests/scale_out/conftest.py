"""Two gunicorn servers on two loopback ports against the test's own PostgreSQL database, as
production runs several application servers behind a load balancer (tests/scale_out)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Two sync workers per server: each server then has two processes with their own database
# connections, so the races run between processes of one server as well as between the two
# servers, while the four workers still fit the two cores the suite runs on.
WORKERS_PER_SERVER = 2
STARTUP_SECONDS = 60


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few rounds: the servers' own hasher reads the rounds from the stored hash,
    accepts it and upgrades it at the first login, so a user costs one full key derivation
    (on the server) instead of two."""

    iterations = 1000


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The servers run the portal's settings, which do not know the suite's MD5 hasher: the
    # users made here must be able to log in there.
    settings.PASSWORD_HASHERS = [
        f"{QuickPBKDF2PasswordHasher.__module__}.{QuickPBKDF2PasswordHasher.__name__}"
    ]


class Server:
    def __init__(self, name: str, port: int, process: subprocess.Popen, log: Path):
        self.name, self.port, self.process, self.log = name, port, process, log
        self.url = f"http://127.0.0.1:{port}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_answering(self, deadline: float) -> None:
        while True:
            try:
                if requests.get(f"{self.url}/logg-inn/", timeout=10).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn {self.name} startet ikke:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database (test_<name>, made by pytest-django) as DATABASE_URL says it."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def start_server(name: str, folder: Path, attachments: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "PORTAL_FILE_STORAGE": "local",
        "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings",
        "DATABASE_URL": database_url(),
        # One folder for both, as production shares one file storage between its servers.
        "PORTAL_ATTACHMENT_ROOT": str(attachments),
    }
    log = folder / f"gunicorn-{name}.log"
    command = [
        str(GUNICORN),
        "helsefellesskap.wsgi:application",
        f"--workers={WORKERS_PER_SERVER}",
        "--worker-class=sync",
        # The portal is imported once per server and its workers forked from it: the two
        # servers answer in about half the time (nothing touches the database at import).
        "--preload",
        f"--bind=127.0.0.1:{port}",
        "--timeout=60",
        "--graceful-timeout=5",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the finalizer stops every worker
        )
    return Server(name, port, process, log)


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Two gunicorn servers ("A" and "B") serving the test database; stopped whatever
    happens, before the test's data is flushed."""
    folder = tmp_path / "servere"
    attachments = folder / "vedlegg"
    attachments.mkdir(parents=True)
    started = []
    try:
        begun = time.monotonic()
        for name in ("A", "B"):
            started.append(start_server(name, folder, attachments))
        for server in started:
            server.wait_until_answering(begun + STARTUP_SECONDS)
        print(f"\nBegge serverne svarte etter {time.monotonic() - begun:.1f} s")
        yield started
    finally:
        for server in started:
            server.stop()
            if "Traceback" in server.log.read_text(errors="replace"):
                # Shown with the failure: what went wrong on that server.
                print(f"\n--- gunicorn {server.name} ({server.log}) ---\n{server.log_tail(80)}")
