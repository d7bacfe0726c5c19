"""Nobody but the structure's members and the coordination reaches a dossier, by any URL."""

import pytest
from django.urls import reverse

from applicants.documents import DOSSIER_SUMMARY
from applicants.models import Attachment, Dossier, Membership, MessageAttachment, PrivateNote
from applicants.services.messages import message_post
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from tests import files
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(django_capture_on_commit_callbacks):
    """A dossier with a document, a message with an attachment and a ready summary."""
    editor = UserFactory(applicant=True)
    dossier = DossierFactory(complete=True, status="under_review")
    Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
    message = message_post(
        dossier=dossier,
        author=editor,
        body="Voici notre plan",
        files=[files.upload("plan.pdf", files.pdf())],
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary = document_request(kind=DOSSIER_SUMMARY, subject=dossier, requested_by=editor)
    summary.refresh_from_db()
    assert summary.status == GeneratedDocument.Status.READY
    return {
        "dossier": dossier,
        "editor": editor,
        "attachment": Attachment.objects.get(dossier=dossier),
        "message_attachment": MessageAttachment.objects.get(message=message),
        "summary": summary,
    }


def _attempts(client, t):
    dossier = t["dossier"]
    pk = dossier.pk
    return {
        "page": client.get(reverse("applicants:dossier-detail", args=[pk])),
        "section": client.get(reverse("applicants:dossier-section", args=[pk, "projet"])),
        "section-post": client.post(
            reverse("applicants:dossier-section", args=[pk, "projet"]), {"wished_surface_m2": "1"}
        ),
        "transition": client.post(reverse("applicants:dossier-transition", args=[pk, "withdraw"])),
        "document": client.get(
            reverse("applicants:attachment-download", args=[t["attachment"].pk])
        ),
        "document-delete": client.post(
            reverse("applicants:attachment-delete", args=[t["attachment"].pk])
        ),
        "document-add": client.post(
            reverse("applicants:attachment-add", args=[pk]),
            {
                "document_type": t["attachment"].document_type_id,
                "upload": files.upload("x.pdf", files.pdf()),
            },
        ),
        "messages": client.get(reverse("applicants:dossier-messages", args=[pk])),
        "message-post": client.post(
            reverse("applicants:dossier-messages", args=[pk]), {"body": "intrusion"}
        ),
        "message-file": client.get(
            reverse("applicants:message-attachment-download", args=[t["message_attachment"].pk])
        ),
        "note": client.post(reverse("applicants:private-note-add", args=[pk]), {"body": "x"}),
        "zip": client.get(reverse("applicants:dossier-zip", args=[pk])),
        "summary-request": client.post(reverse("documents:request", args=[DOSSIER_SUMMARY, pk])),
        "summary-status": client.get(reverse("documents:status", args=[t["summary"].pk])),
        "summary-download": client.get(reverse("documents:download", args=[t["summary"].pk])),
    }


def _unchanged(t):
    dossier = Dossier.objects.get(pk=t["dossier"].pk)
    assert dossier.status == "under_review"
    assert dossier.wished_surface_m2 == 60
    assert Attachment.objects.filter(dossier=dossier).count() == 1
    assert not dossier.messages.filter(body="intrusion").exists()
    assert not PrivateNote.objects.exists()
    assert GeneratedDocument.objects.count() == 1


@pytest.mark.parametrize(
    "intruder",
    ["other-applicant", "provider", "committee", "funder", "no-role"],
)
def test_intruders_are_refused_on_every_url(client, target, intruder):
    if intruder == "other-applicant":
        person = UserFactory(applicant=True)
        Membership.objects.create(structure=DossierFactory().structure, user=person, role="editor")
    elif intruder == "no-role":
        person = UserFactory()
    else:
        person = UserFactory(roles=[intruder])
    client.force_login(person)

    responses = _attempts(client, target)

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 403)
    _unchanged(target)


def test_anonymous_visitors_are_sent_to_login(client, target):
    responses = _attempts(client, target)
    for name, response in responses.items():
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name
    _unchanged(target)


def test_the_members_and_the_coordination_reach_every_page(client, target):
    for person in (target["editor"], UserFactory(coordinator=True)):
        client.force_login(person)
        pk = target["dossier"].pk
        for url in [
            reverse("applicants:dossier-detail", args=[pk]),
            reverse("applicants:dossier-messages", args=[pk]),
            reverse("applicants:attachment-download", args=[target["attachment"].pk]),
            reverse(
                "applicants:message-attachment-download", args=[target["message_attachment"].pk]
            ),
            reverse("applicants:dossier-zip", args=[pk]),
            reverse("documents:download", args=[target["summary"].pk]),
        ]:
            assert client.get(url).status_code == 200, url
