"""What the diagnostic workflow does besides moving the status: named on its table's rows.

Guards check the data a step carries (``ValidationError`` keyed by domain names, nothing
written); effects set what the step changes and return the lines the notification adds.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from ccr_portal.axes import Axis
from ccr_portal.formatting import format_date, with_preposition
from ccr_portal.uploads import clean_original_name, validate_upload

from .models import (
    CONCLUSION_FIELDS,
    CoverSource,
    Diagnostic,
    DiagnosticTransition,
    IntegrationRecommendation,
)

# --- Triage --------------------------------------------------------------------------


def keep_decline_reason(diagnostic: Diagnostic, *, actor, record, data) -> None:
    diagnostic.decline_reason = record.comment


def check_cover(diagnostic: Diagnostic, *, actor, data) -> None:
    """The existing diagnostic: who made it, when, and its document."""
    errors = {}
    source, source_name = data.get("source", ""), (data.get("source_name") or "").strip()
    covered_on, upload = data.get("covered_on"), data.get("upload")
    if source not in CoverSource.values:
        errors["source"] = "Choisissez qui a réalisé le diagnostic existant."
    if source == CoverSource.OTHER and not source_name:
        errors["source_name"] = "Nommez l'organisme qui a réalisé le diagnostic."
    if covered_on is None:
        errors["covered_on"] = "Indiquez la date du diagnostic existant."
    elif covered_on > timezone.localdate():
        errors["covered_on"] = "La date du diagnostic existant ne peut pas être dans le futur."
    if upload is None:
        errors["document"] = "Joignez le document du diagnostic existant."
    else:
        try:
            data["file_kind"] = validate_upload(upload)
        except ValidationError as error:
            errors["document"] = error.messages
    if errors:
        raise ValidationError(errors)


def keep_cover(diagnostic: Diagnostic, *, actor, record, data) -> None:
    source_name = (data.get("source_name") or "").strip()
    source_label = source_name or CoverSource(data["source"]).label
    record.comment = f"Diagnostic existant : {source_label}, {format_date(data['covered_on'])}."
    upload = data["upload"]
    diagnostic.covered_source = data["source"]
    diagnostic.covered_source_name = source_name
    diagnostic.covered_on = data["covered_on"]
    diagnostic.covered_document_name = clean_original_name(upload.name)
    diagnostic.covered_document.save(
        f"diagnostic{data['file_kind'].extensions[0]}", upload, save=False
    )


# --- Assignment ----------------------------------------------------------------------


def check_assignment(diagnostic: Diagnostic, *, actor, data) -> None:
    """A provider, one of its consultants if one is named, a due date not yet past."""
    errors = {}
    provider, consultant, due_date = (
        data.get("provider"),
        data.get("consultant"),
        data.get("due_date"),
    )
    if provider is None:
        errors["provider"] = "Choisissez le prestataire."
    if (
        consultant is not None
        and provider is not None
        and not provider.consultants().filter(pk=consultant.pk).exists()
    ):
        errors["consultant"] = f"Choisissez un consultant de {provider}."
    if due_date is None:
        errors["due_date"] = "Indiquez l'échéance."
    elif due_date < timezone.localdate():
        errors["due_date"] = "L'échéance ne peut pas être passée."
    if errors:
        raise ValidationError(errors)


def keep_assignment(diagnostic: Diagnostic, *, actor, record, data) -> list[str]:
    provider, consultant, due_date = data["provider"], data.get("consultant"), data["due_date"]
    record.comment = f"{provider}, échéance le {format_date(due_date)}."
    diagnostic.provider = provider
    diagnostic.consultant = consultant
    diagnostic.due_date = due_date
    diagnostic.assigned_at = timezone.now()
    details = [f"Prestataire : {provider}.", f"Échéance : {format_date(due_date)}."]
    if consultant is not None:
        details.insert(1, f"Consultant : {consultant.display_name}.")
    return details


def check_reassignment(diagnostic: Diagnostic, *, actor, data) -> None:
    """Another provider or another consultant, with a due date not yet past."""
    check_assignment(diagnostic, actor=actor, data=data)
    if (data["provider"], data.get("consultant")) == (diagnostic.provider, diagnostic.consultant):
        raise ValidationError(
            {"provider": "Choisissez un autre prestataire ou un autre consultant."}
        )


def keep_reassignment(diagnostic: Diagnostic, *, actor, record, data) -> list[str]:
    """The new provider must accept the diagnostic in its turn; the one it leaves is told."""
    previous = diagnostic.provider
    previous_who = str(previous)
    if diagnostic.consultant is not None:
        previous_who += f" ({diagnostic.consultant.display_name})"
    # Read by ``people.released_provider_consultants`` once the change is committed.
    diagnostic.released_provider = previous
    diagnostic.released_consultant = diagnostic.consultant
    reason = record.comment
    details = keep_assignment(diagnostic, actor=actor, record=record, data=data)
    new_who = str(diagnostic.provider)
    if diagnostic.consultant is not None:
        new_who += f" ({diagnostic.consultant.display_name})"
    record.comment = f"{previous_who} → {new_who}, échéance le {format_date(data['due_date'])}."
    record.comment += f"\nMotif : {reason}"
    # The notification quotes the comment (the change and its motive) and adds the due date.
    return details[-1:]


def check_due_date(diagnostic: Diagnostic, *, actor, data) -> None:
    due_date = data.get("due_date")
    if due_date is None:
        raise ValidationError({"due_date": "Indiquez la nouvelle échéance."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "L'échéance ne peut pas être passée."})
    if due_date == diagnostic.due_date:
        raise ValidationError({"due_date": "C'est déjà l'échéance du diagnostic."})


def keep_due_date(diagnostic: Diagnostic, *, actor, record, data) -> None:
    previous, due_date = diagnostic.due_date, data["due_date"]
    diagnostic.due_date = due_date
    record.comment = (
        f"Échéance : {format_date(previous)} → {format_date(due_date)}.\nMotif : {record.comment}"
    )


def take_assignment(diagnostic: Diagnostic, *, actor, record, data) -> None:
    """The consultant who accepts is in charge, unless the coordination named one."""
    if diagnostic.consultant_id is None:
        diagnostic.consultant = actor


def release_assignment(diagnostic: Diagnostic, *, actor, record, data) -> list[str]:
    """Back in the queue, free for another provider."""
    details = [f"Prestataire : {diagnostic.provider}."]
    diagnostic.provider = diagnostic.consultant = diagnostic.due_date = None
    diagnostic.assigned_at = None
    return details


# --- The grid and its validation -----------------------------------------------------


def grid_problems(diagnostic: Diagnostic) -> dict[str, str]:
    """What is missing before delivery, keyed by domain names (``themes.<theme>.score``,
    ``themes.<theme>.observations``, ``axes.<axis>.days``, a conclusion's field name)."""
    problems = {}
    lines = {line.theme: line for line in diagnostic.scores.all()}
    for theme in diagnostic.themes:
        line = lines.get(theme.value)
        if line is None or line.score is None:
            problems[f"themes.{theme.value}.score"] = "Donnez une appréciation de 1 à 4."
        if line is None or not line.observations.strip():
            problems[f"themes.{theme.value}.observations"] = "Écrivez vos observations."
    for name in CONCLUSION_FIELDS:
        if not getattr(diagnostic, name):
            problems[name] = "Ce champ est obligatoire pour remettre le diagnostic."
    if (
        diagnostic.is_full
        and diagnostic.recommendation == IntegrationRecommendation.READY_WITH_SECURING
        and not diagnostic.axis_recommendations.filter(axis=Axis.SECURING).exists()
    ):
        problems[f"axes.{Axis.SECURING}.days"] = (
            "Vous recommandez un accompagnement de sécurisation : estimez ses jours."
        )
    return problems


def require_complete_grid(diagnostic: Diagnostic, *, actor, data) -> None:
    problems = grid_problems(diagnostic)
    if problems:
        raise ValidationError(problems)


def stamp_delivered(diagnostic: Diagnostic, *, actor, record, data) -> None:
    diagnostic.delivered_at = timezone.now()


def stamp_validated(diagnostic: Diagnostic, *, actor, record, data) -> None:
    diagnostic.validated_at = timezone.now()


def reopen_sign_off(diagnostic: Diagnostic, *, actor, record, data) -> None:
    """The conclusions will change: the structure signs off the new version."""
    diagnostic.signed_off_at = diagnostic.signed_off_by = None


# --- Telling ---------------------------------------------------------------------------


def status_notice(diagnostic: Diagnostic, record: DiagnosticTransition, transition, details):
    return {
        "subject": f"{diagnostic.get_kind_display()} "
        f"{with_preposition('de', diagnostic.structure)} : "
        f"{record.get_to_status_display().lower()}",
        "template": "diagnostic_status_changed",
        "context": {
            "structure": diagnostic.structure.name,
            "kind": diagnostic.get_kind_display(),
            "purpose": diagnostic.get_purpose_display(),
            "description": transition.description,
            "from_status": record.get_from_status_display(),
            "to_status": record.get_to_status_display(),
            "comment": record.comment if transition.needs_reason else "",
            "details": details,
        },
        "url": diagnostic.get_absolute_url(),
    }
