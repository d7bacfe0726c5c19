"""RGPD duties (issue 13, point 13): the privacy page, a structure's data whole, erasing
one's account, the retention of rejected and withdrawn dossiers, no cookie but two."""

import datetime
import io
import json
import zipfile

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applicants.models import (
    Attachment,
    Dossier,
    DossierStatus,
    EconomicYear,
    Membership,
    Message,
    PrivateNote,
    Structure,
)
from applicants.services.messages import message_post, private_note_add
from applicants.services.retention import (
    ERASED_MESSAGE,
    anonymise_expired_dossiers,
    notify_retention,
)
from applicants.tasks import apply_dossier_retention
from ccr_portal.formatting import format_date
from ccr_portal.notifications.models import Notification
from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.tasks import purge_security_log
from ccr_portal.users.models import User
from committee.models import InstructionNote
from tests.conftest import downloaded, page_text
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    DossierFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- The privacy page ---------------------------------------------------------------


def test_the_privacy_page_says_who_what_why_how_long_and_the_rights(client, settings):
    settings.RETENTION_DOSSIER_DAYS = 3 * 365
    settings.PRIVACY_CONTACT_EMAIL = "dpo@regain.example"
    home = client.get(reverse("root"))
    assert f'href="{reverse("privacy")}"' in home.content.decode()

    text = page_text(client.get(reverse("privacy")))
    for expected in (
        "Le responsable du traitement est l'association Regain, qui coordonne",
        "dpo@regain.example",
        "Base légale",
        "Exécution de la mission d'accompagnement",
        "anonymisé 3 ans après la clôture de l'appel",
        "prévenue 30 jours avant",
        "Journal de sécurité",
        "365 jours",
        "Télécharger les données de la structure",
        "Supprimer mon compte",
        "CNIL",
        "sessionid",
        "csrftoken",
    ):
        assert expected in text, expected


# --- Cookies: the session and CSRF, nothing else ------------------------------------


def test_no_cookie_beyond_the_session_and_csrf(client):
    editor = MembershipFactory().user
    seen = set()

    def visit(response):
        seen.update(response.cookies.keys())
        return response

    visit(client.get(reverse("root")))
    visit(client.get(reverse("account_login")))
    login = visit(
        client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})
    )
    assert login.status_code == 302
    # A page with a form, a message stored for the next page, the next page, the logout.
    structure = editor.memberships.get().structure
    visit(client.get(reverse("applicants:structure-update", args=[structure.pk])))
    saved = visit(
        client.post(
            reverse("applicants:structure-update", args=[structure.pk]),
            {"name": "Nouveau nom", "legal_form": "association"},
        )
    )
    visit(client.get(saved.url if saved.status_code == 302 else reverse("root"), follow=True))
    visit(client.post(reverse("account_logout")))

    assert seen == {"sessionid", "csrftoken"}


# --- A structure's data, whole -------------------------------------------------------


@pytest.fixture
def structure_with_data(django_capture_on_commit_callbacks):
    editor = MembershipFactory(structure__name="Épicerie <b>Solidaire</b>").user
    structure = editor.memberships.get().structure
    reader = MembershipFactory(structure=structure, role=Membership.Role.READER).user
    dossier = DossierFactory(structure=structure, complete=True, status=DossierStatus.SUBMITTED)
    message_post(dossier=dossier, author=editor, body="Bonjour Regain, voici nos statuts.")
    coordinator = UserFactory(coordinator=True)
    private_note_add(dossier=dossier, author=coordinator, body="Note interne à ne pas exporter.")
    return structure, editor, reader, dossier


def _archive(response):
    return zipfile.ZipFile(io.BytesIO(downloaded(response)))


def test_an_editor_downloads_all_the_structure_data(client, structure_with_data):
    structure, editor, _reader, dossier = structure_with_data
    client.force_login(editor)
    page = client.get(reverse("applicants:structure-detail", args=[structure.pk]))
    url = reverse("applicants:structure-data", args=[structure.pk])
    assert f'href="{url}"' in page.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="donnees-epicerie')
    archive = _archive(response)
    data = json.loads(archive.read("donnees.json"))
    assert data["candidatures"]["structure"]["name"] == "Épicerie <b>Solidaire</b>"
    assert data["candidatures"]["structure"]["siret"] == structure.siret
    assert [m["e-mail"] for m in data["candidatures"]["membres"]] == [
        m.user.email for m in structure.memberships.order_by("pk")
    ]
    exported = data["candidatures"]["dossiers"][0]
    assert exported["number"] == dossier.number
    assert exported["status"] == {"code": "submitted", "libellé": "Déposé"}
    assert [m["message"] for m in exported["messages"]] == ["Bonjour Regain, voici nos statuts."]
    assert len(exported["donnees_economiques"]) == dossier.economic_years.count()
    attachment = dossier.attachments.get()
    piece = exported["pieces"][0]
    assert piece["nom"] == attachment.original_name
    with attachment.file.open("rb") as stored:
        assert archive.read(piece["fichier"]) == stored.read()
    # What belongs to the coordination does not leave with the structure's data.
    assert "Note interne" not in archive.read("donnees.json").decode()
    assert {"diagnostics", "accompagnement"} <= set(data)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, actor=editor).count() == 1


