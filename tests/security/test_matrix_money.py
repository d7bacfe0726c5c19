"""The generated authorisation matrix (issue 13, point 9): the financial accompaniment's
and the scheme's routes, and some routes requested again against other objects.

As in ``test_matrix.py``: every route requested GET and POST as each viewer, the outcome
the one declared (``matrix_routes_money.py``), refusals writing nothing. The variants
check the funders' isolation (issue 11): an ESIA officer is refused on URSCOP's requests
and on drafts, by page, document and financing file; a structure's data stays its own.
"""

import pytest
from django.urls import reverse

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


# -- what the lists and the export hold, for those they let in -------------------------


def _export_rows(client) -> list[tuple]:
    import io

    import openpyxl

    from tests.conftest import downloaded

    response = client.get(reverse("financing:request-export"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(response))).active
    header, *rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    return [(row[header.index("Structure")], row[header.index("État")]) for row in rows]


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [
        ("coordinator", {"draft_request", "forwarded_request", "granted_request"}),
        ("funder_esia", {"forwarded_request"}),
        ("funder_urscop", {"granted_request"}),
        ("editor_other", set()),
        ("reader_other", set()),
    ],
)
def test_the_request_list_and_export_hold_only_what_the_viewer_may_read(matrix, viewer, shown):
    """A fund's officer: their fund's forwarded requests, never a draft nor another fund's;
    an applicant: none of another structure's."""
    client = matrix.clients[viewer]
    page = client.get(reverse("financing:request-list")).content.decode()
    requests = ("draft_request", "forwarded_request", "granted_request")
    listed = {name for name in requests if getattr(matrix, name).get_absolute_url() in page}
    assert listed == shown
    if viewer.startswith("editor") or viewer.startswith("reader"):
        return  # applicants have no export (declared DENIED in the matrix)
    expected = sorted(
        (getattr(matrix, name).structure.name, getattr(matrix, name).get_status_display())
        for name in shown
    )
    assert sorted(_export_rows(client)) == expected


@pytest.mark.parametrize("viewer", ["editor_other", "reader_other"])
def test_the_response_list_shows_an_applicant_no_other_structure(matrix, viewer):
    page = matrix.clients[viewer].get(reverse("financing:response-list")).content.decode()
    assert matrix.response.get_absolute_url() not in page
    assert matrix.structure.name not in page
