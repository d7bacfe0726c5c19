"""Submitting: a dossier number, an acknowledgement, a submit page that says what is missing;
changes requested: the coordination's request at the top, as what is left to do."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applicants.documents import DOSSIER_SUMMARY
from applicants.models import DossierStatus, Membership
from applicants.services.dossiers import dossier_transition
from ccr_portal.documents.services import document_request
from ccr_portal.formatting import format_date
from ccr_portal.notifications.models import Notification
from tests.conftest import page_text
from tests.factories import CampaignFactory, DocumentTypeFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "editor": UserFactory(applicant=True, first_name="Nadia", last_name="Benali"),
        "reader": UserFactory(applicant=True),
        "coordinator": UserFactory(coordinator=True),
    }


def _dossier(people, campaign=None, **kwargs):
    dossier = DossierFactory(complete=True, campaign=campaign or CampaignFactory(), **kwargs)
    structure = dossier.structure
    Membership.objects.create(structure=structure, user=people["editor"], role="editor")
    Membership.objects.create(structure=structure, user=people["reader"], role="reader")
    return dossier


def test_a_submitted_dossier_is_numbered_and_acknowledged(
    people, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    year = campaign.opens_on.year
    first = _dossier(people, campaign)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=first, actor=people["editor"], action="submit")
    first.refresh_from_db()
    assert first.number == f"CCR-{year}-0001"

    # Every member, the one who submitted included, receives the acknowledgement.
    receipts = Notification.objects.filter(subject__startswith="Accusé de réception")
    assert set(receipts.values_list("recipient", flat=True)) == {
        people["editor"].pk,
        people["reader"].pk,
    }
    today = format_date(timezone.localdate())
    receipt = receipts.get(recipient=people["reader"])
    assert receipt.subject == f"Accusé de réception : dossier CCR-{year}-0001 déposé"
    assert f"déposé le {today} par Nadia Benali" in receipt.body
    assert f"CCR-{year}-0001" in receipt.body
    emails = [m for m in mail.outbox if "Accusé de réception" in m.subject]
    assert sorted(m.to[0] for m in emails) == sorted(
        [people["editor"].email, people["reader"].email]
    )
    # The coordination is told as before.
    assert Notification.objects.filter(recipient=people["coordinator"]).count() == 1

    other = DossierFactory(complete=True, campaign=campaign)
    Membership.objects.create(structure=other.structure, user=people["editor"], role="editor")
    dossier_transition(dossier=other, actor=people["editor"], action="submit")
    other.refresh_from_db()
    assert other.number == f"CCR-{year}-0002"


def test_a_resubmitted_dossier_keeps_its_number(people):
    dossier = _dossier(people)
    dossier_transition(dossier=dossier, actor=people["editor"], action="submit")
    dossier.refresh_from_db()
    number = dossier.number
    dossier_transition(
        dossier=dossier,
        actor=people["coordinator"],
        action="request_changes",
        reason="incorrect",
        message="Le SIRET ne correspond pas.",
    )
    dossier.refresh_from_db()
    dossier_transition(dossier=dossier, actor=people["editor"], action="submit")
    dossier.refresh_from_db()
    assert dossier.number == number


def test_the_number_shows_on_the_page_and_in_the_summary(
    client, people, django_capture_on_commit_callbacks
):
    dossier = _dossier(people)
    dossier_transition(dossier=dossier, actor=people["editor"], action="submit")
    dossier.refresh_from_db()
    client.force_login(people["reader"])
    page = page_text(client.get(dossier.get_absolute_url()))
    assert f"Dossier n° <strong>{dossier.number}</strong>" in page
    from pypdf import PdfReader

    with django_capture_on_commit_callbacks(execute=True):
        summary = document_request(
            kind=DOSSIER_SUMMARY, subject=dossier, requested_by=people["editor"]
        )
    summary.refresh_from_db()
    text = "".join(page.extract_text() for page in PdfReader(summary.file.open("rb")).pages)
    assert f"Dossier n° {dossier.number}" in text


def test_changes_requested_show_at_the_top_as_what_is_left_to_do(client, people):
    dossier = _dossier(people, status=DossierStatus.SUBMITTED)
    dossier_transition(
        dossier=dossier,
        actor=people["coordinator"],
        action="request_changes",
        reason="outdated",
        message="Joignez le bilan 2025.",
    )
    client.force_login(people["editor"])
    text = page_text(client.get(dossier.get_absolute_url()))
    assert "Compléments demandés par la coordination le" in text
    assert "Motif : Informations périmées." in text
    assert "Joignez le bilan 2025." in text
    assert "Dossier complet" not in text
    assert "Ce qu'il reste à faire : les compléments demandés" in text
    # The coordinator sees the request too, and the button names the structure.
    client.force_login(people["coordinator"])
    text = page_text(client.get(dossier.get_absolute_url()))
    assert "Joignez le bilan 2025." in text
    assert "Échanges avec la structure" in text
    assert "Échanges avec la coordination" not in text


def test_the_submit_page_links_each_missing_point_and_disables_the_button(client, people):
    dossier = _dossier(people)
    dossier.campaign.required_document_types.add(DocumentTypeFactory(code="bilan", name="Bilan"))
    dossier.current_premises = ""
    dossier.save()
    client.force_login(people["editor"])
    response = client.get(reverse("applicants:dossier-transition", args=[dossier.pk, "submit"]))
    text = page_text(response)
    project = reverse("applicants:dossier-section", args=[dossier.pk, "projet"])
    assert f'<a href="{project}" class="alert-link">Le projet d\'installation</a>' in text
    assert "décrivez vos locaux actuels" in text
    assert f'href="{dossier.get_absolute_url()}#rubrique-documents"' in text
    assert re.search(r'<button type="submit"[^>]* disabled aria-describedby="submit-blocked"', text)
    # Complete, the button is enabled.
    dossier.current_premises = "Un local de 30 m²"
    dossier.save()
    dossier.campaign.required_document_types.clear()
    text = page_text(
        client.get(reverse("applicants:dossier-transition", args=[dossier.pk, "submit"]))
    )
    assert "disabled" not in re.search(r'<button type="submit"[^>]*>', text).group(0)
