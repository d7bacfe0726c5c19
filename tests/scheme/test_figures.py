"""Each figure of the scheme on a small fixture computed by hand (``scheme.figures``).

The fixture, over the three months January to March 2027:

- Alpha: a full diagnostic validated on 10 December 2026 recommending 3 days of
  securing and 2 of cooperation; a light diagnostic requested; a plan with 1 day of
  securing completed and 5 planned.
- Bravo: no diagnostic; a plan with 2.5 days of securing planned and 1 day of
  professionalisation completed; it wished axes A and F.
- Charlie: a full diagnostic assigned, due on 15 February; it wished axes A and B.
- Delta: a full diagnostic covered (RAMSESS) on 20 February recommending 6 days of
  securing.
- Echo: a full diagnostic in progress due in June, after the period.

Providers: « Diag » (axis A, 500 €/day, DLA, 2 days a month, 0 declared in February);
« Sec » (axes B and C, 400 €/day, Région, 4 days a month: 2 per axis); « Sec2 »
(axis B, no rate, MACIF, 1 day a month). A collective DLA gives 6 days of securing
from February to April (2 a month, April outside the period).
"""

import datetime
from decimal import Decimal as D

import pytest

from scheme.figures import (
    ActionFact,
    AddedProvider,
    Assumptions,
    DiagnosticFact,
    Facts,
    Period,
    ProviderFact,
    ScenarioParameters,
    SchemeFact,
    Source,
    StructureFacts,
    axis_rate,
    full_count,
    lines_behind,
    scenario_figures,
    securing_days_each,
    source_of,
    spread,
    today_figures,
)

JAN, FEB, MAR = datetime.date(2027, 1, 1), datetime.date(2027, 2, 1), datetime.date(2027, 3, 1)
PERIOD = Period(start=JAN, length=3)
ASSUMPTIONS = Assumptions(
    default_days={
        "diagnostic": D("3"),
        "securing": D("4"),
        "cooperation": D("1.5"),
        "professionalisation": D("2"),
        "responsibility": D("1"),
        "financing": D("1"),
    },
    diagnostic_days={"light": D("1"), "full": D("3")},
    default_rate=D("1000"),
)
ALPHA = StructureFacts(
    id=1,
    name="Alpha",
    diagnostics=(
        DiagnosticFact(
            kind="full",
            status="validated",
            concluded_on=datetime.date(2026, 12, 10),
            recommendations=(("securing", D("3")), ("cooperation", D("2"))),
        ),
        DiagnosticFact(kind="light", status="requested"),
    ),
    actions=(ActionFact("securing", D("1"), completed=True), ActionFact("securing", D("5"))),
)
BRAVO = StructureFacts(
    id=2,
    name="Bravo",
    actions=(
        ActionFact("securing", D("2.5")),
        ActionFact("professionalisation", D("1"), completed=True),
    ),
    wished_axes=("diagnostic", "financing"),
)
CHARLIE = StructureFacts(
    id=3,
    name="Charlie",
    diagnostics=(
        DiagnosticFact(kind="full", status="assigned", due_date=datetime.date(2027, 2, 15)),
    ),
    wished_axes=("diagnostic", "securing"),
)
DELTA = StructureFacts(
    id=4,
    name="Delta",
    diagnostics=(
        DiagnosticFact(
            kind="full",
            status="covered",
            concluded_on=datetime.date(2027, 2, 20),
            recommendations=(("securing", D("6")),),
        ),
    ),
)
ECHO = StructureFacts(
    id=5,
    name="Echo",
    diagnostics=(
        DiagnosticFact(kind="full", status="in_progress", due_date=datetime.date(2027, 6, 1)),
    ),
)
PROVIDERS = [
    ProviderFact(1, "Diag", ("diagnostic",), D("500"), "dla", D("2"), {FEB: D("0")}),
    ProviderFact(2, "Sec", ("securing", "cooperation"), D("400"), "region", D("4")),
    ProviderFact(3, "Sec2", ("securing",), None, "macif", D("1")),
]
SCHEMES = [
    SchemeFact(
        1, "DLA collectif", "securing", "dla", D("6"),
        datetime.date(2027, 2, 1), datetime.date(2027, 4, 30),
    )
]  # fmt: skip
FACTS = Facts([ALPHA, BRAVO, CHARLIE, DELTA, ECHO], PROVIDERS, SCHEMES, ASSUMPTIONS)


@pytest.fixture
def figures():
    return today_figures(FACTS, PERIOD)


