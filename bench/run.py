"""`make bench`: synthetic data at one and at ten years, then the main pages side by side with
the Django admin and a floor, throughput under gunicorn, the documents, and a load run of
locust users reading and writing on the one-year data (fails on a 5xx or a lost write); a
table on screen and every figure in bench/results.json (nothing typed in).

SQLite by default, in files of its own under bench/; PostgreSQL when DATABASE_URL names one
(the bench creates databases "<name>_bench_<N>y" beside it and drops them afterwards).

    .venv/bin/python bench/run.py [--years 10] [--rounds 10] [--seconds 10]
    .venv/bin/python bench/run.py --only load [--load-users 50] [--load-seconds 60]
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
sys.path.insert(0, str(ROOT))  # run as a script: bench.load is shared with the locustfile
from bench.load import summarise  # noqa: E402

PYTHON = sys.executable
DOCUMENTS = [
    "minutes PDF",
    "plan Excel",
    "plan PowerPoint",
    "plan PDF",
    "annual report",
    "membership import",
]


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(args, *, env=None, capture=True) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=capture, text=True
    )
    if result.returncode:
        sys.stderr.write((result.stdout or "") + (result.stderr or ""))
        raise SystemExit(f"Feilet: {' '.join(map(str, args))}")
    return result.stdout or ""


class Databases:
    """The bench's own databases: SQLite files in bench/, or PostgreSQL databases beside the
    one DATABASE_URL names."""

    def __init__(self):
        self.base = os.environ.get("DATABASE_URL", "")
        self.postgres = self.base.startswith(("postgres://", "postgresql://"))
        self.created: list[str] = []
        self.template: Path | None = None  # SQLite: a migrated empty database to copy

    @property
    def maintenance(self) -> str:
        """The server's own database, to create and drop the bench's beside DATABASE_URL's
        (which need not exist)."""
        parts = urllib.parse.urlsplit(self.base)
        return urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    @property
    def engine(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    def fresh(self, label: str) -> str:
        if not self.postgres:
            path = HERE / f"db-{label}.sqlite3"
            path.unlink(missing_ok=True)
            return f"sqlite:///{path}"
        import psycopg

        parts = urllib.parse.urlsplit(self.base)
        name = f"{parts.path.lstrip('/') or 'postgres'}_bench_{label}"
        with psycopg.connect(self.maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

    def drop_all(self) -> None:
        if not self.postgres:
            return
        import psycopg

        with psycopg.connect(self.maintenance, autocommit=True) as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(dbs: Databases, years: int, args) -> dict:
    url = dbs.fresh(f"{years}y")
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings"}
    started = time.perf_counter()
    if dbs.template:
        shutil.copy(dbs.template, url.removeprefix("sqlite:///"))
    else:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env)
        if not dbs.postgres:
            dbs.template = HERE / "db-empty.sqlite3"
            shutil.copy(url.removeprefix("sqlite:///"), dbs.template)
    migrated = time.perf_counter() - started
    command = ["generate_scale_data", f"--years={years}", f"--factor={args.factor}"]
    command += [f"--seed={args.seed}"]
    started = time.perf_counter()
    output = run([PYTHON, "manage.py", *command], env=env)
    generated = time.perf_counter() - started
    if dbs.postgres:
        # Statistics now, as a database in use has them: before autovacuum gets to the new
        # tables the planner guesses, and picks plans no running installation would.
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    log(f"{years} år: migrert på {migrated:.0f} s, data laget på {generated:.0f} s")
    return {
        "url": url,
        "command": " ".join(command),
        "migrate_seconds": migrated,
        "generate_seconds": generated,
        "generator_output": output.strip(),
    }


def measure(url: str, *task, env: dict | None = None) -> dict:
    env = {**(env or {}), "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    out = run([PYTHON, "-m", "bench.measure", *map(str, task)], env=env)
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(text: str) -> dict:
    def number(pattern, default=0.0):
        match = re.search(pattern, text)
        return float(match.group(1)) if match else default

    latency = {
        f"p{p}_ms": float(value) * UNITS[unit]
        for p, value, unit in re.findall(
            r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M
        )
    }
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        **latency,
    }


@contextlib.contextmanager
def gunicorn(url: str, workers: int):
    """The portal under gunicorn (`workers` sync workers) on a free port of 127.0.0.1 against
    the bench database `url`: yields its address once it answers, and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "bench.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/logg-inn/", timeout=30)
                break
            except OSError:  # refused while starting, or a timeout
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn startet ikke") from None
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def throughput(url: str, args) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        log("wrk mangler: hopper over gjennomstrømning (make bench installerer den som root)")
        return {"skipped": "wrk mangler"}
    login = measure(url, "session")
    results = {"workers": args.workers, "connections": args.connections}
    with gunicorn(url, args.workers) as base:
        targets = {
            "plan page": login["urls"]["plan page"],
            "meeting page": login["urls"]["meeting page"],
            "floor": "/bench/gulv/",
        }
        for name, path in targets.items():
            # The cookie must give the page itself, not the login page (wrk counts a 302 as fine).
            request = urllib.request.Request(base + path, headers={"Cookie": login["cookie"]})
            opener = urllib.request.build_opener(NoRedirect)
            status = opener.open(request, timeout=60).status
            if status != 200:
                raise SystemExit(f"{path} svarte {status} under gunicorn")
            log(f"wrk {args.seconds} s mot {name} ({path})")
            output = run(
                [
                    wrk,
                    f"--threads={min(2, args.connections)}",
                    f"--connections={args.connections}",
                    f"--duration={args.seconds}s",
                    "--timeout=30s",
                    "--latency",
                    "--header",
                    f"Cookie: {login['cookie']}",
                    base + path,
                ]
            )
            results[name] = {"url": path, **parse_wrk(output)}
    return results


