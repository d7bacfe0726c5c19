"""The portal's benchmark: pages under load against two references, PDFs, the sweep, exports.

Load mode (``make bench``, the default), on PostgreSQL:

1. two databases named after ``DATABASE_URL`` (``<name>_bench`` with ``--structures``
   structures, ``<name>_bench_small`` with ``--small``), seeded by ``manage.py
   seed_bench`` unless ``--reuse`` finds them already holding that many;
2. on each, in a child process (``bench/measure.py``): the SQL queries and HTML size
   of every page of ``bench/pages.py``, the exports' time and peak memory, the
   reminder sweep's time and queries, and (large base) the PDFs' render times;
3. gunicorn with the production settings (``bench.settings``: the portal's plus the
   bare reference page), 2 sync workers, on the large base; ``wrk`` on loopback drives
   each page for ``--duration`` seconds at ``--connections`` connections with a
   signed-in session cookie: requests per second, p50 and p99;
4. ``bench/results.json``, and a Markdown table with the ratios to the two
   references of the same run, printed.

Quick mode (``--quick``): the former in-process timings with Django's test client,
on a throw-away database (SQLite, or PostgreSQL ``<name>_bench``), no server.
"""

import argparse
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results.json"
LABEL_WIDTH = 44

# The targets of issue 15, as ratios to the references measured in the same run.
TARGET_BARE_RATIO = 0.6
TARGET_ADMIN_RATIO = 2.0
TARGET_P99_MS = 100
TARGET_QUERIES = 15
TARGET_FIRST_VISIT_KB = 100
TARGET_PDF_S = 0.6
TARGET_SWEEP_S = 10


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _selected(label: str, only: list[str]) -> bool:
    return not only or any(_plain(word) in _plain(label) for word in only)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="in-process timings, no server")
    parser.add_argument("--structures", type=int, default=None)
    parser.add_argument("--small", type=int, default=1000, help="the small base (exports, sweep)")
    parser.add_argument("--repeat", type=int, default=20, help="quick mode: runs per page")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--reuse", action="store_true", help="keep bases already seeded")
    parser.add_argument("--only", action="append", default=[], metavar="SUBSTRING")
    args = parser.parse_args()
    if args.quick:
        _quick(args)
    else:
        _load(args)


# --- Load mode ------------------------------------------------------------------------


def _database_url(suffix: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Le banc d'essai sous charge demande PostgreSQL : "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ccr make bench "
            "(ou « bench/run.py --quick » pour les mesures en processus)."
        )
    return url.rstrip("/") + suffix


def _env(**extra) -> dict:
    env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), **extra}
    return env


def _psql(url: str, sql: str) -> str:
    base, _name = url.rsplit("/", 1)
    result = subprocess.run(
        ["psql", f"{base}/postgres", "-Atc", sql], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def _seed(url: str, structures: int, reuse: bool, media: Path) -> None:
    name = url.rsplit("/", 1)[1]
    env = _env(DATABASE_URL=url, MEDIA_ROOT=str(media))
    if reuse and _psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
        probe = subprocess.run(
            ["psql", url, "-Atc", "SELECT count(*) FROM applicants_structure"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(structures):
            print(f"Base {name} : {structures} structures déjà générées (--reuse).", flush=True)
            subprocess.run(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            return
    _psql(url, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(url, f'CREATE DATABASE "{name}"')
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    start = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "seed_bench", "--structures", str(structures)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(
        f"Base {name} : {structures} structures en {time.perf_counter() - start:.0f} s.", flush=True
    )


# One key for the sessions that measure.py signs in and the server that reads them.
SECRET_KEY = secrets.token_urlsafe(50)


def _measure(url: str, media: Path, *what: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "measure.py"), *what],
        cwd=ROOT,
        env=_env(
            DATABASE_URL=url,
            MEDIA_ROOT=str(media),
            DJANGO_SETTINGS_MODULE="bench.settings",
            SECRET_KEY=SECRET_KEY,
        ),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"bench/measure.py {' '.join(what)} a échoué :\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(url: str, media: Path, static: Path) -> dict:
    return _env(
        DATABASE_URL=url,
        MEDIA_ROOT=str(media),
        STATIC_ROOT=str(static),
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="False",
        SECRET_KEY=SECRET_KEY,
        SECURE_HTTPS="True",
        # The benchmark's logins have no second factor: the middleware still runs on
        # every request, nobody is sent to set one up.
        MFA_REQUIRED_ROLES="",
        STATICFILES_MANIFEST="True",
        ALLOWED_HOSTS="127.0.0.1",
        CELERY_TASK_ALWAYS_EAGER="False",
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the login page, say) is an answer to check, not follow


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url: str, headers: dict) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with _OPENER.open(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _wrk(url: str, headers: dict, *, duration: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        pct: _ms(value) for pct, value in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.M)
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return round(float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit], 2)


def _first_visit(base: str, path: str, headers: dict) -> dict:
    """The bytes a first visit transfers, compressed: the page, its CSS, JS and icon."""
    _status, body, response_headers = _get(base + path, headers)
    html = gzip.decompress(body) if response_headers.get("Content-Encoding") == "gzip" else body
    total = len(body)
    assets = sorted(set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)))
    for asset in assets:
        _status, content, _headers = _get(base + asset.decode(), headers)
        total += len(content)
    return {
        "path": path,
        "html_compressed": response_headers.get("Content-Encoding") == "gzip",
        "kb": round(total / 1024, 1),
        "assets": len(assets),
    }


def _machine() -> dict:
    with open("/proc/cpuinfo") as cpuinfo:
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), ""
        )
    with open("/proc/meminfo") as meminfo:
        memory = int(meminfo.readline().split()[1]) // 2**20
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "postgresql": postgres,
        "load_average": os.getloadavg(),
    }


