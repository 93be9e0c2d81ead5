"""The measuring side of `make bench`, run by bench/run.py in a fresh process per task with
DJANGO_SETTINGS_MODULE=bench.settings and BENCH_DATABASE_URL set. Prints one JSON line.

    python -m bench.measure counts            # query count of each main page
    python -m bench.measure times N           # counts, then N interleaved rounds of requests
    python -m bench.measure session           # a logged-in session cookie for wrk
    python -m bench.measure document NAME     # one document: seconds and peak memory
"""

import json
import os
import resource
import statistics
import sys
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from meetings.models import Meeting  # noqa: E402
from portfolio.documents import plan_pdf, plan_pptx  # noqa: E402
from portfolio.models import Plan  # noqa: E402
from scale_data.common import MARKER, USERNAME_PREFIX  # noqa: E402
from scale_data.pages import main_pages  # noqa: E402

USER = f"{USERNAME_PREFIX}sekretariat"


def client() -> Client:
    c = Client()
    c.force_login(User.objects.get(username=USER))
    return c


def get(c: Client, url: str):
    response = c.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} svarte {response.status_code}")
    return response


def counts(c: Client) -> dict:
    pages = main_pages()
    found = {}
    for page in pages:
        get(c, page.url)  # warm: caches, session
        with CaptureQueriesContext(connection) as queries:
            response = get(c, page.url)
        found[page.name] = {
            "url": page.url,
            "queries": len(queries),
            "bytes": len(response.content),
        }
        get(c, page.admin_url)
        with CaptureQueriesContext(connection) as queries:
            get(c, page.admin_url)
        found[page.name].update(admin_url=page.admin_url, admin_queries=len(queries))
    return found


def times(c: Client, rounds: int) -> dict:
    """Every page, its admin change list and the floor in each round, round after round, so
    that a slow moment of the machine touches them all alike."""
    pages = main_pages()
    floor = reverse("floor")
    urls = list(dict.fromkeys([floor, *(p.url for p in pages), *(p.admin_url for p in pages)]))
    samples = {url: [] for url in urls}
    for url in urls:
        get(c, url)
    for _ in range(rounds):
        for url in urls:
            started = time.perf_counter()
            get(c, url)
            samples[url].append((time.perf_counter() - started) * 1000)

    def summary(url):
        values = sorted(samples[url])
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return {"median_ms": statistics.median(values), "p95_ms": p95, "samples": len(values)}

    return {
        "floor": summary(floor),
        "pages": {p.name: {"page": summary(p.url), "admin": summary(p.admin_url)} for p in pages},
    }


def session() -> dict:
    c = client()
    pages = {p.name: p.url for p in main_pages()}
    return {"cookie": f"sessionid={c.cookies['sessionid'].value}", "urls": pages}


def document(name: str) -> dict:
    c = client()
    plan = Plan.objects.filter(title__endswith=MARKER).order_by("dated", "pk").last()
    meeting = (
        Meeting.objects.filter(body__name__endswith=MARKER, minutes__isnull=False)
        .annotate(n=Count("items"))
        .order_by("-n", "-starts_at")
        .first()
    )
    year = plan.dated.year - 1
    runs = {
        # A plan this size is made by the background worker: timed as the worker makes it.
        "plan PDF": lambda: plan_pdf(plan),
        "plan PowerPoint": lambda: plan_pptx(plan),
        "plan Excel": lambda: get(c, reverse("portfolio:plan_export", args=[plan.pk])),
        "minutes PDF": lambda: get(c, reverse("meetings:minutes_pdf", args=[meeting.pk])),
        "annual report": lambda: call_command(
            "annual_report", year=year, output=os.path.join(tempfile.mkdtemp(), "r.pdf")
        ),
    }
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    runs[name]()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    detail = {
        "plan PDF": f"{plan.title}, {plan.columns.count()} kolonner",
        "minutes PDF": f"{meeting}, {meeting.n} saker",
        "annual report": f"hele helsefellesskapet, {year}",
    }.get(name, plan.title)
    return {
        "seconds": seconds,
        "peak_rss_mb": peak / 1024,
        "rss_before_mb": before / 1024,
        "what": detail,
    }


def main(argv):
    task = argv[1]
    if task == "counts":
        result = counts(client())
    elif task == "times":
        c = client()
        result = {"counts": counts(c), "times": times(c, int(argv[2]))}
    elif task == "session":
        result = session()
    elif task == "document":
        result = document(argv[2])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
