"""The WSGI entry point gunicorn starts: the URLconf and every view module are imported as the
server process starts, so its first request does not wait for them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_server_process_imports_the_views_as_it_starts():
    check = (
        "import sys; import helsefellesskap.wsgi; "
        "print(all(name in sys.modules for name in "
        "('helsefellesskap.urls', 'meetings.views.minutes', 'grants.views.applying')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings"}
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
