"""The superuser inside the portal (issue 13, point 5): the admin, and nothing more.

The portal's rules ignore ``is_superuser``: a superuser without a role is
refused every portal action like anyone without the role, and never acts as a
structure; the Django admin keeps working for them, on Django's model
permissions (whose names the portal's rules share, e.g. ``applicants.change_dossier``).
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import PlanStatus
from applicants.models import Message, Structure
from ccr_portal.permission_scope import admin_scope
from ccr_portal.users.models import User
from diagnostics.models import CommitteeConsent
from tests.accompaniment.factories import AccompanimentProviderFactory, drafted_plan
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser("admin@example.org", "mot-de-passe-solide-2026")


def test_the_superuser_holds_no_portal_permission_and_every_model_permission(superuser):
    dossier = DossierFactory()
    for perm in ("applicants.change_dossier", "applicants.post_message", "users.manage_roles"):
        assert not superuser.has_perm(perm, dossier), perm
        assert not superuser.has_perm(perm), perm
    # The admin's permissions: the same names, asked as Django's model permissions.
    assert superuser.has_model_perm("applicants.change_dossier")
    assert superuser.has_model_perm("applicants.add_structure")


def test_a_model_permission_granted_in_the_admin_opens_nothing_in_the_portal():
    # A staff member given "change dossier" in the admin is no editor of any structure.
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_dossier"))
    staff = User.objects.get(pk=staff.pk)
    dossier = DossierFactory()
    assert staff.has_model_perm("applicants.change_dossier")
    assert not staff.has_perm("applicants.change_dossier", dossier)
    assert not staff.has_perm("applicants.change_dossier")


def test_the_superuser_cannot_grant_a_committee_consent(client, superuser):
    membership = MembershipFactory()
    diagnostic = DiagnosticFactory(structure=membership.structure, validated=True)
    url = reverse("diagnostics:consent", args=[diagnostic.pk])
    client.force_login(superuser)

    assert client.post(url, {"share": "yes"}).status_code == 403
    assert not CommitteeConsent.objects.exists()

    # The structure's editor, in the same state, can: the refusal is the superuser's.
    client.force_login(membership.user)
    client.post(url, {"share": "yes"})
    assert CommitteeConsent.objects.get().granted_by == membership.user


def test_the_superuser_cannot_agree_a_plan_as_the_structure(client, superuser):
    coordinator = UserFactory(coordinator=True)
    plan, editor = drafted_plan(coordinator, AccompanimentProviderFactory(), to=PlanStatus.PROPOSED)
    url = reverse("accompaniment:plan-transition", args=[plan.pk, "agree"])
    client.force_login(superuser)

    assert client.get(url).status_code == 403
    assert client.post(url, {"comment": "D'accord.", "confirmed": "yes"}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert not plan.transitions.filter(action="agree").exists()

    client.force_login(editor)
    client.post(url, {"comment": "D'accord.", "confirmed": "yes"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED


def test_the_superuser_cannot_post_in_a_thread_as_the_structure(client, superuser):
    membership = MembershipFactory()
    dossier = DossierFactory(structure=membership.structure, complete=True, status="under_review")
    url = reverse("applicants:dossier-messages", args=[dossier.pk])
    client.force_login(superuser)

    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "Message de l'administrateur."}).status_code == 403
    assert not Message.objects.exists()

    client.force_login(membership.user)
    client.post(url, {"body": "Message de la structure."})
    assert list(Message.objects.values_list("author", "from_coordination")) == [
        (membership.user.pk, False)
    ]


@pytest.mark.parametrize(
    "name",
    [
        "dashboard-coordinator",
        "applicants:dossier-list",
        "applicants:campaign-list",
        "applicants:structure-create",
        "users:user-list",
        "diagnostics:queue",
    ],
)
def test_the_superuser_is_refused_the_portal_pages_of_every_role(client, superuser, name):
    client.force_login(superuser)
    url = (
        reverse("dashboard", args=["coordinator"])
        if name == "dashboard-coordinator"
        else reverse(name)
    )
    assert client.get(url).status_code == 403


def test_the_superuser_lands_on_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("root"))["Location"] == reverse("admin:index")


# --- The admin still works for them --------------------------------------------------


def test_every_admin_page_opens_for_the_superuser(client, superuser):
    """Each registered model's list and add pages, and an existing object's page."""
    DossierFactory()
    DiagnosticFactory()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        with admin_scope():
            can_add = model_admin.has_add_permission(request)
        if can_add:
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, change


def test_the_superuser_changes_a_structure_in_the_admin(client, superuser):
    structure = StructureFactory(name="Ancien nom")
    client.force_login(superuser)
    url = reverse("admin:applicants_structure_change", args=[structure.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Enregistrer" in page_text(page)
    assert 'name="_save"' in page.content.decode()

    form = page.context["adminform"].form
    data = {}
    for key, value in form.initial.items():
        if isinstance(value, datetime.datetime):  # the admin's split date and time widget
            local = timezone.localtime(value)
            data[f"{key}_0"], data[f"{key}_1"] = f"{local:%d/%m/%Y}", f"{local:%H:%M:%S}"
        elif value is not None and not isinstance(value, list | tuple):
            data[key] = value
    data.update(_inline_management(page))
    data["name"] = "Nouveau nom"
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"


def _inline_management(page) -> dict:
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def test_the_admin_refuses_a_staff_member_without_model_permissions(client):
    staff = UserFactory(is_staff=True, coordinator=True)
    client.force_login(staff)
    # A coordinator of the portal holds no model permission in the admin.
    response = client.get(reverse("admin:applicants_structure_changelist"))
    assert response.status_code == 403
    assert Structure.objects.count() == 0
