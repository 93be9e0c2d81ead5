"""People at their browsers, whose requests a load balancer without sticky sessions sends to the
two servers in turn: the session, the CSRF cookie and the messages must work on both."""

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import requests
from django.db import connections

PASSWORD = "riktig-passord-123"
TIMEOUT = 60


class InputValues(HTMLParser):
    """The values of a page's <input> fields by name (hidden ones included)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


def input_values(html: str) -> dict[str, str]:
    parser = InputValues()
    parser.feed(html)
    return parser.values


class Visitor:
    """One logged-in person; request n goes to server n % 2 (starting at `first`). Every
    response is counted in `statuses`; a server error is kept in `server_errors`."""

    lock = threading.Lock()

    def __init__(self, servers: Sequence, statuses: Counter, first: int = 0):
        self.index = first
        self.username = ""
        self.session = requests.Session()
        self.bases = [server.url for server in servers]
        self.turn = itertools.count(first)
        self.statuses = statuses
        self.server_errors: list[str] = []

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        base = self.bases[next(self.turn) % len(self.bases)]
        response = self.session.request(
            method, base + path, allow_redirects=False, timeout=TIMEOUT, **kwargs
        )
        with self.lock:
            self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{method} {base}{path}: {response.status_code}")
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def open_form(self, path: str) -> dict[str, str]:
        """GET a page with a form: its input values (the CSRF token among them)."""
        page = self.get(path)
        assert page.status_code == 200, f"GET {path}: {page.status_code}"
        return input_values(page.text)

    def post(self, path: str, fields: dict[str, str], data: dict[str, str]) -> requests.Response:
        """POST `data` with the CSRF token of the form whose `fields` were read."""
        return self.request(
            "POST", path, data={"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], **data}
        )

    def follow(self, response: requests.Response) -> str:
        """The page a redirect leads to (with the message the step left), as text."""
        assert response.status_code == 302, response.status_code
        return self.get(response.headers["Location"]).text.replace("\xa0", " ")

    def log_in(self, username: str) -> None:
        self.username = username
        fields = self.open_form("/logg-inn/")
        response = self.post("/logg-inn/", fields, {"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"{username} kom ikke inn: {response.status_code}"


def visitors_for(users, servers, statuses) -> list[Visitor]:
    """A visitor per user, logged in at once; every other one starts on the second server."""
    visitors = [Visitor(servers, statuses, first=i) for i, _ in enumerate(users)]
    pairs = list(zip(visitors, users, strict=True))
    together(lambda visitor, user: visitor.log_in(user.username), pairs)
    return visitors


def at_once(visitors: Sequence[Visitor], rounds: Sequence, prepare: Callable, send: Callable):
    """Round by round, every visitor prepares (reads the form, as the person opens the page),
    then all send at the same moment; the next round starts when every answer is in.
    prepare(visitor, round) -> ready; send(visitor, round, ready) -> result.
    Returns [(round, visitor, result)] for every visitor and round."""
    barrier = threading.Barrier(len(visitors), timeout=TIMEOUT)

    def run(visitor):
        results = []
        try:
            for round in rounds:
                ready = prepare(visitor, round)
                barrier.wait()  # everyone has read the same state
                results.append((round, visitor, send(visitor, round, ready)))
                barrier.wait()  # the round is over before anyone reads the next
        except BaseException:
            barrier.abort()  # the others stop waiting; the error is raised by together()
            raise
        return results

    return [result for results in together(run, [(v,) for v in visitors]) for result in results]


def together(work: Callable, arguments: Sequence[tuple]) -> list:
    """Run work(*args) for every tuple at the same time, one thread each; their results in
    order (an exception in one is raised here)."""
    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        futures = [pool.submit(_closing_connections, work, *args) for args in arguments]
    errors = [future.exception() for future in futures if future.exception()]
    # The thread that failed first, not the others it stopped at the barrier.
    if errors:
        raise min(errors, key=lambda error: isinstance(error, threading.BrokenBarrierError))
    return [future.result() for future in futures]


def _closing_connections(work: Callable, *args):
    # A thread that used the ORM has database connections of its own, which nothing else
    # closes: left open, they keep the test database from being dropped at the end.
    try:
        return work(*args)
    finally:
        connections.close_all()
