"""A diagnostic's life: request, triage, assignment, the provider's grid, validation."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from applicants.models import Dossier, Structure
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.axes import Axis
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import notify_many
from ccr_portal.uploads import clean_original_name, validate_upload
from ccr_portal.users.models import Provider, User
from ccr_portal.workflow import Transition, TransitionRefused

from ..models import (
    AxisRecommendation,
    CoverSource,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    DiagnosticTransition,
    IntegrationRecommendation,
    ThemeScore,
)
from ..workflows import DIAGNOSTIC_WORKFLOW
from .people import coordinators, provider_people, structure_people

# History lines that are not status changes.
ACTION_LABELS = {
    **{t.action: t.label for t in DIAGNOSTIC_WORKFLOW.transitions},
    "request": "Demande de la structure",
    "order": "Commande d'un diagnostic d'instruction",
    "sign_off": "Conclusions partagées par la structure",
    "consent_granted": "Partage avec le comité accordé",
    "consent_revoked": "Partage avec le comité retiré",
}

# Conclusions a provider fills, besides the themes and the axes.
CONCLUSION_FIELDS = ("strengths", "weaknesses", "overall_risk", "recommendation")


def locked_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    return (
        Diagnostic.objects.select_for_update(of=("self",))
        .select_related("structure", "provider", "consultant")
        .get(pk=diagnostic.pk)
    )


def record_step(
    diagnostic: Diagnostic, *, actor: User, action: str, to_status: str, comment: str = ""
) -> DiagnosticTransition:
    return DiagnosticTransition.objects.create(
        diagnostic=diagnostic,
        action=action,
        from_status=diagnostic.status,
        to_status=to_status,
        actor=actor,
        comment=comment.strip(),
    )


def _move(
    diagnostic: Diagnostic, *, actor: User, action: str, comment: str = ""
) -> tuple[Transition, DiagnosticTransition]:
    """Check the workflow, record the step and set the new status (saved by the caller)."""
    transition = DIAGNOSTIC_WORKFLOW.check(action, actor, diagnostic)
    if transition.needs_reason and not comment.strip():
        raise ValidationError({"comment": "Expliquez pourquoi : ce texte est transmis."})
    record = record_step(
        diagnostic, actor=actor, action=action, to_status=transition.target, comment=comment
    )
    diagnostic.status = transition.target
    return transition, record


def _create(*, actor: User, action: str, note: str, **fields) -> Diagnostic:
    """A new request, with the first line of its history."""
    diagnostic = Diagnostic(request_note=note.strip(), requested_by=actor, **fields)
    diagnostic.full_clean()
    diagnostic.save()
    record_step(diagnostic, actor=actor, action=action, to_status=diagnostic.status, comment=note)
    return diagnostic


@transaction.atomic
def diagnostic_request(
    *,
    structure: Structure,
    actor: User,
    kind: str,
    note: str = "",
    dossier: Dossier | None = None,
) -> Diagnostic:
    """A structure asks for a support diagnostic (light: possible before any dossier)."""
    if not actor.has_perm("diagnostics.request_diagnostic", structure):
        raise PermissionDenied("Seul un éditeur de la structure peut demander un diagnostic.")
    if dossier is not None and dossier.structure_id != structure.pk:
        raise ValidationError({"dossier": "Choisissez un dossier de la structure."})
    pending = Diagnostic.objects.filter(
        structure=structure,
        kind=kind,
        purpose=DiagnosticPurpose.SUPPORT,
        status=DiagnosticStatus.REQUESTED,
    )
    if pending.exists():
        raise ValidationError(
            {
                "kind": f"Une demande de {DiagnosticKind(kind).label.lower()} attend déjà "
                "l'examen de la coordination pour cette structure."
            }
        )
    diagnostic = _create(
        actor=actor,
        action="request",
        note=note,
        structure=structure,
        dossier=dossier,
        kind=kind,
        purpose=DiagnosticPurpose.SUPPORT,
    )
    notify_many(
        recipients=[person for person in coordinators() if person != actor],
        subject=f"Nouvelle demande de diagnostic : {structure}",
        template="diagnostic_requested",
        context={
            "structure": structure.name,
            "kind": diagnostic.get_kind_display(),
            "note": diagnostic.request_note,
            "requested_by": actor.display_name,
        },
        url=diagnostic.get_absolute_url(),
    )
    return diagnostic


@transaction.atomic
def diagnostic_order_assessment(
    *, dossier: Dossier, actor: User, kind: str = DiagnosticKind.FULL, note: str = ""
) -> Diagnostic:
    """The coordination orders an assessment diagnostic for the instruction of a dossier.

    Ordered by the coordination itself, it needs no triage: it waits for a provider.
    """
    if not actor.has_perm("diagnostics.order_assessment", dossier):
        raise PermissionDenied(
            "Un diagnostic d'instruction se commande par la coordination, sur un dossier déposé, "
            "en instruction ou en comité."
        )
    live = Diagnostic.objects.filter(
        dossier=dossier, purpose=DiagnosticPurpose.ASSESSMENT, kind=kind
    ).exclude(status=DiagnosticStatus.DECLINED)
    if live.exists():
        raise ValidationError(
            {"kind": "Un diagnostic d'instruction de ce type est déjà commandé pour ce dossier."}
        )
    diagnostic = _create(
        actor=actor,
        action="order",
        note=note,
        structure_id=dossier.structure_id,
        dossier=dossier,
        kind=kind,
        purpose=DiagnosticPurpose.ASSESSMENT,
    )
    _move(diagnostic, actor=actor, action="accept")
    diagnostic.save(update_fields=["status", "updated_at"])
    return diagnostic


@transaction.atomic
def diagnostic_transition(
    *, diagnostic: Diagnostic, actor: User, action: str, comment: str = ""
) -> DiagnosticTransition:
    """The steps that need no other data than a comment: accept, decline, the provider's
    answer to an assignment, validate, return to the provider."""
    if action in ("cover", "assign", "deliver"):
        raise TransitionRefused("Cette action se fait depuis son propre formulaire.")
    diagnostic = locked_diagnostic(diagnostic)
    transition, record = _move(diagnostic, actor=actor, action=action, comment=comment)
    fields = ["status", "updated_at"]
    details = []
    audience = {"structure"}
    if action == "decline":
        diagnostic.decline_reason = record.comment
        fields.append("decline_reason")
    elif action == "accept_assignment":
        if diagnostic.consultant_id is None:
            diagnostic.consultant = actor
            fields.append("consultant")
        audience = {"coordinators"}
    elif action == "decline_assignment":
        details.append(f"Prestataire : {diagnostic.provider}.")
        audience = {"coordinators"}
        diagnostic.provider = diagnostic.consultant = diagnostic.due_date = None
        diagnostic.assigned_at = None
        fields += ["provider", "consultant", "due_date", "assigned_at"]
    elif action == "validate":
        diagnostic.validated_at = timezone.now()
        fields.append("validated_at")
        audience = {"structure", "provider"}
    elif action == "return":
        # The conclusions will change: the structure signs off the new version.
        diagnostic.signed_off_at = diagnostic.signed_off_by = None
        fields += ["signed_off_at", "signed_off_by"]
        audience = {"provider"}
    diagnostic.full_clean()
    diagnostic.save(update_fields=fields)
    _announce(diagnostic, record, transition, audience=audience, details=details)
    return record


@transaction.atomic
def diagnostic_mark_covered(
    *,
    diagnostic: Diagnostic,
    actor: User,
    source: str,
    source_name: str,
    covered_on: datetime.date | None,
    upload: UploadedFile | None,
) -> Diagnostic:
    """An existing diagnostic (RAMSESS, a DLA, another body) covers the request."""
    diagnostic = locked_diagnostic(diagnostic)
    DIAGNOSTIC_WORKFLOW.check("cover", actor, diagnostic)
    errors = {}
    if source not in CoverSource.values:
        errors["source"] = "Choisissez qui a réalisé le diagnostic existant."
    if source == CoverSource.OTHER and not source_name.strip():
        errors["source_name"] = "Nommez l'organisme qui a réalisé le diagnostic."
    if covered_on is None:
        errors["covered_on"] = "Indiquez la date du diagnostic existant."
    elif covered_on > timezone.localdate():
        errors["covered_on"] = "La date du diagnostic existant ne peut pas être dans le futur."
    if upload is None:
        errors["document"] = "Joignez le document du diagnostic existant."
    else:
        try:
            file_kind = validate_upload(upload)
        except ValidationError as error:
            errors["document"] = error.messages
    if errors:
        raise ValidationError(errors)
    source_label = source_name.strip() or CoverSource(source).label
    transition, record = _move(
        diagnostic,
        actor=actor,
        action="cover",
        comment=f"Diagnostic existant : {source_label}, {format_date(covered_on)}.",
    )
    diagnostic.covered_source = source
    diagnostic.covered_source_name = source_name.strip()
    diagnostic.covered_on = covered_on
    diagnostic.covered_document_name = clean_original_name(upload.name)
    diagnostic.covered_document.save(f"diagnostic{file_kind.extensions[0]}", upload, save=False)
    diagnostic.full_clean()
    diagnostic.save()
    scanned_file_schedule(scanned=diagnostic)
    _announce(diagnostic, record, transition, audience={"structure"})
    return diagnostic


@transaction.atomic
def diagnostic_assign(
    *,
    diagnostic: Diagnostic,
    actor: User,
    provider: Provider,
    consultant: User | None,
    due_date: datetime.date | None,
) -> Diagnostic:
    """Give the diagnostic to a provider organisation, a consultant, a due date."""
    diagnostic = locked_diagnostic(diagnostic)
    DIAGNOSTIC_WORKFLOW.check("assign", actor, diagnostic)
    errors = {}
    if provider is None:
        errors["provider"] = "Choisissez le prestataire."
    if (
        consultant is not None
        and provider is not None
        and not provider.members.filter(pk=consultant.pk).exists()
    ):
        errors["consultant"] = f"Choisissez un consultant de {provider}."
    if due_date is None:
        errors["due_date"] = "Indiquez l'échéance."
    elif due_date < timezone.localdate():
        errors["due_date"] = "L'échéance ne peut pas être passée."
    if errors:
        raise ValidationError(errors)
    transition, record = _move(
        diagnostic,
        actor=actor,
        action="assign",
        comment=f"{provider}, échéance le {format_date(due_date)}.",
    )
    diagnostic.provider = provider
    diagnostic.consultant = consultant
    diagnostic.due_date = due_date
    diagnostic.assigned_at = timezone.now()
    diagnostic.full_clean()
    diagnostic.save()
    details = [f"Prestataire : {provider}.", f"Échéance : {format_date(due_date)}."]
    if consultant is not None:
        details.insert(1, f"Consultant : {consultant.display_name}.")
    _announce(diagnostic, record, transition, audience={"provider", "structure"}, details=details)
    return diagnostic


def _half_days(value: Decimal) -> bool:
    return (value * 2) == (value * 2).to_integral_value()


def check_grid_editable(diagnostic: Diagnostic) -> None:
    """The grid changes only while the provider carries the diagnostic out."""
    if diagnostic.status != DiagnosticStatus.IN_PROGRESS:
        raise TransitionRefused(
            "La grille ne peut être modifiée que pendant la réalisation du diagnostic "
            f"(état actuel : « {diagnostic.get_status_display()} »)."
        )


@transaction.atomic
def diagnostic_save_grid(
    *,
    diagnostic: Diagnostic,
    actor: User,
    scores: Mapping[str, tuple[int | None, str]],
    conclusions: Mapping[str, str],
    axes: Mapping[str, tuple[Decimal | None, str]] | None = None,
) -> Diagnostic:
    """Save the provider's draft: ``scores`` {theme: (score, observations)}, the
    conclusions, and for a full diagnostic ``axes`` {axis: (days, why)}.

    A draft may be incomplete; what is filled must be valid.
    """
    diagnostic = locked_diagnostic(diagnostic)
    if not actor.has_perm("diagnostics.fill_grid", diagnostic):
        raise PermissionDenied("Seul le prestataire affecté remplit la grille du diagnostic.")
    check_grid_editable(diagnostic)
    axes = axes or {}
    errors = {}
    themes = {theme.value for theme in diagnostic.themes}
    for theme in scores:
        if theme not in themes:
            errors[f"score_{theme}"] = "Ce thème ne fait pas partie de la grille de ce diagnostic."
    if axes and not diagnostic.is_full:
        errors["__all__"] = "Le diagnostic léger ne chiffre pas l'accompagnement par axe."
    for axis, (days, reason) in axes.items():
        if axis not in Axis.values:
            errors[f"days_{axis}"] = "Axe inconnu."
        elif days is not None:
            if days <= 0 or not _half_days(days):
                errors[f"days_{axis}"] = (
                    "Indiquez un nombre de jours par demi-journées (0,5 ; 1 ; 1,5…)."
                )
            if not reason.strip():
                errors[f"reason_{axis}"] = "Expliquez en une ligne pourquoi cet accompagnement."
    if errors:
        raise ValidationError(errors)

    for theme, (score, observations) in scores.items():
        line, _ = ThemeScore.objects.get_or_create(diagnostic=diagnostic, theme=theme)
        line.score = score
        line.observations = (observations or "").strip()
        line.full_clean()
        line.save()
    for name in CONCLUSION_FIELDS:
        if name in conclusions:
            setattr(diagnostic, name, (conclusions[name] or "").strip())
    wanted = {axis for axis, (days, _reason) in axes.items() if days is not None}
    diagnostic.axis_recommendations.exclude(axis__in=wanted).delete()
    for axis in wanted:
        days, reason = axes[axis]
        line, _ = AxisRecommendation.objects.get_or_create(
            diagnostic=diagnostic, axis=axis, defaults={"days": days}
        )
        line.days, line.reason = days, reason.strip()
        line.full_clean()
        line.save()
    diagnostic.full_clean()
    diagnostic.save()
    return diagnostic


def grid_problems(diagnostic: Diagnostic) -> dict[str, str]:
    """What is missing before delivery, keyed like the grid form's fields."""
    problems = {}
    lines = {line.theme: line for line in diagnostic.scores.all()}
    for theme in diagnostic.themes:
        line = lines.get(theme.value)
        if line is None or line.score is None:
            problems[f"score_{theme.value}"] = "Donnez une appréciation de 1 à 4."
        if line is None or not line.observations.strip():
            problems[f"observations_{theme.value}"] = "Écrivez vos observations."
    for name in CONCLUSION_FIELDS:
        if not getattr(diagnostic, name):
            problems[name] = "Ce champ est obligatoire pour remettre le diagnostic."
    if (
        diagnostic.is_full
        and diagnostic.recommendation == IntegrationRecommendation.READY_WITH_SECURING
        and not diagnostic.axis_recommendations.filter(axis=Axis.SECURING).exists()
    ):
        problems[f"days_{Axis.SECURING}"] = (
            "Vous recommandez un accompagnement de sécurisation : estimez ses jours."
        )
    return problems


