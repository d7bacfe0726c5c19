"""The scheme's figures as rows: the comparison tables and the XLSX sheets (French headers).

No arithmetic here: the figures come from ``figures``; this module only lays them out.
"""

from decimal import Decimal

from ccr_portal.axes import Axis
from ccr_portal.exports import Column
from ccr_portal.formatting import with_preposition

from .figures import KIND_LABELS, PHASE_LABELS, ScenarioParameters, Source
from .presentation import month_label, payer_label


def parameters_of(scenario) -> ScenarioParameters:
    return ScenarioParameters.from_dict(scenario.parameters)


def comparison_rows(columns) -> list[dict]:
    """One line per figure, one value per column (today, scenarios): days and euros."""
    rows = []
    for axis in Axis:
        for label, kind, value in (
            ("structures", "number", lambda q, a=axis: q.row(a).structures),
            ("besoin (jours)", "days", lambda q, a=axis: q.row(a).need),
            ("offre (jours)", "days", lambda q, a=axis: q.row(a).offer),
            ("écart (jours)", "days", lambda q, a=axis: q.row(a).gap),
            ("écart (€)", "euros", lambda q, a=axis: q.row(a).gap_euros),
        ):
            rows.append(
                {
                    "label": f"{axis.label} : {label}",
                    "kind": kind,
                    "values": [value(figures) for _, figures in columns],
                    "axis": axis.value,
                }
            )
    for label, kind, value in (
        ("Total : besoin (jours)", "days", lambda q: q.need),
        ("Total : offre (jours)", "days", lambda q: q.offer),
        ("Total : écart (jours)", "days", lambda q: q.gap),
        ("Total : écart (€)", "euros", lambda q: q.gap_euros),
    ):
        rows.append(
            {
                "label": label,
                "kind": kind,
                "values": [value(figures) for _, figures in columns],
                "total": True,
            }
        )
    return rows


def parameter_rows(parameters: ScenarioParameters, providers=()) -> list[tuple[str, str]]:
    """The scenario's parameters in French, for its page and the brief; ``providers``
    (``figures.ProviderFact``) name the providers whose capacity it changes."""
    names = {provider.id: provider.name for provider in providers}
    rows = [
        ("Résidents attendus", str(parameters.residents)),
        ("Part ayant besoin d'un diagnostic complet", f"{parameters.full_share} %"),
        ("Jours par diagnostic léger", _days(parameters.light_days)),
        ("Jours par diagnostic complet", _days(parameters.full_days)),
        ("Jours d'un accompagnement de sécurisation", _days(parameters.securing_days)),
        (
            "Sécurisation",
            "avant la sélection" if parameters.securing_before_selection else "après la sélection",
        ),
        ("Mois de la sélection", str(parameters.selection_month)),
        ("Part des résidents à la Friche", f"{parameters.friche_share} %"),
        ("Jours de sécurisation en plus à la Friche", _days(parameters.friche_extra_days)),
    ]
    for provider_id, days in parameters.capacities.items():
        name = names.get(provider_id, f"prestataire n° {provider_id}")
        rows.append((f"Capacité {with_preposition('de', name)}", f"{_days(days)} par mois"))
    added = parameters.added_provider
    if added is not None:
        axes = ", ".join(Axis(axis).label for axis in added.axes)
        rows.append(("Prestataire ajouté", f"{added.name} : {_days(added.days)} par mois ({axes})"))
    return rows


def _days(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",") + " j"


# --- XLSX sheets ------------------------------------------------------------------

AXIS_COLUMNS = [
    Column("Phase", lambda row: PHASE_LABELS[row.phase]),
    Column("Axe", lambda row: row.label),
    Column("Structures", lambda row: row.structures, "number"),
    Column("Besoin (jours)", lambda row: row.need, "days"),
    Column("Dont diagnostics légers (jours)", lambda row: row.need_by_kind.get("light"), "days"),
    Column("Dont diagnostics complets (jours)", lambda row: row.need_by_kind.get("full"), "days"),
    Column("Offre (jours)", lambda row: row.offer, "days"),
    Column("Écart (jours)", lambda row: row.gap, "days"),
    Column("Tarif journalier retenu", lambda row: row.rate, "euros"),
    Column("Écart (€)", lambda row: row.gap_euros, "euros"),
    Column(
        "Sources",
        lambda row: " ; ".join(
            f"{Source.LABELS[source]} : {count}" for source, count in sorted(row.sources.items())
        ),
    ),
]

