"""Who reaches a file: by page, PDF, pack and document URL; conflicts, outsiders, applicants."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from pypdf import PdfReader

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from ccr_portal.users.models import User
from committee.documents import MEETING_PACK
from committee.models import MeetingMember, Opinion
from committee.selectors import conflicted_structure_ids, forget_committee_cache
from committee.services.conflicts import conflicts_declare
from committee.services.opinions import opinions_give
from diagnostics.documents import DIAGNOSTIC_REPORT
from tests.committee.conftest import editor_of
from tests.conftest import page_text
from tests.diagnostics.factories import ConsentFactory, DiagnosticFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Confidence de la structure : jamais sans son accord."


def _pdf_text(document) -> str:
    reader = PdfReader(io.BytesIO(document.file.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _urls(world, item):
    attachment = item.dossier.attachments.first()
    diagnostic = item.dossier.structure.diagnostics.first()
    urls = {
        "file": reverse("committee:file", args=[item.pk]),
        "attachment": reverse("committee:file-attachment", args=[item.pk, attachment.pk]),
    }
    if diagnostic is not None:
        urls["diagnostic"] = diagnostic.get_absolute_url()
    return urls


def test_a_conflicted_member_is_refused_on_every_url_of_that_file(client, world):
    conflicted = world.items[0]
    member = world.members[1]
    conflicts_declare(
        meeting=world.meeting,
        actor=member,
        declarations=[
            {"structure": conflicted.dossier.structure, "kind": "personal", "details": "Ma sœur"}
        ],
    )
    client.force_login(member)
    for name, url in _urls(world, conflicted).items():
        assert client.get(url).status_code == 403, name
    diagnostic = conflicted.dossier.structure.diagnostics.get()
    request = reverse("documents:request", args=[DIAGNOSTIC_REPORT, diagnostic.pk])
    assert client.post(request).status_code == 403
    assert not GeneratedDocument.objects.exists()
    # Nor the opinion form: the page offers none, and a forged entry is refused.
    page = page_text(client.get(reverse("committee:opinions", args=[world.meeting.pk])))
    assert "Vous avez déclaré un lien d'intérêts avec cette structure" in page
    response = client.post(
        reverse("committee:opinions", args=[world.meeting.pk]),
        {f"dossier-{conflicted.pk}-value": "favourable"},
    )
    assert not Opinion.objects.filter(item=conflicted).exists()
    assert response.status_code in (200, 302)
    with pytest.raises(PermissionDenied, match="Vous ne pouvez pas donner d'avis"):
        opinions_give(
            meeting=world.meeting,
            actor=member,
            entries=[{"item": conflicted, "value": "favourable"}],
        )
    assert not Opinion.objects.exists()
    # The other files stay open to that member.
    for name, url in _urls(world, world.items[1]).items():
        assert client.get(url).status_code == 200, name


def test_the_providers_member_reads_its_own_diagnostic_but_not_the_file(client, world):
    """RAMSESS's consultant ran the diagnostic (the provider's rule lets them read it), but
    their prefilled conflict closes the committee's file, its documents and its opinion."""
    client.force_login(world.consultant)
    urls = _urls(world, world.items[0])
    assert client.get(urls.pop("diagnostic")).status_code == 200
    for name, url in urls.items():
        assert client.get(url).status_code == 403, name


def test_outsiders_and_applicants_reach_no_url_of_the_committee(client, world):
    item = world.items[0]
    invitation = MeetingMember.objects.get(meeting=world.meeting, user=world.members[0])
    urls = {
        **_urls(world, item),
        "meeting": world.meeting.get_absolute_url(),
        "opinions": reverse("committee:opinions", args=[world.meeting.pk]),
        "pack": reverse("committee:pack", args=[invitation.pk]),
        "decisions": reverse("committee:decisions", args=[world.meeting.pk]),
        "links": reverse("committee:conflict-declare", args=[world.meeting.pk]),
    }
    urls.pop("diagnostic")  # the structure reads its own validated assessment diagnostic
    for person in (world.outsider, editor_of(item.dossier), UserFactory(funder=True)):
        client.force_login(person)
        for name, url in urls.items():
            assert client.get(url).status_code == 403, (person, name)
    # Another member's pack, too.
    client.force_login(world.members[1])
    assert client.get(urls["pack"]).status_code == 403


