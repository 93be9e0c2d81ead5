"""The users of `make bench`'s load run, for locust in a process of its own (locust patches the
standard library with gevent; bench/run.py starts it, never imports it).

Each user logs in through the login page with a load account (bench/measure.py load-prepare),
then, with a pause between steps, reads a page (front page, plan, meeting, round, search),
edits a plan cell the way the grid does (the form through htmx, posted with its CSRF token and
the cell's version: 409 when someone saved it meanwhile) or saves its grant application draft
through the real form. Every request and every write the portal acknowledged is one JSON line
of the load log (the format in bench/load.py); bench/run.py checks them afterwards.

Environment: BENCH_LOAD_TARGETS (the JSON file load-prepare wrote), BENCH_LOAD_PASSWORD,
BENCH_LOAD_LOG (appended to), BENCH_LOAD_WAIT ("1,3": seconds between steps).
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.load import post_form, select_options

TARGETS = json.loads(Path(os.environ["BENCH_LOAD_TARGETS"]).read_text(encoding="utf-8"))
PASSWORD = os.environ["BENCH_LOAD_PASSWORD"]
LOG = open(os.environ["BENCH_LOAD_LOG"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115
WAIT = [float(s) for s in os.environ.get("BENCH_LOAD_WAIT", "1,3").split(",")]
HTMX = {"HX-Request": "true"}
accounts = itertools.count()


def log(entry: dict) -> None:
    LOG.write(json.dumps(entry, ensure_ascii=False) + "\n")


@events.request.add_listener
def one_line_per_request(name, response_time, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    log({"request": name, "status": status, "ms": response_time, "failed": exception is not None})


@events.user_error.add_listener
def one_line_per_error(user_instance, exception, tb, **kwargs):
    """A step that broke off (a page without its form, say): the run fails on it."""
    log({"error": f"{type(exception).__name__}: {exception}"})


class PortalUser(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self):
        self.username = TARGETS["users"][next(accounts) % len(TARGETS["users"])]
        self.application = TARGETS["applications"][self.username]
        self.saves = itertools.count(1)
        form = self.page(TARGETS["login"], "login page", having="username")
        data = form.data(username=self.username, password=PASSWORD)
        self.expect(self.client.post, TARGETS["login"], "login", {302}, data=data)

    def expect(self, method, url, name, statuses, **kwargs):
        """One request; any answer outside `statuses` is a failure in locust's figures too."""
        kwargs.setdefault("allow_redirects", False)
        with method(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code not in statuses:
                response.failure(f"{response.status_code} (ventet {sorted(statuses)})")
            else:
                response.success()
        return response

    def page(self, url, name, *, having, headers=None):
        response = self.expect(self.client.get, url, name, {200}, headers=headers)
        return post_form(response.text, having=having) if response.status_code == 200 else None

    @task(5)
    def read(self):
        name, url = random.choice(list(TARGETS["reads"].items()))
        self.expect(self.client.get, url, name, {200})

    @task(3)
    def edit_cell(self):
        key, url = random.choice(list(TARGETS["cells"].items()))
        response = self.expect(self.client.get, url, "cell form", {200}, headers=HTMX)
        if response.status_code != 200:
            return
        form = post_form(response.text, having="version")
        version = int(dict(form.fields)["version"])
        text = f"{self.username} lagret {next(self.saves)}"
        status = random.choice(select_options(response.text, "status"))
        data = form.data(text=text, status=status, comment="Lasttest")
        saved = self.expect(self.client.post, url, "cell save", {200, 409}, data=data, headers=HTMX)
        if saved.status_code == 200:
            ack = {"write": "cell", "cell": key, "version": version + 1, "text": text}
            log({**ack, "status": status})
        elif saved.status_code == 409:
            log({"refused": "cell", "cell": key, "version": version})

    @task(2)
    def save_application(self):
        url = self.application["url"]
        form = self.page(url, "application form", having="title")
        if form is None:
            return
        number = next(self.saves)
        title = f"Lastprøve {self.username} nr. {number} (syntetisk)"
        summary = f"Lagret av lasttesten som endring nr. {number}."
        data = form.data(title=title, summary=summary, lagre="1")
        saved = self.expect(self.client.post, url, "application save", {302}, data=data)
        if saved.status_code == 302:
            log({"write": "application", "application": self.application["id"], "title": title,
                 "summary": summary})  # fmt: skip