MONTH_COLUMNS = [
    Column("Axe", lambda item: item[0].label),
    Column("Mois", lambda item: month_label(item[1])),
    Column("Structures", lambda item: item[2].structures, "number"),
    Column("Besoin (jours)", lambda item: item[2].need, "days"),
    Column("Offre (jours)", lambda item: item[2].offer, "days"),
    Column("Écart (jours)", lambda item: item[2].gap, "days"),
    Column("Écart (€)", lambda item: item[0].month_gap_euros(item[1]), "euros"),
]

PAYER_COLUMNS = [
    Column("Axe", lambda item: item[0]),
    Column("Financeur", lambda item: payer_label(item[1])),
    Column("Offre (jours)", lambda item: item[2], "days"),
    Column("Écart à financer (€)", lambda item: item[3], "euros"),
]

NEED_COLUMNS = [
    Column("Structure", lambda line: line.structure_name or "Résidents attendus (scénario)"),
    Column("Axe", lambda line: Axis(line.axis).label),
    Column("Type de diagnostic", lambda line: KIND_LABELS.get(line.kind, "")),
    Column("Mois", lambda line: month_label(line.month)),
    Column("Jours", lambda line: line.days, "days"),
    Column("Source", lambda line: Source.LABELS[line.source]),
]


def payer_items(figures):
    for row in figures.rows:
        for payer in sorted(set(row.offer_by_payer) | set(row.gap_by_payer)):
            yield (
                row.label,
                payer,
                row.offer_by_payer.get(payer),
                row.gap_by_payer.get(payer),
            )


def quantification_sheets(figures, name: str, suffix: str = "") -> list:
    return [
        (f"Par axe{suffix}", AXIS_COLUMNS, figures.rows),
        (
            f"Par mois{suffix}",
            MONTH_COLUMNS,
            [(row, month, cell) for row in figures.rows for month, cell in row.months.items()],
        ),
        (f"Qui paie{suffix}", PAYER_COLUMNS, list(payer_items(figures))),
        (f"Besoins{suffix}", NEED_COLUMNS, figures.needs),
    ]


def comparison_sheets(columns) -> list:
    """A « Comparaison » sheet, then each column's sheets (today first)."""
    headers = [Column("Chiffre", lambda row: row["label"])]
    for index, (name, _) in enumerate(columns):
        headers.append(Column(name, lambda row, i=index: row["values"][i], "days"))
    sheets = [("Comparaison", headers, comparison_rows(columns))]
    for index, (name, figures) in enumerate(columns):
        suffix = "" if index == 0 else f" ({index})"
        sheets.extend(quantification_sheets(figures, name, suffix))
    return sheets


# --- The activity report ----------------------------------------------------------

# The detailed sheets' columns a coordinator may choose (all by default).
SESSION_DETAIL = {
    "date": Column("Date", lambda s: s["date"], "date"),
    "provider": Column("Prestataire", lambda s: s["provider"]),
    "axis": Column("Axe", lambda s: Axis(s["axis"]).label),
    "theme": Column("Thème", lambda s: s["theme"]),
    "format": Column("Format", lambda s: s["format"]),
    "days": Column("Jours", lambda s: s["days"], "days"),
    "cost": Column("Coût (€)", lambda s: s["cost"], "euros"),
}
DETAIL_COLUMN_CHOICES = [(code, column.header) for code, column in SESSION_DETAIL.items()]


def report_sheets(report, chosen: list[str]) -> list:
    """One sheet per section of the report, French headers; the sessions' detail with
    the chosen columns (all when none is chosen)."""
    sheets = []
    for section in report["sections"]:
        columns = [
            Column(header, lambda row, i=index: row[i], kind)
            for index, (header, kind) in enumerate(section["headers"])
        ]
        sheets.append((section["sheet"], columns, section["rows"]))
    detail = [SESSION_DETAIL[code] for code in chosen if code in SESSION_DETAIL] or list(
        SESSION_DETAIL.values()
    )
    sheets.append(("Détail des séances", detail, report["sessions"]))
    return sheets
