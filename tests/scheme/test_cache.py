"""The pages' figures from the cached summaries: the same figures as every structure's
need lines, recomputed as soon as any data they read changes, in a fixed number of
queries."""

import datetime
import re
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import ActionStatus, DevelopmentPlan, PlanAction, Session
from applicants.models import AxisWish, Dossier, FinancingCategory, FinancingNeed, Structure
from bench.generate import generate
from ccr_portal.users.models import Provider
from diagnostics.models import AxisRecommendation, Diagnostic
from scheme.cache import data_version, tracked_tables
from scheme.exports import comparison_rows, quantification_sheets
from scheme.figures import (
    AddedProvider,
    Period,
    ScenarioParameters,
    money_figures,
    month_of,
    scenario_figures,
    summarise_money,
    today_figures,
)
from scheme.models import DataChange, OfferScheme, Scenario
from scheme.report import activity_report, report_sections
from scheme.selectors import (
    load_envelopes,
    load_facts,
    load_money_needs,
    load_offer,
    load_structures,
    money_summary,
    summaries,
)
from tests.conftest import require

from .conftest import build_scheme

pytestmark = pytest.mark.django_db

CACHED = "les chiffres ne sont mis en cache que sur PostgreSQL (ses déclencheurs)"


def cached_on_postgresql():
    require(connection.vendor == "postgresql", CACHED)


SCENARIOS = [
    ScenarioParameters(),
    ScenarioParameters(
        residents=35,
        full_share=30,
        securing_before_selection=True,
        selection_month=3,
        added_provider=AddedProvider(
            "Renfort", ("securing", "cooperation"), Decimal("7"), Decimal("500"), "region"
        ),
    ),
]


def figures_of(quantification) -> list:
    """Every figure a page, the brief or an export shows, as comparable values."""
    rows = [
        (
            row.axis,
            row.rate,
            row.structures,
            row.need,
            row.offer,
            row.gap,
            row.gap_euros,
            list(row.need_by_kind.items()),
            list(row.sources.items()),
            sorted(row.offer_by_payer.items()),
            sorted(row.gap_by_payer.items()),
            [(month, asdict(cell)) for month, cell in row.months.items()],
        )
        for row in quantification.rows
    ]
    return [
        quantification.structures,
        rows,
        quantification.month_totals(),
        quantification.payers(),
        [row["values"] for row in comparison_rows([("", quantification)])],
    ]


def money_of(rows) -> list:
    return [
        (row.category, row.structures, [(m, asdict(c)) for m, c in row.months.items()])
        for row in rows
    ]


def assert_same_figures(period):
    """The cached path (summaries) against the lines of every structure (load_facts)."""
    facts = load_facts(period)
    need = summaries(period)
    offer = load_offer(period)
    assert figures_of(today_figures(offer, period, need.needs)) == figures_of(
        today_figures(facts, period)
    )
    for parameters in SCENARIOS:
        assert figures_of(scenario_figures(offer, period, parameters, need.needs)) == figures_of(
            scenario_figures(facts, period, parameters)
        )
    envelopes = load_envelopes(period)
    assert money_of(
        money_figures(need.money, envelopes, period, FinancingCategory.values)
    ) == money_of(money_figures(load_money_needs(), envelopes, period, FinancingCategory.values))
    return today_figures(facts, period)


def periods():
    this_month = month_of(timezone.localdate())
    return [
        Period(this_month, settings.SCHEME_PERIOD_MONTHS),
        Period(datetime.date(this_month.year - 1, this_month.month, 1), 12),
        Period(datetime.date(this_month.year + 1, 1, 1), 6),
    ]


def test_the_cached_figures_are_the_need_lines_figures_on_the_generated_base():
    generate(structures=40)
    for period in periods():
        figures = assert_same_figures(period)
    assert figures.structures > 0
    assert figures.need > 0


def test_the_cached_figures_are_the_hand_computed_ones(today_month):
    build_scheme(4)
    period = Period(today_month, 4)
    figures = today_figures(load_offer(period), period, summaries(period).needs)
    # As in test_pages: A, two light requests of one day; B, two diagnostics
    # recommending 3 days and two dossiers wishing B at 4 default days.
    assert figures.row("diagnostic").need == Decimal("2")
    assert figures.row("securing").need == Decimal("14")
    assert figures.row("securing").sources == {"diagnostic": 2, "wishes": 2}
    assert figures.structures == 4
    assert figures.needs == []  # the lines stay with load_facts


