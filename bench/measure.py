"""The measuring side of `make bench`, run by bench/run.py in a fresh process per task with
DJANGO_SETTINGS_MODULE=bench.settings and BENCH_DATABASE_URL set. Prints one JSON line.

    python -m bench.measure counts            # query count of each main page
    python -m bench.measure times N           # counts, then N interleaved rounds of requests
    python -m bench.measure session           # a logged-in session cookie for wrk
    python -m bench.measure document NAME     # one document: seconds and peak memory
                                              # ("membership import": the admin's import;
                                              # "minutes PDF": cold, then warm requests)
    python -m bench.measure load-prepare USERS CELLS  # the load run's users, drafts and cells
    python -m bench.measure load-verify LOG   # the load run's acknowledged writes, looked up
"""

import csv
import datetime
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from importlib import import_module

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.load import check_writes  # noqa: E402
from grants.models import Application, BudgetLine, Round, Scheme  # noqa: E402
from helsefellesskap import admin_imports  # noqa: E402
from helsefellesskap.kept_pdfs import forget_pdf  # noqa: E402
from helsefellesskap.models import Body, Membership, Organisation, Person, Sector  # noqa: E402
from helsefellesskap.permissions import SECRETARIAT_GROUP  # noqa: E402
from meetings.documents import minutes_pdf_key  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from portfolio.documents import plan_pdf, plan_pptx  # noqa: E402
from portfolio.models import Cell, Measure, Plan  # noqa: E402
from portfolio.spreadsheet import export_plan  # noqa: E402
from scale_data.common import MARKER, USERNAME_PREFIX, synthetic  # noqa: E402
from scale_data.pages import main_pages  # noqa: E402

USER = f"{USERNAME_PREFIX}sekretariat"
# The load run's users: synthetic (deleted with the rest by generate_scale_data --delete).
LOAD_USER = f"{USERNAME_PREFIX}last-"
LOAD_READS = ["home", "plan page", "meeting page", "round page", "search"]
# Issue 17's member list: 10 000 rows, the most the admin's import takes.
IMPORT_ROWS = 10_000
IMPORT_SOURCE = synthetic("Importtest i make bench")
# The minutes PDF's requests in a warm process, laid out anew and served kept, each.
WARM_REQUESTS = 5


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
    if name == "membership import":
        return membership_import()
    if name == "minutes PDF":
        return minutes_requests(c, meeting)
    runs = {
        # A plan this size is made by the background worker: timed as the worker makes it.
        "plan PDF": lambda: plan_pdf(plan),
        "plan PowerPoint": lambda: plan_pptx(plan),
        "plan Excel": lambda: export_plan(plan),
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
        "annual report": f"hele helsefellesskapet, {year}",
    }.get(name, plan.title)
    return {
        "seconds": seconds,
        "peak_rss_mb": peak / 1024,
        "rss_before_mb": before / 1024,
        "what": detail,
    }


def minutes_requests(c: Client, meeting: Meeting) -> dict:
    """The minutes PDF of the meeting with the most items, as users of a running server wait
    for it. The minutes' PDF is kept once made (helsefellesskap/kept_pdfs.py), so each
    figure says which it is:
    - `seconds`: the first request in this fresh process, the kept PDF forgotten first, so it
      is laid out with every cost of a first use (fonts, WeasyPrint, templates);
    - `warm_laid_out_seconds`: WARM_REQUESTS more in the same process, each laid out anew
      (the kept PDF forgotten before each, as after a correction): median and all;
    - `warm_kept_seconds`: WARM_REQUESTS more served from the kept PDF: median and all.
    Before them `startup_seconds`: what a server process does as it starts
    (helsefellesskap.wsgi: the URLconf and every view imported), so that `seconds` is what
    the first user of a freshly started server waits.
    The kept PDF is forgotten at the end, so the bench leaves no file in the storage."""
    key = minutes_pdf_key(meeting)
    started = time.perf_counter()
    import_module("helsefellesskap.wsgi")
    startup = time.perf_counter() - started

    def timed() -> float:
        started = time.perf_counter()
        get(c, reverse("meetings:minutes_pdf", args=[meeting.pk]))
        return time.perf_counter() - started

    def laid_out() -> float:
        forget_pdf(key)
        return timed()

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        cold = laid_out()
        warm_laid_out = [laid_out() for _ in range(WARM_REQUESTS)]
        timed()  # lays it out and keeps it
        warm_kept = [timed() for _ in range(WARM_REQUESTS)]
    finally:
        forget_pdf(key)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "startup_seconds": startup,
        "seconds": cold,
        "warm_laid_out_seconds": statistics.median(warm_laid_out),
        "warm_laid_out_samples": warm_laid_out,
        "warm_kept_seconds": statistics.median(warm_kept),
        "warm_kept_samples": warm_kept,
        "peak_rss_mb": peak / 1024,
        "rss_before_mb": before / 1024,
        "what": f"{meeting}, {meeting.n} saker",
    }


