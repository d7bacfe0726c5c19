"""An applicant never reaches another structure's data nor any staff page."""

import pytest
from django.urls import reverse

from applicants.documents import STRUCTURE_SHEET
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from ccr_portal.users.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_structures(django_capture_on_commit_callbacks):
    mine = MembershipFactory(structure__name="Ma Structure")
    theirs = MembershipFactory(structure__name="Leur Structure")
    with django_capture_on_commit_callbacks(execute=True):
        their_sheet = document_request(
            kind=STRUCTURE_SHEET, subject=theirs.structure, requested_by=theirs.user
        )
    their_sheet.refresh_from_db()
    assert their_sheet.status == GeneratedDocument.Status.READY
    return mine, theirs, their_sheet


def test_applicant_is_refused_on_another_structure_everywhere(client, two_structures):
    mine, theirs, their_sheet = two_structures
    client.force_login(mine.user)
    other = theirs.structure

    refused = [
        client.get(reverse("applicants:structure-detail", args=[other.pk])),
        client.get(reverse("applicants:structure-update", args=[other.pk])),
        client.post(
            reverse("applicants:structure-update", args=[other.pk]),
            {"name": "Piratée", "legal_form": "association"},
        ),
        client.post(reverse("documents:request", args=[STRUCTURE_SHEET, other.pk])),
        client.get(reverse("documents:status", args=[their_sheet.pk])),
        client.get(reverse("documents:download", args=[their_sheet.pk])),
    ]

    assert [response.status_code for response in refused] == [403] * 6
    other.refresh_from_db()
    assert other.name == "Leur Structure"
    # No document was generated for the other structure on the applicant's behalf.
    assert GeneratedDocument.objects.filter(requested_by=mine.user).count() == 0
    listing = client.get(reverse("applicants:structure-list")).content.decode()
    assert "Ma Structure" in listing
    assert "Leur Structure" not in listing


def test_the_member_reaches_their_own_sheet(client, two_structures):
    _mine, theirs, their_sheet = two_structures
    client.force_login(theirs.user)
    response = client.get(reverse("documents:download", args=[their_sheet.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="fiche-structure-leur-structure.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


STAFF_PAGES = [
    ("dashboard", {"role": "coordinator"}),
    ("dashboard", {"role": "provider"}),
    ("dashboard", {"role": "committee"}),
    ("dashboard", {"role": "funder"}),
    ("users:user-list", {}),
]


@pytest.mark.parametrize(("url_name", "kwargs"), STAFF_PAGES)
def test_applicant_is_refused_on_every_staff_page(client, url_name, kwargs):
    applicant = UserFactory(applicant=True)
    client.force_login(applicant)
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_applicant_is_refused_on_role_edit_and_admin(client):
    applicant = UserFactory(applicant=True)
    client.force_login(applicant)
    assert client.get(reverse("users:user-roles", args=[applicant.pk])).status_code == 403
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 302
    assert admin.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.COMMITTEE, Role.FUNDER])
def test_other_staff_do_not_see_structures_yet(client, role, two_structures):
    _mine, theirs, their_sheet = two_structures
    person = UserFactory(roles=[role])
    client.force_login(person)
    assert (
        client.get(reverse("applicants:structure-detail", args=[theirs.structure.pk])).status_code
        == 403
    )
    assert client.get(reverse("documents:download", args=[their_sheet.pk])).status_code == 403


def test_coordinator_reaches_any_structure_and_its_sheet(client, two_structures):
    _mine, theirs, their_sheet = two_structures
    client.force_login(UserFactory(coordinator=True))
    assert (
        client.get(reverse("applicants:structure-detail", args=[theirs.structure.pk])).status_code
        == 200
    )
    assert client.get(reverse("documents:download", args=[their_sheet.pk])).status_code == 200


def test_anonymous_visitor_is_sent_to_login(client, two_structures):
    _mine, theirs, their_sheet = two_structures
    for url in [
        reverse("applicants:structure-detail", args=[theirs.structure.pk]),
        reverse("documents:download", args=[their_sheet.pk]),
        reverse("users:user-list"),
        reverse("dashboard", kwargs={"role": "coordinator"}),
        reverse("notifications:list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_a_reader_member_sees_but_cannot_edit(client):
    reader = MembershipFactory(role="reader")
    client.force_login(reader.user)
    structure = reader.structure
    assert (
        client.get(reverse("applicants:structure-detail", args=[structure.pk])).status_code == 200
    )
    assert (
        client.get(reverse("applicants:structure-update", args=[structure.pk])).status_code == 403
    )
