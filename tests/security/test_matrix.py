"""The generated authorisation matrix (issue 13, point 9).

Every URL pattern of the resolver is requested, GET and POST, as each viewer of
``tests.security.matrix.VIEWERS`` against objects that belong to someone else; the outcome
must be the one ``ROUTES`` (``matrix_routes.py``) declares, and refusals must write nothing
(PostgreSQL's per-transaction row counters, read around them). A route the table does not
declare fails ``test_every_route_is_declared``, named, with how to declare it.

The objects are built once per module (``conftest.matrix_world``) and each viewer
signs in once; allowed requests run in a savepoint rolled back, so that no case changes
what the next one sees.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from ccr_portal.security.models import SecurityEvent
from tests.security.matrix import LOGIN, OK, REFUSALS
from tests.security.matrix_routes import ROUTES
from tests.security.matrix_runner import (
    ADMIN_NAMESPACE,
    MONEY_NAMESPACES,
    STAFF_NAMESPACES,
    check_route,
    outcome,
    portal_routes,
    walk,
    writes,
    written,
)


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


# -- the matrix: the routes of the applicants, the accounts and the portal's core -------


@pytest.mark.parametrize(
    "name",
    sorted(n for n in ROUTES if not n.startswith((*STAFF_NAMESPACES, *MONEY_NAMESPACES))),
)
def test_route(matrix, name):
    check_route(matrix, name)


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
