"""A diagnostic's life: request, triage, assignment, the provider's grid, validation."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from applicants import people
from applicants.models import Dossier, Structure
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.axes import Axis
from ccr_portal.notifications.services import notify_many
from ccr_portal.users.models import Provider, User
from ccr_portal.workflow import TransitionRefused

from ..effects import grid_problems
from ..models import (
    CONCLUSION_FIELDS,
    AxisRecommendation,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    DiagnosticTransition,
    ThemeScore,
)
from ..workflows import DIAGNOSTIC_WORKFLOW

__all__ = ["grid_problems"]


def locked_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    return (
        Diagnostic.objects.select_for_update(of=("self",))
        .select_related("structure", "provider", "consultant")
        .get(pk=diagnostic.pk)
    )


def _create(*, actor: User, event: str, note: str, **fields) -> Diagnostic:
    """A new request, with the first line of its history."""
    diagnostic = Diagnostic(request_note=note.strip(), requested_by=actor, **fields)
    diagnostic.full_clean()
    diagnostic.save()
    DIAGNOSTIC_WORKFLOW.record_event(diagnostic, actor=actor, event=event, comment=note)
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
    pending_message = (
        f"Une demande de {DiagnosticKind(kind).label.lower()} attend déjà l'examen de la "
        "coordination pour cette structure."
    )
    pending = Diagnostic.objects.filter(
        structure=structure,
        kind=kind,
        purpose=DiagnosticPurpose.SUPPORT,
        status=DiagnosticStatus.REQUESTED,
    )
    if pending.exists():
        raise ValidationError({"kind": pending_message})
    try:
        # Two requests sent at once both pass the check above: the database keeps one.
        with transaction.atomic():
            diagnostic = _create(
                actor=actor,
                event="request",
                note=note,
                structure=structure,
                dossier=dossier,
                kind=kind,
                purpose=DiagnosticPurpose.SUPPORT,
            )
    except IntegrityError:
        raise ValidationError({"kind": pending_message}) from None
    except ValidationError:
        # Or the model's own check of that constraint saw the other request first.
        if pending.exists():
            raise ValidationError({"kind": pending_message}) from None
        raise
    notify_many(
        recipients=[person for person in people.coordinators() if person != actor],
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
        event="order",
        note=note,
        structure_id=dossier.structure_id,
        dossier=dossier,
        kind=kind,
        purpose=DiagnosticPurpose.ASSESSMENT,
    )
    DIAGNOSTIC_WORKFLOW.perform(diagnostic, actor=actor, action="accept")
    diagnostic.refresh_from_db()
    return diagnostic


def diagnostic_transition(
    *, diagnostic: Diagnostic, actor: User, action: str, comment: str = ""
) -> DiagnosticTransition:
    """The steps that need no other data than a comment: accept, decline, the provider's
    answer to an assignment, validate, return to the provider."""
    if action in ("cover", "assign", "deliver"):
        raise TransitionRefused("Cette action se fait depuis son propre formulaire.")
    return DIAGNOSTIC_WORKFLOW.perform(diagnostic, actor=actor, action=action, comment=comment)


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
    record = DIAGNOSTIC_WORKFLOW.perform(
        diagnostic,
        actor=actor,
        action="cover",
        source=source,
        source_name=source_name,
        covered_on=covered_on,
        upload=upload,
    )
    scanned_file_schedule(scanned=record.diagnostic)
    return record.diagnostic


def diagnostic_assign(
    *,
    diagnostic: Diagnostic,
    actor: User,
    provider: Provider,
    consultant: User | None,
    due_date: datetime.date | None,
) -> Diagnostic:
    """Give the diagnostic to a provider organisation, a consultant, a due date."""
    record = DIAGNOSTIC_WORKFLOW.perform(
        diagnostic,
        actor=actor,
        action="assign",
        provider=provider,
        consultant=consultant,
        due_date=due_date,
    )
    return record.diagnostic


def diagnostic_reassign(
    *,
    diagnostic: Diagnostic,
    actor: User,
    provider: Provider | None,
    consultant: User | None,
    due_date: datetime.date | None,
    reason: str,
) -> Diagnostic:
    """Give an assigned or ongoing diagnostic to another provider or consultant, with why;
    the new provider accepts it in its turn, and both providers are told."""
    record = DIAGNOSTIC_WORKFLOW.perform(
        diagnostic,
        actor=actor,
        action="reassign",
        comment=reason,
        provider=provider,
        consultant=consultant,
        due_date=due_date,
    )
    return record.diagnostic


def diagnostic_move_due_date(
    *, diagnostic: Diagnostic, actor: User, due_date: datetime.date | None, reason: str
) -> Diagnostic:
    """Move the due date of an assigned or ongoing diagnostic, with why."""
    record = DIAGNOSTIC_WORKFLOW.perform(
        diagnostic, actor=actor, action="move_due_date", comment=reason, due_date=due_date
    )
    return record.diagnostic


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
            errors[f"themes.{theme}.score"] = (
                "Ce thème ne fait pas partie de la grille de ce diagnostic."
            )
    if axes and not diagnostic.is_full:
        errors["__all__"] = "Le diagnostic léger ne chiffre pas l'accompagnement par axe."
    for axis, (days, reason) in axes.items():
        if axis not in Axis.values:
            errors[f"axes.{axis}.days"] = "Axe inconnu."
        elif days is not None:
            if days <= 0 or not _half_days(days):
                errors[f"axes.{axis}.days"] = (
                    "Indiquez un nombre de jours par demi-journées (0,5 ; 1 ; 1,5…)."
                )
            if not reason.strip():
                errors[f"axes.{axis}.reason"] = (
                    "Expliquez en une ligne pourquoi cet accompagnement."
                )
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


def diagnostic_deliver(
    *, diagnostic: Diagnostic, actor: User, comment: str = ""
) -> DiagnosticTransition:
    """The provider hands in a complete grid; the draft becomes the diagnostic."""
    return DIAGNOSTIC_WORKFLOW.perform(diagnostic, actor=actor, action="deliver", comment=comment)