def membership_import() -> dict:
    """A 10 000-row member list (CSV) through the admin's import as the worker runs it
    (helsefellesskap/admin_imports.py): stored as the admin stores an upload, then the trial run
    and the import, timed together, without the portal's time limit (the bench measures how
    long they take). The rows are deleted afterwards, history included."""
    model_admin = admin.site._registry[Membership]
    formats = model_admin.get_import_formats()
    csv = next(index for index, f in enumerate(formats) if f().get_title() == "csv")
    stored = model_admin.write_to_tmp_storage(
        SimpleUploadedFile("medlemmer.csv", _member_list(IMPORT_ROWS)), formats[csv]()
    )
    params = {
        "model": Membership._meta.label,
        "resource": 0,
        "format": csv,
        "stored_name": stored.name,
        "file_name": "medlemmer.csv",
    }
    user = User.objects.get(username=USER)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with override_settings(IMPORT_TIME_LIMIT=24 * 3600):
        started = time.perf_counter()
        admin_imports.run_import(params, user, dry_run=True)
        tried = time.perf_counter()
        built = admin_imports.run_import(params, user, dry_run=False)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    imported = Membership.objects.filter(source=IMPORT_SOURCE).count()
    Membership.history.filter(source=IMPORT_SOURCE).delete()
    Membership.objects.filter(source=IMPORT_SOURCE).delete()
    if imported != IMPORT_ROWS:
        raise SystemExit(f"Importen skrev {imported} rader, ikke {IMPORT_ROWS}: {built.message}")
    return {
        "seconds": seconds,
        "trial_seconds": tried - started,
        "import_seconds": seconds - (tried - started),
        "peak_rss_mb": peak / 1024,
        "rss_before_mb": before / 1024,
        "what": f"{IMPORT_ROWS} medlemskap (CSV): kontroll og import",
    }