def test_the_structure_data_holds_the_committee_decision_not_the_opinions(client):
    from committee.models import Outcome
    from committee.services.decisions import DecisionEntry, decision_record
    from committee.services.opinions import opinions_give
    from tests.committee.factories import (
        campaign_with_sites,
        committee_member,
        held_meeting,
        reviewed_dossier,
        scheduled_meeting,
    )

    coordinator = UserFactory(coordinator=True)
    member = committee_member()
    campaign = campaign_with_sites()
    dossier = reviewed_dossier(campaign, "Atelier Vélo")
    meeting = scheduled_meeting(coordinator, campaign, [member], dossiers=[dossier], quorum=1)
    item = meeting.agenda.get()
    opinions_give(
        meeting=meeting,
        actor=member,
        entries=[{"item": item, "value": "reserved", "comment": "Avis confidentiel du membre."}],
    )
    held_meeting(coordinator, meeting, [member])
    decision_record(
        actor=coordinator,
        entry=DecisionEntry(
            item=item,
            outcome=Outcome.ACCEPTED,
            motivation="Un projet ancré dans le quartier.",
            site=campaign.sites.get(code="mk2"),
        ),
    )
    client.force_login(dossier.structure.memberships.get().user)
    response = client.get(reverse("applicants:structure-data", args=[dossier.structure_id]))
    content = _archive(response).read("donnees.json").decode()
    data = json.loads(content)
    assert [(d["motivation"], d["site"]) for d in data["comite"]] == [
        ("Un projet ancré dans le quartier.", "mk2")
    ]
    assert "Avis confidentiel" not in content


