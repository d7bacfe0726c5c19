"""What the authorisation matrix runs on: the world built once per module, the viewers
signed in once, the outcome of a response, the rows a request wrote, one route checked.

The test modules (``test_matrix.py``, ``test_matrix_staff.py``) each check half of the
routes, so that two test processes share the work (``make test``: ``--dist loadscope``).
"""

import json
import os
from http.cookies import SimpleCookie
from urllib.parse import urlparse

from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ccr_portal.security.models import SecurityEvent
from tests.security.matrix import (
    BAD_REQUEST,
    DENIED,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    READS_AS,
    REAUTH,
    REDIRECT,
    REFUSALS,
    VIEWERS,
)
from tests.security.matrix_routes import ADMIN_NAMESPACE, ROUTES

# Routes checked by test_matrix_staff.py, by test_matrix_money.py (with the VARIANTS of
# matrix_routes_money.py); every other one by test_matrix.py.
STAFF_NAMESPACES = ("diagnostics:", "accompaniment:", "committee:")
MONEY_NAMESPACES = ("financing:", "scheme:")

# Written by every request or by every refusal, on purpose: the session (the last
# activity), the security log (refusals are recorded), django-axes' access log.
IGNORED_TABLES = {"django_session", SecurityEvent._meta.db_table}
IGNORED_PREFIXES = ("axes_",)

PROBE = os.environ.get("MATRIX_PROBE")  # a path: record what each viewer obtains instead


def walk(patterns=None, namespace=None):
    """(name, route) of every URL pattern, the included ones too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name, pattern, namespace


def portal_routes() -> dict[str, URLPattern]:
    return {
        name or f"<unnamed> {pattern.pattern}": pattern
        for name, pattern, namespace in walk()
        if namespace != ADMIN_NAMESPACE
    }


# -- what a response means, what the database holds -------------------------------


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        path = urlparse(response["Location"]).path
        # The admin's own login page only sends on to the portal's.
        if path.startswith((reverse("account_login"), reverse("admin:login"))):
            return LOGIN
        if path.startswith((reverse("account_reauthenticate"), reverse("mfa_reauthenticate"))):
            return REAUTH
        return REDIRECT
    return {
        200: OK,
        204: OK,
        400: BAD_REQUEST,
        403: DENIED,
        404: NOT_FOUND,
        405: NOT_ALLOWED,
    }.get(code, f"status {code}")


def writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table.

    PostgreSQL counts them for the current transaction (savepoints rolled back included),
    so that the difference around one request is what that request wrote. Elsewhere, the
    tables' row counts stand in (inserts and deletes only).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
                "FROM pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
            )
            counts = dict(cursor.fetchall())
        else:
            quote = connection.ops.quote_name
            counts = {}
            for table in connection.introspection.table_names():
                cursor.execute(f"SELECT count(*) FROM {quote(table)}")
                counts[table] = cursor.fetchone()[0]
    return {
        table: count
        for table, count in counts.items()
        if table not in IGNORED_TABLES and not table.startswith(IGNORED_PREFIXES)
    }


def written(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return sorted(table for table, count in after.items() if before.get(table) != count)


def _request(client, method, url, data):
    """One request, the viewer's cookies kept: a logout or a login does not outlive it."""
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    try:
        return client.get(url) if method == "get" else client.post(url, data)
    finally:
        client.cookies = cookies


# -- the matrix ---------------------------------------------------------------------


def check_route(matrix, name, route=None, label=None):
    """``name``'s declared outcomes, or ``route``'s (a variant against other objects)."""
    route = route or ROUTES[name]
    url = reverse(name, args=route.args(matrix)) + route.query
    data = route.data(matrix)
    if PROBE:
        _probe(matrix, label or name, url, data)
        return
    cases = [
        (method, viewer, table[viewer])
        for method, table in (("get", route.get), ("post", route.post))
        if table is not None
        for viewer in VIEWERS
    ]
    refused = [case for case in cases if case[2] in REFUSALS]
    allowed = [case for case in cases if case[2] not in REFUSALS]
    failures = []

    # The refusals first, all together: the rows they wrote are counted once around them
    # (then one by one only if some were, to name the culprits).
    before = writes()
    for method, viewer, expected in refused:
        response = _request(matrix.clients[viewer], method, url, data)
        failures += _compare(method, url, viewer, expected, response)
    if written(before, writes()):
        for method, viewer, _expected in refused:
            with transaction.atomic():
                start = writes()
                _request(matrix.clients[viewer], method, url, data)
                if tables := written(start, writes()):
                    failures.append(f"{method.upper()} {url} as {viewer}, refused, wrote {tables}")
                transaction.set_rollback(True)

    # What is allowed runs in a savepoint rolled back: the next case sees the same world.
    for method, viewer, expected in allowed:
        with transaction.atomic():
            response = _request(matrix.clients[viewer], method, url, data)
            transaction.set_rollback(True)
        failures += _compare(method, url, viewer, expected, response)
    assert not failures, "\n".join(failures)


def _compare(method, url, viewer, expected, response) -> list[str]:
    got = outcome(response)
    if got == READS_AS.get(expected, expected):
        return []
    return [f"{method.upper()} {url} as {viewer}: {expected} expected, {got}"]


def _probe(matrix, name, url, data):
    observed = {}
    for method in ("get", "post"):
        for viewer in VIEWERS:
            with transaction.atomic():
                try:
                    response = _request(matrix.clients[viewer], method, url, data)
                    observed[f"{method}:{viewer}"] = outcome(response)
                except Exception as error:
                    observed[f"{method}:{viewer}"] = f"error {type(error).__name__}: {error}"
                transaction.set_rollback(True)
    with open(PROBE, "a") as out:
        out.write(json.dumps({"name": name, "observed": observed}) + "\n")
