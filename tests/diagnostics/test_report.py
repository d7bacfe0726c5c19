"""The diagnostic report (PDF), rendered by WeasyPrint in the documents pipeline."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from diagnostics.documents import DIAGNOSTIC_REPORT
from diagnostics.services.sharing import committee_consent_grant, diagnostic_sign_off
from tests.conftest import plain_spaces
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import MembershipFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def pdf_text(document: GeneratedDocument) -> str:
    data = document.file.read()
    assert data.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # Table cells wrap: compare words, not lines.
    return " ".join(plain_spaces(text).replace("\u00a0", " ").split())


def render(diagnostic, user, capture) -> GeneratedDocument:
    with capture(execute=True):
        document = document_request(kind=DIAGNOSTIC_REPORT, subject=diagnostic, requested_by=user)
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.READY
    return document


def test_the_report_prints_identity_profile_conclusions_days_and_sign_off(
    django_capture_on_commit_callbacks,
):
    member = MembershipFactory(structure__name="Épicerie Solidaire du Panier")
    diagnostic = DiagnosticFactory(
        structure=member.structure,
        validated=True,
        full=True,
        provider=ProviderFactory(name="RAMSESS"),
    )
    diagnostic.axis_recommendations.create(
        axis="financing", days="1.5", reason="Contrat d'apport associatif."
    )
    diagnostic_sign_off(
        diagnostic=diagnostic, actor=member.user, comment="Nous partageons ces conclusions."
    )
    committee_consent_grant(diagnostic=diagnostic, actor=member.user)
    diagnostic.refresh_from_db()

    document = render(diagnostic, member.user, django_capture_on_commit_callbacks)
    text = pdf_text(document)

    for expected in [
        "Synthèse du diagnostic",
        "Épicerie Solidaire du Panier",
        "Diagnostic complet",
        "Appui (à la demande de la structure)",
        "RAMSESS",
        "Profil de la structure",
        "Projet et gouvernance",
        "1 · Fragile",
        "4 · Solide",
        "Risque lié au site choisi",
        "Une équipe soudée et une clientèle fidèle.",
        "Prête avec un accompagnement de sécurisation",
        "B. Accompagnement de sécurisation",
        "3,0 j",
        "F. Accompagnement financier",
        "1,5 j",
        "4,5 j",  # total
        "Nous partageons ces conclusions.",
        "partagé avec le comité de sélection",
    ]:
        assert expected in text, expected
    # The axes read A to F, whatever their codes.
    assert text.index("B. Accompagnement") < text.index("F. Accompagnement")


def test_a_report_asked_before_delivery_prints_no_draft(django_capture_on_commit_callbacks):
    member = MembershipFactory()
    diagnostic = DiagnosticFactory(structure=member.structure, in_progress=True)
    diagnostic.scores.create(theme="project", score=1, observations="Brouillon confidentiel.")

    text = pdf_text(render(diagnostic, member.user, django_capture_on_commit_callbacks))

    assert "Brouillon confidentiel." not in text
    assert "Le diagnostic n'a pas encore été remis" in text


def test_the_report_file_is_named_after_the_kind_and_the_structure(
    client, django_capture_on_commit_callbacks
):
    member = MembershipFactory(structure__name="Fil Rouge Textile")
    diagnostic = DiagnosticFactory(structure=member.structure, delivered=True)
    document = render(diagnostic, member.user, django_capture_on_commit_callbacks)
    client.force_login(member.user)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="diagnostic-leger-fil-rouge-textile.pdf"'
    )
