"""Each step of a diagnostic's life through its services: allowed, refused, recorded, told."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applicants.models import DossierStatus
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from diagnostics.models import (
    Diagnostic,
    DiagnosticStatus,
    DiagnosticTransition,
    IntegrationRecommendation,
    OverallRisk,
)
from diagnostics.services.diagnostics import (
    diagnostic_assign,
    diagnostic_deliver,
    diagnostic_mark_covered,
    diagnostic_order_assessment,
    diagnostic_request,
    diagnostic_save_grid,
    diagnostic_transition,
    grid_problems,
)
from diagnostics.services.sharing import (
    committee_consent_grant,
    committee_consent_revoke,
    diagnostic_sign_off,
)
from diagnostics.workflows import DIAGNOSTIC_WORKFLOW
from tests import files
from tests.conftest import plain_spaces
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, MembershipFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = files.hand_made_pdf()


def steps(diagnostic) -> list[tuple[str, str, str]]:
    return list(
        DiagnosticTransition.objects.filter(diagnostic=diagnostic)
        .order_by("created_at", "pk")
        .values_list("action", "from_status", "to_status")
    )


def test_the_workflow_is_one_table():
    assert DIAGNOSTIC_WORKFLOW.as_table() == [
        ("accept", ["requested"], "accepted", "diagnostics.triage_diagnostic"),
        ("decline", ["requested"], "declined", "diagnostics.triage_diagnostic"),
        ("cover", ["accepted", "requested"], "covered", "diagnostics.triage_diagnostic"),
        ("assign", ["accepted"], "assigned", "diagnostics.assign_diagnostic"),
        ("reassign", ["assigned", "in_progress"], "assigned", "diagnostics.assign_diagnostic"),
        ("move_due_date", ["assigned", "in_progress"], None, "diagnostics.assign_diagnostic"),
        ("accept_assignment", ["assigned"], "in_progress", "diagnostics.respond_assignment"),
        ("decline_assignment", ["assigned"], "accepted", "diagnostics.respond_assignment"),
        ("deliver", ["in_progress"], "delivered", "diagnostics.fill_grid"),
        ("validate", ["delivered"], "validated", "diagnostics.validate_diagnostic"),
        ("return", ["delivered"], "in_progress", "diagnostics.validate_diagnostic"),
    ]


# --- Requests ----------------------------------------------------------------


def test_an_editor_asks_for_a_light_diagnostic_without_any_dossier(
    editor, structure, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic = diagnostic_request(
            structure=structure, actor=editor, kind="light", note="Faut-il candidater ?"
        )

    assert (diagnostic.kind, diagnostic.purpose, diagnostic.status) == (
        "light",
        "support",
        "requested",
    )
    assert diagnostic.dossier is None
    assert diagnostic.requested_by == editor
    assert steps(diagnostic) == [("request", "requested", "requested")]
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "Faut-il candidater ?" in plain_spaces(mail.outbox[0].body)


def test_a_reader_another_structure_and_the_coordination_cannot_ask(structure, reader, coordinator):
    outsider = MembershipFactory().user
    for person in (reader, outsider, coordinator):
        with pytest.raises(PermissionDenied):
            diagnostic_request(structure=structure, actor=person, kind="light")
    assert Diagnostic.objects.count() == 0


def test_a_second_pending_request_of_the_same_kind_is_refused(editor, structure):
    diagnostic_request(structure=structure, actor=editor, kind="light")
    with pytest.raises(ValidationError) as refusal:
        diagnostic_request(structure=structure, actor=editor, kind="light")
    assert refusal.value.message_dict["kind"] == [
        "Une demande de diagnostic léger attend déjà l'examen de la coordination pour cette "
        "structure."
    ]
    # Another kind is a different request.
    diagnostic_request(structure=structure, actor=editor, kind="full")
    assert Diagnostic.objects.count() == 2


def test_a_request_cannot_hang_on_another_structure_dossier(editor, structure):
    with pytest.raises(ValidationError) as refusal:
        diagnostic_request(structure=structure, actor=editor, kind="full", dossier=DossierFactory())
    assert "dossier" in refusal.value.message_dict
    assert Diagnostic.objects.count() == 0


@pytest.mark.parametrize(
    "status", [DossierStatus.SUBMITTED, DossierStatus.UNDER_REVIEW, DossierStatus.IN_COMMITTEE]
)
def test_the_coordination_orders_an_assessment_diagnostic_on_an_instructed_dossier(
    coordinator, status
):
    dossier = DossierFactory(status=status)
    diagnostic = diagnostic_order_assessment(dossier=dossier, actor=coordinator, kind="full")

    assert (diagnostic.purpose, diagnostic.status, diagnostic.dossier) == (
        "assessment",
        "accepted",
        dossier,
    )
    assert diagnostic.structure == dossier.structure
    assert steps(diagnostic) == [
        ("order", "requested", "requested"),
        ("accept", "requested", "accepted"),
    ]


@pytest.mark.parametrize(
    "status", [DossierStatus.DRAFT, DossierStatus.ACCEPTED, DossierStatus.WITHDRAWN]
)
def test_no_assessment_diagnostic_outside_the_instruction(coordinator, status):
    with pytest.raises(PermissionDenied):
        diagnostic_order_assessment(dossier=DossierFactory(status=status), actor=coordinator)
    assert Diagnostic.objects.count() == 0


def test_a_structure_cannot_order_an_assessment_diagnostic(editor, structure):
    dossier = DossierFactory(structure=structure, status=DossierStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        diagnostic_order_assessment(dossier=dossier, actor=editor)
    assert Diagnostic.objects.count() == 0


def test_one_assessment_diagnostic_of_a_kind_per_dossier(coordinator):
    dossier = DossierFactory(status=DossierStatus.SUBMITTED)
    diagnostic_order_assessment(dossier=dossier, actor=coordinator, kind="full")
    with pytest.raises(ValidationError):
        diagnostic_order_assessment(dossier=dossier, actor=coordinator, kind="full")
    assert Diagnostic.objects.count() == 1


# --- Triage ------------------------------------------------------------------


def test_accept_is_the_coordination_s(coordinator, consultant, editor, structure):
    diagnostic = DiagnosticFactory(structure=structure)
    for person in (editor, consultant):
        with pytest.raises(TransitionRefused):
            diagnostic_transition(diagnostic=diagnostic, actor=person, action="accept")
    diagnostic.refresh_from_db()
    assert diagnostic.status == "requested"

    diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="accept")
    diagnostic.refresh_from_db()
    assert diagnostic.status == "accepted"
    assert steps(diagnostic) == [("accept", "requested", "accepted")]

    with pytest.raises(TransitionRefused) as refusal:
        diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="accept")
    assert str(refusal.value) == (
        "Action « Accepter la demande » impossible : l'état actuel est « Accepté, à affecter »."
    )


def test_decline_needs_a_reason_sent_to_the_structure(
    coordinator, editor, reader, structure, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(structure=structure)
    with pytest.raises(ValidationError) as refusal:
        diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="decline")
    assert "comment" in refusal.value.message_dict
    diagnostic.refresh_from_db()
    assert diagnostic.status == "requested"
    assert steps(diagnostic) == []

    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_transition(
            diagnostic=diagnostic,
            actor=coordinator,
            action="decline",
            comment="Le DLA vous accompagne déjà sur ce sujet.",
        )
    diagnostic.refresh_from_db()
    assert diagnostic.status == "declined"
    assert diagnostic.decline_reason == "Le DLA vous accompagne déjà sur ce sujet."
    assert sorted(message.to[0] for message in mail.outbox) == sorted([editor.email, reader.email])
    assert "Le DLA vous accompagne déjà sur ce sujet." in mail.outbox[0].body


def test_cover_names_the_source_date_and_document(
    coordinator, editor, structure, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(structure=structure, full=True)
    with pytest.raises(ValidationError) as refusal:
        diagnostic_mark_covered(
            diagnostic=diagnostic,
            actor=coordinator,
            source="other",
            source_name="",
            covered_on=timezone.localdate() + datetime.timedelta(days=1),
            upload=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        )
    assert set(refusal.value.message_dict) == {"source_name", "covered_on", "document"}
    assert refusal.value.message_dict["covered_on"] == [
        "La date du diagnostic existant ne peut pas être dans le futur."
    ]
    diagnostic.refresh_from_db()
    assert diagnostic.status == "requested"
    assert not diagnostic.covered_document

    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_mark_covered(
            diagnostic=diagnostic,
            actor=coordinator,
            source="ramsess",
            source_name="",
            covered_on=datetime.date(2010, 11, 5),
            upload=SimpleUploadedFile(
                "Diagnostic RAMSESS.pdf", PDF_BYTES, content_type="application/pdf"
            ),
        )
    diagnostic.refresh_from_db()
    assert diagnostic.status == "covered"
    assert (diagnostic.covered_source, diagnostic.covered_on) == (
        "ramsess",
        datetime.date(2010, 11, 5),
    )
    assert diagnostic.covered_document_name == "Diagnostic_RAMSESS.pdf"
    assert diagnostic.covered_document.read() == PDF_BYTES
    assert steps(diagnostic) == [("cover", "requested", "covered")]
    assert DiagnosticTransition.objects.get().comment == (
        "Diagnostic existant : RAMSESS, 5 novembre 2010."
    )
    assert [message.to for message in mail.outbox] == [[editor.email]]


def test_assign_to_a_provider_consultant_and_due_date(
    coordinator, ramsess, consultant, editor, structure, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(structure=structure, accepted=True)
    stranger = UserFactory(provider=True)
    with pytest.raises(ValidationError) as refusal:
        diagnostic_assign(
            diagnostic=diagnostic,
            actor=coordinator,
            provider=ramsess,
            consultant=stranger,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert refusal.value.message_dict == {
        "consultant": ["Choisissez un consultant de RAMSESS."],
        "due_date": ["L'échéance ne peut pas être passée."],
    }
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.provider) == ("accepted", None)

    due = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_assign(
            diagnostic=diagnostic,
            actor=coordinator,
            provider=ramsess,
            consultant=consultant,
            due_date=due,
        )
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.provider, diagnostic.consultant, diagnostic.due_date) == (
        "assigned",
        ramsess,
        consultant,
        due,
    )
    assert diagnostic.assigned_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [consultant.email, editor.email]
    )


def test_the_provider_accepts_the_assignment(ramsess, consultant, coordinator):
    other_consultant = UserFactory(provider=True)
    ProviderFactory().members.add(other_consultant)
    diagnostic = DiagnosticFactory(assigned=True, provider=ramsess)

    with pytest.raises(TransitionRefused):
        diagnostic_transition(
            diagnostic=diagnostic, actor=other_consultant, action="accept_assignment"
        )
    with pytest.raises(TransitionRefused):
        diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="accept_assignment")

    diagnostic_transition(diagnostic=diagnostic, actor=consultant, action="accept_assignment")
    diagnostic.refresh_from_db()
    assert diagnostic.status == "in_progress"
    # Nobody was named: the consultant who accepted is in charge.
    assert diagnostic.consultant == consultant


def test_a_declined_assignment_goes_back_to_the_queue_with_its_reason(
    ramsess, consultant, coordinator, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(assigned=True, provider=ramsess, consultant=consultant)
    with pytest.raises(ValidationError):
        diagnostic_transition(diagnostic=diagnostic, actor=consultant, action="decline_assignment")

    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_transition(
            diagnostic=diagnostic,
            actor=consultant,
            action="decline_assignment",
            comment="Pas de consultant disponible avant deux mois.",
        )
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.provider, diagnostic.consultant, diagnostic.due_date) == (
        "accepted",
        None,
        None,
        None,
    )
    assert steps(diagnostic) == [("decline_assignment", "assigned", "accepted")]
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "Pas de consultant disponible avant deux mois." in mail.outbox[0].body
    # The organisation no longer reads it.
    assert not consultant.has_perm("diagnostics.view_diagnostic", diagnostic)


# --- The grid ----------------------------------------------------------------


CONCLUSIONS = {
    "strengths": "Une équipe soudée.",
    "weaknesses": "Une trésorerie tendue.",
    "overall_risk": OverallRisk.MEDIUM,
    "recommendation": IntegrationRecommendation.READY_WITH_SECURING,
}


def fill_grid(diagnostic, consultant, **conclusions) -> None:
    """Every theme scored and observed, every conclusion written: ready to deliver."""
    diagnostic_save_grid(
        diagnostic=diagnostic,
        actor=consultant,
        scores={theme.value: (3, f"Observations : {theme.label}.") for theme in diagnostic.themes},
        conclusions={**CONCLUSIONS, **conclusions},
    )


def test_the_grid_is_a_draft_until_delivered(ramsess, consultant, editor, structure):
    diagnostic = DiagnosticFactory(
        structure=structure, in_progress=True, full=True, provider=ramsess, consultant=consultant
    )
    diagnostic_save_grid(
        diagnostic=diagnostic,
        actor=consultant,
        scores={"project": (3, "Projet clair."), "finances": (None, "")},
        conclusions={"strengths": "Une équipe soudée."},
        axes={"securing": (Decimal("2.5"), "Plan de trésorerie.")},
    )
    diagnostic.refresh_from_db()
    assert diagnostic.status == "in_progress"
    assert list(diagnostic.scores.order_by("theme").values_list("theme", "score")) == [
        ("finances", None),
        ("project", 3),
    ]
    assert diagnostic.strengths == "Une équipe soudée."
    assert list(diagnostic.axis_recommendations.values_list("axis", "days")) == [
        ("securing", Decimal("2.5"))
    ]
    # Incomplete: delivering is refused, field by field, and nothing moves.
    with pytest.raises(ValidationError) as refusal:
        diagnostic_deliver(diagnostic=diagnostic, actor=consultant)
    problems = refusal.value.message_dict
    assert "themes.project.score" not in problems
    assert problems["themes.finances.score"] == ["Donnez une appréciation de 1 à 4."]
    assert problems["themes.site_risk.observations"] == ["Écrivez vos observations."]
    assert problems["weaknesses"] == ["Ce champ est obligatoire pour remettre le diagnostic."]
    diagnostic.refresh_from_db()
    assert diagnostic.status == "in_progress"
    assert diagnostic.delivered_at is None


def test_half_days_and_a_reason_per_axis(ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, full=True, provider=ramsess)
    with pytest.raises(ValidationError) as refusal:
        diagnostic_save_grid(
            diagnostic=diagnostic,
            actor=consultant,
            scores={},
            conclusions={},
            axes={"securing": (Decimal("1.3"), ""), "financing": (Decimal("2"), "")},
        )
    assert refusal.value.message_dict == {
        "axes.securing.days": ["Indiquez un nombre de jours par demi-journées (0,5 ; 1 ; 1,5…)."],
        "axes.securing.reason": ["Expliquez en une ligne pourquoi cet accompagnement."],
        "axes.financing.reason": ["Expliquez en une ligne pourquoi cet accompagnement."],
    }
    assert diagnostic.axis_recommendations.count() == 0


def test_a_light_diagnostic_has_a_shorter_grid_and_no_days_per_axis(ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, provider=ramsess)
    assert [theme.value for theme in diagnostic.themes] == [
        "project",
        "economic_model",
        "finances",
        "site_risk",
    ]
    with pytest.raises(ValidationError):
        diagnostic_save_grid(
            diagnostic=diagnostic,
            actor=consultant,
            scores={"marketing": (2, "Hors grille.")},
            conclusions={},
            axes={"securing": (Decimal("2"), "Non.")},
        )
    fill_grid(diagnostic, consultant, recommendation=IntegrationRecommendation.READY)
    diagnostic.refresh_from_db()
    assert grid_problems(diagnostic) == {}
    diagnostic_deliver(diagnostic=diagnostic, actor=consultant)
    diagnostic.refresh_from_db()
    assert diagnostic.status == "delivered"


def test_a_full_diagnostic_recommending_securing_estimates_its_days(ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, full=True, provider=ramsess)
    fill_grid(diagnostic, consultant)
    diagnostic.refresh_from_db()
    assert grid_problems(diagnostic) == {
        "axes.securing.days": (
            "Vous recommandez un accompagnement de sécurisation : estimez ses jours."
        )
    }


def test_only_the_assigned_provider_fills_the_grid_and_only_while_in_progress(
    ramsess, consultant, coordinator, editor, structure
):
    diagnostic = DiagnosticFactory(structure=structure, in_progress=True, provider=ramsess)
    outsider = UserFactory(provider=True)
    ProviderFactory().members.add(outsider)
    for person in (outsider, coordinator, editor):
        with pytest.raises(PermissionDenied):
            diagnostic_save_grid(
                diagnostic=diagnostic, actor=person, scores={"project": (1, "x")}, conclusions={}
            )
    assert diagnostic.scores.count() == 0

    delivered = DiagnosticFactory(delivered=True, provider=ramsess)
    with pytest.raises(TransitionRefused):
        diagnostic_save_grid(
            diagnostic=delivered, actor=consultant, scores={"project": (1, "x")}, conclusions={}
        )
    assert delivered.scores.get(theme="project").score == 1  # the factory's, unchanged


def test_delivery_tells_the_coordination_and_the_structure_of_a_support_diagnostic(
    ramsess, consultant, coordinator, editor, structure, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(
        structure=structure, in_progress=True, provider=ramsess, consultant=consultant
    )
    fill_grid(diagnostic, consultant)
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_deliver(diagnostic=diagnostic, actor=consultant)
    diagnostic.refresh_from_db()
    assert diagnostic.status == "delivered"
    assert diagnostic.delivered_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [coordinator.email, editor.email]
    )


def test_an_assessment_diagnostic_reaches_the_structure_only_once_validated(
    ramsess, consultant, coordinator, editor, structure, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(
        structure=structure, in_progress=True, assessment=True, provider=ramsess
    )
    fill_grid(diagnostic, consultant)
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_deliver(diagnostic=diagnostic, actor=consultant)
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert not editor.has_perm("diagnostics.view_diagnostic", diagnostic)

    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="validate")
    assert editor.email in [message.to[0] for message in mail.outbox[1:]]
    diagnostic.refresh_from_db()
    assert editor.has_perm("diagnostics.view_diagnostic", diagnostic)


# --- Validation --------------------------------------------------------------


def test_the_coordination_validates_or_returns_with_comments(
    ramsess, consultant, coordinator, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(delivered=True, provider=ramsess, consultant=consultant)
    with pytest.raises(TransitionRefused):
        diagnostic_transition(diagnostic=diagnostic, actor=consultant, action="validate")
    with pytest.raises(ValidationError):
        diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="return")
    diagnostic.refresh_from_db()
    assert diagnostic.status == "delivered"

    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_transition(
            diagnostic=diagnostic,
            actor=coordinator,
            action="return",
            comment="Précisez le besoin en fonds de roulement.",
        )
    diagnostic.refresh_from_db()
    assert diagnostic.status == "in_progress"
    assert [message.to for message in mail.outbox] == [[consultant.email]]
    assert "Précisez le besoin en fonds de roulement." in mail.outbox[0].body

    diagnostic_deliver(diagnostic=diagnostic, actor=consultant)
    diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="validate")
    diagnostic.refresh_from_db()
    assert diagnostic.status == "validated"
    assert diagnostic.validated_at is not None
    assert steps(diagnostic) == [
        ("return", "delivered", "in_progress"),
        ("deliver", "in_progress", "delivered"),
        ("validate", "delivered", "validated"),
    ]


def test_returning_a_signed_off_diagnostic_asks_for_a_new_sign_off(coordinator, editor, structure):
    diagnostic = DiagnosticFactory(structure=structure, delivered=True)
    diagnostic_sign_off(diagnostic=diagnostic, actor=editor, comment="D'accord.")
    diagnostic_transition(
        diagnostic=diagnostic, actor=coordinator, action="return", comment="À compléter."
    )
    diagnostic.refresh_from_db()
    assert (diagnostic.signed_off_at, diagnostic.signed_off_by) == (None, None)


# --- Shared sign-off and consent ----------------------------------------------


def test_an_editor_signs_off_the_conclusions_once(
    editor, reader, structure, coordinator, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(structure=structure, in_progress=True)
    with pytest.raises(TransitionRefused):
        diagnostic_sign_off(diagnostic=diagnostic, actor=editor)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status=DiagnosticStatus.DELIVERED)
    with pytest.raises(PermissionDenied):
        diagnostic_sign_off(diagnostic=diagnostic, actor=reader)
    with pytest.raises(PermissionDenied):
        diagnostic_sign_off(diagnostic=diagnostic, actor=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_sign_off(
            diagnostic=diagnostic, actor=editor, comment="Nous nuançons le risque lié au site."
        )
    diagnostic.refresh_from_db()
    assert diagnostic.signed_off_by == editor
    assert diagnostic.signed_off_at is not None
    assert diagnostic.structure_comment == "Nous nuançons le risque lié au site."
    assert steps(diagnostic) == [("sign_off", "delivered", "delivered")]
    assert coordinator.email in [message.to[0] for message in mail.outbox]

    with pytest.raises(TransitionRefused):
        diagnostic_sign_off(diagnostic=diagnostic, actor=editor, comment="Encore.")
    diagnostic.refresh_from_db()
    assert diagnostic.structure_comment == "Nous nuançons le risque lié au site."


def test_consent_is_granted_by_an_editor_with_date_and_person_and_revocable(
    editor, reader, structure, coordinator
):
    diagnostic = DiagnosticFactory(structure=structure, in_progress=True)
    with pytest.raises(TransitionRefused):
        committee_consent_grant(diagnostic=diagnostic, actor=editor)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status=DiagnosticStatus.DELIVERED)
    for person in (reader, coordinator):
        with pytest.raises(PermissionDenied):
            committee_consent_grant(diagnostic=diagnostic, actor=person)
    assert diagnostic.consents.count() == 0

    consent = committee_consent_grant(diagnostic=diagnostic, actor=editor)
    assert (consent.granted_by, consent.revoked_at) == (editor, None)
    # Granting again keeps the one active consent.
    assert committee_consent_grant(diagnostic=diagnostic, actor=editor) == consent

    revoked = committee_consent_revoke(diagnostic=diagnostic, actor=editor)
    assert revoked.pk == consent.pk
    assert revoked.revoked_by == editor
    assert revoked.revoked_at is not None
    with pytest.raises(ValidationError):
        committee_consent_revoke(diagnostic=diagnostic, actor=editor)

    again = committee_consent_grant(diagnostic=diagnostic, actor=editor)
    assert again.pk != consent.pk
    assert diagnostic.consents.filter(revoked_at__isnull=True).count() == 1
    assert steps(diagnostic) == [
        ("consent_granted", "delivered", "delivered"),
        ("consent_revoked", "delivered", "delivered"),
        ("consent_granted", "delivered", "delivered"),
    ]


def test_an_assessment_diagnostic_needs_no_consent(editor, structure):
    diagnostic = DiagnosticFactory(structure=structure, validated=True, assessment=True)
    with pytest.raises(PermissionDenied):
        committee_consent_grant(diagnostic=diagnostic, actor=editor)
    assert diagnostic.consents.count() == 0


def test_no_notification_goes_to_the_person_who_acted(
    coordinator, editor, structure, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(structure=structure)
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic_transition(diagnostic=diagnostic, actor=coordinator, action="accept")
    assert not Notification.objects.filter(recipient=coordinator).exists()
    assert Notification.objects.filter(recipient=editor).count() == 1
