"""A fund's officer reads only the requests forwarded to their own fund: never another
fund's, never a draft, by page, PDF, document, export or the global response."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ccr_portal.documents.models import GeneratedDocument
from financing.models import FinancingRequest, RequestDocument
from tests.conftest import downloaded
from tests.financing.factories import make_request


@pytest.fixture
def requests(world):
    return {
        "urscop": make_request(
            world,
            structure=world.scop,
            product="pargest",
            amount=D("30000"),
            category="productive_investment",
            months=60,
            status="forwarded",
        ),
        "esia": make_request(
            world,
            structure=world.association,
            product="fris",
            amount=D("20000"),
            category="shop_fitout",
            months=60,
            status="forwarded",
        ),
        "draft": make_request(
            world,
            structure=world.association,
            product="fris",
            amount=D("9000"),
            category="shop_fitout",
        ),
        "submitted": make_request(
            world,
            structure=world.association,
            product="fonds-amorcage-associatif",
            amount=D("8000"),
            category="initial_stock",
            months=12,
            status="submitted",
        ),
    }


def _document(request):
    document = RequestDocument(request=request, original_name="devis.pdf", file_kind="pdf", size=4)
    document.file.save("piece.pdf", ContentFile(b"%PDF"), save=False)
    document.save()
    return document


def test_the_officer_reads_their_fund_s_forwarded_request(client, world, requests):
    client.force_login(world.esia_officer)
    assert client.get(requests["esia"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("which", ["urscop", "draft", "submitted"])
def test_the_officer_is_refused_elsewhere_by_page(client, world, requests, which):
    client.force_login(world.esia_officer)
    request = requests[which]
    assert client.get(request.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("financing:request-transition", args=[request.pk, "grant"])).status_code
        == 403
    )
    response = client.post(
        reverse("financing:request-message", args=[request.pk]), {"body": "Bonjour"}
    )
    assert response.status_code == 403
    assert not request.messages.filter(is_automatic=False).exists()


def test_the_officer_is_refused_the_other_fund_s_financing_file(client, world, requests):
    file = GeneratedDocument.objects.get(kind="financing_file", object_id=requests["urscop"].pk)
    client.force_login(world.esia_officer)
    assert client.get(reverse("documents:status", args=[file.pk])).status_code == 403
    assert client.get(reverse("documents:download", args=[file.pk])).status_code == 403
    response = client.post(
        reverse("documents:request", args=["financing_file", requests["urscop"].pk])
    )
    assert response.status_code == 403
    # A draft has no financing file, and none can be asked for.
    response = client.post(
        reverse("documents:request", args=["financing_file", requests["draft"].pk])
    )
    assert response.status_code == 403
    assert not GeneratedDocument.objects.filter(
        kind="financing_file", object_id=requests["draft"].pk
    ).exists()


def test_the_officer_is_refused_the_other_fund_s_documents(client, world, requests):
    theirs, ours = _document(requests["urscop"]), _document(requests["esia"])
    draft = _document(requests["draft"])
    client.force_login(world.esia_officer)
    assert client.get(reverse("financing:request-document", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("financing:request-document", args=[draft.pk])).status_code == 403
    # Its own fund's document is served once the antivirus allows it (pending here).
    assert client.get(reverse("financing:request-document", args=[ours.pk])).status_code == 409


def test_the_officer_s_list_and_export_hold_their_fund_s_forwarded_requests_only(
    client, world, requests
):
    client.force_login(world.esia_officer)
    page = client.get(reverse("financing:request-list"))
    assert list(page.context["rows"]) == [requests["esia"]]
    # Asking for the other fund's product by its filter shows nothing of it.
    pargest = world.products["pargest"].pk
    filtered = client.get(reverse("financing:request-list"), {"product": pargest})
    assert requests["urscop"] not in list(filtered.context["rows"])
    export = client.get(reverse("financing:request-export"), {"product": pargest})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(export))).active
    # The other fund's product is no choice of theirs: the filter is ignored, the scope holds.
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Atelier Vélo"]
    export = client.get(reverse("financing:request-export"))
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(export))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[4], row[5]) for row in rows] == [
        ("Atelier Vélo", "FRIS (prêt participatif)", "Transmise au financeur")
    ]


def test_the_officer_sees_only_their_fund_in_the_global_response(client, world, requests):
    client.force_login(world.esia_officer)
    page = client.get(reverse("financing:global-response"), {"fonds": world.urscop.pk})
    consolidation = page.context["consolidation"]
    assert list(consolidation.by_funder) == ["ESIA"]
    assert consolidation.total_requested == D("20000")
    response = client.post(
        reverse("documents:request", args=["financing_fund_brief", world.urscop.pk])
    )
    assert response.status_code == 403


def test_the_structures_never_see_each_other_s_requests(client, world, requests):
    client.force_login(world.scop_editor)
    assert client.get(requests["esia"].get_absolute_url()).status_code == 403
    assert client.get(requests["urscop"].get_absolute_url()).status_code == 200
    page = client.get(reverse("financing:request-list"))
    assert list(page.context["rows"]) == [requests["urscop"]]
    assert client.get(reverse("financing:request-export")).status_code == 403


def test_visible_to_states_the_same_rule(world, requests):
    assert list(FinancingRequest.objects.visible_to(world.urscop_officer)) == [requests["urscop"]]
    assert set(FinancingRequest.objects.visible_to(world.coordinator)) == set(requests.values())


def test_another_structure_s_editor_changes_nothing_of_a_draft(client, world, requests):
    """Each refused POST is one that would change the draft for its own editor."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from financing.services.responses import response_for
    from tests.files import pdf

    draft = requests["draft"]
    document = _document(draft)
    response = response_for(structure=world.association, campaign=world.campaign)
    client.force_login(world.scop_editor)
    update = client.post(
        reverse("financing:request-update", args=[draft.pk]),
        {
            "amount": "12 000",
            "duration_months": "48",
            "deferral_months": "0",
            "project": "Changé par une autre structure.",
            "uses-TOTAL_FORMS": "1",
            "uses-INITIAL_FORMS": "0",
            "uses-0-category": "shop_fitout",
            "uses-0-amount": "12000",
        },
    )
    added = client.post(
        reverse("financing:request-document-add", args=[draft.pk]),
        {"file": SimpleUploadedFile("devis.pdf", pdf("Devis"), content_type="application/pdf")},
    )
    message = client.post(
        reverse("financing:request-message", args=[draft.pk]), {"body": "Bonjour"}
    )
    submitted = client.post(reverse("financing:request-transition", args=[draft.pk, "submit"]))
    withdrawn = client.post(reverse("financing:request-transition", args=[draft.pk, "withdraw"]))
    assert [r.status_code for r in (update, added, message, submitted, withdrawn)] == [403] * 5
    draft.refresh_from_db()
    assert (draft.status, draft.amount, draft.project) == ("draft", D("9000"), "")
    assert list(draft.uses.values_list("amount", flat=True)) == [D("9000")]
    assert list(draft.documents.all()) == [document]
    assert not draft.messages.exists()
    # Nor does it read the other structure's document or response.
    assert client.get(reverse("financing:request-document", args=[document.pk])).status_code == 403
    assert client.get(response.get_absolute_url()).status_code == 403