def test_the_structure_data_is_for_its_editors_only(client, structure_with_data):
    structure, _editor, reader, _dossier = structure_with_data
    url = reverse("applicants:structure-data", args=[structure.pk])
    for person in (reader, UserFactory(coordinator=True), MembershipFactory().user):
        client.force_login(person)
        assert client.get(url).status_code == 403
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_an_old_login_types_the_password_again_for_the_structure_data(client, structure_with_data):
    structure, editor, _reader, _dossier = structure_with_data
    client.force_login(editor)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - 3600}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()
    url = reverse("applicants:structure-data", args=[structure.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


# --- Erasing one's account ---------------------------------------------------------------


def test_a_person_erases_their_account_and_the_structure_keeps_its_records(
    client, structure_with_data
):
    structure, editor, _reader, dossier = structure_with_data
    co_editor = MembershipFactory(structure=structure).user
    editor_id, old_email = editor.pk, editor.email
    Notification.objects.create(recipient=editor, subject="Bonjour", body="…", url="/")
    client.force_login(editor)
    page = client.get(reverse("account-erase"))
    assert "Supprimer définitivement mon compte" in page_text(page)

    response = client.post(reverse("account-erase"), {"confirm": "on"})

    assert response.status_code == 302
    erased = User.objects.get(pk=editor_id)
    assert erased.email == f"compte-supprime-{editor_id}@anonyme.invalid"
    assert (erased.first_name, erased.last_name) == ("", "Compte supprimé")
    assert not erased.is_active
    assert not erased.has_usable_password()
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not User.objects.filter(email=old_email).exists()
    assert not Membership.objects.filter(user=erased).exists()
    assert not Notification.objects.filter(recipient=erased).exists()
    # The structure, its dossier, its documents and its messages stay.
    assert Structure.objects.filter(pk=structure.pk).exists()
    dossier.refresh_from_db()
    assert dossier.attachments.count() == 1
    message = Message.objects.get(dossier=dossier)
    assert message.author_id == editor_id
    assert str(message.author) == "Compte supprimé"
    assert Membership.objects.filter(structure=structure, user=co_editor).exists()
    # Signed out, and the old password opens nothing.
    assert client.get(reverse("dashboard", args=["applicant"])).status_code == 302
    login = client.post(reverse("account_login"), {"login": old_email, "password": PASSWORD})
    assert login.status_code == 200
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ACCOUNT_ERASED, actor_id=editor_id
    ).exists()


def test_the_last_editor_hands_over_before_erasing(client, structure_with_data):
    structure, editor, _reader, _dossier = structure_with_data
    client.force_login(editor)
    page = page_text(client.get(reverse("account-erase")))
    refusal = (
        f"Vous êtes le seul éditeur de « {structure.name} » : donnez le rôle d'éditeur à un "
        "autre membre avant de supprimer votre compte."
    )
    assert refusal in page

    response = client.post(reverse("account-erase"), {"confirm": "on"})

    assert response.status_code == 200
    assert refusal in page_text(response)
    editor.refresh_from_db()
    assert editor.is_active
    assert editor.has_usable_password()
    assert Membership.objects.filter(user=editor).exists()


def test_erasing_needs_the_confirmation(client):
    person = UserFactory(applicant=True)
    client.force_login(person)
    response = client.post(reverse("account-erase"), {})
    assert response.status_code == 200
    assert "Cochez la case pour confirmer la suppression." in page_text(response)
    person.refresh_from_db()
    assert person.is_active


# --- Retention -------------------------------------------------------------------------


def _closed_campaign(days_ago: int):
    today = timezone.localdate()
    return CampaignFactory(
        opens_on=today - datetime.timedelta(days=days_ago + 60),
        closes_on=today - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def old_dossiers():
    """Dossiers of a campaign closed two years ago, and of one closed 30 days later."""
    old = _closed_campaign(730)
    newer = _closed_campaign(700)
    rejected = DossierFactory(campaign=old, complete=True, status=DossierStatus.REJECTED)
    MembershipFactory(structure=rejected.structure)
    editor = rejected.structure.memberships.get().user
    message_post(dossier=rejected, author=editor, body="Notre projet de boutique.")
    message = rejected.messages.get()
    message.attachments.create(
        file=ContentFile(b"%PDF-1.4 pdf", name="devis.pdf"),
        original_name="devis.pdf",
        file_kind="pdf",
        size=12,
        scan_status="clean",
    )
    private_note_add(
        dossier=rejected, author=UserFactory(coordinator=True), body="Note de la coordination."
    )
    InstructionNote.objects.create(
        dossier=rejected, opinion="unfavourable", reasons="Motifs de l'instruction."
    )
    accepted = DossierFactory(campaign=old, complete=True, status=DossierStatus.ACCEPTED)
    withdrawn_soon = DossierFactory(campaign=newer, complete=True, status=DossierStatus.WITHDRAWN)
    MembershipFactory(structure=withdrawn_soon.structure)
    return rejected, accepted, withdrawn_soon


def test_retention_warns_30_days_before_then_anonymises_old_rejected_dossiers(
    old_dossiers, django_capture_on_commit_callbacks
):
    rejected, accepted, withdrawn_soon = old_dossiers
    files = [a.file for a in rejected.attachments.all()]
    files += [a.file for m in rejected.messages.all() for a in m.attachments.all()]
    storage = files[0].storage
    today = timezone.localdate()
    in_30_days = today + datetime.timedelta(days=30)

    # Today: both dossiers' editors are told (the rejected one is past its date: it is
    # kept 30 days more, so that nobody loses a dossier without a notice).
    assert apply_dossier_retention() == {"notified": 2, "anonymised": 0}
    for dossier in (rejected, withdrawn_soon):
        notice = Notification.objects.get(recipient__memberships__structure=dossier.structure)
        assert notice.subject == (
            f"Votre dossier « {dossier.campaign} » sera anonymisé le {format_date(in_30_days)}"
        )
    rejected.refresh_from_db()
    assert rejected.anonymised_at is None
    assert rejected.attachments.count() == 1
    assert apply_dossier_retention() == {"notified": 0, "anonymised": 0}

    # Thirty days later: anonymised, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_retention(today=in_30_days) == 0
        assert anonymise_expired_dossiers(today=in_30_days) == 2
    rejected.refresh_from_db()
    assert rejected.anonymised_at is not None
    assert rejected.status == DossierStatus.REJECTED
    assert (rejected.current_premises, rejected.expected_effect) == ("", "")
    assert not Attachment.objects.filter(dossier=rejected).exists()
    assert not EconomicYear.objects.filter(dossier=rejected).exists()
    assert not PrivateNote.objects.filter(dossier=rejected).exists()
    assert list(rejected.messages.values_list("body", flat=True)) == [ERASED_MESSAGE]
    assert InstructionNote.objects.get(dossier=rejected).reasons == ""
    assert not any(storage.exists(f.name) for f in files)
    assert Structure.objects.filter(pk=rejected.structure_id).exists()
    withdrawn_soon.refresh_from_db()
    assert withdrawn_soon.anonymised_at is not None
    # An accepted dossier of the same campaign is kept whole.
    accepted.refresh_from_db()
    assert accepted.anonymised_at is None
    assert accepted.attachments.count() == 1
    assert anonymise_expired_dossiers(today=in_30_days) == 0
    assert Notification.objects.filter(subject__startswith="Votre dossier").count() == 2


@pytest.mark.usefixtures("old_dossiers")
def test_the_retention_period_is_a_setting(settings):
    in_30_days = timezone.localdate() + datetime.timedelta(days=30)
    settings.RETENTION_DOSSIER_DAYS = 3 * 365
    assert apply_dossier_retention() == {"notified": 0, "anonymised": 0}
    assert anonymise_expired_dossiers(today=in_30_days) == 0
    settings.RETENTION_DOSSIER_DAYS = 365
    assert notify_retention() == 2
    assert anonymise_expired_dossiers(today=in_30_days) == 2
    assert Dossier.objects.filter(anonymised_at__isnull=False).count() == 2


def test_the_security_log_is_kept_a_year(settings):
    old = SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN)
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=366))
    recent = SecurityEvent.objects.create(kind=SecurityEvent.Kind.LOGIN)
    assert purge_security_log() == 1
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    settings.SECURITY_LOG_RETENTION_DAYS = 0
    assert purge_security_log() == 1
