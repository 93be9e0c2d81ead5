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

.PHONY: run data test bench lint format browser clean

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

# Timings of the heavy pages and documents (pytest-benchmark); not part of `make test`.
bench: $(INSTALLED)
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
