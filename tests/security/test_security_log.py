"""The security log: who, when, from which address, did what (issue 13, point 12).

Model changes are django-auditlog's; logins, refusals, exports, downloads,
MFA and role changes are ``SecurityEvent`` lines. Coordinators read the
audit of one dossier from its page; the admin reads the whole log.
"""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from applicants.models import Attachment, Membership
from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.selectors import audit_url
from ccr_portal.users.models import RoleAssignment
from tests.conftest import page_text
from tests.factories import PASSWORD, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

CLIENT = "203.0.113.40"
Kind = SecurityEvent.Kind


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings, client):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.defaults.update(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=CLIENT)


@pytest.fixture
def dossier():
    editor = UserFactory(applicant=True, email="editrice@example.org")
    dossier = DossierFactory(complete=True, status="under_review")
    Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
    return dossier


def test_a_login_and_a_failure_are_logged_with_the_client_address(client):
    person = UserFactory(applicant=True)
    client.post(reverse("account_login"), {"login": person.email, "password": "mauvais-2026-x"})
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    client.post(reverse("account_logout"))

    lines = list(
        SecurityEvent.objects.order_by("pk").values_list("kind", "actor_email", "ip_address")
    )
    assert lines == [
        (Kind.LOGIN_FAILED, person.email, CLIENT),
        (Kind.LOGIN, person.email, CLIENT),
        (Kind.LOGOUT, person.email, CLIENT),
    ]
    assert SecurityEvent.objects.get(kind=Kind.LOGIN).actor == person


def test_a_refusal_is_logged_with_its_path(client, dossier):
    stranger = UserFactory(applicant=True)
    client.force_login(stranger)
    response = client.get(dossier.get_absolute_url())
    assert response.status_code in (403, 404)
    if response.status_code == 403:
        refusal = SecurityEvent.objects.get(kind=Kind.PERMISSION_DENIED)
        assert (refusal.actor, refusal.path, refusal.ip_address) == (
            stranger,
            dossier.get_absolute_url(),
            CLIENT,
        )
    coordinator_only = reverse("users:user-list")
    assert client.get(coordinator_only).status_code == 403
    refusal = SecurityEvent.objects.filter(kind=Kind.PERMISSION_DENIED).latest("pk")
    assert (refusal.actor, refusal.method, refusal.path) == (stranger, "GET", coordinator_only)


def test_exports_and_confidential_downloads_are_logged(client, dossier):
    coordinator = UserFactory(coordinator=True)
    attachment = Attachment.objects.filter(dossier=dossier).first()
    client.force_login(coordinator)

    assert client.get(reverse("applicants:dossier-export", args=["csv"])).status_code == 200
    download = client.get(reverse("applicants:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200
    b"".join(download.streaming_content)

    export = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert (export.actor, export.ip_address, export.path) == (
        coordinator,
        CLIENT,
        reverse("applicants:dossier-export", args=["csv"]),
    )
    downloaded = SecurityEvent.objects.get(kind=Kind.DOWNLOAD)
    assert (downloaded.actor, downloaded.target_id, downloaded.target_repr) == (
        coordinator,
        str(attachment.pk),
        str(attachment),
    )


def test_a_refused_download_is_a_refusal_not_a_download(client, dossier):
    attachment = Attachment.objects.filter(dossier=dossier).first()
    client.force_login(UserFactory(applicant=True))
    response = client.get(reverse("applicants:attachment-download", args=[attachment.pk]))
    assert response.status_code in (403, 404)
    assert not SecurityEvent.objects.filter(kind=Kind.DOWNLOAD).exists()


def test_a_role_change_is_logged_by_auditlog_and_the_security_log(client):
    coordinator = UserFactory(coordinator=True)
    person = UserFactory(applicant=True)
    client.force_login(coordinator)
    client.post(reverse("users:user-roles", args=[person.pk]), {"roles": ["committee"]})

    granted = SecurityEvent.objects.get(kind=Kind.ROLE_GRANTED)
    assert (granted.actor, granted.target_id, granted.ip_address, granted.details) == (
        coordinator,
        str(person.pk),
        CLIENT,
        {"role": "Comité de sélection"},
    )
    assignment = RoleAssignment.objects.get(user=person, role="committee")
    entry = LogEntry.objects.get_for_object(assignment).get()
    assert (entry.action, entry.actor, entry.remote_addr) == (
        LogEntry.Action.CREATE,
        coordinator,
        CLIENT,
    )


def test_the_coordinator_reads_the_audit_of_a_dossier_from_its_page(client, dossier):
    editor = Membership.objects.get(structure=dossier.structure).user
    attachment = Attachment.objects.filter(dossier=dossier).first()
    client.force_login(editor)
    client.get(reverse("applicants:attachment-download", args=[attachment.pk]))
    dossier.wished_surface_m2 = 85
    dossier.save()  # a change outside any request: the system's

    coordinator = UserFactory(coordinator=True, first_name="Myriam", last_name="Carbonare")
    client.force_login(coordinator)
    page = page_text(client.get(dossier.get_absolute_url()))
    assert "Consulter le journal d'audit" in page
    assert audit_url(dossier) in page

    audit = client.get(audit_url(dossier))
    assert audit.status_code == 200
    text = page_text(audit)
    assert "Téléchargement d'un document confidentiel" in text
    assert editor.display_name in text
    assert CLIENT in text
    assert "Dossier de candidature : modification" in text or "modification" in text
    assert "85" in text


@pytest.mark.parametrize("who", ["editor", "applicant", "provider", "committee"])
def test_only_coordinators_read_an_audit(client, dossier, who):
    viewer = (
        Membership.objects.get(structure=dossier.structure).user
        if who == "editor"
        else UserFactory(**{who: True})
    )
    client.force_login(viewer)
    assert "Consulter le journal d'audit" not in page_text(client.get(dossier.get_absolute_url()))
    assert client.get(audit_url(dossier)).status_code == 403
    assert SecurityEvent.objects.filter(kind=Kind.PERMISSION_DENIED, actor=viewer).exists()


def test_the_audit_page_keeps_its_query_count(client, dossier, django_assert_max_num_queries):
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    for _ in range(20):
        dossier.save()
    with django_assert_max_num_queries(20):
        assert client.get(audit_url(dossier)).status_code == 200


def test_the_admin_reads_the_whole_log(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(applicant=True)
    client.post(
        reverse("account_login"), {"login": "inconnu@example.org", "password": "x-y-z-2026-a"}
    )
    client.force_login(superuser)
    changelist = client.get(reverse("admin:security_securityevent_changelist"))
    assert changelist.status_code == 200
    assert "inconnu@example.org" in page_text(changelist)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
