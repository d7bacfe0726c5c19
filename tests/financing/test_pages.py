"""The pages, through the test client: a response built, checked and turned into
requests; a request edited, deposited, forwarded and granted; the products edited."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_render
from financing.models import FinancingNeed, FinancingRequest, FinancingResponse, FundingProduct
from tests.conftest import page_text
from tests.financing.factories import make_request


def test_a_response_from_the_needs_to_the_requests(client, world):
    client.force_login(world.association_editor)
    response = client.post(
        reverse("financing:response-open", args=[world.association.pk, world.campaign.pk])
    )
    financing_response = FinancingResponse.objects.get(structure=world.association)
    assert response.url == financing_response.get_absolute_url()
    pk = financing_response.pk

    client.post(
        reverse("financing:needs-save", args=[pk]),
        {
            "moving-amount": "3 000",
            "moving-needed_on": "2027-02",
            "shop_fitout-amount": "20000",
            "shop_fitout-needed_on": "2027-01",
        },
    )
    client.post(
        reverse("financing:bfr", args=[pk]),
        {"stock": "4 000", "receivables": "2 500", "debts": "1 500", "needed_on": "2027-03"},
    )
    assert {
        (need.category, need.amount, need.needed_on, need.source)
        for need in FinancingNeed.objects.filter(structure=world.association)
    } == {
        ("moving", D("3000"), datetime.date(2027, 2, 1), "manual"),
        ("shop_fitout", D("20000"), datetime.date(2027, 1, 1), "manual"),
        ("working_capital", D("5000"), datetime.date(2027, 3, 1), "bfr"),
    }

    # A FRIS line on the moving: FRIS does not finance it, said in French.
    fris = world.products["fris"].pk
    apport = world.products["contrat-apport-associatif"].pk
    client.post(
        reverse("financing:response-save", args=[pk]),
        {
            "new-product": fris,
            "new-category": "moving",
            "new-amount": "15000",
            "new-duration_months": "60",
            "other_resources": "0",
        },
    )
    page = page_text(client.get(reverse("financing:response", args=[pk])))
    assert "FRIS (prêt participatif) ne finance pas « Déménagement »" in page

    # Fixed: FRIS on the fit-out, and the contrat d'apport matched by it.
    client.post(
        reverse("financing:response-save", args=[pk]),
        {
            "line-0-product": fris,
            "line-0-category": "shop_fitout",
            "line-0-amount": "15000",
            "line-0-duration_months": "60",
            "new-product": apport,
            "new-category": "moving",
            "new-amount": "8000",
            "new-duration_months": "36",
            "other_resources": "0",
        },
    )
    page = page_text(client.get(reverse("financing:response", args=[pk])))
    assert "ne finance pas" not in page
    assert page.count("Conforme") == 2

    client.post(reverse("financing:requests-create", args=[pk]))
    requests = FinancingRequest.objects.filter(structure=world.association).order_by("amount")
    assert [(r.product.code, r.amount, r.status) for r in requests] == [
        ("contrat-apport-associatif", D("8000"), "draft"),
        ("fris", D("15000"), "draft"),
    ]
    # Every line has its request: asking again creates nothing.
    client.post(reverse("financing:requests-create", args=[pk]))
    assert FinancingRequest.objects.filter(structure=world.association).count() == 2


def test_a_request_deposited_forwarded_and_granted_through_the_pages(client, world):
    request = make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("20000"),
        category="shop_fitout",
        months=60,
    )
    client.force_login(world.association_editor)
    client.post(
        reverse("financing:request-update", args=[request.pk]),
        {
            "amount": "20 000",
            "duration_months": "60",
            "deferral_months": "0",
            "project": "Aménager la boutique.",
            "uses-TOTAL_FORMS": "2",
            "uses-INITIAL_FORMS": "0",
            "uses-0-category": "shop_fitout",
            "uses-0-amount": "12000",
            "uses-1-category": "initial_stock",
            "uses-1-amount": "8000",
        },
    )
    assert sorted(request.uses.values_list("category", "amount")) == [
        ("initial_stock", D("8000")),
        ("shop_fitout", D("12000")),
    ]
    client.post(reverse("financing:request-transition", args=[request.pk, "submit"]), {})
    request.refresh_from_db()
    assert request.status == "submitted"

    client.force_login(world.coordinator)
    client.post(reverse("financing:request-transition", args=[request.pk, "forward"]), {})
    request.refresh_from_db()
    assert request.status == "forwarded"

    client.force_login(world.esia_officer)
    form = client.get(reverse("financing:request-transition", args=[request.pk, "grant"]))
    assert "Date du comité d'engagement" in page_text(form)
    client.post(
        reverse("financing:request-transition", args=[request.pk, "grant"]),
        {
            "granted_amount": "18 000",
            "granted_rate": "2",
            "granted_months": "48",
            "granted_deferral_months": "0",
            "first_due_on": "2027-01-01",
            "committee_date": "2026-11-20",
            "grant_conditions": "Versement sur factures.",
        },
    )
    request.refresh_from_db()
    assert (request.status, request.granted_amount) == ("granted", D("18000"))

    client.force_login(world.association_editor)
    page = page_text(client.get(request.get_absolute_url()))
    assert "Versement sur factures." in page
    assert "Échéancier de remboursement" in page
    assert "48 échéances mensuelles" in page


def test_only_the_coordination_edits_products(client, world):
    product = world.products["fris"]
    url = reverse("financing:product-update", args=[product.pk])
    data = {
        "funder": world.esia.pk,
        "name": "FRIS",
        "code": "fris",
        "kind": "participatory_loan",
        "legal_forms": ["association", "scop"],
        "min_amount": "5 000",
        "max_amount": "70 000",
        "min_months": "12",
        "max_months": "84",
        "interest_rate": "2",
        "fee_rate": "0",
        "young_age_years": "3",
        "allowed_uses": ["shop_fitout"],
        "renewable_times": "0",
        "is_active": "on",
    }
    client.force_login(world.esia_officer)
    assert client.post(url, data).status_code == 403
    product.refresh_from_db()
    assert product.max_amount == D("60000")
    client.force_login(world.coordinator)
    client.post(url, data)
    product.refresh_from_db()
    assert (product.max_amount, product.legal_forms) == (D("70000"), ["association", "scop"])
    assert FundingProduct.objects.count() == 6


@pytest.mark.parametrize("kind", ["financing_file", "financing_fund_brief"])
def test_the_pdfs_render(world, kind):
    request = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("30000"),
        category="productive_investment",
        months=60,
        status="forwarded",
    )
    if kind == "financing_file":
        document = GeneratedDocument.objects.get(kind=kind, object_id=request.pk)
    else:
        from ccr_portal.documents.services import document_request

        document = document_request(kind=kind, subject=world.urscop, requested_by=world.coordinator)
    document = document_render(document_id=document.pk)
    assert document.status == GeneratedDocument.Status.READY
    assert document.file.open("rb").read(4) == b"%PDF"


def test_the_split_is_checked_as_it_is_typed_without_saving(client, world):
    from financing.services.responses import response_for

    response = response_for(structure=world.scop, campaign=world.campaign)
    client.force_login(world.scop_editor)
    page = client.post(
        reverse("financing:response-check", args=[response.pk]),
        {
            "new-product": world.products["contrat-apport-associatif"].pk,
            "new-category": "moving",
            "new-amount": "10000",
            "new-duration_months": "36",
            "other_resources": "20000",
        },
    )
    assert "Contrat d'apport associatif n'est pas ouvert à la forme juridique « SCOP »" in (
        page_text(page)
    )
    assert not response.lines.exists()
    client.force_login(world.association_editor)
    refused = client.post(reverse("financing:response-check", args=[response.pk]), {})
    assert refused.status_code == 403


def test_documents_and_messages_on_a_request(client, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ccr_portal.notifications.models import Notification
    from tests.files import pdf

    request = make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("20000"),
        category="shop_fitout",
        months=60,
    )
    client.force_login(world.association_editor)
    client.post(
        reverse("financing:request-document-add", args=[request.pk]),
        {"file": SimpleUploadedFile("devis.pdf", pdf("Devis"), content_type="application/pdf")},
    )
    assert list(request.documents.values_list("original_name", "file_kind")) == [
        ("devis.pdf", "pdf")
    ]
    # A file that is not what it says is refused, and nothing is written.
    client.post(
        reverse("financing:request-document-add", args=[request.pk]),
        {"file": SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 pas un pdf")},
    )
    assert request.documents.count() == 1

    from financing.services.requests import request_transition

    request_transition(request=request, actor=world.association_editor, action="submit")
    request_transition(request=request, actor=world.coordinator, action="forward")
    # Once forwarded, the file the fund reads is closed: no more documents.
    response = client.post(
        reverse("financing:request-document-add", args=[request.pk]),
        {"file": SimpleUploadedFile("autre.pdf", pdf("Autre"), content_type="application/pdf")},
    )
    assert response.status_code == 403
    assert request.documents.count() == 1

    Notification.objects.all().delete()
    client.force_login(world.esia_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("financing:request-message", args=[request.pk]),
            {"body": "Pouvez-vous préciser le calendrier des travaux ?"},
        )
    message = request.messages.get(is_automatic=False)
    assert (message.speaker, message.author) == ("funder", world.esia_officer)
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {world.association_editor.pk, world.coordinator.pk}


def test_the_plan_shows_what_the_granted_loans_repay_in_its_years(client, world):
    from accompaniment.models import DevelopmentPlan

    plan = DevelopmentPlan.objects.create(
        structure=world.association, campaign=world.campaign, first_year=2027, status="proposed"
    )
    make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("24000"),
        category="shop_fitout",
        months=24,
        status="granted",
        grant={
            "granted_amount": D("24000"),
            "granted_rate": D("0"),
            "granted_months": 24,
            "first_due_on": datetime.date(2027, 7, 1),
            "committee_date": datetime.date(2027, 6, 1),
        },
    )
    client.force_login(world.association_editor)
    page = page_text(client.get(plan.get_absolute_url()))
    from ccr_portal.formatting import format_euros

    assert (
        f"FRIS (prêt participatif) {format_euros(D('6000'))} {format_euros(D('12000'))} "
        f"{format_euros(D('6000'))}"
    ) in re.sub(r"[ \n\t]+", " ", re.sub(r"<[^>]+>", " ", page))
