"""The portal's settings for `make bench`: the same apps and middleware, plus a floor view in
the bench's own URLconf, so the product carries no bench code. The database is the bench's
own (BENCH_DATABASE_URL), never the portal's."""

import os

import dj_database_url

from helsefellesskap.settings import *  # noqa: F403
from helsefellesskap.settings import DATABASES, LOGGING, PRODUCTION, SQLITE_OPTIONS

if PRODUCTION:
    raise RuntimeError("make bench kjøres ikke i produksjon.")

ROOT_URLCONF = "bench.urls"
# Timed as it runs in production: no debug templates or query log (query counts are captured
# explicitly, which works without DEBUG).
DEBUG = False
# Connections kept between requests, as production keeps them (helsefellesskap/settings.py).
DATABASES = {
    **DATABASES,
    "default": dj_database_url.parse(
        os.environ["BENCH_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The portal's own: a writer waits for another, and transactions begin IMMEDIATE.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
# One log line per request would be thousands of lines here, and so would a warning for each
# 409 of the load run (bench/run.py counts them); server errors are still logged.
LOGGING = {
    **LOGGING,
    "loggers": {
        "helsefellesskap.requests": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