def test_need_per_axis_and_month(figures):
    a, b, c = figures.row("diagnostic"), figures.row("securing"), figures.row("cooperation")
    # A: Alpha's light request now (1) + Bravo's wished full diagnostic now (3) in January;
    # Charlie's assigned full one in February (3); Echo's is due after the period.
    assert [a.months[m].need for m in PERIOD.months] == [D("4"), D("3"), D("0")]
    assert a.need_by_kind == {"light": D("1"), "full": D("6")}
    assert a.structures == 3
    # B: Alpha 3 recommended - 1 completed = 2 and Bravo's plan 2.5 in January (the month
    # after December's diagnostic; the plan now); Charlie's wish 4 in February (the month
    # after now); Delta's 6 in March (the month after February's diagnostic).
    assert [b.months[m].need for m in PERIOD.months] == [D("4.5"), D("4"), D("6")]
    assert (b.need, b.structures) == (D("14.5"), 4)
    # C: Alpha's 2 days in January; nothing else anywhere (Bravo's wish F loses to its plan).
    assert (c.need, c.months[JAN].need) == (D("2"), D("2"))
    assert [figures.row(axis).need for axis in ("professionalisation", "responsibility")] == [0, 0]
    assert figures.row("financing").need == 0
    assert (figures.need, figures.structures) == (D("23.5"), 4)


def test_offer_per_axis_and_month(figures):
    # A: Diag's 2 days, none declared in February.
    assert [figures.row("diagnostic").months[m].offer for m in PERIOD.months] == [2, 0, 2]
    # B: Sec's half of 4 (2) + Sec2's 1, + the collective DLA's 6 days over February to
    # April (2 a month; April is outside the period).
    assert [figures.row("securing").months[m].offer for m in PERIOD.months] == [3, 5, 5]
    # C: Sec's other half.
    assert figures.row("cooperation").offer == 6
    assert figures.offer == 4 + 13 + 6


def test_gap_waits_for_the_next_month(figures):
    a, b = figures.row("diagnostic"), figures.row("securing")
    # A: 4 - 2 = 2 wait at January's end; 2 + 3 - 0 = 5 in February; 5 - 2 = 3 in March.
    assert [a.months[m].gap for m in PERIOD.months] == [2, 5, 3]
    assert a.gap == 3
    # B: 4.5 - 3 = 1.5; 1.5 + 4 - 5 = 0.5; 0.5 + 6 - 5 = 1.5.
    assert [b.months[m].gap for m in PERIOD.months] == [D("1.5"), D("0.5"), D("1.5")]
    assert b.gap == D("1.5")
    assert figures.row("cooperation").gap == 0
    assert figures.gap == D("4.5")
    # January, all axes: need 4 + 4.5 + 2, offer 2 + 3 + 2, waiting 2 + 1.5 + 0.
    january = figures.month_totals()[0]
    assert (january["need"], january["offer"], january["gap"]) == (D("10.5"), 7, D("3.5"))


def test_gap_in_euros_and_who_pays(figures):
    a, b = figures.row("diagnostic"), figures.row("securing")
    # A at Diag's 500 €; B at Sec's 400 € (Sec2 has no rate); no provider for E: 1 000 €.
    assert (a.rate, b.rate, figures.row("responsibility").rate) == (500, 400, 1000)
    assert (a.gap_euros, b.gap_euros) == (D("1500.00"), D("600.00"))
    assert figures.gap_euros == D("2100.00")
    # A's gap: all DLA (Diag). B's 600 €: Sec gives 2 × 3 = 6 days (Région), Sec2 1 × 3 = 3
    # (MACIF): two thirds and one third.
    assert a.gap_by_payer == {"dla": D("1500.00")}
    assert b.gap_by_payer == {"region": D("400.00"), "macif": D("200.00")}
    # The offer by payer: DLA pays Diag's 4 days and the collective's 4 within the period.
    assert figures.offer_by_payer()["dla"] == 8
    assert {p: g for p, _, g in figures.payers()}["region"] == D("400.00")


def test_sources_best_taken_and_each_shown(figures):
    # Alpha: the diagnostic beats its plan; Bravo: the plan beats its wishes; Charlie:
    # wishes (its diagnostic is not concluded); Delta: the covered diagnostic.
    assert source_of(figures.needs) == {
        1: Source.DIAGNOSTIC,
        2: Source.PLAN,
        3: Source.WISHES,
        4: Source.DIAGNOSTIC,
    }
    assert figures.row("securing").sources == {"diagnostic": 2, "plan": 1, "wishes": 1}
    assert figures.row("diagnostic").sources == {"request": 2, "wishes": 1}
    # Alpha's planned 5 days of securing are not counted: its diagnostic says 3.
    assert sum(line.days for line in figures.needs if line.structure_id == 1) == D("5")


def test_structures_behind_a_figure(figures):
    behind = lines_behind(figures.needs, axis="securing", month=JAN)
    assert [(row["name"], row["days"]) for row in behind] == [
        ("Alpha", D("2")),
        ("Bravo", D("2.5")),
    ]
    assert [r["name"] for r in lines_behind(figures.needs, axis="diagnostic", kind="full")] == [
        "Bravo",
        "Charlie",
    ]
    assert lines_behind(figures.needs, axis="securing", source="plan")[0]["sources"] == [
        "Actions du plan"
    ]