def load(url: str, args) -> dict:
    """Issue 18's load run: locust's users (bench/locustfile.py) against gunicorn for
    --load-seconds, then every write the portal acknowledged looked up in the database."""
    env = {"BENCH_LOAD_PASSWORD": secrets.token_urlsafe(18)}  # this run's load accounts only
    targets = measure(url, "load-prepare", args.load_users, args.load_cells, env=env)
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (folder / "targets.json").write_text(json.dumps(targets))
    env |= {
        "BENCH_LOAD_TARGETS": str(folder / "targets.json"),
        "BENCH_LOAD_LOG": str(folder / "load.jsonl"),
        "BENCH_LOAD_WAIT": args.load_wait,
        "PYTHONPATH": str(ROOT),
    }
    with gunicorn(url, args.workers) as base:
        log(f"last: {args.load_users} brukere i {args.load_seconds} s mot {base}")
        command = [str(Path(PYTHON).parent / "locust"), "--headless", "--only-summary"]
        command += ["-f", str(HERE / "locustfile.py"), f"--host={base}"]
        command += [f"--users={args.load_users}", f"--run-time={args.load_seconds}s"]
        command += [f"--spawn-rate={args.load_users / args.load_ramp:g}", "--stop-timeout=60"]
        run([*command, "--exit-code-on-error=0", "--loglevel=WARNING"], env=env)
    entries = [json.loads(line) for line in (folder / "load.jsonl").read_text().splitlines()]
    log("last: de bekreftede skrivingene slås opp i databasen")
    checked = measure(url, "load-verify", folder / "load.jsonl")
    figures = {
        "users": args.load_users,
        "seconds": args.load_seconds,
        "workers": args.workers,
        "wait_seconds": [float(s) for s in args.load_wait.split(",")],
        "cells": args.load_cells,
        **summarise([e for e in entries if "request" in e]),
        "cell_edits_refused": sum(1 for e in entries if e.get("refused") == "cell"),
        "user_errors": [e["error"] for e in entries if "error" in e],
        **checked,
        "load_average_at_end": os.getloadavg(),
    }
    if load_failures(figures):
        figures["log"] = str(folder / "load.jsonl")  # kept for a closer look
    else:
        shutil.rmtree(folder)
    return figures


