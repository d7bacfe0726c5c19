"""Issue 9, point 5, on the dossier's own buttons: a dossier whose ordered assessment
diagnostic is not validated goes to, or comes out of, the committee only with the
coordinator's written reason, kept in its history; a validated one asks nothing."""

import pytest
from django.urls import reverse

from applicants.models import DossierStatus
from tests.committee.factories import reviewed_dossier
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Le rapport arrive la veille ; le comité ne peut attendre."


def _url(dossier, action):
    return reverse("applicants:dossier-transition", args=[dossier.pk, action])


@pytest.fixture
def pending(client):
    coordinator = UserFactory(coordinator=True)
    dossier = reviewed_dossier(CampaignFactory(), "Ressourcerie du Vieux-Port")
    DiagnosticFactory(
        structure=dossier.structure, purpose="assessment", dossier=dossier, assigned=True
    )
    client.force_login(coordinator)
    return dossier


def test_the_step_page_warns_and_asks_why(client, pending):
    page = client.get(_url(pending, "send_to_committee"))
    body = page_text(page)
    assert page.status_code == 200
    assert "Le diagnostic d'instruction n'est pas encore validé" in body
    assert "(« Affecté à un prestataire »)" in body
    assert 'name="assessment_override"' in body


def test_without_a_reason_nothing_moves(client, pending):
    page = client.post(_url(pending, "send_to_committee"), {"message": ""})
    assert page.status_code == 200
    assert "Écrivez pourquoi le dossier avance sans lui." in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == DossierStatus.UNDER_REVIEW
    assert not pending.transitions.filter(action="send_to_committee").exists()


def test_with_a_reason_the_step_keeps_it(client, pending):
    page = client.post(
        _url(pending, "send_to_committee"), {"message": "", "assessment_override": REASON}
    )
    assert page.status_code == 302
    pending.refresh_from_db()
    assert pending.status == DossierStatus.IN_COMMITTEE
    step = pending.transitions.get(action="send_to_committee")
    assert step.comment == f"Sans diagnostic d'instruction validé : {REASON}"


def test_the_decision_rows_ask_as_well(client, pending):
    pending.status = DossierStatus.IN_COMMITTEE
    pending.save(update_fields=["status"])
    page = client.post(_url(pending, "accept"), {"message": "Retenu en séance."})
    assert page.status_code == 200
    pending.refresh_from_db()
    assert pending.status == DossierStatus.IN_COMMITTEE
    client.post(
        _url(pending, "accept"), {"message": "Retenu en séance.", "assessment_override": REASON}
    )
    pending.refresh_from_db()
    assert pending.status == DossierStatus.ACCEPTED
    step = pending.transitions.get(action="accept")
    assert step.comment == f"Retenu en séance.\nSans diagnostic d'instruction validé : {REASON}"


def test_a_validated_assessment_asks_nothing(client):
    coordinator = UserFactory(coordinator=True)
    dossier = reviewed_dossier(CampaignFactory())
    DiagnosticFactory(
        structure=dossier.structure, purpose="assessment", dossier=dossier, validated=True
    )
    client.force_login(coordinator)
    page = client.get(_url(dossier, "send_to_committee"))
    assert 'name="assessment_override"' not in page.content.decode()
    client.post(_url(dossier, "send_to_committee"), {"message": ""})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_COMMITTEE
    assert dossier.transitions.get(action="send_to_committee").comment == ""
