"""A provider's consultant working for a structure reads it, read-only, while the work is open.

Assigned to an open diagnostic, or holding an open action of the structure's plan, the
consultant reads the structure's identity and its dossier's sections and documents; never
the coordination's private notes, the thread with Regain, the instruction's history and
summary, nor any other structure. Once the work is closed, the door closes.
"""

import pytest
from django.urls import reverse

from accompaniment.models import ActionStatus, PlanStatus
from applicants.documents import DOSSIER_SUMMARY
from applicants.models import Attachment, Dossier, PrivateNote, Structure
from applicants.services.messages import message_post, private_note_add
from ccr_portal.notifications.models import Notification
from diagnostics.models import DiagnosticMessage
from diagnostics.services.thread import diagnostic_message_post
from tests.accompaniment.factories import AccompanimentProviderFactory, consultant_of, drafted_plan
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    coordinator = UserFactory(coordinator=True)
    editor = MembershipFactory(structure__name="Épicerie du Panier").user
    structure = editor.memberships.get().structure
    dossier = DossierFactory(structure=structure, complete=True, status="under_review")
    private_note_add(dossier=dossier, author=coordinator, body="Note très confidentielle.")
    message_post(dossier=dossier, author=editor, body="Message à Regain seulement.")
    ramsess = AccompanimentProviderFactory(name="RAMSESS", short_name="RAMSESS")
    consultant = consultant_of(ramsess)
    diagnostic = DiagnosticFactory(
        structure=structure, dossier=dossier, in_progress=True, provider=ramsess
    )
    other = DossierFactory(complete=True, status="under_review")
    return {
        "coordinator": coordinator,
        "editor": editor,
        "structure": structure,
        "dossier": dossier,
        "attachment": Attachment.objects.filter(dossier=dossier).first(),
        "consultant": consultant,
        "diagnostic": diagnostic,
        "other": other,
        "other_attachment": Attachment.objects.filter(dossier=other).first(),
    }


def _readable(case):
    dossier, structure = case["dossier"], case["structure"]
    return {
        "structure": reverse("applicants:structure-detail", args=[structure.pk]),
        "dossier": reverse("applicants:dossier-detail", args=[dossier.pk]),
        "document": reverse("applicants:attachment-download", args=[case["attachment"].pk]),
    }


def _closed(case):
    dossier = case["dossier"]
    return {
        "thread": reverse("applicants:dossier-messages", args=[dossier.pk]),
        "zip": reverse("applicants:dossier-zip", args=[dossier.pk]),
        "other-structure": reverse(
            "applicants:structure-detail", args=[case["other"].structure_id]
        ),
        "other-dossier": reverse("applicants:dossier-detail", args=[case["other"].pk]),
        "other-document": reverse(
            "applicants:attachment-download", args=[case["other_attachment"].pk]
        ),
        "section": reverse("applicants:dossier-section", args=[dossier.pk, "projet"]),
    }


def test_the_assigned_consultant_reads_the_structure_and_the_dossier(client, case):
    client.force_login(case["consultant"])
    for name, url in _readable(case).items():
        assert client.get(url).status_code == 200, name
    text = page_text(client.get(_readable(case)["dossier"]))
    assert "Épicerie du Panier" in text
    assert "Note très confidentielle." not in text
    assert "Message à Regain seulement." not in text
    assert "Échanges avec la coordination" not in text
    assert "Historique" not in text
    assert "lecture seule" in text
    for name, url in _closed(case).items():
        assert client.get(url).status_code == 403, name
    # Nor the summary PDF, which carries the instruction's history.
    response = client.post(reverse("documents:request", args=[DOSSIER_SUMMARY, case["dossier"].pk]))
    assert response.status_code == 403
    # Nor a note, nor a message: nothing is written.
    assert (
        client.post(
            reverse("applicants:private-note-add", args=[case["dossier"].pk]), {"body": "x"}
        ).status_code
        == 403
    )
    assert PrivateNote.objects.count() == 1


def test_the_lists_say_the_same_as_the_rule(case):
    consultant = case["consultant"]
    assert list(Structure.objects.visible_to(consultant)) == [case["structure"]]
    assert list(Dossier.objects.visible_to(consultant)) == [case["dossier"]]


def test_the_door_closes_with_the_assignment(client, case):
    diagnostic = case["diagnostic"]
    type(diagnostic).objects.filter(pk=diagnostic.pk).update(status="validated")
    client.force_login(case["consultant"])
    for name, url in _readable(case).items():
        assert client.get(url).status_code == 403, name
    assert not Dossier.objects.visible_to(case["consultant"]).exists()


def test_a_consultant_of_another_provider_stays_out(client, case):
    outsider = consultant_of(AccompanimentProviderFactory(name="APEAS"))
    client.force_login(outsider)
    for name, url in _readable(case).items():
        assert client.get(url).status_code == 403, name


def test_an_open_plan_action_opens_the_structure_too(client):
    coordinator = UserFactory(coordinator=True)
    hometer = AccompanimentProviderFactory(name="Hom&Ter", axes=["securing"])
    consultant = consultant_of(hometer)
    plan, _editor = drafted_plan(coordinator, hometer, to=PlanStatus.AGREED, name="Café Vélo")
    structure_url = reverse("applicants:structure-detail", args=[plan.structure_id])
    client.force_login(consultant)
    assert client.get(structure_url).status_code == 200
    plan.actions.update(status=ActionStatus.COMPLETED)
    client.force_login(consultant)  # a new request: nothing cached on the person
    assert client.get(structure_url).status_code == 403


def test_the_diagnostic_thread_joins_the_structure_the_consultant_and_the_coordination(
    client, case, django_capture_on_commit_callbacks
):
    diagnostic, consultant, editor = case["diagnostic"], case["consultant"], case["editor"]
    url = reverse("diagnostics:thread", args=[diagnostic.pk])
    client.force_login(consultant)
    response = client.post(url, {"body": "Pouvons-nous nous voir mardi ?"})
    assert response.status_code == 302
    message = DiagnosticMessage.objects.get()
    assert (message.author, message.speaker) == (consultant, "provider")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        editor.pk,
        case["coordinator"].pk,
    }
    client.force_login(editor)
    assert "Pouvons-nous nous voir mardi ?" in page_text(client.get(url))
    diagnostic_message_post(diagnostic=diagnostic, author=editor, body="Oui, à 10 h.")
    assert DiagnosticMessage.objects.last().speaker == "structure"

    # The committee, another provider and another structure stay out, and write nothing.
    for intruder in (
        UserFactory(committee=True),
        consultant_of(AccompanimentProviderFactory(name="APEAS")),
        MembershipFactory().user,
    ):
        client.force_login(intruder)
        assert client.get(url).status_code == 403
        assert client.post(url, {"body": "Intrusion"}).status_code == 403
    assert DiagnosticMessage.objects.count() == 2
