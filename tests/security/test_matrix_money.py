"""The generated authorisation matrix (issue 13, point 9): the financial accompaniment's
and the scheme's routes, and some routes requested again against other objects.

As in ``test_matrix.py``: every route requested GET and POST as each viewer, the outcome
the one declared (``matrix_routes_money.py``), refusals writing nothing. The variants
check the funders' isolation (issue 11): an ESIA officer is refused on URSCOP's requests
and on drafts, by page, document and financing file; a structure's data stays its own.
"""

import pytest

from tests.security.matrix_routes import ROUTES
from tests.security.matrix_routes_money import VARIANTS
from tests.security.matrix_runner import MONEY_NAMESPACES, check_route


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n.startswith(MONEY_NAMESPACES)))
def test_route(matrix, name):
    check_route(matrix, name)


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_variant(matrix, label):
    name, route = VARIANTS[label]
    check_route(matrix, name, route, label=label)
