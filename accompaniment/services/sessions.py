"""Sessions a provider logs: planned ahead, then held once the notes are written."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.axes import Axis
from ccr_portal.uploads import clean_original_name, validate_upload
from ccr_portal.users.models import Provider, User

from ..models import (
    Format,
    PlanAction,
    PlanStatus,
    Session,
    SessionAttendance,
    SessionDocument,
    SessionStatus,
)
from ..start_rules import check_can_start
from .plans import plan_start_on_first_session

OPEN_PLAN_STATUSES = (PlanStatus.AGREED, PlanStatus.IN_PROGRESS)


def _check_actions(
    *, provider: Provider, axis: str, format: str, actions: Sequence[PlanAction]
) -> None:
    if not actions:
        raise ValidationError({"actions": "Choisissez l'action du plan que sert la séance."})
    if format == Format.INDIVIDUAL and len(actions) > 1:
        raise ValidationError(
            {"actions": "Une séance individuelle sert une seule action : choisissez-en une."}
        )
    structures = [action.plan.structure_id for action in actions]
    if len(set(structures)) != len(structures):
        raise ValidationError(
            {"actions": "Choisissez une seule action par structure pour une même séance."}
        )
    errors = []
    for action in actions:
        plan = action.plan
        if action.provider_id != provider.pk:
            errors.append(f"L'action « {action.title} » est confiée à un autre prestataire.")
        elif plan.status not in OPEN_PLAN_STATUSES:
            errors.append(
                f"Le plan de « {plan.structure} » est « {plan.get_status_display()} » : les "
                "séances ont lieu une fois le plan validé par la structure et jusqu'à sa clôture."
            )
        elif action.is_completed:
            errors.append(f"L'action « {action.title} » ({plan.structure}) est déjà réalisée.")
        elif action.axis != axis:
            errors.append(
                f"L'action « {action.title} » relève de l'axe « {action.get_axis_display()} », "
                f"pas de « {Axis(axis).label} »."
            )
    if errors:
        raise ValidationError({"actions": errors})
    for action in actions:
        check_can_start(
            axis, structure=action.plan.structure, campaign=action.plan.campaign, field="axis"
        )


def _status_for(date: datetime.date, summary: str) -> str:
    today = timezone.localdate()
    if summary and date > today:
        raise ValidationError(
            {
                "summary": "Une séance à venir n'a pas encore de compte rendu : enregistrez-la "
                "sans compte rendu, puis complétez-la après la séance."
            }
        )
    return SessionStatus.HELD if summary else SessionStatus.PLANNED


def _start_plans(session: Session, actor: User) -> None:
    if session.status != SessionStatus.HELD:
        return
    for attendance in session.attendances.select_related("action__plan"):
        if attendance.attended and attendance.action and attendance.action.plan:
            plan_start_on_first_session(plan=attendance.action.plan, actor=actor)


@transaction.atomic
def session_log(
    *,
    actor: User,
    provider: Provider,
    date: datetime.date,
    duration_hours: Decimal,
    axis: str,
    theme: str,
    format: str,
    actions: Iterable[PlanAction],
    participants: str = "",
    summary: str = "",
    next_steps: str = "",
) -> Session:
    """Log a session for the plan actions it serves (one structure, or several if collective).

    Without a summary the session is only planned; with one (on or after its
    date) it is held, its hours count as consumed days, and an agreed plan
    moves to "in progress".
    """
    if not actor.has_perm("accompaniment.log_session", provider):
        raise PermissionDenied("Seuls les consultants du prestataire saisissent ses séances.")
    actions = list(actions)
    _check_actions(provider=provider, axis=axis, format=format, actions=actions)
    summary = summary.strip()
    session = Session(
        provider=provider,
        consultant=actor if actor.provider_organisations.filter(pk=provider.pk).exists() else None,
        date=date,
        duration_hours=duration_hours,
        axis=axis,
        theme=theme.strip(),
        format=format,
        status=_status_for(date, summary),
        participants=participants.strip(),
        summary=summary,
        next_steps=next_steps.strip(),
        created_by=actor,
    )
    session.full_clean()
    session.save()
    SessionAttendance.objects.bulk_create(
        SessionAttendance(session=session, structure=action.plan.structure, action=action)
        for action in actions
    )
    _start_plans(session, actor)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    actor: User,
    date: datetime.date,
    duration_hours: Decimal,
    theme: str,
    participants: str,
    summary: str,
    next_steps: str,
    present_structure_ids: Iterable[int] | None = None,
) -> Session:
    """Write the notes (and the attendance of a collective session); a held session stays held."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not actor.has_perm("accompaniment.change_session", session):
        raise PermissionDenied("Seul le prestataire de la séance peut la modifier.")
    summary = summary.strip()
    if session.is_held and not summary:
        raise ValidationError(
            {"summary": "Le compte rendu d'une séance réalisée ne peut pas être effacé."}
        )
    session.date = date
    session.duration_hours = duration_hours
    session.theme = theme.strip()
    session.participants = participants.strip()
    session.summary = summary
    session.next_steps = next_steps.strip()
    session.status = _status_for(date, summary)
    session.full_clean()
    session.save()
    if present_structure_ids is not None:
        present = set(present_structure_ids)
        attendances = list(session.attendances.all())
        if attendances and not present:
            raise ValidationError(
                {"present": "Cochez au moins une structure présente, ou laissez la séance prévue."}
            )
        for attendance in attendances:
            attended = attendance.structure_id in present
            if attendance.attended != attended:
                attendance.attended = attended
                attendance.save(update_fields=["attended"])
    _start_plans(session, actor)
    return session


@transaction.atomic
def session_document_add(*, session: Session, actor: User, upload: UploadedFile) -> SessionDocument:
    """Attach a file to the session; checked by content like every upload of the portal."""
    if not actor.has_perm("accompaniment.change_session", session):
        raise PermissionDenied("Seul le prestataire de la séance peut y joindre des documents.")
    kind = validate_upload(upload)
    document = SessionDocument(
        session=session,
        original_name=clean_original_name(upload.name),
        file_kind=kind.code,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save(f"document{kind.extensions[0]}", upload, save=False)
    document.full_clean()
    document.save()
    scanned_file_schedule(scanned=document)
    return document
