"""The few queries that feed ``figures``: plain data out, whatever the number of rows.

The scheme reads the other apps and never writes to them. ``load_facts`` runs a fixed
number of queries (one per kind of row) and hands ``figures`` frozen dataclasses.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings

from accompaniment.models import ActionStatus, PlanAction
from applicants.models import AxisWish, Dossier, DossierStatus, FinancingCategory, SitePreference
from ccr_portal.users.models import Provider
from committee.models import Decision
from diagnostics.models import AxisRecommendation, Diagnostic, DiagnosticStatus, ProviderCapacity
from financing.models import CreditLine

from .figures import (
    ActionFact,
    Assumptions,
    DiagnosticFact,
    Envelope,
    Facts,
    Period,
    ProviderFact,
    SchemeFact,
    StructureFacts,
    running_months,
    spread,
)
from .models import OfferScheme

# The dossiers whose structures count in the need: neither drafts nor closed ones.
NOT_COUNTED = (DossierStatus.DRAFT, DossierStatus.REJECTED, DossierStatus.WITHDRAWN)


def assumptions() -> Assumptions:
    return Assumptions(
        default_days={
            axis: Decimal(str(days)) for axis, days in settings.SCHEME_DEFAULT_DAYS.items()
        },
        diagnostic_days={
            kind: Decimal(str(days)) for kind, days in settings.DIAGNOSTIC_DAYS.items()
        },
        default_rate=Decimal(str(settings.SCHEME_DEFAULT_DAILY_RATE)),
    )


def load_facts(period: Period) -> Facts:
    """Every structure in the scheme with what the figures need to know of it.

    In the scheme: a structure with a dossier that is neither a draft, rejected nor
    withdrawn, or with a diagnostic that was not declined.
    """
    names: dict[int, str] = {}
    wishes: dict[int, list[str]] = defaultdict(list)
    dossier_rows = (
        Dossier.objects.exclude(status__in=NOT_COUNTED)
        .values_list("pk", "structure_id", "structure__name")
        .order_by("pk")
    )
    dossier_structure = {}
    for dossier_id, structure_id, name in dossier_rows:
        names[structure_id] = name
        dossier_structure[dossier_id] = structure_id
    for structure_id, axis in (
        AxisWish.objects.filter(dossier__in=dossier_structure.keys())
        .values_list("dossier__structure_id", "axis")
        .order_by("dossier__structure_id", "pk")
    ):
        if axis not in wishes[structure_id]:
            wishes[structure_id].append(axis)

    recommendations: dict[int, list] = defaultdict(list)
    for diagnostic_id, axis, days in (
        AxisRecommendation.objects.filter(
            diagnostic__status__in=(DiagnosticStatus.VALIDATED, DiagnosticStatus.COVERED)
        )
        .values_list("diagnostic_id", "axis", "days")
        .order_by("diagnostic_id", "axis")
    ):
        recommendations[diagnostic_id].append((axis, days))
    diagnostics: dict[int, list] = defaultdict(list)
    for row in (
        Diagnostic.objects.exclude(status=DiagnosticStatus.DECLINED)
        .values(
            "pk",
            "structure_id",
            "structure__name",
            "kind",
            "status",
            "due_date",
            "validated_at",
            "covered_on",
        )
        .order_by("pk")
    ):
        names.setdefault(row["structure_id"], row["structure__name"])
        concluded = row["covered_on"] if row["status"] == DiagnosticStatus.COVERED else None
        if row["status"] == DiagnosticStatus.VALIDATED and row["validated_at"]:
            concluded = row["validated_at"].date()
        diagnostics[row["structure_id"]].append(
            DiagnosticFact(
                kind=row["kind"],
                status=row["status"],
                due_date=row["due_date"],
                concluded_on=concluded,
                recommendations=tuple(recommendations.get(row["pk"], ())),
            )
        )

    actions: dict[int, list] = defaultdict(list)
    for structure_id, axis, days, status in (
        PlanAction.objects.filter(plan__structure_id__in=names.keys())
        .values_list("plan__structure_id", "axis", "planned_days", "status")
        .order_by("pk")
    ):
        actions[structure_id].append(
            ActionFact(axis=axis, days=days, completed=status == ActionStatus.COMPLETED)
        )

    sites = dict(
        SitePreference.objects.filter(rank=1, dossier__in=dossier_structure.keys())
        .values_list("dossier__structure_id", "site__code")
        .order_by("dossier_id")
    )
    sites.update(
        Decision.objects.filter(site__isnull=False, item__dossier__in=dossier_structure.keys())
        .values_list("item__dossier__structure_id", "site__code")
        .order_by("pk")
    )

    structures = [
        StructureFacts(
            id=structure_id,
            name=name,
            site=sites.get(structure_id, ""),
            diagnostics=tuple(diagnostics.get(structure_id, ())),
            actions=tuple(actions.get(structure_id, ())),
            wished_axes=tuple(wishes.get(structure_id, ())),
        )
        for structure_id, name in sorted(names.items())
    ]
    return Facts(
        structures=structures,
        providers=load_providers(period),
        schemes=load_schemes(),
        assumptions=assumptions(),
    )


def load_providers(period: Period) -> list[ProviderFact]:
    declared: dict[int, dict] = defaultdict(dict)
    for provider_id, month, days in ProviderCapacity.objects.filter(
        month__gte=period.start, month__lte=period.end
    ).values_list("provider_id", "month", "consultant_days"):
        declared[provider_id][month] = days
    return [
        ProviderFact(
            id=row["pk"],
            name=row["short_name"] or row["name"],
            axes=tuple(row["axes"] or ()),
            rate=row["daily_rate"],
            payer=row["funding_scheme"] or "other",
            usual_days=row["monthly_capacity_days"],
            declared=declared.get(row["pk"], {}),
        )
        for row in Provider.objects.values(
            "pk",
            "name",
            "short_name",
            "axes",
            "daily_rate",
            "funding_scheme",
            "monthly_capacity_days",
        ).order_by("name", "pk")
    ]


def load_schemes() -> list[SchemeFact]:
    return [
        SchemeFact(
            id=scheme.pk,
            name=scheme.name,
            axis=scheme.axis,
            payer=scheme.payer,
            total_days=scheme.total_days,
            starts_on=scheme.starts_on,
            ends_on=scheme.ends_on,
        )
        for scheme in OfferScheme.objects.order_by("starts_on", "pk")
    ]


def provider_choices() -> list[tuple[int, str]]:
    return list(Provider.objects.order_by("name").values_list("pk", "short_name"))


def load_money_needs() -> list:
    """The financing needs of the dossiers in the scheme, with their moving-in date."""
    from applicants.models import FinancingNeed

    from .figures import MoneyNeed

    return [
        MoneyNeed(structure_id, name, category, amount, due_on)
        for structure_id, name, category, amount, due_on in FinancingNeed.objects.exclude(
            dossier__status__in=NOT_COUNTED
        )
        .values_list(
            "dossier__structure_id",
            "dossier__structure__name",
            "category",
            "amount",
            "dossier__expected_move_in",
        )
        .order_by("pk")
    ]


def load_envelopes(period: Period) -> list[Envelope]:
    """The funds' dedicated credit lines as envelopes by category and month (one query).

    A line's amount is spread equally over the months it runs (to the cent, the rest in
    its last month), as an existing scheme's days are; the months of the period are kept.
    Its category is what the products it covers may finance (a product with no allowed
    use finances every need): every category gives one envelope for « any » (""); a
    narrower set shares each month's amount equally between its categories, so that no
    euro is counted for a need the line cannot finance. A line covering no product
    gives nothing.
    """
    lines: dict[int, dict] = {}
    for pk, short_name, name, amount, starts_on, ends_on, uses in (
        CreditLine.objects.filter(starts_on__lte=period.last_day, ends_on__gte=period.start)
        .values_list(
            "pk",
            "funder__short_name",
            "funder__name",
            "amount",
            "starts_on",
            "ends_on",
            "products__allowed_uses",
        )
        .order_by("pk")
    ):
        line = lines.setdefault(
            pk,
            {
                "fund": short_name or name,
                "amount": amount,
                "months": running_months(starts_on, ends_on),
            },
        )
        if uses is not None:
            line.setdefault("uses", set()).update(uses or FinancingCategory.values)
    envelopes = []
    for line in lines.values():
        uses = line.get("uses")
        if not uses:
            continue
        categories = [""] if uses >= set(FinancingCategory.values) else sorted(uses)
        for month, amount in spread(line["amount"], line["months"]):
            if not period.start <= month <= period.end:
                continue
            for category, part in spread(amount, categories):
                envelopes.append(Envelope(line["fund"], category, part, month))
    return envelopes
