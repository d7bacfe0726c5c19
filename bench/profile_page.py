"""Profile one page of ``pages.py`` in process, on a seeded base.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ccr_bench \\
        .venv/bin/python bench/profile_page.py "file des diagnostics" [runs] [sort key]

Prints the page's queries (``SHOWSQL=1``: the six slowest), its median time over five
requests, then cProfile's table over ``runs`` requests (``TOP`` lines). Leaves the base
as it found it: the page's GET, as its viewer, in a transaction rolled back at the end
(the sign-in's session, and whatever a view writes, are undone).
"""

import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("MFA_REQUIRED_ROLES", "")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> None:
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        _profile()
        transaction.set_rollback(True)


def _profile() -> None:
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import PAGES
    from ccr_portal.users.models import User

    settings.ALLOWED_HOSTS = ["*"]
    label = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    sort = sys.argv[3] if len(sys.argv) > 3 else "cumulative"
    page = next(p for p in PAGES if label in p.label)
    client = Client(HTTP_ACCEPT_ENCODING="gzip", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(email=page.viewer))
    url = page.url()
    assert client.get(url).status_code == 200
    gc.freeze()
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = list(captured.captured_queries)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    sql_ms = 1000 * sum(float(query["time"]) for query in queries)
    print(
        f"{page.label} {url}: {len(queries)} queries ({sql_ms:.1f} ms), "
        f"median {1000 * statistics.median(times):.1f} ms"
    )
    if os.environ.get("SHOWSQL"):
        for query in sorted(queries, key=lambda query: -float(query["time"]))[:6]:
            print(query["time"], query["sql"][:300])
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        client.get(url)
    profile.disable()
    pstats.Stats(profile).sort_stats(sort).print_stats(int(os.environ.get("TOP", 45)))


if __name__ == "__main__":
    main()