def test_the_database_sums_the_financing_needs_as_the_lines_do(today_month):
    scheme = build_scheme(3)
    period = Period(today_month, 4)
    dossiers = list(Dossier.objects.order_by("pk"))
    # Moving in before the period (counted now), in its third month, after it (left out).
    for dossier, move_in in zip(
        dossiers,
        [today_month - datetime.timedelta(days=40), period.months[2] + datetime.timedelta(9)],
        strict=False,
    ):
        Dossier.objects.filter(pk=dossier.pk).update(expected_move_in=move_in)
    Dossier.objects.filter(pk=dossiers[2].pk).update(
        expected_move_in=period.last_day + datetime.timedelta(1)
    )
    for dossier, amount in zip(dossiers, ["1000.50", "2000", "999"], strict=True):
        FinancingNeed.objects.create(dossier=dossier, category="works", amount=Decimal(amount))
    FinancingNeed.objects.create(dossier=dossiers[0], category="equipment", amount=Decimal("10"))

    summary = money_summary(period)

    assert summary == summarise_money(load_money_needs(), period)
    assert summary.amounts == {
        ("works", period.start): Decimal("1000.50"),
        ("works", period.months[2]): Decimal("2000"),
        ("equipment", period.start): Decimal("10"),
    }
    assert summary.structures == {"works": 2, "equipment": 1}
    assert len(scheme["structures"]) == 3


# --- Never stale --------------------------------------------------------------------


def securing_need(client) -> Decimal:
    return client.get(reverse("scheme:quantification")).context["figures"].row("securing").need


def test_every_kind_of_change_shows_at_once(coordinator_client, today_month):
    """Each write below goes by another path (save, update, delete, create, bulk) on a
    table without ``updated_at`` or with it, in the same transaction as the cached
    figures: the page shows the new figure each time, equal to the need lines'."""
    scheme = build_scheme(4)
    period = Period(today_month, settings.SCHEME_PERIOD_MONTHS)

    def page_matches_lines():
        shown = securing_need(coordinator_client)
        assert shown == today_figures(load_facts(period), period).row("securing").need
        return shown

    assert page_matches_lines() == Decimal("14")
    validated = Diagnostic.objects.filter(status="validated").order_by("pk")

    # A recommendation's days, by a bulk update (no updated_at on the table).
    AxisRecommendation.objects.filter(diagnostic=validated[0]).update(days=Decimal("5"))
    assert page_matches_lines() == Decimal("16")

    # A plan action completed on the recommended axis, by save(): its days are given.
    plan = DevelopmentPlan.objects.create(
        structure=validated[0].structure, campaign=scheme["campaign"], first_year=2026
    )
    action = PlanAction.objects.create(
        plan=plan, axis="securing", title="Modèle économique", planned_days=Decimal("2")
    )
    assert page_matches_lines() == Decimal("16")  # an open action: the diagnostic rules
    action.status = ActionStatus.COMPLETED
    action.save()
    assert page_matches_lines() == Decimal("14")

    # A wish withdrawn (delete) and a structure's diagnostic declined (update).
    wisher = Dossier.objects.exclude(structure__diagnostics__status="validated").first()
    AxisWish.objects.filter(dossier=wisher, axis="securing").delete()
    assert page_matches_lines() == Decimal("10")
    Diagnostic.objects.filter(pk=validated[1].pk).update(status="declined")
    assert page_matches_lines() == Decimal("11")  # its wish counts instead: 4 days, not 3

    # A structure leaves the scheme: its dossier withdrawn, its diagnostic declined.
    Dossier.objects.filter(structure=validated[0].structure).update(status="withdrawn")
    Diagnostic.objects.filter(structure=validated[0].structure).update(status="declined")
    assert page_matches_lines() == Decimal("8")
    assert PlanAction.objects.filter(pk=action.pk).exists()


def test_a_change_rolled_back_leaves_the_figures_as_they_were(coordinator_client):
    build_scheme(2)
    before = securing_need(coordinator_client)
    version = data_version("needs")
    with transaction.atomic():
        AxisRecommendation.objects.update(days=Decimal("9"))
        during = securing_need(coordinator_client)
        transaction.set_rollback(True)
    assert during == Decimal("9") + Decimal("4")
    assert data_version("needs") == version
    assert securing_need(coordinator_client) == before


def test_a_structure_renamed_shows_behind_the_figures(coordinator_client, today_month):
    scheme = build_scheme(2)
    url = reverse("scheme:structures")
    query = {"start": f"{today_month:%Y-%m}", "axis": "securing"}
    coordinator_client.get(reverse("scheme:quantification"))
    Structure.objects.filter(pk=scheme["structures"][0].pk).update(name="Nouveau nom")
    names = [row["name"] for row in coordinator_client.get(url, query).context["rows"]]
    assert "Nouveau nom" in names


