"""The « diagnostic partagé »: the structure signs off, and decides what the committee reads."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from applicants import people
from ccr_portal.notifications.services import notify_many
from ccr_portal.users.models import User
from ccr_portal.workflow import TransitionRefused

from ..models import CommitteeConsent, Diagnostic
from ..workflows import DIAGNOSTIC_WORKFLOW
from .diagnostics import locked_diagnostic


def check_sign_off_open(diagnostic: Diagnostic) -> None:
    """Conclusions are signed off once delivered (before, they are the provider's draft), once."""
    if not diagnostic.is_finished:
        raise TransitionRefused(
            "Les conclusions se confirment une fois le diagnostic remis "
            f"(état actuel : « {diagnostic.get_status_display()} »)."
        )
    if diagnostic.is_signed_off:
        raise TransitionRefused("Les conclusions de ce diagnostic sont déjà confirmées.")


@transaction.atomic
def diagnostic_sign_off(*, diagnostic: Diagnostic, actor: User, comment: str = "") -> Diagnostic:
    """An editor of the structure confirms the conclusions, with its comments if any."""
    diagnostic = locked_diagnostic(diagnostic)
    if not actor.has_perm("diagnostics.sign_off_diagnostic", diagnostic):
        raise PermissionDenied("Seul un éditeur de la structure confirme les conclusions.")
    check_sign_off_open(diagnostic)
    diagnostic.signed_off_by = actor
    diagnostic.signed_off_at = timezone.now()
    diagnostic.structure_comment = comment.strip()
    diagnostic.full_clean()
    diagnostic.save(
        update_fields=["signed_off_by", "signed_off_at", "structure_comment", "updated_at"]
    )
    DIAGNOSTIC_WORKFLOW.record_event(
        diagnostic, actor=actor, event="sign_off", comment=diagnostic.structure_comment
    )
    recipients = people.coordinators() + people.provider_consultants(diagnostic)
    notify_many(
        recipients=list(dict.fromkeys(person for person in recipients if person != actor)),
        subject=f"Conclusions confirmées par {diagnostic.structure}",
        template="diagnostic_signed_off",
        context={
            "structure": diagnostic.structure.name,
            "kind": diagnostic.get_kind_display(),
            "signed_off_by": actor.display_name,
            "comment": diagnostic.structure_comment,
        },
        url=diagnostic.get_absolute_url(),
    )
    return diagnostic


def active_consent(diagnostic: Diagnostic) -> CommitteeConsent | None:
    return diagnostic.consents.filter(revoked_at__isnull=True).select_related("granted_by").first()


def _locked_for_consent(diagnostic: Diagnostic, actor: User) -> Diagnostic:
    diagnostic = locked_diagnostic(diagnostic)
    if not actor.has_perm("diagnostics.manage_consent", diagnostic):
        raise PermissionDenied(
            "Seul un éditeur de la structure décide du partage d'un diagnostic d'appui."
        )
    return diagnostic


@transaction.atomic
def committee_consent_grant(*, diagnostic: Diagnostic, actor: User) -> CommitteeConsent:
    """The structure lets the selection committee read its support diagnostic."""
    diagnostic = _locked_for_consent(diagnostic, actor)
    if not diagnostic.is_shareable:
        raise TransitionRefused(
            "Vous pourrez partager le diagnostic avec le comité une fois qu'il vous aura été remis."
        )
    existing = active_consent(diagnostic)
    if existing is not None:
        return existing
    consent = CommitteeConsent(diagnostic=diagnostic, granted_by=actor, granted_at=timezone.now())
    consent.full_clean()
    consent.save()
    DIAGNOSTIC_WORKFLOW.record_event(diagnostic, actor=actor, event="consent_granted")
    return consent


@transaction.atomic
def committee_consent_revoke(*, diagnostic: Diagnostic, actor: User) -> CommitteeConsent:
    """Withdraw the consent: from now on the committee no longer reads the diagnostic."""
    diagnostic = _locked_for_consent(diagnostic, actor)
    consent = active_consent(diagnostic)
    if consent is None:
        raise ValidationError("Ce diagnostic n'est pas partagé avec le comité.")
    consent.revoked_by = actor
    consent.revoked_at = timezone.now()
    consent.full_clean()
    consent.save(update_fields=["revoked_by", "revoked_at"])
    DIAGNOSTIC_WORKFLOW.record_event(diagnostic, actor=actor, event="consent_revoked")
    return consent
