"""The generated authorisation matrix (issue 13, point 9).

Every URL pattern of the resolver is requested, GET and POST, as each viewer of
``tests.security.matrix.VIEWERS`` against objects that belong to someone else; the outcome
must be the one ``ROUTES`` declares, and refusals must write nothing (every table of the
database compared before and after). A route the table does not declare fails
``test_every_route_is_declared``, named, with how to declare it.

The objects are built once for the module (``matrix_world.build_world``) and each viewer
signs in once; allowed requests run in a savepoint rolled back, so that no case changes
what the next one sees.
"""

import json
import os
from http.cookies import SimpleCookie
from urllib.parse import urlparse

import pytest
from django.db import connection, transaction
from django.test import Client
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


def test_every_route_is_declared():
    routes = portal_routes()
    undeclared = sorted(set(routes) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(routes))
    assert not undeclared, (
        "Routes missing from the authorisation matrix: "
        + ", ".join(undeclared)
        + ". Declare each in ROUTES of tests/security/matrix_routes.py: "
        "Route(args=lambda w: [...], get=only(OK, 'coordinator', ...), post=... or NO_POST), "
        "its objects built in tests/security/matrix_world.py (see tests/security/matrix.py; "
        "MATRIX_PROBE=/tmp/m.jsonl shows what each viewer obtains)."
    )
    assert not stale, "Declared routes the resolver no longer has: " + ", ".join(stale)


def test_a_route_without_post_declares_none_only_if_its_view_refuses_posts():
    routes = portal_routes()
    wrong = [
        name
        for name, route in ROUTES.items()
        if route.post is None
        and name in routes
        and hasattr(getattr(routes[name].callback, "view_class", None), "post")
    ]
    assert not wrong, f"These views answer POST, declare what it does: {wrong}"


# -- the world, once --------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, matrix_media):
    from django.test.utils import override_settings

    from tests.security.matrix_world import build_world

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=matrix_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            built.clients = {}
            for viewer, user in built.viewers.items():
                client = Client()
                if user is not None:
                    client.force_login(user)
                built.clients[viewer] = client
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def matrix(world, db, settings, matrix_media):
    settings.MEDIA_ROOT = matrix_media
    return world


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


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(matrix, name):
    route = ROUTES[name]
    url = reverse(name, args=route.args(matrix)) + route.query
    data = route.data(matrix)
    if PROBE:
        _probe(matrix, name, url, data)
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


# -- the Django admin: one gate, the admin site's ------------------------------------


def admin_index_urls() -> list[str]:
    return sorted(
        {
            name
            for name, pattern, namespace in walk()
            if namespace == ADMIN_NAMESPACE and name and name.endswith("_changelist")
        }
    )


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [("anonymous", LOGIN), ("coordinator", LOGIN), ("committee_free", LOGIN), ("superuser", OK)],
)
def test_the_admin_lets_in_the_superuser_alone(matrix, viewer, expected):
    client = matrix.clients[viewer]
    before = writes()
    got = {
        name: outcome(client.get(reverse(name))) for name in ["admin:index", *admin_index_urls()]
    }
    assert {name for name, value in got.items() if value != expected} == set()
    if expected in REFUSALS:
        assert written(before, writes()) == []


def test_the_write_counter_sees_a_row_even_rolled_back(matrix):
    """What the refusal check rests on: a row written, even in a savepoint rolled back, is
    counted for its table; the ignored tables are not."""
    from ccr_portal.notifications.models import Notification

    before = writes()
    with transaction.atomic():
        Notification.objects.create(recipient=matrix.owner, subject="x", body="x", url="/")
        transaction.set_rollback(True)
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.PERMISSION_DENIED)
    assert written(before, writes()) == [Notification._meta.db_table]