def test_helpers():
    assert spread(D("10"), [JAN, FEB, MAR]) == [
        (JAN, D("3.33")),
        (FEB, D("3.33")),
        (MAR, D("3.34")),
    ]
    assert axis_rate("financing", PROVIDERS, D("1000")) == D("1000")
    assert PERIOD.place(datetime.date(2026, 5, 3)) == JAN
    assert PERIOD.place(datetime.date(2027, 4, 1)) is None
    assert PERIOD.last_day == datetime.date(2027, 3, 31)


def test_scenario_recomputes_phases_one_and_two():
    parameters = ScenarioParameters(
        residents=20,
        full_share=60,
        light_days=D("1"),
        full_days=D("3"),
        securing_days=D("4"),
        securing_before_selection=False,
        friche_share=50,
        friche_extra_days=D("1"),
        selection_month=2,
        capacities={1: D("10")},
        added_provider=AddedProvider("Renfort", ("diagnostic",), D("12"), D("450"), "region"),
    )
    # 60 % of 20 = 12 full diagnostics, 8 light; a securing of 4 + 1 × 50 % = 4.5 days.
    assert (full_count(parameters), securing_days_each(parameters)) == (12, D("4.5"))
    figures = scenario_figures(FACTS, PERIOD, parameters)
    a, b = figures.row("diagnostic"), figures.row("securing")
    # A: 12 × 3 + 8 × 1 = 44 days over the two months up to the selection: 22 and 22.
    assert [a.months[m].need for m in PERIOD.months] == [22, 22, 0]
    # Diag at 10 days a month + Renfort's 12: 22 a month, no wait.
    assert [a.months[m].offer for m in PERIOD.months] == [22, 22, 22]
    assert (a.gap, a.structures) == (0, 20)
    # B: 12 × 4.5 = 54 days after the selection, in March; March's offer is 5.
    assert [b.months[m].need for m in PERIOD.months] == [0, 0, 54]
    assert (b.gap, b.gap_euros, b.structures) == (49, D("19600.00"), 12)
    # C as today (Alpha's 2 days); A's rate is now the mean of 500 and 450.
    assert figures.row("cooperation").need == 2
    assert a.rate == D("475.00")
    # Before the selection, the securing falls in February (months 2 to the selection).
    before = scenario_figures(
        FACTS, PERIOD, ScenarioParameters(securing_before_selection=True, selection_month=2)
    )
    assert [before.row("securing").months[m].need for m in PERIOD.months] == [0, 54, 0]


def test_scenario_parameters_round_trip():
    parameters = ScenarioParameters(
        residents=30,
        light_days=D("1.5"),
        capacities={2: D("7.5")},
        added_provider=AddedProvider("Renfort", ("diagnostic", "securing"), D("8"), None, "dla"),
    )
    assert ScenarioParameters.from_dict(parameters.as_dict()) == parameters


def test_money_side_by_category_and_month():
    from scheme.figures import Envelope, MoneyNeed, money_figures

    needs = [
        MoneyNeed(1, "Alpha", "working_capital", D("10000"), datetime.date(2027, 1, 20)),
        MoneyNeed(2, "Bravo", "working_capital", D("6000"), datetime.date(2026, 11, 2)),
        MoneyNeed(3, "Charlie", "shop_fitout", D("5000"), datetime.date(2027, 2, 1)),
        MoneyNeed(4, "Delta", "moving", D("1000"), datetime.date(2027, 7, 1)),
    ]
    envelopes = [
        Envelope("ESIA", "working_capital", D("8000"), JAN),
        Envelope("ESIA", "", D("4000"), FEB),
        Envelope("PARGEST", "working_capital", D("2000"), MAR),
    ]
    rows = {
        row.category: row
        for row in money_figures(
            needs, envelopes, PERIOD, ["moving", "shop_fitout", "working_capital"]
        )
    }
    wc, fitout, moving = rows["working_capital"], rows["shop_fitout"], rows["moving"]
    # Working capital: Alpha's 10 000 and Bravo's 6 000 (moved in before: now) in January
    # against 8 000: 8 000 wait; February's general envelope went to the shop fit-out
    # (first in order); March's 2 000: 6 000 still uncovered.
    assert [wc.months[m].gap for m in PERIOD.months] == [8000, 8000, 6000]
    assert (wc.need, wc.envelope, wc.uncovered, wc.structures) == (16000, 10000, 6000, 2)
    # Shop fit-out: 5 000 in February, 4 000 of the general envelope: 1 000 uncovered.
    assert (fitout.need, fitout.envelope, fitout.uncovered) == (5000, 4000, 1000)
    # Delta moves in after the period.
    assert (moving.need, moving.uncovered) == (0, 0)
