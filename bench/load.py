"""The load run's own logic, free of Django and of locust, so that the locustfile (under gevent),
bench/measure.py (Django) and bench/run.py share it and tests check it without either:

- `post_form`: the fields a browser would send for one form of a page;
- `summarise`: requests, answers per status and p50/p95 per kind of request;
- `check_writes`: every write the portal acknowledged is in the database.

A write record (one JSON line of the load log, written by bench/locustfile.py):
    {"write": "cell", "cell": "<measure>/<year>", "version": 4, "text": "...", "status": "..."}
    {"write": "application", "application": 17, "title": "...", "summary": "..."}
Cell saves refused for a stale version (409) are logged as {"refused": "cell", ...}.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

# --- Forms on a page ---


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def data(self, **changes: str) -> list[tuple[str, str]]:
        """The fields as posted, with `changes` replacing the values of those names."""
        kept = [(name, value) for name, value in self.fields if name not in changes]
        return kept + list(changes.items())


class _FormParser(HTMLParser):
    """Successful controls of each form (HTML's form submission): enabled ones, checked boxes
    only, the selected options (else a single select's first), a textarea's text without the
    newline that follows its start tag. Buttons and files are left out: the caller names the
    button it presses."""

    NOT_SENT = {"submit", "button", "image", "reset", "file"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.select: tuple[str, bool] | None = None  # name, multiple
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.textarea: str | None = None
        self.text = ""
        self.offered: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", "")))
        if not self.forms or "disabled" in a or ("name" not in a and tag != "option"):
            return
        current = self.forms[-1].fields
        if tag == "input":
            kind = a.get("type", "text").lower()
            checkable = kind in {"checkbox", "radio"}
            if kind not in self.NOT_SENT and (not checkable or "checked" in a):
                current.append((a["name"], a.get("value", "on" if checkable else "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select, self.options = (a["name"], "multiple" in a), []
        elif tag == "option" and self.select:
            self.option_value = a.get("value")
            self.options.append((a.get("value", ""), "selected" in a))
            self.text = ""

    def handle_data(self, data):
        self.text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.forms[-1].fields.append((self.textarea, text))
            self.textarea = None
        elif tag == "option" and self.select and self.option_value is None:
            self.options[-1] = (self.text.strip(), self.options[-1][1])
        elif tag == "select" and self.select:
            name, multiple = self.select
            self.offered[name] = [value for value, _ in self.options]
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.forms[-1].fields += [(name, value) for value in chosen]
            self.select = None


def post_form(html: str, *, having: str) -> Form:
    """The page's form that has a field named `having` (the page also holds the log-out form)."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    for form in parser.forms:
        if having in form.names():
            return form
    raise ValueError(f"Fant ikke noe skjema med feltet «{having}» på siden.")


def select_options(html: str, name: str) -> list[str]:
    """The values offered by the select named `name` (the cell form's statuses)."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.offered.get(name, [])


# --- Figures ---


def percentile(values: list[float], p: float) -> float:
    """Nearest rank on the sorted values, as bench/measure.py takes p95."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def summarise(requests: list[dict]) -> dict:
    """Requests ({"request": kind, "status": code, "ms": time, "failed": bool}; status 0 when
    no answer came) counted per status, and per kind with p50/p95."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in requests:
        by_kind[r["request"]].append(r)
    statuses = Counter(str(r["status"]) for r in requests)
    return {
        "requests": len(requests),
        "by_status": dict(sorted(statuses.items())),
        "server_errors": sum(1 for r in requests if r["status"] >= 500),
        "no_answer": statuses.get("0", 0),
        # answers the user did not expect (a 404, a form sent back): neither 5xx nor none
        "unexpected": sum(1 for r in requests if r.get("failed") and 0 < r["status"] < 500),
        "by_request": {
            kind: {
                "requests": len(rows),
                "by_status": dict(sorted(Counter(str(r["status"]) for r in rows).items())),
                "p50_ms": percentile([r["ms"] for r in rows], 50),
                "p95_ms": percentile([r["ms"] for r in rows], 95),
            }
            for kind, rows in sorted(by_kind.items())
        },
    }


# --- Acknowledged writes against the database ---


def check_writes(writes: list[dict], stored: dict) -> dict:
    """Every acknowledged write found in the database, and the last one is what is stored.

    `stored` is read from the database after the run:
        {"cells": {"<measure>/<year>": {"history": [[version, text, status], ...],
                                        "final": [version, text, status] or None}},
         "applications": {"<id>": {"history": [[title, summary], ...], "final": [title, summary]}}}
    Returns the counts and a list of problems (empty when everything acknowledged is there).
    """
    problems: list[str] = []
    cells = [w for w in writes if w["write"] == "cell"]
    applications = [w for w in writes if w["write"] == "application"]
    cells_found = _check_cells(cells, stored["cells"], problems)
    applications_found = _check_applications(applications, stored["applications"], problems)
    return {
        "cell_edits_acknowledged": len(cells),
        "cell_edits_found": cells_found,
        "application_saves_acknowledged": len(applications),
        "application_saves_found": applications_found,
        "problems": problems,
    }


def _check_cells(writes: list[dict], stored: dict, problems: list[str]) -> int:
    found = 0
    by_cell: dict[str, list[dict]] = defaultdict(list)
    for w in writes:
        by_cell[w["cell"]].append(w)
    for key, acknowledged in by_cell.items():
        cell = stored.get(key) or {"history": [], "final": None}
        versions = Counter(row[0] for row in cell["history"])
        problems += [
            f"celle {key}: {n} historikkrader med versjon {v}" for v, n in versions.items() if n > 1
        ]
        history = {tuple(row) for row in cell["history"]}
        for w in acknowledged:
            if (w["version"], w["text"], w["status"]) in history:
                found += 1
            else:
                problems.append(f"celle {key}: bekreftet versjon {w['version']} mangler")
        last = max(acknowledged, key=lambda w: w["version"])
        if cell["final"] != [last["version"], last["text"], last["status"]]:
            problems.append(
                f"celle {key}: lagret {cell['final']}, sist bekreftet versjon {last['version']}"
            )
    return found


def _check_applications(writes: list[dict], stored: dict, problems: list[str]) -> int:
    found = 0
    last: dict[str, dict] = {}
    for w in writes:  # in the order the portal acknowledged them
        key = str(w["application"])
        application = stored.get(key) or {"history": [], "final": None}
        if [w["title"], w["summary"]] in application["history"]:
            found += 1
        else:
            problems.append(f"søknad {key}: bekreftet lagring «{w['title']}» mangler")
        last[key] = w
    for key, w in last.items():
        final = (stored.get(key) or {}).get("final")
        if final != [w["title"], w["summary"]]:
            problems.append(f"søknad {key}: lagret {final}, sist bekreftet «{w['title']}»")
    return found
