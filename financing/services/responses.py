"""Needs and the one financing response of a resident, built by Regain and the structure."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accompaniment.models import DevelopmentPlan, FinancingItem
from applicants.models import Campaign, Dossier, FinancingCategory, Structure
from applicants.models import FinancingNeed as DossierNeed
from ccr_portal.users.models import User

from .. import arithmetic
from ..models import (
    FinancingNeed,
    FinancingRequest,
    FinancingResponse,
    NeedSource,
    RequestUse,
    ResponseLine,
)
from ..workflows import REQUEST_WORKFLOW

# The plan's need items as the dossier's categories.
PLAN_ITEMS = {
    FinancingItem.MOVING: FinancingCategory.MOVING,
    FinancingItem.SHOP_FITOUT: FinancingCategory.SHOP_FITOUT,
    FinancingItem.INITIAL_STOCK: FinancingCategory.INITIAL_STOCK,
    FinancingItem.WORKING_CAPITAL: FinancingCategory.WORKING_CAPITAL,
    FinancingItem.INVESTMENT: FinancingCategory.PRODUCTIVE_INVESTMENT,
}


def _check(actor: User, structure: Structure) -> None:
    if not actor.has_perm("financing.edit_response", structure):
        raise PermissionDenied("Vous ne pouvez pas modifier les besoins de cette structure.")


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def default_month(campaign: Campaign) -> datetime.date:
    return first_of_month(getattr(campaign, "closes_on", None) or timezone.localdate())


@transaction.atomic
def needs_prefill(*, structure: Structure, campaign: Campaign, actor: User) -> int:
    """Fill the needs from the dossier's declared needs, then from the plan's financing
    plan (year N) where it says more: each need keeps its source. Needs already typed by
    hand are kept. Returns the number of needs written."""
    _check(actor, structure)
    return _prefill(structure, campaign)


def _prefill(structure: Structure, campaign: Campaign) -> int:
    found: dict[str, tuple[Decimal, str, str]] = {}
    dossier = Dossier.objects.filter(structure=structure, campaign=campaign).first()
    if dossier is not None:
        for need in DossierNeed.objects.filter(dossier=dossier):
            if need.amount:
                found[need.category] = (need.amount, NeedSource.DOSSIER, need.note)
    plan = DevelopmentPlan.objects.filter(structure=structure, campaign=campaign).first()
    if plan is not None:
        for line in plan.financing_lines.filter(item__in=list(PLAN_ITEMS)):
            category = PLAN_ITEMS[line.item]
            if line.year_n:
                before = found.get(category)
                note = (
                    f"Dossier : {arithmetic.format_euros(before[0])}"
                    if before and before[0] != line.year_n
                    else ""
                )
                found[category] = (line.year_n, NeedSource.PLAN, note)
    existing = {
        need.category: need
        for need in FinancingNeed.objects.filter(structure=structure, campaign=campaign)
    }
    written = 0
    for category, (amount, source, note) in found.items():
        need = existing.get(category)
        if need is not None and need.source in (NeedSource.MANUAL, NeedSource.BFR):
            continue
        need = need or FinancingNeed(
            structure=structure,
            campaign=campaign,
            category=category,
            needed_on=default_month(campaign),
        )
        need.amount, need.source, need.note = amount, source, note[:300]
        need.full_clean()
        need.save()
        written += 1
    return written


@dataclass(frozen=True)
class NeedEntry:
    category: str
    amount: Decimal | None
    needed_on: datetime.date | None
    note: str = ""


@transaction.atomic
def needs_save(
    *, structure: Structure, campaign: Campaign, actor: User, entries: list[NeedEntry]
) -> list[FinancingNeed]:
    """Save the needs by category; an empty amount removes the category's need. A changed
    amount becomes the structure's own figure (source « saisi »)."""
    _check(actor, structure)
    existing = {
        need.category: need
        for need in FinancingNeed.objects.filter(structure=structure, campaign=campaign)
    }
    saved = []
    for entry in entries:
        need = existing.get(entry.category)
        if not entry.amount:
            if need is not None:
                need.delete()
            continue
        if entry.needed_on is None:
            raise ValidationError({f"{entry.category}-needed_on": "Indiquez le mois du besoin."})
        need = need or FinancingNeed(
            structure=structure, campaign=campaign, category=entry.category
        )
        if need.pk is None or need.amount != entry.amount:
            need.source = NeedSource.MANUAL
        need.amount = entry.amount
        need.needed_on = first_of_month(entry.needed_on)
        need.note = entry.note
        need.full_clean()
        need.save()
        saved.append(need)
    return saved


