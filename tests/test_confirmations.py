"""What cannot be undone is confirmed first, on a page that works without JavaScript:
removing a document, withdrawing a dossier, agreeing a plan, delivering a grid, declining
an assignment. A POST that does not confirm changes nothing."""

import pytest
from django.urls import reverse

from accompaniment.models import PlanStatus
from applicants.models import Attachment, DossierStatus, Membership
from diagnostics.models import DiagnosticStatus
from tests.accompaniment.factories import AccompanimentProviderFactory, consultant_of, drafted_plan
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

WARNING = "Cette étape ne peut pas être annulée."


def _confirmed(client, url, data=None):
    """The confirmation page, then its form sent: what a person does, in two requests."""
    page = client.get(url)
    assert page.status_code == 200
    assert WARNING in page_text(page)
    assert 'name="confirmed" value="yes"' in page_text(page)
    return client.post(url, {**(data or {}), "confirmed": "yes"})


def test_removing_a_document(client):
    editor = UserFactory(applicant=True)
    dossier = DossierFactory(complete=True)
    Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
    attachment = Attachment.objects.get(dossier=dossier)
    client.force_login(editor)
    url = reverse("applicants:attachment-delete", args=[attachment.pk])
    # The dossier page links to the confirmation, it does not remove.
    assert f'href="{url}"' in page_text(client.get(dossier.get_absolute_url()))
    assert client.post(url).status_code == 200
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert _confirmed(client, url).status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_withdrawing_a_dossier(client):
    editor = UserFactory(applicant=True)
    dossier = DossierFactory(complete=True, status=DossierStatus.SUBMITTED)
    Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
    client.force_login(editor)
    url = reverse("applicants:dossier-transition", args=[dossier.pk, "withdraw"])
    assert client.post(url).status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert _confirmed(client, url).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN


def test_agreeing_a_plan(client):
    coordinator = UserFactory(coordinator=True)
    plan, editor = drafted_plan(
        coordinator, AccompanimentProviderFactory(axes=["securing"]), to=PlanStatus.PROPOSED
    )
    client.force_login(editor)
    url = reverse("accompaniment:plan-transition", args=[plan.pk, "agree"])
    text = page_text(client.get(plan.get_absolute_url()))
    assert f'href="{url}"' in text
    assert client.post(url).status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert _confirmed(client, url).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.agreed_by) == (PlanStatus.AGREED, editor)


def test_delivering_a_grid(client):
    provider = AccompanimentProviderFactory(name="RAMSESS")
    consultant = consultant_of(provider)
    diagnostic = DiagnosticFactory(in_progress=True, provider=provider, consultant=consultant)
    client.force_login(consultant)
    data = {
        **{f"score_{theme.value}": "3" for theme in diagnostic.themes},
        **{f"observations_{theme.value}": "Observé." for theme in diagnostic.themes},
        "strengths": "Une équipe soudée.",
        "weaknesses": "Trésorerie tendue.",
        "overall_risk": "medium",
        "recommendation": "ready",
        "deliver": "1",
    }
    response = client.post(reverse("diagnostics:grid", args=[diagnostic.pk]), data)
    deliver = reverse("diagnostics:transition", args=[diagnostic.pk, "deliver"])
    assert response.url == deliver
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS
    assert client.post(deliver).status_code == 200
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS
    assert (
        _confirmed(client, deliver, {"comment": "Remis après deux entretiens."}).status_code == 302
    )
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.DELIVERED
    assert diagnostic.transitions.get(action="deliver").comment == "Remis après deux entretiens."


def test_declining_an_assignment(client):
    provider = AccompanimentProviderFactory(name="RAMSESS")
    consultant = consultant_of(provider)
    diagnostic = DiagnosticFactory(assigned=True, provider=provider)
    client.force_login(consultant)
    url = reverse("diagnostics:transition", args=[diagnostic.pk, "decline_assignment"])
    client.post(url, {"comment": "Pas disponible."})
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.ASSIGNED
    response = _confirmed(client, url, {"comment": "Pas disponible."})
    assert response.url == reverse("diagnostics:assignments")
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.provider) == (DiagnosticStatus.ACCEPTED, None)
