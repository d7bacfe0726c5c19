"""The few queries that feed ``figures``: plain data out, whatever the number of rows.

The scheme reads the other apps and never writes to them. ``load_facts`` runs a fixed
number of queries (one per kind of row) and hands ``figures`` frozen dataclasses.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db.models import Case, Count, DateField, Q, Sum, Value, When
from django.db.models.functions import Cast, TruncMonth

from accompaniment.models import ActionStatus, PlanAction
from applicants.models import (
    Dossier,
    DossierStatus,
    FinancingCategory,
    FinancingNeed,
    SitePreference,
)
from ccr_portal.users.models import Provider
from committee.models import Decision
from diagnostics.models import Diagnostic, DiagnosticStatus, ProviderCapacity
from financing.models import CreditLine

from .cache import cached, data_versions
from .figures import (
    ActionFact,
    Assumptions,
    DiagnosticFact,
    Envelope,
    Facts,
    MoneyNeed,
    MoneySummary,
    NeedSummary,
    Period,
    ProviderFact,
    SchemeFact,
    StructureFacts,
    needs_of,
    running_months,
    spread,
    summarise,
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
    return Facts(
        structures=load_structures(),
        providers=load_providers(period),
        schemes=load_schemes(),
        assumptions=assumptions(),
    )


def load_offer(period: Period) -> Facts:
    """The offer side of the facts alone (providers, existing schemes, assumptions): the
    need comes from ``summaries`` (three small queries)."""
    return Facts(
        structures=[],
        providers=load_providers(period),
        schemes=load_schemes(),
        assumptions=assumptions(),
    )


def load_structures(*, with_sites: bool = True) -> list[StructureFacts]:
    """The structures of ``load_facts`` (a fixed number of queries, rows as tuples).

    ``with_sites=False`` leaves their site out (no figure reads it: two queries less).
    """
    names: dict[int, str] = {}
    wishes: dict[int, list[str]] = defaultdict(list)
    # The dossiers with their wishes (one row per wish), by structure then wish.
    for structure_id, name, axis in (
        Dossier.objects.exclude(status__in=NOT_COUNTED)
        .values_list("structure_id", "structure__name", "axis_wishes__axis")
        .order_by("structure_id", "axis_wishes__pk")
    ):
        names[structure_id] = name
        if axis is not None and axis not in wishes[structure_id]:
            wishes[structure_id].append(axis)

    # The diagnostics with their recommendations (one row per recommendation), counted
    # for a validated or covered one only.
    diagnostics: dict[int, list] = defaultdict(list)
    concluded_statuses = (DiagnosticStatus.VALIDATED, DiagnosticStatus.COVERED)
    covered, validated = DiagnosticStatus.COVERED, DiagnosticStatus.VALIDATED
    rows = (
        Diagnostic.objects.exclude(status=DiagnosticStatus.DECLINED)
        .values_list(
            "pk",
            "structure_id",
            "structure__name",
            "kind",
            "status",
            "due_date",
            "validated_at",
            "covered_on",
            "axis_recommendations__axis",
            "axis_recommendations__days",
        )
        .order_by("pk", "axis_recommendations__axis")
    )
    for (_pk, structure_id, name, kind, status, due, validated_at, covered_on), group in groupby(
        rows, key=itemgetter(slice(0, 8))
    ):
        names.setdefault(structure_id, name)
        concluded = covered_on if status == covered else None
        if status == validated and validated_at:
            concluded = validated_at.date()
        recommendations = ()
        if status in concluded_statuses:
            recommendations = tuple((row[8], row[9]) for row in group if row[8] is not None)
        diagnostics[structure_id].append(
            DiagnosticFact(
                kind=kind,
                status=status,
                due_date=due,
                concluded_on=concluded,
                recommendations=recommendations,
            )
        )

    actions: dict[int, list] = defaultdict(list)
    completed = ActionStatus.COMPLETED
    for structure_id, axis, days, status in PlanAction.objects.values_list(
        "plan__structure_id", "axis", "planned_days", "status"
    ).order_by("pk"):
        if structure_id in names:
            actions[structure_id].append(
                ActionFact(axis=axis, days=days, completed=status == completed)
            )

    sites = {}
    if with_sites:
        sites = dict(
            SitePreference.objects.filter(rank=1)
            .exclude(dossier__status__in=NOT_COUNTED)
            .values_list("dossier__structure_id", "site__code")
            .order_by("dossier_id")
        )
        sites.update(
            Decision.objects.filter(site__isnull=False)
            .exclude(item__dossier__status__in=NOT_COUNTED)
            .values_list("item__dossier__structure_id", "site__code")
            .order_by("pk")
        )

    return [
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


@dataclass(frozen=True)
class Summaries:
    """What a period's figures read, whatever the number of structures: the need (in
    days and in money, summarised) and the offer (in days and the funds' envelopes)."""

    needs: NeedSummary
    money: MoneySummary
    offer: Facts  # without structures (``load_offer``)
    envelopes: list[Envelope]


def summaries(period: Period) -> Summaries:
    """The need in days (``figures.summarise`` of every structure's need lines), the
    financing needs (summed by the database) and the offer, cached per state of the data
    they read (``scheme.cache``): a full scan only when something there has changed."""
    facts_assumptions = assumptions()
    versions = data_versions("needs", "offer") or {}

    def needs() -> tuple[NeedSummary, MoneySummary]:
        lines = needs_of(load_structures(with_sites=False), period, facts_assumptions)
        return summarise(lines), money_summary(period)

    key = (period, facts_assumptions)
    days, money = cached("needs", versions.get("needs"), key, needs)
    offer, envelopes = cached(
        "offer", versions.get("offer"), key, lambda: (load_offer(period), load_envelopes(period))
    )
    return Summaries(needs=days, money=money, offer=offer, envelopes=envelopes)


def money_summary(period: Period) -> MoneySummary:
    """``figures.summarise_money(load_money_needs(), period)``, summed by the database
    (two queries): the amount per category and month the structure moves in (now if
    earlier or unknown, left out if after the period), and the structures per category."""
    move_in = "dossier__expected_move_in"
    placed = (
        FinancingNeed.objects.exclude(dossier__status__in=NOT_COUNTED)
        .filter(Q(**{f"{move_in}__isnull": True}) | Q(**{f"{move_in}__lte": period.last_day}))
        .annotate(
            month=Case(
                When(
                    Q(**{f"{move_in}__isnull": True}) | Q(**{f"{move_in}__lt": period.start}),
                    then=Value(period.start),
                ),
                default=Cast(TruncMonth(move_in), output_field=DateField()),
                output_field=DateField(),
            )
        )
    )
    amounts = {
        (category, month): amount
        for category, month, amount in placed.values_list("category", "month")
        .annotate(amount=Sum("amount"))
        .order_by()
    }
    structures = dict(
        placed.values_list("category")
        .annotate(count=Count("dossier__structure_id", distinct=True))
        .order_by()
    )
    return MoneySummary(amounts=amounts, structures=structures)


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


def load_money_needs() -> list[MoneyNeed]:
    """The financing needs of the dossiers in the scheme, with their moving-in date."""
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