def test_scenarios_are_recomputed_for_their_parameters(coordinator_client, today_month):
    build_scheme(4)
    url = reverse("scheme:scenario")
    base = {"start": f"{today_month:%Y-%m}", "months": 4, "full_share": 50, "light_days": "1",
            "full_days": "3", "securing_days": "4", "securing_before_selection": "0",
            "selection_month": 2, "friche_share": 50, "friche_extra_days": "0"}  # fmt: skip
    twenty = coordinator_client.get(url, {**base, "residents": 20}).context["scenario"]
    forty = coordinator_client.get(url, {**base, "residents": 40}).context["scenario"]
    # 10 full (3 days) and 10 light (1 day) diagnostics; then twice as many.
    assert twenty.row("diagnostic").need == Decimal("40")
    assert forty.row("diagnostic").need == Decimal("80")
    assert twenty.row("securing").need == Decimal("40")  # 10 × 4 days
    # Axes C to F as today; the same figures as the need lines'.
    parameters = coordinator_client.get(url, {**base, "residents": 40}).context["form"]
    lines = scenario_figures(
        load_facts(Period(today_month, 4)), Period(today_month, 4), parameters.parameters()
    )
    assert figures_of(forty) == figures_of(lines)


def test_a_saved_scenario_page_and_its_export_agree(coordinator_client, coordinator):
    from scheme.services import scenario_save

    build_scheme(3)
    scenario = scenario_save(name="Renfort", note="", parameters=SCENARIOS[1], saved_by=coordinator)
    page = coordinator_client.get(scenario.get_absolute_url())
    columns = page.context["columns"]
    period = page.context["period"]
    facts = load_facts(period)
    assert figures_of(columns[0][1]) == figures_of(today_figures(facts, period))
    assert figures_of(columns[1][1]) == figures_of(scenario_figures(facts, period, SCENARIOS[1]))
    # The export lists the lines behind the same figures.
    sheets = quantification_sheets(scenario_figures(facts, period, SCENARIOS[1]), "")
    assert sum(line.days for line in sheets[3][2]) == columns[1][1].need
    assert Scenario.objects.count() == 1


# --- Queries, and what the triggers cover ---------------------------------------------


@pytest.mark.parametrize("count", [10, 300])
def test_the_summaries_run_a_fixed_number_of_queries(count, today_month):
    cached_on_postgresql()
    build_scheme(count)
    period = Period(today_month, 4)
    with CaptureQueriesContext(connection) as computed:
        summaries(period)
    with CaptureQueriesContext(connection) as cached:
        again = summaries(period)
    # The versions; dossiers with wishes, diagnostics with recommendations, actions; the
    # financing needs by category and month, and their structures; the capacities,
    # providers, existing schemes and credit lines. Then the versions alone.
    assert (len(computed), len(cached)) == (10, 1)
    assert again.needs.structures == count


def tables_read(queries) -> set[str]:
    return {
        table
        for query in queries
        for table in re.findall(r'(?:FROM|JOIN) "([a-z_]+)"', query["sql"])
    }


@pytest.mark.parametrize(
    ("group", "compute"),
    [
        ("needs", lambda period: (load_structures(with_sites=False), money_summary(period))),
        (
            "report",
            lambda period: activity_report(start=period.start, end=period.last_day, payer="dla"),
        ),
        ("offer", lambda period: (load_offer(period), load_envelopes(period))),
    ],
)
def test_every_table_the_cached_figures_read_tells_its_changes(group, compute, today_month):
    cached_on_postgresql()
    generate(structures=5)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        compute(Period(today_month, 4))
    tracked = set(tracked_tables(group))
    assert tables_read(queries) - {DataChange._meta.db_table} == tracked
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgname = 'scheme_data_change'"
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert tracked <= triggered


def test_the_changes_are_compacted_and_the_version_moves_on(monkeypatch):
    cached_on_postgresql()
    from scheme import cache as scheme_cache

    monkeypatch.setattr(scheme_cache, "COMPACT_AT", 3)
    build_scheme(1)
    for _ in range(4):
        AxisWish.objects.filter(axis="securing").update(reason="Pourquoi pas")
    assert DataChange.objects.count() > 3
    changes = list(DataChange.objects.values_list("pk", flat=True))
    compacted = data_version("needs")
    # Compacted to each table's last change, and the version as it is then: the same
    # for the next reader.
    assert DataChange.objects.count() == DataChange.objects.values("table").distinct().count()
    assert max(changes) in DataChange.objects.values_list("pk", flat=True)
    assert data_version("needs") == compacted
    AxisWish.objects.update(reason="")
    assert data_version("needs") != compacted


