"""Figures computed once per state of the data they read, kept in Django's cache.

The need side of the figures reads every structure in the scheme, and the activity
report every session, diagnostic and decision of its period: full scans whose results
are small (``selectors.summaries``, with the offer, small but read in several queries;
``report.activity_report``). They are kept in the cache (Redis in production, local
memory by default) under a key made of their parameters, the version of the code that
computes them (``code_version``: the sources of the scheme and of the formatting, so a
release never reads what its predecessor cached) and the **data version** of the tables
they read (their group of ``TRACKED_MODELS``), read in one small query before the data:

- the identity of the database (its server and name as configured, its oid) and of
  the log table (its oid, and its file, which a ``TRUNCATE`` replaces: a database
  recreated or restored from a backup, a log emptied with its ids restarted as
  ``manage.py flush`` does, or another database sharing the cache, never meets an
  entry of an earlier life or of its neighbour);
- the count, first, last and summed ids of the group's ``models.DataChange`` rows: a
  trigger on each tracked table (migrations 0002 to 0004) adds a row for every
  statement that writes there (a service, a bulk update, a console, a migration), in
  that statement's transaction. A reader sees the new version exactly when it can see
  the new data (never before: a figure is never cached under a version older than its
  data), and a change rolled back leaves a version no later state has (ids are never
  reused).

The rows are compacted by the reader that finds more than ``COMPACT_AT``, keeping each
table's last one: the versions change then (one recomputation) and never repeat.

A new table read by cached figures needs its trigger: a migration like 0004, and its
model in its group (a test compares each group with the tables its queries read).
Elsewhere than PostgreSQL (the quick benchmark's SQLite) there is no trigger, so no
version: nothing is cached, the figures are computed each time.
"""

import functools
import hashlib
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connection

from .models import DataChange

T = TypeVar("T")

# What each cached result reads: the models whose tables carry the trigger.
TRACKED_MODELS = {
    "needs": [  # migration 0002
        "applicants.Structure",
        "applicants.Dossier",
        "applicants.AxisWish",
        "applicants.FinancingNeed",
        "diagnostics.Diagnostic",
        "diagnostics.AxisRecommendation",
        "accompaniment.DevelopmentPlan",
        "accompaniment.PlanAction",
    ],
    "report": [  # migration 0003 for those not above
        "applicants.Structure",
        "applicants.Site",
        "diagnostics.Diagnostic",
        "accompaniment.DevelopmentPlan",
        "accompaniment.PlanAction",
        "accompaniment.Session",
        "accompaniment.SessionAttendance",
        "accompaniment.Event",
        "accompaniment.EventRegistration",
        "accompaniment.SatisfactionAnswer",
        "accompaniment.FollowUp",
        "committee.Decision",
        "financing.FinancingRequest",
        "financing.Disbursement",
        "financing.FundingProduct",
        "users.Provider",
        "users.Funder",
    ],
    "offer": [  # migration 0004 for those not above
        "users.Provider",
        "diagnostics.ProviderCapacity",
        "scheme.OfferScheme",
        "financing.CreditLine",
        "financing.CreditLine_products",
        "financing.FundingProduct",
        "users.Funder",
    ],
}
# Whose code shapes the cached values: any change to it (a release) leaves the entries
# of the former code behind, as if the data had changed.
SOURCES = ["scheme", "ccr_portal.formatting", "ccr_portal.axes"]
COMPACT_AT = 1000
TIMEOUT = 24 * 3600  # old versions' entries go; a current one is recomputed at worst


@functools.cache
def code_version() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        module = importlib.import_module(name)
        path = Path(module.__file__)
        for source in sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]:
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def tracked_tables(group: str) -> list[str]:
    return sorted(apps.get_model(label)._meta.db_table for label in TRACKED_MODELS[group])


def data_versions(*groups: str, compact: bool = True) -> dict[str, str] | None:
    """The version of the data of each group of ``TRACKED_MODELS`` as this connection
    sees it (one query), ``None`` without the triggers (not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    log = connection.ops.quote_name(DataChange._meta.db_table)
    mine = 'FILTER (WHERE "table" = ANY(%s))'
    columns = [f"count(*) {mine}, min(id) {mine}, max(id) {mine}, sum(id) {mine}"] * len(groups)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT oid FROM pg_database WHERE datname = current_database()),"
            " %s::regclass::oid, pg_relation_filenode(%s::regclass), count(*), max(id),"
            f" {', '.join(columns)} FROM {log}",
            [log, log, *[tables for group in groups for tables in [tracked_tables(group)] * 4]],
        )
        database, table, storage, everything, latest, *figures = cursor.fetchone()
    if compact and everything > COMPACT_AT:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {log} WHERE id < %s"
                f' AND id NOT IN (SELECT max(id) FROM {log} GROUP BY "table")',
                [latest],
            )
        # The versions as they are now, so that the next reader finds the same ones.
        return data_versions(*groups, compact=False)
    return {
        group: ".".join(
            str(part) for part in (database, table, storage, *figures[4 * i : 4 * i + 4])
        )
        for i, group in enumerate(groups)
    }


def data_version(group: str) -> str | None:
    versions = data_versions(group)
    return None if versions is None else versions[group]


def cached(name: str, version: str | None, parameters: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for the same ``parameters`` on the same data: the
    ``version`` of the tables it reads (``data_versions``; ``None``: not cached)."""
    if version is None:
        return compute()
    server = {key: connection.settings_dict.get(key) for key in ("HOST", "PORT", "NAME")}
    digest = hashlib.sha256(repr((server, parameters)).encode()).hexdigest()[:32]
    key = f"scheme:{name}:{code_version()}:{version}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found
