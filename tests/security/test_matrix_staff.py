"""The generated authorisation matrix (issue 13, point 9): the staff apps' routes.

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

from tests.security.matrix_routes import ROUTES
from tests.security.matrix_runner import (
    STAFF_NAMESPACES,
    check_route,
)


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n.startswith(STAFF_NAMESPACES)))
def test_route(matrix, name):
    check_route(matrix, name)
