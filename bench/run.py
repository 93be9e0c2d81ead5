"""`make bench`: synthetic data at one and at ten years, then the main pages side by side with
the Django admin and a floor, throughput under gunicorn, and the documents; a table on screen
and every figure in bench/results.json (nothing typed in).

SQLite by default, in files of its own under bench/; PostgreSQL when DATABASE_URL names one
(the bench creates databases "<name>_bench_<N>y" beside it and drops them afterwards).

    .venv/bin/python bench/run.py [--years 10] [--rounds 10] [--seconds 10]
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
PYTHON = sys.executable
DOCUMENTS = ["minutes PDF", "plan Excel", "plan PowerPoint", "plan PDF", "annual report"]


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
        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

    def drop_all(self) -> None:
        if not self.postgres:
            return
        import psycopg

        with psycopg.connect(self.base, autocommit=True) as conn:
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
    log(f"{years} år: migrert på {migrated:.0f} s, data laget på {generated:.0f} s")
    return {
        "url": url,
        "command": " ".join(command),
        "migrate_seconds": migrated,
        "generate_seconds": generated,
        "generator_output": output.strip(),
    }


def measure(url: str, *task) -> dict:
    env = {"BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
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


def throughput(url: str, args) -> dict:
    wrk = shutil.which("wrk")
    if not wrk:
        log("wrk mangler: hopper over gjennomstrømning (make bench installerer den som root)")
        return {"skipped": "wrk mangler"}
    login = measure(url, "session")
    port = free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
    }
    gunicorn = [
        str(Path(PYTHON).parent / "gunicorn"),
        "bench.wsgi:application",
        f"--workers={args.workers}",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        "--log-level=warning",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    results = {"workers": args.workers, "connections": args.connections}
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return results


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
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--small-years", type=int, default=1)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=10, help="requests per page")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip", action="append", default=[], choices=["throughput", "documents"])
    parser.add_argument("--output", default=str(HERE / "results.json"))
    args = parser.parse_args()

    dbs = Databases()
    started = time.perf_counter()
    results = {"parameters": vars(args)}
    try:
        small = build(dbs, args.small_years, args)
        big = build(dbs, args.years, args)
        results["machine"] = machine(dbs, big["url"])
        results["data"] = {
            f"{args.small_years}y": {k: v for k, v in small.items() if k != "url"},
            f"{args.years}y": {k: v for k, v in big.items() if k != "url"},
        }
        log(f"spørringer på {args.small_years} år")
        small_counts = measure(small["url"], "counts")
        log(f"spørringer og {args.rounds} runder med forespørsler på {args.years} år")
        measured = measure(big["url"], "times", args.rounds)
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
        results["pages"] = {"floor": floor, "by_page": by_page}
        if "throughput" not in args.skip:
            results["throughput"] = throughput(big["url"], args)
        if "documents" not in args.skip:
            results["documents"] = {}
            for name in DOCUMENTS:
                log(f"dokument: {name}")
                results["documents"][name] = measure(big["url"], "document", name)
    finally:
        dbs.drop_all()
    results["total_seconds"] = time.perf_counter() - started
    Path(args.output).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    print(f"\nAlt målt på {results['total_seconds']:.0f} s; tallene står i {args.output}.")


if __name__ == "__main__":
    main()