def test_an_invited_member_reads_the_file_and_its_documents(client, world):
    client.force_login(world.members[0])
    for name, url in _urls(world, world.items[0]).items():
        assert client.get(url).status_code == 200, name
    response = client.get(
        reverse(
            "committee:file-attachment",
            args=[world.items[0].pk, world.items[0].dossier.attachments.first().pk],
        )
    )
    assert response["Content-Disposition"].startswith("attachment")
    # A document of another dossier is not reached through this file.
    other = world.items[1].dossier.attachments.first()
    url = reverse("committee:file-attachment", args=[world.items[0].pk, other.pk])
    assert client.get(url).status_code == 404


def test_a_support_diagnostic_without_consent_is_absent_from_the_file_and_the_pack(
    client, world, django_capture_on_commit_callbacks
):
    item = world.items[1]
    support = DiagnosticFactory(structure=item.dossier.structure, delivered=True, strengths=SECRET)
    member = world.members[0]
    client.force_login(member)
    assert SECRET not in page_text(client.get(reverse("committee:file", args=[item.pk])))
    assert client.get(support.get_absolute_url()).status_code == 403
    invitation = MeetingMember.objects.get(meeting=world.meeting, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        pack = document_request(kind=MEETING_PACK, subject=invitation, requested_by=member)
    pack.refresh_from_db()
    text = _pdf_text(pack)
    assert "Atelier Vélo" in text
    assert SECRET.split(" :")[0] not in text

    ConsentFactory(diagnostic=support)
    assert SECRET in page_text(client.get(reverse("committee:file", args=[item.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        shared = document_request(kind=MEETING_PACK, subject=invitation, requested_by=member)
    shared.refresh_from_db()
    assert shared.pk != pack.pk
    assert "Confidence de la structure" in _pdf_text(shared)


def test_a_conflicted_members_pack_leaves_that_file_out(world, django_capture_on_commit_callbacks):
    invitation = MeetingMember.objects.get(meeting=world.meeting, user=world.consultant)
    with django_capture_on_commit_callbacks(execute=True):
        pack = document_request(
            kind=MEETING_PACK, subject=invitation, requested_by=world.coordinator
        )
    pack.refresh_from_db()
    text = _pdf_text(pack)
    assert "Atelier Vélo" in text
    assert "Café de la Plaine" in text
    assert "Épicerie du Panier" not in text
    assert (
        "1 dossier de l'ordre du jour n'est pas joint : vous avez déclaré un lien d'intérêts."
        in text
    )
    # And its download is the member's, or the coordination's, alone.
    url = reverse("documents:download", args=[pack.pk])
    from django.test import Client

    for person, status in [
        (world.consultant, 200),
        (world.coordinator, 200),
        (world.members[0], 403),
        (world.outsider, 403),
        (editor_of(world.dossiers[1]), 403),
    ]:
        client = Client()
        client.force_login(person)
        assert client.get(url).status_code == status, person


def test_the_rules_and_the_pages_share_one_read_of_a_persons_sets(world):
    """A page passes ``request.user`` (a lazy wrapper), the rules get the user itself:
    both read the same cached sets, and forgetting them after a write reaches both."""
    consultant = User.objects.get(pk=world.consultant.pk)
    lazy = SimpleLazyObject(lambda: consultant)
    item = world.items[0]  # RAMSESS diagnosed it: the consultant's conflict
    with CaptureQueriesContext(connection) as queries:
        from_page = conflicted_structure_ids(lazy)
        assert not consultant.has_perm("committee.view_file", item)
        from_rules = conflicted_structure_ids(consultant)
    assert from_page == from_rules == {item.dossier.structure_id}
    conflict_reads = [q for q in queries if "committee_conflictofinterest" in q["sql"]]
    assert len(conflict_reads) == 1

    forget_committee_cache(lazy)

    assert "_committee_conflicts" not in consultant.__dict__
    with CaptureQueriesContext(connection) as again:
        conflicted_structure_ids(consultant)
    assert len(again) == 1
