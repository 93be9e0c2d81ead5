# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar
CHROMIUM := /usr/bin/chromium
# Debian's python3.11 where there is one: Debian builds it with profile-guided optimisation and
# LTO into one binary, while pyenv's default build (first on PATH on our machines) links a shared
# libpython without them and lays out the annual report's PDF about a quarter slower (make bench).
# Any Python 3.11 works.
PYTHON311 := $(or $(wildcard /usr/bin/python3.11),python3.11)

.PHONY: run data test bench bench-documents wrk lint format browser clean

# Create the virtual environment and install the project with its test tools.
$(INSTALLED): pyproject.toml
	$(PYTHON311) -m venv $(VENV) || python3.11 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

# Migrate the database DATABASE_URL names (SQLite file by default) and load the real
# Helsefellesskap Oslo register plus the demo logins. Safe to run again.
data: $(INSTALLED)
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_portal_data

# The portal and the worker that makes documents in the background; Ctrl-C stops both.
run: data
	$(PYTHON) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PYTHON) manage.py runserver 127.0.0.1:8000

# The Nu HTML Checker, used by the page checks in the test suite.
$(VNU_JAR): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(VNU_JAR)

# Debian's Chromium (and pdftotext) for the browser tests; installed when missing and we are root.
browser:
	@if [ ! -x $(CHROMIUM) ] || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else \
	    echo "Mangler Chromium: kjør 'sudo apt-get install chromium poppler-utils' og prøv igjen." >&2; exit 1; \
	  fi; \
	fi

test: $(INSTALLED) $(VNU_JAR) browser
	$(PYTHON) -m pytest

# Issue 17's benchmark (bench/run.py): synthetic data at one and ten years (SQLite files in
# bench/, or databases beside DATABASE_URL's PostgreSQL), every main page against the admin's
# change list and a floor view, throughput under gunicorn driven by wrk, the documents' time
# and peak memory, then the load run (locust, 50 users x 60 s of reads, cell edits and draft
# saves; fails on a 5xx or a lost write); prints a table and writes bench/results.json. Not part
# of `make test`. Options: make bench BENCH_ARGS="--rounds 20 --seconds 20"; the load run
# alone: BENCH_ARGS="--only load" (shorter: "--only load --load-users 10 --load-seconds 20").
bench: $(INSTALLED) wrk
	$(PYTHON) bench/run.py $(BENCH_ARGS)

# wrk (Debian) drives the throughput figures: it keeps 10 connections busy from one small C
# process, so the load tool does not compete with the two gunicorn workers for the 2 cores.
# Installed when missing and we are root; otherwise the bench skips the throughput figures.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "Mangler wrk: kjør 'sudo apt-get install wrk' for gjennomstrømningstallene." >&2; \
	  fi; \
	fi

# The older timings in isolation (pytest-benchmark): plan page, cell save and exports at 400
# measures, the minutes PDF of a 20-item meeting, the annual report at Oslo's size.
bench-documents: $(INSTALLED)
	$(PYTHON) -m pytest tests/bench -o python_files="bench_*.py" -p no:cacheprovider \
	  --benchmark-only --benchmark-sort=name --benchmark-columns=min,median,max,rounds

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles media .pytest_cache
