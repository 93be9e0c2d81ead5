"""gunicorn's entry point for the throughput figures: the portal's own (helsefellesskap.wsgi,
which imports the URLconf as the process starts) under bench.settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from helsefellesskap.wsgi import application  # noqa: E402, F401