def test_the_report_shows_each_change_at_once(coordinator_client, this_year):
    scheme = build_scheme(3)
    start, end = this_year
    url = reverse("scheme:report")
    query = {"start": start.isoformat(), "end": end.isoformat(), "payer": "dla"}

    def page_matches_sections():
        shown = coordinator_client.get(url, query).context["report"]
        assert shown == report_sections(start=start, end=end, payer="dla")
        return shown["totals"]

    assert page_matches_sections()["days"] == Decimal("0.50")  # one session of 3.5 hours
    Session.objects.update(duration_hours=Decimal("7"))
    assert page_matches_sections()["days"] == Decimal("1.00")
    # The provider funded by another payer: out of the DLA's report.
    Provider.objects.filter(pk=scheme["provider"].pk).update(funding_scheme="region")
    assert page_matches_sections()["sessions"] == 0


def test_a_change_the_need_does_not_read_keeps_its_summary(today_month):
    cached_on_postgresql()
    build_scheme(2)
    period = Period(today_month, 4)
    summaries(period)
    Session.objects.update(theme="Trésorerie")  # the report's table, not the need's
    with CaptureQueriesContext(connection) as queries:
        summaries(period)
    assert len(queries) == 1  # the version, unchanged: no recomputation


def test_an_offer_change_shows_at_once(coordinator_client, today_month):
    scheme = build_scheme(2)
    period = Period(today_month, settings.SCHEME_PERIOD_MONTHS)

    def securing_offer():
        shown = coordinator_client.get(reverse("scheme:quantification")).context["figures"]
        assert figures_of(shown) == figures_of(today_figures(load_facts(period), period))
        return shown.row("securing").offer

    # 5 days a month shared by the provider's two axes, over four months.
    assert securing_offer() == Decimal("10")
    Provider.objects.filter(pk=scheme["provider"].pk).update(monthly_capacity_days=9)
    assert securing_offer() == Decimal("18")
    OfferScheme.objects.create(
        name="DLA collectif", kind="collective_dla", axis="securing", payer="dla", places=2,
        days_per_place=Decimal("2"), starts_on=period.start, ends_on=period.last_day,
    )  # fmt: skip
    assert securing_offer() == Decimal("22")


def test_the_reader_that_compacts_caches_under_the_version_it_leaves(
    coordinator_client, monkeypatch, django_assert_num_queries
):
    cached_on_postgresql()
    from scheme import cache as scheme_cache

    build_scheme(2)
    # Two more writing statements on a table already logged: more rows than tables,
    # whatever statements the factories happened to run.
    structure = Structure.objects.first()
    for _ in range(2):
        Structure.objects.filter(pk=structure.pk).update(name=structure.name)
    monkeypatch.setattr(scheme_cache, "COMPACT_AT", DataChange.objects.count() - 1)
    assert DataChange.objects.values("table").distinct().count() < scheme_cache.COMPACT_AT
    url = reverse("scheme:quantification")
    coordinator_client.get(url)  # compacts, then computes and caches the figures
    # Session, user, roles, the navigation's; the versions: the figures found cached.
    with django_assert_num_queries(5):
        coordinator_client.get(url)


def test_another_release_computes_its_own_figures(today_month, monkeypatch):
    cached_on_postgresql()
    from scheme import cache as scheme_cache

    build_scheme(2)
    period = Period(today_month, 4)
    summaries(period)
    monkeypatch.setattr(scheme_cache, "code_version", lambda: "next-release")
    with CaptureQueriesContext(connection) as queries:
        summaries(period)
    assert len(queries) == 10  # computed again, not read from the former code's entry


def test_a_log_emptied_with_its_ids_restarted_never_repeats_a_version():
    """``manage.py flush`` truncates every table and restarts its ids: the log's next
    rows have the ids of its first life, the database and the table stay the same."""
    cached_on_postgresql()
    build_scheme(1)
    log = connection.ops.quote_name(DataChange._meta.db_table)
    versions = []
    for _ in range(2):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {log} RESTART IDENTITY")
        AxisWish.objects.update(reason="Pourquoi pas")
        assert list(DataChange.objects.values_list("pk", flat=True)) == [1]
        versions.append(data_version("needs"))
    assert versions[0] != versions[1]
