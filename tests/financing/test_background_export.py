"""The request list's XLSX export above the threshold: written in the background, with the
rows of the inline export, and for a fund's officer their own fund's requests only."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from ccr_portal.documents.models import BackgroundExport
from ccr_portal.notifications.models import Notification
from financing.exports import REQUESTS_XLSX
from tests.conftest import downloaded
from tests.financing.factories import make_request


@pytest.fixture
def requests(world):
    """Two of ESIA's forwarded requests, one of URSCOP's, a draft."""
    made = [
        make_request(
            world,
            structure=world.association,
            product="fris",
            amount=D("20000"),
            category="shop_fitout",
            months=60,
            status="forwarded",
        ),
        make_request(
            world,
            structure=world.scop,
            product="fris",
            amount=D("15000"),
            category="shop_fitout",
            months=48,
            status="forwarded",
        ),
        make_request(
            world,
            structure=world.scop,
            product="pargest",
            amount=D("30000"),
            category="productive_investment",
            months=60,
            status="forwarded",
        ),
        make_request(
            world,
            structure=world.association,
            product="fris",
            amount=D("9000"),
            category="shop_fitout",
        ),
    ]
    return made


def _sheet(body: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(body)).active.values)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # Asking for URSCOP's product: not a choice of ESIA's officer, the scope holds.
        ("esia_officer", [("Fil Rouge", D("15000")), ("Atelier Vélo", D("20000"))]),
        (
            "coordinator",
            [
                ("Atelier Vélo", D("9000")),
                ("Fil Rouge", D("30000")),
                ("Fil Rouge", D("15000")),
                ("Atelier Vélo", D("20000")),
            ],
        ),
    ],
)
def test_a_large_request_export_is_built_in_the_background_with_the_inline_rows(
    client, settings, world, requests, who, expected, django_capture_on_commit_callbacks
):
    person = getattr(world, who)
    client.force_login(person)
    url = reverse("financing:request-export")
    params = {"product": world.products["pargest"].pk} if who == "esia_officer" else {}
    settings.EXPORT_INLINE_MAX_ROWS = 1000
    inline = _sheet(downloaded(client.get(url, params)))
    assert [(row[0], D(str(row[6]))) for row in inline[1:]] == expected

    settings.EXPORT_INLINE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, params)

    export = BackgroundExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == export.get_absolute_url()
    assert (export.kind, export.requested_by, export.status) == (REQUESTS_XLSX, person, "ready")
    assert (export.rows_done, export.rows_total) == (len(expected), len(expected))
    download = client.get(reverse("documents:export-download", args=[export.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="demandes-financement-')
    assert _sheet(downloaded(download)) == inline
    assert Notification.objects.filter(recipient=person).get().subject == (
        "Votre export est prêt : Demandes de financement (XLSX)"
    )

    # Another fund's officer replaying the URLs learns nothing of it.
    client.force_login(world.urscop_officer)
    for name in ("documents:export-status", "documents:export-download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    # A structure's editor may not export at all: nothing is asked for.
    client.force_login(world.scop_editor)
    assert client.get(url).status_code == 403
    assert BackgroundExport.objects.count() == 1