def _member_list(rows: int) -> bytes:
    """Members of the synthetic bodies from 1.1 next year, people with a name of their own
    (the import finds people and bodies by name)."""
    names = list(
        Person.objects.filter(name__endswith=MARKER)
        .values("name")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .order_by("name")
        .values_list("name", flat=True)
    )
    bodies = list(Body.objects.filter(name__endswith=MARKER).order_by("name").values_list("name"))
    if len(names) * len(bodies) < rows:
        raise SystemExit(f"For få personer og organer til {rows} medlemskap.")
    start = f"01.01.{timezone.localdate().year + 1}"
    text = io.StringIO()
    sheet = csv.writer(text)
    sheet.writerow(["person", "body", "role", "start", "source"])
    for index in range(rows):
        body = bodies[index % len(bodies)][0]
        sheet.writerow([names[index // len(bodies)], body, "medlem", start, IMPORT_SOURCE])
    return text.getvalue().encode()


def load_prepare(users: int, cells: int) -> dict:
    """What the load run's users need: their accounts (secretariat, with this run's password
    from BENCH_LOAD_PASSWORD), a draft each in a grant round open during the run, the pages
    they read and the plan cells they edit (fewer cells than users: edits meet)."""
    pages = {page.name: page.url for page in main_pages()}
    plan = Plan.objects.filter(title__endswith=MARKER).order_by("dated", "pk").last()
    year = plan.columns.order_by("-year").values_list("year", flat=True).first()
    measures = Measure.objects.filter(group__area__plan=plan).order_by("pk")[:cells]
    with transaction.atomic():
        accounts = _load_users(users)
        drafts = _load_drafts(accounts, plan)
    return {
        "login": reverse("login"),
        "users": [user.username for user in accounts],
        "reads": {name: pages[name] for name in LOAD_READS},
        "cells": {
            f"{m.pk}/{year}": reverse("portfolio:cell_edit", args=[plan.pk, m.pk, year])
            for m in measures
        },
        "applications": {
            a.created_by.username: {
                "id": a.pk,
                "url": reverse("grants:application_edit", args=[a.pk]),
            }
            for a in drafts
        },
    }


def _load_users(n: int) -> list[User]:
    password = make_password(os.environ["BENCH_LOAD_PASSWORD"])  # hashed once for all
    secretariat = Group.objects.get(name=SECRETARIAT_GROUP)
    accounts = []
    for i in range(1, n + 1):
        user, _ = User.objects.update_or_create(
            username=f"{LOAD_USER}{i:03d}",
            defaults={"first_name": "Lastbruker", "last_name": synthetic(f"{i:03d}")},
        )
        user.password = password
        user.save(update_fields=["password"])
        user.groups.add(secretariat)
        accounts.append(user)
    return accounts


def _load_drafts(accounts: list[User], plan: Plan) -> list[Application]:
    """A round of its own, open for a month, with one draft per load user."""
    now = timezone.now()
    scheme, _ = Scheme.objects.get_or_create(name=synthetic("Lasttest av søknadsskjemaet"))
    round, _ = Round.objects.update_or_create(
        scheme=scheme, year=now.year + 1, defaults={"deadline": now + datetime.timedelta(30)}
    )
    round.invited_areas.set(plan.areas.order_by("position", "pk")[:3])
    sector = Sector.objects.filter(name__endswith=MARKER).order_by("pk").first()
    district = Organisation.objects.filter(
        name__endswith=MARKER, kind=Organisation.Kind.DISTRICT
    ).order_by("pk")
    drafts = []
    for user in accounts:
        draft = Application.objects.filter(round=round, created_by=user).first()
        if draft is None:
            draft = Application(
                round=round,
                sector=sector,
                title=synthetic(f"Lastprøve {user.username}"),
                summary="Et utkast som lasttesten lagrer om og om igjen.",
                focus_area=round.invited_areas.first(),
                applicant_organisation=district.first(),
                contact_name=user.get_full_name(),
                contact_email=f"{user.username}@syntetisk.example",
                period_start=datetime.date(round.year, 6, 1),
                period_end=datetime.date(round.year + 1, 5, 31),
                amount_asked=100_000,
                created_by=user,
            )
            draft._history_user = user
            draft.save()
            BudgetLine.objects.create(
                application=draft, year=round.year, description="Lønn", amount=100_000
            )
        drafts.append(draft)
    return drafts


def load_verify(log: str) -> dict:
    """The acknowledged writes of the load log, looked up in the database (bench/load.py)."""
    with open(log, encoding="utf-8") as lines:
        writes = [entry for entry in map(json.loads, lines) if "write" in entry]
    cells = {}
    for key in {w["cell"] for w in writes if w["write"] == "cell"}:
        measure, year = map(int, key.split("/"))
        cell = Cell.objects.filter(measure_id=measure, column__year=year).first()
        fields = ("version", "text", "status")
        cells[key] = {
            "history": [list(row) for row in cell.history.values_list(*fields)] if cell else [],
            "final": [getattr(cell, name) for name in fields] if cell else None,
        }
    applications = {}
    for pk in {w["application"] for w in writes if w["write"] == "application"}:
        final = Application.objects.filter(pk=pk).values_list("title", "summary").first()
        history = Application.history.filter(id=pk).values_list("title", "summary")
        applications[str(pk)] = {
            "history": [list(row) for row in history],
            "final": list(final) if final else None,
        }
    return check_writes(writes, {"cells": cells, "applications": applications})


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
    elif task == "load-prepare":
        result = load_prepare(int(argv[2]), int(argv[3]))
    elif task == "load-verify":
        result = load_verify(argv[2])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