def load_failures(figures: dict) -> list[str]:
    """Why the load run failed (empty when it did not): a server error, a request without an
    answer or with an answer the user did not expect, a user's step that broke off, an
    acknowledged write not found, or no acknowledged write at all (a run that wrote nothing
    proves nothing)."""
    failures = [f"{figures['server_errors']} svar med 5xx"] if figures["server_errors"] else []
    if figures["no_answer"]:
        failures.append(f"{figures['no_answer']} forespørsler uten svar")
    if figures["unexpected"]:
        failures.append(f"{figures['unexpected']} uventede svar")
    if errors := figures["user_errors"]:
        failures.append(f"{len(errors)} steg brøt av med en feil, først: {errors[0]}")
    failures += figures["problems"]
    if not figures["cell_edits_acknowledged"]:
        failures.append("ingen lagring av en celle ble bekreftet")
    if not figures["application_saves_acknowledged"]:
        failures.append("ingen lagring av et søknadsutkast ble bekreftet")
    return failures


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def machine(dbs: Databases, url: str) -> dict:
    info = {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_executable": PYTHON,
        "database_engine": dbs.engine,
        "load_average_at_start": os.getloadavg(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
    }
    info["git_commit"] = run(["git", "rev-parse", "HEAD"]).strip()
    return info


def table(results: dict) -> str:
    lines = page_lines(results) if "pages" in results else []
    tp = results.get("throughput", {})
    if "skipped" not in tp and tp:
        lines += ["", f"gunicorn {tp['workers']} workers, wrk {tp['connections']} forbindelser:"]
        for name, f in tp.items():
            if isinstance(f, dict):
                lines.append(
                    f"  {name:14} {f['requests_per_second']:8.1f} req/s  median "
                    f"{f.get('p50_ms', 0):7.1f} ms  p99 {f.get('p99_ms', 0):7.1f} ms  "
                    f"feil {f['non_2xx_3xx'] + f['socket_errors']}"
                )
    docs = results.get("documents", {})
    if docs:
        lines += ["", "Dokumenter (egen prosess hver):"]
        for name, d in docs.items():
            lines.append(
                f"  {name:16} {d['seconds']:7.2f} s  topp {d['peak_rss_mb']:6.0f} MB "
                f"(før {d['rss_before_mb']:.0f} MB)  {d['what']}"
            )
            if "warm_kept_seconds" in d:
                lines += [
                    f"  {'':16} første forespørsel i ny prosess, etter oppstarten "
                    f"(helsefellesskap.wsgi, {d['startup_seconds']:.3f} s);",
                    f"  {'':16} i samme prosess etterpå (median av {len(d['warm_kept_samples'])}):",
                    f"  {'':16} lagt ut på nytt {d['warm_laid_out_seconds']:.3f} s, "
                    f"lagret PDF {d['warm_kept_seconds']:.3f} s",
                ]
    if "load" in results:
        lines += ["", *load_lines(results["load"], results["machine"]["database_engine"])]
    return "\n".join(lines)


def load_lines(f: dict, engine: str) -> list[str]:
    statuses = ", ".join(f"{status}: {n}" for status, n in f["by_status"].items())
    wait = "–".join(f"{s:g}".replace(".", ",") for s in f["wait_seconds"])
    lines = [
        f"Last: {f['users']} brukere i {f['seconds']} s, {wait} s mellom stegene, "
        f"gunicorn {f['workers']} workers, {engine}: {f['requests']} forespørsler "
        f"({f['requests'] / f['seconds']:.1f}/s); 5xx {f['server_errors']}, uten svar "
        f"{f['no_answer']}, uventede {f['unexpected']}; svar {statuses}",
        f"  {'forespørsel':18} {'antall':>7} {'p50':>9} {'p95':>9}  svar",
    ]
    for name, r in f["by_request"].items():
        answers = ", ".join(f"{status}: {n}" for status, n in r["by_status"].items())
        lines.append(
            f"  {name:18} {r['requests']:>7} {r['p50_ms']:>7.0f}ms {r['p95_ms']:>7.0f}ms  {answers}"
        )
    lines.append(
        f"  Bekreftet/funnet i databasen: celler {f['cell_edits_acknowledged']}/"
        f"{f['cell_edits_found']} ({f['cell_edits_refused']} avvist med 409 for gammel versjon), "
        f"søknadsutkast {f['application_saves_acknowledged']}/{f['application_saves_found']}"
    )
    lines += [f"  FEIL: {problem}" for problem in load_failures(f)]
    if "log" in f:
        lines.append(f"  Hver forespørsel og hver bekreftet lagring står i {f['log']}")
    return lines


def page_lines(results: dict) -> list[str]:
    lines = []
    small, big = results["parameters"]["small_years"], results["parameters"]["years"]
    lines.append(
        f"Sider: spørringer (sp) på {small} og {big} år; tider på {big} år, "
        f"{results['parameters']['rounds']} forespørsler hver, vekselvis; "
        f"{results['machine']['cpu_count']} CPU-er, {results['machine']['database_engine']}."
    )
    pages = results["pages"]
    floor = pages["floor"]["median_ms"]
    head = (
        f"{'side':20} {f'sp {small} år':>7} {f'sp {big} år':>8} {'median':>8} {'p95':>8} "
        f"{'admin med':>9} {'/admin':>7} {'/gulv':>7} {'admin sp':>8} {'KB':>6}"
    )
    lines += [head, "-" * len(head)]
    for name, figures in pages["by_page"].items():
        lines.append(
            f"{name:20} {figures['queries_small']:>7} {figures['queries']:>8} "
            f"{figures['median_ms']:>6.1f}ms {figures['p95_ms']:>6.1f}ms "
            f"{figures['admin_median_ms']:>7.1f}ms {figures['ratio_to_admin']:>7.2f} "
            f"{figures['ratio_to_floor']:>7.1f} {figures['admin_queries']:>8} "
            f"{figures['bytes'] / 1024:>6.0f}"
        )
    lines.append(
        f"{'gulv (floor)':20} {'':>7} {'':>8} {floor:>6.1f}ms {pages['floor']['p95_ms']:>6.1f}ms"
    )
    return lines


def measure_pages(small_url: str, big_url: str, args) -> dict:
    log(f"spørringer på {args.small_years} år")
    small_counts = measure(small_url, "counts")
    log(f"spørringer og {args.rounds} runder med forespørsler på {args.years} år")
    measured = measure(big_url, "times", args.rounds)
    floor = measured["times"]["floor"]
    by_page = {}
    for name, counted in measured["counts"].items():
        timing = measured["times"]["pages"][name]
        by_page[name] = {
            "url": counted["url"],
            "admin_url": counted["admin_url"],
            "queries_small": small_counts[name]["queries"],
            "queries": counted["queries"],
            "admin_queries": counted["admin_queries"],
            "bytes": counted["bytes"],
            "median_ms": timing["page"]["median_ms"],
            "p95_ms": timing["page"]["p95_ms"],
            "admin_median_ms": timing["admin"]["median_ms"],
            "admin_p95_ms": timing["admin"]["p95_ms"],
            "ratio_to_admin": timing["page"]["median_ms"] / timing["admin"]["median_ms"],
            "ratio_to_floor": timing["page"]["median_ms"] / floor["median_ms"],
            "samples": timing["page"]["samples"],
        }
    return {"floor": floor, "by_page": by_page}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--small-years", type=int, default=1)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=10, help="requests per page")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--skip", action="append", default=[], choices=["throughput", "documents", "load"]
    )
    parser.add_argument(
        "--only", choices=["load"], help="only the load run, on the small database alone"
    )
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-ramp", type=float, default=10, help="seconds until all are up")
    parser.add_argument("--load-cells", type=int, default=20, help="plan cells the users share")
    parser.add_argument("--load-wait", default="1,3", help="seconds between a user's steps")
    parser.add_argument("--output", default=str(HERE / "results.json"))
    return parser.parse_args()


