"""The scheme's PDFs through the documents pipeline: the calibration brief and the
activity report, both rendered from a ``SchemeReport`` row (what was asked for).

Their context carries no clock: the same figures give the same fingerprint.
"""

from ccr_portal.documents.registry import DocumentKind, register

from .charts import bar_chart
from .exports import comparison_rows, parameter_rows, parameters_of
from .figures import PHASE_LABELS, Period, Source, scenario_figures, today_figures
from .presentation import month_label
from .report import activity_report
from .selectors import load_facts, summaries

CALIBRATION_BRIEF = "scheme_brief"
ACTIVITY_REPORT = "scheme_report"


def brief_context(period: Period, scenarios, *, with_lines: bool = False) -> dict:
    """Today's figures and each chosen scenario's, side by side, with their parameters;
    ``with_lines``, with the need lines behind them too (the XLSX lists them)."""
    if with_lines:
        facts, need = load_facts(period), None
    else:
        found = summaries(period)
        facts, need = found.offer, found.needs
    today = today_figures(facts, period, need)
    columns = [("Aujourd'hui", today)]
    described = []
    for scenario in scenarios:
        parameters = parameters_of(scenario)
        figures = scenario_figures(facts, period, parameters, need)
        columns.append((scenario.name, figures))
        described.append(
            {"scenario": scenario, "parameters": parameter_rows(parameters, facts.providers)}
        )
    totals = today.month_totals()
    return {
        "period": period,
        "today": today,
        "phases": [
            {"label": label, "rows": [row for row in today.rows if row.phase == number]}
            for number, label in PHASE_LABELS.items()
        ],
        "months": period.months,
        "totals": totals,
        "columns": columns,
        "comparison": comparison_rows(columns),
        "described": described,
        "source_labels": Source.LABELS,
        "chart": bar_chart(
            title="Aujourd'hui : besoin, offre et écart par mois (jours)",
            categories=[month_label(total["month"]) for total in totals],
            series=[
                ("Besoin (jours)", [total["need"] for total in totals]),
                ("Offre (jours)", [total["offer"] for total in totals]),
                ("Écart (jours)", [total["gap"] for total in totals]),
            ],
        ),
    }


def _brief_pdf_context(report) -> dict:
    period = Period(start=report.period_start.replace(day=1), length=report.months)
    return brief_context(period, list(report.scenarios.order_by("name"))) | {"report": report}


def _report_pdf_context(report) -> dict:
    return {
        "report": report,
        "bilan": activity_report(
            start=report.period_start, end=report.period_end, payer=report.payer
        ),
    }


register(
    DocumentKind(
        code=CALIBRATION_BRIEF,
        label="Note de calibrage des phases 1 et 2",
        model="scheme.SchemeReport",
        template_name="pdf/scheme_brief.html",
        permission="scheme.view_scheme",
        get_context=_brief_pdf_context,
        get_filename=lambda report: f"note-de-calibrage-{report.period_start:%Y-%m}.pdf",
    )
)
register(
    DocumentKind(
        code=ACTIVITY_REPORT,
        label="Bilan d'activité",
        model="scheme.SchemeReport",
        template_name="pdf/scheme_report.html",
        permission="scheme.view_scheme",
        get_context=_report_pdf_context,
        get_filename=lambda report: (
            f"bilan-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}.pdf"
        ),
        feminine=False,
    )
)
