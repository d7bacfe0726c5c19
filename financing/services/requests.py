"""A financing request: its terms and uses, its steps on the workflow, its documents,
messages and disbursements."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from applicants.models import DocumentType
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.formatting import format_euros
from ccr_portal.uploads import clean_original_name, validate_upload
from ccr_portal.users.models import Role, User
from ccr_portal.workflow import Speaker, TransitionRefused

from ..models import Disbursement, FinancingRequest, RequestDocument, RequestMessage, RequestUse
from ..workflows import REQUEST_WORKFLOW


def _locked(request: FinancingRequest) -> FinancingRequest:
    return FinancingRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


@transaction.atomic
def request_update(
    *,
    request: FinancingRequest,
    actor: User,
    amount: Decimal,
    duration_months: int | None,
    deferral_months: int,
    guaranteed_share: Decimal | None,
    project: str,
    uses: list[tuple[str, Decimal, str]],
) -> FinancingRequest:
    """Change a draft (or a request sent back for changes): its terms and its use lines.
    The uses may not add up yet: depositing checks it."""
    request = _locked(request)
    if not actor.has_perm("financing.edit_request", request):
        raise TransitionRefused(
            f"La demande ne peut plus être modifiée : elle est « {request.get_status_display()} »."
        )
    request.amount = amount
    request.duration_months = duration_months
    request.deferral_months = deferral_months or 0
    request.guaranteed_share = guaranteed_share
    request.project = project
    request.full_clean()
    request.save()
    request.uses.all().delete()
    for category, use_amount, note in uses:
        use = RequestUse(request=request, category=category, amount=use_amount, note=note)
        use.full_clean()
        use.save()
    if request.response_line_id:
        line = request.response_line
        line.amount, line.duration_months = request.amount, request.duration_months
        line.guaranteed_share = request.guaranteed_share
        line.save()
    REQUEST_WORKFLOW.record_event(request, actor=actor, event="update")
    return request


def request_transition(
    *, request: FinancingRequest, actor: User, action: str, comment: str = "", **data
):
    """One step of the request's workflow (the table in ``financing.workflows``)."""
    return REQUEST_WORKFLOW.perform(request, actor=actor, action=action, comment=comment, **data)


def speaker_of(actor: User, request: FinancingRequest) -> str:
    from ..models import funder_ids

    if actor.has_role(Role.COORDINATOR):
        return Speaker.COORDINATION
    if request.product.funder_id in funder_ids(actor):
        return Speaker.FUNDER
    return Speaker.STRUCTURE


@transaction.atomic
def request_message_post(*, request: FinancingRequest, actor: User, body: str) -> RequestMessage:
    """A message between the structure, Regain and the fund; everyone who reads the
    request is told, the author excepted."""
    from applicants import people
    from ccr_portal.notifications.services import notify_many

    from ..people import fund_officers

    if not actor.has_perm("financing.post_message", request):
        raise PermissionDenied("Vous ne pouvez pas écrire sur cette demande.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Écrivez votre message."})
    message = RequestMessage.objects.create(
        request=request, author=actor, speaker=speaker_of(actor, request), body=body[:5000]
    )
    readers = [
        person
        for person in dict.fromkeys(
            [
                *people.structure_members(request),
                *people.instructors(request),
                *fund_officers(request),
            ]
        )
        if person != actor and person.has_perm("financing.view_request", request)
    ]
    if readers:
        transaction.on_commit(
            lambda: notify_many(
                recipients=readers,
                subject=f"Nouveau message sur la demande {request}",
                template="financing_request_message",
                context={"request": str(request), "author": actor.display_name, "body": body},
                url=request.get_absolute_url() + "#messages",
            ),
            robust=True,
        )
    return message


@transaction.atomic
def request_document_add(
    *,
    request: FinancingRequest,
    actor: User,
    upload: UploadedFile,
    document_type: DocumentType | None = None,
) -> RequestDocument:
    """One file joined to the request (checked by content, scanned like the dossier's)."""
    request = _locked(request)
    if not actor.has_perm("financing.add_document", request):
        raise PermissionDenied("Vous ne pouvez plus ajouter de pièce à cette demande.")
    kind = validate_upload(upload)
    document = RequestDocument(
        request=request,
        document_type=document_type,
        original_name=clean_original_name(upload.name),
        file_kind=kind.code,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save(f"piece{kind.extensions[0]}", upload, save=False)
    document.full_clean()
    document.save()
    scanned_file_schedule(scanned=document)
    return document


@transaction.atomic
def disbursement_record(
    *, request: FinancingRequest, actor: User, day: datetime.date, amount: Decimal, note: str = ""
) -> Disbursement:
    """A payment of the granted money; the payments never exceed the granted amount."""
    request = _locked(request)
    if not actor.has_perm("financing.record_disbursement", request):
        raise PermissionDenied("Seuls la coordination et le financeur enregistrent un versement.")
    paid = sum((d.amount for d in request.disbursements.all()), Decimal("0"))
    if paid + amount > request.granted_amount:
        raise ValidationError(
            {
                "amount": f"Les versements dépasseraient le montant accordé "
                f"({format_euros(request.granted_amount)}) : {format_euros(paid)} déjà versés."
            }
        )
    disbursement = Disbursement(
        request=request, day=day, amount=amount, note=note, recorded_by=actor
    )
    disbursement.full_clean()
    disbursement.save()
    REQUEST_WORKFLOW.record_event(
        request,
        actor=actor,
        event="disbursement",
        comment=f"{format_euros(amount)} le {day:%d/%m/%Y}",
    )
    return disbursement
