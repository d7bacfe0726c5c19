"""Members of a structure: invitations by e-mail, editor and reader, at least one editor."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applicants.models import Invitation, Membership
from applicants.services.members import (
    invitation_accept,
    invitation_create,
    membership_change_role,
    membership_remove,
)
from ccr_portal.users.models import Role
from tests.conftest import page_text
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_membership():
    return MembershipFactory(structure__name="Épicerie du Panier")


def test_an_invited_colleague_joins_after_signing_up(
    client, editor_membership, django_capture_on_commit_callbacks
):
    structure, editor = editor_membership.structure, editor_membership.user
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applicants:structure-members", args=[structure.pk]),
            {"email": "Collegue@Epicerie.example", "role": "reader"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("collegue@epicerie.example", "reader")
    assert mail.outbox[-1].to == ["collegue@epicerie.example"]
    assert "vous invite à rejoindre Épicerie du Panier" in mail.outbox[-1].body
    link = re.search(r"http://127.0.0.1:8000(/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)

    # Not signed in: the link leads to the login page first.
    client.logout()
    assert client.get(link).url.startswith(reverse("account_login"))

    # Someone else's account cannot use the invitation.
    stranger = UserFactory(applicant=True)
    client.force_login(stranger)
    response = client.post(link, follow=True)
    assert "Cette invitation a été envoyée à collegue@epicerie.example" in page_text(response)
    assert not Membership.objects.filter(user=stranger).exists()

    # The colleague signs up with that address (verified by the factory) and accepts.
    colleague = UserFactory(email="collegue@epicerie.example")
    client.force_login(colleague)
    response = client.post(link)
    assert response.url == structure.get_absolute_url()
    membership = Membership.objects.get(user=colleague)
    assert membership.role == "reader"
    assert colleague.has_role(Role.APPLICANT)
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    # Used once only.
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, user=colleague)


def test_an_existing_member_cannot_be_invited_twice(editor_membership):
    structure, editor = editor_membership.structure, editor_membership.user
    with pytest.raises(ValidationError) as error:
        invitation_create(structure=structure, actor=editor, email=editor.email, role="editor")
    assert error.value.message_dict == {
        "email": ["Cette personne est déjà membre de la structure."]
    }
    invitation_create(structure=structure, actor=editor, email="a@b.example", role="editor")
    with pytest.raises(ValidationError) as error:
        invitation_create(structure=structure, actor=editor, email="a@b.example", role="reader")
    assert error.value.message_dict == {
        "email": ["Une invitation est déjà en attente pour cette adresse."]
    }
    assert Invitation.objects.count() == 1


def test_a_reader_cannot_invite_nor_change_roles(client, editor_membership):
    reader = MembershipFactory(structure=editor_membership.structure, role="reader")
    with pytest.raises(PermissionDenied):
        invitation_create(
            structure=reader.structure, actor=reader.user, email="x@y.example", role="editor"
        )
    with pytest.raises(PermissionDenied):
        membership_change_role(membership=reader, actor=reader.user, role="editor")
    client.force_login(reader.user)
    assert (
        client.get(reverse("applicants:structure-members", args=[reader.structure.pk])).status_code
        == 403
    )
    reader.refresh_from_db()
    assert reader.role == "reader"
    assert not Invitation.objects.exists()


def test_the_last_editor_cannot_leave_nor_become_reader(editor_membership):
    editor = editor_membership.user
    with pytest.raises(ValidationError) as error:
        membership_change_role(membership=editor_membership, actor=editor, role="reader")
    assert error.value.messages == [
        "La structure doit toujours garder au moins un éditeur : nommez d'abord un autre éditeur."
    ]
    with pytest.raises(ValidationError):
        membership_remove(membership=editor_membership, actor=editor)
    editor_membership.refresh_from_db()
    assert editor_membership.role == "editor"

    second = MembershipFactory(structure=editor_membership.structure, role="reader")
    membership_change_role(membership=second, actor=editor, role="editor")
    membership_remove(membership=editor_membership, actor=editor)
    assert list(Membership.objects.values_list("user", "role")) == [(second.user_id, "editor")]


def test_a_reader_may_leave_on_their_own(editor_membership):
    reader = MembershipFactory(structure=editor_membership.structure, role="reader")
    membership_remove(membership=reader, actor=reader.user)
    assert not Membership.objects.filter(pk=reader.pk).exists()


def test_an_outsider_cannot_remove_a_member(client, editor_membership):
    outsider = UserFactory(applicant=True)
    client.force_login(outsider)
    response = client.post(reverse("applicants:membership-remove", args=[editor_membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=editor_membership.pk).exists()