def test_another_fund_s_officer_neither_decides_nor_records_a_payment(client, world, requests):
    """URSCOP's forwarded request and a granted one: ESIA's officer is refused the POSTs
    URSCOP's officer makes, and nothing is written."""
    granted = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("10000"),
        category="productive_investment",
        months=60,
        status="granted",
    )
    forwarded = requests["urscop"]
    client.force_login(world.esia_officer)
    decided = client.post(
        reverse("financing:request-transition", args=[forwarded.pk, "grant"]),
        {
            "granted_amount": "30 000",
            "granted_months": "60",
            "granted_deferral_months": "0",
            "first_due_on": "2027-01-01",
            "committee_date": "2026-11-20",
        },
    )
    declined = client.post(
        reverse("financing:request-transition", args=[forwarded.pk, "decline"]),
        {"comment": "Refus d'un autre fonds."},
    )
    paid = client.post(
        reverse("financing:disbursement-add", args=[granted.pk]),
        {"day": "2027-01-15", "amount": "5000", "note": ""},
    )
    assert [r.status_code for r in (decided, declined, paid)] == [403] * 3
    forwarded.refresh_from_db()
    assert (forwarded.status, forwarded.granted_amount) == ("forwarded", None)
    assert not forwarded.transitions.filter(action__in=["grant", "decline"]).exists()
    assert not granted.disbursements.exists()


def test_a_message_on_a_draft_tells_no_fund_officer(
    client, world, requests, django_capture_on_commit_callbacks
):
    """The e-mail path: the fund's officer, who cannot read a draft, is not told of its
    messages, nor is the other structure; the coordination is."""
    from ccr_portal.notifications.models import Notification

    Notification.objects.all().delete()
    client.force_login(world.association_editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("financing:request-message", args=[requests["draft"].pk]),
            {"body": "Une question sur le devis."},
        )
    assert response.status_code == 302
    assert requests["draft"].messages.get().body == "Une question sur le devis."
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {world.coordinator.pk}


def test_another_structure_s_editor_writes_nothing_in_a_response(client, world):
    """The association's response: the SCOP's editor is refused opening it and each POST
    its own editor makes (needs, BFR, lines, requests), and nothing is written."""
    from financing.models import FinancingNeed, FinancingResponse

    client.force_login(world.scop_editor)
    opened = client.post(
        reverse("financing:response-open", args=[world.association.pk, world.campaign.pk])
    )
    assert opened.status_code == 403
    assert not FinancingResponse.objects.exists()

    from financing.services.responses import response_for

    pk = response_for(structure=world.association, campaign=world.campaign).pk
    refused = [
        client.post(
            reverse("financing:needs-save", args=[pk]),
            {"moving-amount": "3 000", "moving-needed_on": "2027-02"},
        ),
        client.post(
            reverse("financing:bfr", args=[pk]),
            {"stock": "4 000", "receivables": "2 500", "debts": "1 500", "needed_on": "2027-03"},
        ),
        client.post(
            reverse("financing:response-save", args=[pk]),
            {
                "new-product": world.products["fris"].pk,
                "new-category": "shop_fitout",
                "new-amount": "15000",
                "new-duration_months": "60",
                "other_resources": "1000",
            },
        ),
        client.post(reverse("financing:requests-create", args=[pk])),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    response = FinancingResponse.objects.get(pk=pk)
    assert not FinancingNeed.objects.exists()
    assert not response.lines.exists()
    assert response.other_resources == 0
    assert not FinancingRequest.objects.exists()


def test_the_officer_s_global_response_export_holds_their_fund_only(client, world, requests):
    """The export path of the global response: the same scope as its page, whatever fund
    the URL asks for."""
    client.force_login(world.esia_officer)
    export = client.get(reverse("financing:global-response-export"), {"fonds": world.urscop.pk})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(export))).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert [label for label in rows if label.startswith("Financeur : ") and ", " not in label] == [
        "Financeur : ESIA"
    ]
    assert not any("URSCOP" in label for label in rows)
    assert rows["Total"][1] == 20000
