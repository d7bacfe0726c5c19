"""The scheme's only writes: a saved scenario, a PDF's request. Nothing of other apps."""

from django.db import transaction

from .figures import ScenarioParameters
from .models import OfferScheme, Scenario, SchemeReport


@transaction.atomic
def scenario_save(*, name: str, note: str, parameters: ScenarioParameters, saved_by) -> Scenario:
    scenario = Scenario(name=name, note=note, parameters=parameters.as_dict(), created_by=saved_by)
    scenario.full_clean()
    scenario.save()
    return scenario


@transaction.atomic
def scheme_report_request(
    *,
    kind: str,
    period_start,
    period_end,
    requested_by,
    months: int = 6,
    payer: str = "",
    scenario_ids=(),
) -> SchemeReport:
    """The row a brief or a report's PDF is rendered from (the documents pipeline's subject).

    Asking again for the same period, funder and scenarios reuses the row, so that the
    pipeline finds its document again instead of rendering a copy.
    """
    wanted = sorted(Scenario.objects.filter(pk__in=list(scenario_ids)).values_list("pk", flat=True))
    for existing in SchemeReport.objects.filter(
        kind=kind, period_start=period_start, period_end=period_end, months=months, payer=payer
    ).prefetch_related("scenarios"):
        if sorted(scenario.pk for scenario in existing.scenarios.all()) == wanted:
            return existing
    report = SchemeReport(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        months=months,
        payer=payer,
        requested_by=requested_by,
    )
    report.full_clean()
    report.save()
    report.scenarios.set(wanted)
    return report


_OFFER_FIELDS = (
    "name", "kind", "axis", "payer", "places", "days_per_place", "starts_on", "ends_on", "note",
)  # fmt: skip


@transaction.atomic
def offer_scheme_save(*, scheme: OfferScheme | None = None, **fields) -> OfferScheme:
    """Record an existing scheme as offer, or correct one."""
    scheme = scheme or OfferScheme()
    for name in _OFFER_FIELDS:
        if name in fields:
            setattr(scheme, name, fields[name])
    scheme.full_clean()
    scheme.save()
    return scheme


@transaction.atomic
def offer_scheme_delete(*, scheme: OfferScheme) -> None:
    scheme.delete()
