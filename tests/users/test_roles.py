"""Staff roles: granted by a coordinator on a page (or by the admin), never self-assigned."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ccr_portal.notifications.models import Notification
from ccr_portal.users.models import Role, RoleAssignment, RoleChange
from ccr_portal.users.services import user_set_staff_roles
from tests.conftest import page_text
from tests.factories import FunderFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coordinator_grants_the_provider_role_with_an_organisation(
    client, coordinator, django_capture_on_commit_callbacks
):
    person = UserFactory(applicant=True, first_name="Marie", last_name="Dulaurier")
    ramsess = ProviderFactory(name="RAMSESS", short_name="RAMSESS")
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("users:user-roles", args=[person.pk]),
            {"roles": ["provider"], "providers": [ramsess.pk]},
        )

    assert response.status_code == 302
    assert set(person.role_assignments.values_list("role", flat=True)) == {
        Role.APPLICANT,
        Role.PROVIDER,
    }
    assert RoleAssignment.objects.get(user=person, role=Role.PROVIDER).granted_by == coordinator
    assert list(person.provider_organisations.all()) == [ramsess]
    change = RoleChange.objects.get(user=person)
    assert (change.role, change.action, change.changed_by) == ("provider", "granted", coordinator)
    notification = Notification.objects.get(recipient=person)
    assert notification.subject == "Vos rôles sur le portail CCR ont changé"
    assert "Prestataire d'accompagnement" in notification.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]
    assert "Prestataire d'accompagnement" in mail.outbox[0].body

    # The new provider lands on the provider dashboard.
    client.force_login(person)
    page = client.get(reverse("dashboard", kwargs={"role": "provider"}))
    assert page.status_code == 200
    assert "RAMSESS" in page.content.decode()


def test_provider_role_without_an_organisation_is_refused_in_french(client, coordinator):
    person = UserFactory(applicant=True)
    client.force_login(coordinator)

    response = client.post(reverse("users:user-roles", args=[person.pk]), {"roles": ["provider"]})

    assert response.status_code == 200
    assert "Un prestataire doit être rattaché à une structure d'accompagnement." in page_text(
        response
    )
    assert not RoleAssignment.objects.filter(user=person, role=Role.PROVIDER).exists()
    assert RoleChange.objects.count() == 0
    assert len(mail.outbox) == 0


def test_funder_role_needs_a_fund(coordinator):
    person = UserFactory(applicant=True)
    with pytest.raises(ValidationError) as error:
        user_set_staff_roles(actor=coordinator, user=person, roles=["funder"])
    assert error.value.message_dict == {"funders": ["Un financeur doit être rattaché à un fonds."]}

    esia = FunderFactory(name="ESIA, France Active PACA")
    user_set_staff_roles(actor=coordinator, user=person, roles=["funder"], funders=[esia])
    assert person.funder_organisations.get() == esia


def test_revoking_a_role_is_recorded(coordinator):
    person = UserFactory(committee=True)
    user_set_staff_roles(actor=coordinator, user=person, roles=[])
    assert not person.role_assignments.exists()
    change = RoleChange.objects.get(user=person)
    assert (change.role, change.action) == ("committee", "revoked")


def test_coordinator_cannot_drop_their_own_coordinator_role(coordinator):
    with pytest.raises(ValidationError):
        user_set_staff_roles(actor=coordinator, user=coordinator, roles=["committee"])
    assert set(coordinator.role_assignments.values_list("role", flat=True)) == {"coordinator"}


def test_applicant_cannot_grant_roles_even_to_themselves(client, applicant):
    with pytest.raises(PermissionDenied):
        user_set_staff_roles(actor=applicant, user=applicant, roles=["coordinator"])

    client.force_login(applicant)
    assert client.get(reverse("users:user-list")).status_code == 403
    response = client.post(
        reverse("users:user-roles", args=[applicant.pk]), {"roles": ["coordinator"]}
    )
    assert response.status_code == 403
    assert set(applicant.role_assignments.values_list("role", flat=True)) == {"applicant"}
    assert RoleChange.objects.count() == 0


@pytest.mark.parametrize("role", ["provider", "committee", "funder"])
def test_other_staff_cannot_manage_roles(client, role):
    person = UserFactory(roles=[role])
    client.force_login(person)
    assert client.get(reverse("users:user-list")).status_code == 403
    assert client.get(reverse("users:user-roles", args=[person.pk])).status_code == 403


def test_applicant_role_cannot_be_granted_from_the_staff_page(coordinator):
    person = UserFactory()
    with pytest.raises(ValidationError):
        user_set_staff_roles(actor=coordinator, user=person, roles=["applicant"])


def test_user_list_query_count_does_not_grow_with_people(
    client, coordinator, django_assert_max_num_queries
):
    provider = ProviderFactory()
    for index in range(30):
        person = UserFactory(
            roles=[Role.PROVIDER, Role.COMMITTEE] if index % 2 else [Role.APPLICANT]
        )
        if index % 2:
            provider.members.add(person)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("users:user-list"))
    assert response.status_code == 200
    assert response.content.decode().count("Modifier les rôles") == 25

    with django_assert_max_num_queries(12):
        response = client.get(reverse("users:user-list"), {"role": "committee"})
    assert response.content.decode().count("Modifier les rôles") == 15