def main():
    args = arguments()
    dbs = Databases()
    started = time.perf_counter()
    results = {"parameters": vars(args)}
    try:
        built = {args.small_years: build(dbs, args.small_years, args)}
        if args.only != "load":
            built[args.years] = build(dbs, args.years, args)
        small, big = built[args.small_years], built[max(built)]
        results["machine"] = machine(dbs, big["url"])
        results["data"] = {
            f"{years}y": {k: v for k, v in data.items() if k != "url"}
            for years, data in built.items()
        }
        if args.only != "load":
            results["pages"] = measure_pages(small["url"], big["url"], args)
        if "throughput" not in args.skip and args.only != "load":
            results["throughput"] = throughput(big["url"], args)
        if "documents" not in args.skip and args.only != "load":
            results["documents"] = {}
            for name in DOCUMENTS:
                log(f"dokument: {name}")
                results["documents"][name] = measure(big["url"], "document", name)
        if "load" not in args.skip:
            results["load"] = load(small["url"], args)
    finally:
        dbs.drop_all()
    results["total_seconds"] = time.perf_counter() - started
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    print(f"\nAlt målt på {results['total_seconds']:.0f} s; tallene står i {args.output}.")
    failures = load_failures(results["load"]) if "load" in results else []
    if failures:
        raise SystemExit("Lastkjøringen feilet: " + "; ".join(failures))


if __name__ == "__main__":
    main()
