"""Figures computed once per state of the data they read, kept in Django's cache.

The need side of the figures reads every structure in the scheme, a full scan whose
result is small (``selectors.summaries``). It is kept in the cache (Redis in
production, local memory by default) under a key made of its parameters and the
**data version**, read in one small query before the data:

- the database's identity (a recreated database never meets an older entry);
- the count, first, last and summed ids of ``models.DataChange``: a trigger on each
  table of ``TRACKED_MODELS`` (migration 0002) adds a row for every statement that
  writes there (a service, a bulk update, a console, a migration), in that statement's
  transaction. A reader sees the new version exactly when it can see the new data
  (never before: a figure is never cached under a version older than its data), and
  a change rolled back leaves a version no later state has (ids are never reused).

The rows are compacted by the reader that finds more than ``COMPACT_AT``: the version
changes then (one recomputation), the versions never repeat.

A new table read by the cached figures needs its trigger: a migration like 0002, and
its model in ``TRACKED_MODELS`` (a test compares them with the tables the summaries'
queries read). Elsewhere than PostgreSQL (the quick benchmark's SQLite) there is no
trigger, so no version: nothing is cached, the figures are computed each time.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from .models import DataChange

T = TypeVar("T")

# The models whose tables carry the trigger (migration 0002).
TRACKED_MODELS = [
    "applicants.Structure",
    "applicants.Dossier",
    "applicants.AxisWish",
    "applicants.FinancingNeed",
    "diagnostics.Diagnostic",
    "diagnostics.AxisRecommendation",
    "accompaniment.DevelopmentPlan",
    "accompaniment.PlanAction",
]
# Bumped when what is cached changes shape (an entry of an older release is ignored).
FORMAT = 1
COMPACT_AT = 1000
TIMEOUT = 24 * 3600  # old versions' entries go; a current one is recomputed at worst


def data_version() -> str | None:
    """The version of the tracked tables' data as this connection sees it (one query),
    ``None`` without the triggers (not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(DataChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()),"
            f" count(*), min(id), max(id), sum(id) FROM {table}"
        )
        database, count, first, last, total = cursor.fetchone()
    if count > COMPACT_AT:
        DataChange.objects.filter(pk__lt=last).delete()
    return f"{database}.{count}.{first}.{last}.{total}"


def cached(name: str, parameters: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``parameters`` on the same data."""
    version = data_version()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parameters).encode()).hexdigest()[:32]
    key = f"scheme:{name}:{FORMAT}:{version}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found