@transaction.atomic
def working_capital_apply(
    *,
    structure: Structure,
    campaign: Campaign,
    actor: User,
    stock: Decimal,
    receivables: Decimal,
    debts: Decimal,
    needed_on: datetime.date,
) -> FinancingNeed:
    """The BFR helper: BFR = stock + short-term receivables − short-term debts fills the
    working-capital need, its three figures kept beside it."""
    _check(actor, structure)
    need, _ = FinancingNeed.objects.get_or_create(
        structure=structure,
        campaign=campaign,
        category=FinancingCategory.WORKING_CAPITAL,
        defaults={"amount": 0, "needed_on": first_of_month(needed_on)},
    )
    need.bfr_stock, need.bfr_receivables, need.bfr_debts = stock, receivables, debts
    need.amount = arithmetic.working_capital(stock, receivables, debts)
    need.needed_on = first_of_month(needed_on)
    need.source = NeedSource.BFR
    need.full_clean()
    need.save()
    return need


def response_for(*, structure: Structure, campaign: Campaign) -> FinancingResponse:
    response, _ = FinancingResponse.objects.get_or_create(structure=structure, campaign=campaign)
    return response


@transaction.atomic
def response_open(
    *, dossier: Dossier, actor: User, note: str = ""
) -> tuple[FinancingResponse, bool]:
    """The selection committee's orientation to the financial accompaniment: the
    structure's response for the campaign opened, or the one it has kept, and its needs
    filled from the dossier and the plan (``needs_prefill``). Returns the response and
    whether it was opened now: only then are the dossier's instructors and the
    structure's members told, with the link to the response.

    Called by the committee's decision, in its transaction: the committee has checked its
    own permission to decide (its chair need not edit responses).
    """
    from applicants import people
    from ccr_portal.notifications.services import notify_many

    structure, campaign = dossier.structure, dossier.campaign
    response, created = FinancingResponse.objects.get_or_create(
        structure=structure, campaign=campaign, defaults={"note": note.strip()}
    )
    _prefill(structure, campaign)
    if created:
        readers = [
            person
            for person in dict.fromkeys(
                [*people.instructors(dossier), *people.structure_members(dossier)]
            )
            if person != actor and person.has_perm("financing.view_response", response)
        ]
        if readers:
            transaction.on_commit(
                lambda: notify_many(
                    recipients=readers,
                    subject=f"Accompagnement financier : {structure}",
                    template="financing_response_opened",
                    context={
                        "structure": structure.name,
                        "campaign": campaign.title,
                        "note": note.strip(),
                    },
                    url=response.get_absolute_url(),
                ),
                robust=True,
            )
    return response, created


@dataclass(frozen=True)
class LineEntry:
    product: object
    category: str
    amount: Decimal
    duration_months: int | None = None
    guaranteed_share: Decimal | None = None
    line: ResponseLine | None = None
    delete: bool = False


@transaction.atomic
def response_save(
    *,
    response: FinancingResponse,
    actor: User,
    entries: list[LineEntry],
    other_resources: Decimal,
    note: str = "",
) -> FinancingResponse:
    """Save the split of the needs across products. Lines are saved even when a rule
    fails: the page explains what fails; a request cannot be deposited until it is fixed.
    A line whose request has left the draft cannot change any more."""
    _check(actor, response.structure)
    response.other_resources = other_resources or 0
    response.note = note
    response.full_clean()
    response.save()
    for entry in entries:
        line = entry.line
        if line is not None and hasattr(line, "request") and not line.request.is_editable:
            continue
        if entry.delete:
            if line is not None:
                if hasattr(line, "request"):
                    line.request.response_line = None
                    line.request.save(update_fields=["response_line"])
                line.delete()
            continue
        line = line or ResponseLine(response=response)
        line.product = entry.product
        line.category = entry.category
        line.amount = entry.amount
        line.duration_months = entry.duration_months
        line.guaranteed_share = entry.guaranteed_share
        line.full_clean()
        line.save()
        if hasattr(line, "request") and line.request.is_editable:
            request = line.request
            request.product, request.amount = line.product, line.amount
            request.duration_months, request.guaranteed_share = (
                line.duration_months,
                line.guaranteed_share,
            )
            request.save()
    return response


@transaction.atomic
def response_create_requests(*, response: FinancingResponse, actor: User) -> list:
    """Each line of the response without a request becomes a draft request, its use line
    the need it finances."""
    _check(actor, response.structure)
    created = []
    for line in response.lines.select_related("product").filter(request__isnull=True):
        request = FinancingRequest(
            structure=response.structure,
            campaign=response.campaign,
            product=line.product,
            response_line=line,
            amount=line.amount,
            duration_months=line.duration_months,
            guaranteed_share=line.guaranteed_share,
            created_by=actor,
        )
        request.full_clean()
        request.save()
        RequestUse.objects.create(request=request, category=line.category, amount=line.amount)
        REQUEST_WORKFLOW.record_event(request, actor=actor, event="create")
        created.append(request)
    return created