@transaction.atomic
def diagnostic_deliver(*, diagnostic: Diagnostic, actor: User) -> DiagnosticTransition:
    """The provider hands in a complete grid; the draft becomes the diagnostic."""
    diagnostic = locked_diagnostic(diagnostic)
    DIAGNOSTIC_WORKFLOW.check("deliver", actor, diagnostic)
    problems = grid_problems(diagnostic)
    if problems:
        raise ValidationError(problems)
    transition, record = _move(diagnostic, actor=actor, action="deliver")
    diagnostic.delivered_at = timezone.now()
    diagnostic.full_clean()
    diagnostic.save(update_fields=["status", "delivered_at", "updated_at"])
    _announce(diagnostic, record, transition, audience={"coordinators", "structure"})
    return record


def _announce(
    diagnostic: Diagnostic,
    record: DiagnosticTransition,
    transition: Transition,
    *,
    audience: set[str],
    details: list[str] | None = None,
) -> None:
    """Tell those concerned; the structure only hears of what it may read."""
    recipients: list[User] = []
    if "structure" in audience and (diagnostic.is_support or diagnostic.is_published):
        recipients += structure_people(diagnostic)
    if "provider" in audience:
        recipients += provider_people(diagnostic)
    if "coordinators" in audience:
        recipients += coordinators()
    unique = list(dict.fromkeys(person for person in recipients if person != record.actor))
    notify_many(
        recipients=unique,
        subject=f"{diagnostic.get_kind_display()} de {diagnostic.structure} : "
        f"{record.get_to_status_display().lower()}",
        template="diagnostic_status_changed",
        context={
            "structure": diagnostic.structure.name,
            "kind": diagnostic.get_kind_display(),
            "purpose": diagnostic.get_purpose_display(),
            "description": transition.description,
            "from_status": record.get_from_status_display(),
            "to_status": record.get_to_status_display(),
            "comment": record.comment if transition.needs_reason else "",
            "details": details or [],
        },
        url=diagnostic.get_absolute_url(),
    )