def _load(args) -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk est introuvable : « apt-get install wrk » (le Makefile l'installe).")
    structures = args.structures or 10000
    big, small = _database_url("_bench"), _database_url("_bench_small")
    workdir = Path(tempfile.mkdtemp(prefix="ccr-bench-"))
    media = ROOT / "var" / "bench-media"
    started = time.strftime("%Y-%m-%d %H:%M")
    results = {
        "date": started,
        "structures": structures,
        "small": args.small,
        "machine": _machine(),
    }
    server = None
    try:
        _seed(small, args.small, args.reuse, media)
        _seed(big, structures, args.reuse, media)
        print("Mesures en processus (requêtes, exports, relances, PDF)…", flush=True)
        at_small = _measure(small, media, "pages", "sweep", "exports")
        at_big = _measure(big, media, "pages", "cookies", "sweep", "exports", "documents")
        results["volumes"] = {"small": at_small["volumes"], "big": at_big["volumes"]}
        results["sweep"] = {"small": at_small["sweep"], "big": at_big["sweep"]}
        results["exports"] = {"small": at_small["exports"], "big": at_big["exports"]}
        results["documents"] = at_big["documents"]
        small_queries = {page["label"]: page["queries"] for page in at_small["pages"]}
        # The sweep wrote and deleted thousands of rows (notifications, e-mails): their
        # dead tuples and stale statistics would slow the pages measured next.
        subprocess.run(["psql", big, "-qc", "VACUUM ANALYZE"], check=True)

        static = workdir / "static"
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=_server_env(big, media, static),
            check=True,
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "ccr_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=_server_env(big, media, static),
            start_new_session=True,
        )
        for _ in range(100):
            try:
                if _get(f"{base}/healthz/", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn ne répond pas.")

        from_page = {page["label"]: page for page in at_big["pages"]}
        from bench.measure import setup

        os.environ.update(DATABASE_URL=big, DJANGO_SETTINGS_MODULE="bench.settings")
        setup()
        from bench.pages import PAGES

        selected = [
            page for page in PAGES if page.kind == "reference" or _selected(page.label, args.only)
        ]

        def headers_of(page) -> dict:
            return {
                "Cookie": f"sessionid={at_big['cookies'][page.viewer]}",
                "X-Forwarded-Proto": "https",
                "Accept-Encoding": "gzip",
            }

        # Every page answers 200 (not a redirect to the login page), and each worker has
        # loaded its code, compiled its templates and warmed the database's cache.
        for page in selected:
            for _ in range(4):
                status, _body, _headers = _get(
                    base + from_page[page.label]["url"], headers_of(page)
                )
                if status != 200:
                    sys.exit(f"{page.label} : HTTP {status} sur {from_page[page.label]['url']}")
        print(
            f"Charge : gunicorn {args.workers} workers, wrk {args.connections} connexions, "
            f"{args.duration} s par page",
            flush=True,
        )

        def measure_load(page) -> dict:
            measured = from_page[page.label]
            _status, body, _headers = _get(base + measured["url"], headers_of(page))
            load = _wrk(
                base + measured["url"],
                headers_of(page),
                duration=args.duration,
                connections=args.connections,
            )
            print(
                f"  {page.label:<{LABEL_WIDTH}} {load['rps']:>7.1f} req/s  "
                f"p99 {load['p99_ms']:>8.1f} ms",
                flush=True,
            )
            return {
                "label": page.label,
                "kind": page.kind,
                "url": measured["url"],
                **load,
                "queries": measured["queries"],
                "queries_small": small_queries.get(page.label),
                "html_kb": round(measured["html_bytes"] / 1024, 1),
                "transferred_kb": round(len(body) / 1024, 1),
            }

        # The references before and after the pages, averaged: the machine's load drifts.
        references = [page for page in selected if page.kind == "reference"]
        before = [measure_load(page) for page in references]
        rows = [measure_load(page) for page in selected if page.kind != "reference"]
        after = [measure_load(page) for page in references]
        results["references"] = {"before": before, "after": after}
        averaged = []
        for first, last in zip(before, after, strict=True):
            mean = dict(first)
            for key in ("rps", "p50_ms", "p99_ms"):
                mean[key] = round((first[key] + last[key]) / 2, 2)
            averaged.append(mean)
        rows = averaged + rows
        cookie = {
            "Cookie": f"sessionid={at_big['cookies'][PAGES[0].viewer]}",
            "X-Forwarded-Proto": "https",
            "Accept-Encoding": "gzip",
        }
        results["first_visit"] = _first_visit(base, "/tableau-de-bord/coordinator/", cookie)
        results["pages"] = rows
        results["load"] = {
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "load_average_after": os.getloadavg(),
        }
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
        # Written even when interrupted: what was measured so far.
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print()
    print(markdown(results))
    print(f"\nRésultats : {RESULTS.relative_to(ROOT)}")


def settings_export_limit() -> int:
    """The portal's threshold for background exports (its default, as the bench runs)."""
    return int(os.environ.get("EXPORT_INLINE_MAX_ROWS", 5000))


def markdown(results: dict) -> str:
    """The tables of the README's performance section, from ``results.json``."""
    pages = results["pages"]
    bare = next(p for p in pages if p["label"].startswith("référence : page nue"))
    admin = next(p for p in pages if p["label"].startswith("référence : admin"))
    big, small = results["structures"], results["small"]
    drift = results.get("references", {})
    measured = " and ".join(
        f"{run[0]['rps']:.0f} / {run[1]['rps']:.0f} req/s {when}"
        for when, run in (("before", drift.get("before")), ("after", drift.get("after")))
        if run
    )
    lines = [
        f"Pages at {big:,} structures: gunicorn {results['load']['workers']} sync workers, "
        f"wrk {results['load']['connections']} connections, {results['load']['duration_s']} s each "
        f"(references, bare / admin: {measured} the pages; the ratios use their means).",
        "",
        f"| page | req/s | ÷ bare | ÷ admin | p50 | p99 | queries ({small:,} → {big:,}) | HTML |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        lines.append(
            f"| {page['label']} | {page['rps']:.1f} | {page['rps'] / bare['rps']:.2f} "
            f"| {page['rps'] / admin['rps']:.2f} | {page['p50_ms']:.0f} ms "
            f"| {page['p99_ms']:.0f} ms "
            f"| {page['queries_small']} → {page['queries']} | {page['html_kb']:.0f} KB |"
        )
    lines += ["", "| measure | " + f"{small:,} | {big:,} | target |", "| --- | ---: | ---: | --- |"]
    sweep = results["sweep"]
    lines.append(
        f"| reminder sweep (every beat rule once, e-mails included) "
        f"| {sweep['small']['seconds']:.2f} s, "
        f"{sweep['small']['queries']} queries, {sweep['small']['notifications']} notifications "
        f"| {sweep['big']['seconds']:.2f} s, {sweep['big']['queries']} queries, "
        f"{sweep['big']['notifications']} notifications "
        f"| ≤ {TARGET_SWEEP_S} s, queries not growing |"
    )

    def worker(size: dict) -> str:
        return (
            f"{size.get('email_seconds', 0):.2f} s, {size['emails']} e-mails, "
            f"{size.get('email_batches', 0)} batches, {size.get('email_queries', 0)} queries"
        )

    def rules(size: dict) -> str:
        return f"{size['queries'] - size.get('email_queries', 0)} queries"

    lines.append(
        f"| of which e-mails (batches of 200, the worker's share) "
        f"| {worker(sweep['small'])} | {worker(sweep['big'])} | a fixed cost per batch |"
    )
    lines.append(
        f"| of which the rules (the beat's share) "
        f"| {rules(sweep['small'])} | {rules(sweep['big'])} | not growing |"
    )
    for small_export, big_export in zip(
        results["exports"]["small"], results["exports"]["big"], strict=True
    ):
        lines.append(
            f"| {small_export['label']} | {small_export['seconds']:.2f} s, "
            f"peak {small_export['peak_mb']:.1f} MB | {big_export['seconds']:.2f} s, "
            f"peak {big_export['peak_mb']:.1f} MB | constant memory |"
        )

        def asked(export: dict) -> str:
            how = "background" if export.get("request_status") == 302 else "inline"
            return f"{export.get('request_seconds', 0) * 1000:.0f} ms ({how})"

        lines.append(
            f"| {small_export['label']}, as asked (background above "
            f"{settings_export_limit():,} rows) | {asked(small_export)} | {asked(big_export)} | |"
        )
    for document in results["documents"]:
        lines.append(
            f"| {document['label']}: median render | "
            f"| {document['render_median_ms'] / 1000:.2f} s | "
            + (f"≤ {TARGET_PDF_S} s |" if "plan" in document["label"] else "|")
        )
    visit = results["first_visit"]
    lines.append(
        f"| first visit (coordinator dashboard, {visit['assets']} assets) | | {visit['kb']:.0f} KB "
        f"{'compressed' if visit['html_compressed'] else 'uncompressed'} "
        f"| ≤ {TARGET_FIRST_VISIT_KB} KB |"
    )
    return "\n".join(lines)


# --- Quick mode -----------------------------------------------------------------------


def _quick(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ccr-bench-"))
    try:
        if "DATABASE_URL" in os.environ:
            os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench"
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ["MEDIA_ROOT"] = str(workdir / "media")
        from bench.measure import setup

        setup()
        import gc

        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, connections

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        if connection.vendor == "postgresql":
            name = connection.settings_dict["NAME"]
            with connections["default"]._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        call_command("seed_bench", structures=args.structures or 300)
        generated = time.perf_counter() - start
        # Out of the collector's sight: what is loaded by now (Django, the apps, WeasyPrint)
        # would otherwise be scanned by every full collection inside a timed request.
        gc.collect()
        gc.freeze()
        from bench import measure
        from bench.pages import DOCUMENTS, EXPORTS, PAGES

        print(
            f"Base : {connection.vendor}, {args.structures or 300} structures, "
            f"{args.repeat} mesures par page (générées en {generated:.1f} s)"
        )
        print(f"{'page':<{LABEL_WIDTH}} {'médiane':>9} {'p95':>9} {'requêtes':>9}")
        selected = [page for page in PAGES + EXPORTS if _selected(page.label, args.only)]
        for row in measure.pages(selected, repeat=args.repeat):
            print(_row(row["label"], row["timings_ms"], row["queries"]))
        for document in measure.documents([d for d in DOCUMENTS if _selected(d.label, args.only)]):
            print(_row(f"{document['label']} : HTML", document["html_ms"], document["queries"]))
            print(_row(f"{document['label']} : rendu WeasyPrint", document["render_ms"]))
        if _selected("relances", args.only):
            sweep = measure.sweep()
            print(
                f"{'relances (toutes les règles)':<{LABEL_WIDTH}} "
                f"{sweep['seconds'] * 1000:>7.1f}ms {'':>9} {sweep['queries']:>9}"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _row(label: str, timings: list[float], queries: int | None = None) -> str:
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    count = "" if queries is None else str(queries)
    return f"{label:<{LABEL_WIDTH}} {statistics.median(timings):>7.1f}ms {p95:>7.1f}ms {count:>9}"


if __name__ == "__main__":
    main()
