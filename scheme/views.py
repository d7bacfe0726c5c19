"""The scheme's pages: needs against offer, scenarios, the brief and the report.

Thin views: the figures come from ``figures``, fed by ``selectors``: the pages by the
offer's facts and the need's cached ``summaries``, the exports and the structures behind
a figure by every structure's facts (``load_facts``: they list the need lines). A view
only picks the period and the parameters, and hands them to a template or an export.
Every page, export and PDF asks the one permission ``scheme.view_scheme``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import FinancingCategory
from ccr_portal.documents.services import document_request
from ccr_portal.exports import xlsx_workbook_response
from ccr_portal.views import ServiceFormView

from . import exports
from .charts import bar_chart
from .documents import ACTIVITY_REPORT, CALIBRATION_BRIEF, brief_context
from .figures import (
    PHASE_LABELS,
    Source,
    lines_behind,
    money_figures,
    month_of,
    scenario_figures,
    today_figures,
)
from .forms import (
    OfferSchemeForm,
    PeriodForm,
    ReportForm,
    ScenarioForm,
    ScenarioSaveForm,
    scenario_query,
)
from .models import OfferScheme, Scenario, SchemeReport
from .presentation import month_label
from .report import activity_report
from .selectors import load_facts, load_offer, summaries
from .services import (
    offer_scheme_delete,
    offer_scheme_save,
    scenario_save,
    scheme_report_request,
)


class SchemeMixin(PermissionRequiredMixin):
    permission_required = "scheme.view_scheme"

    def period_form(self) -> PeriodForm:
        return PeriodForm(self.request.GET or None)


def period_query(period) -> str:
    return urlencode({"start": period.start.strftime("%Y-%m"), "months": period.length})


def month_chart(figures, title: str) -> dict:
    totals = figures.month_totals()
    return bar_chart(
        title=title,
        categories=[month_label(total["month"]) for total in totals],
        series=[
            ("Besoin (jours)", [total["need"] for total in totals]),
            ("Offre (jours)", [total["offer"] for total in totals]),
            ("Écart (jours)", [total["gap"] for total in totals]),
        ],
    )


def phases(figures) -> list[dict]:
    return [
        {"label": label, "rows": [row for row in figures.rows if row.phase == number]}
        for number, label in PHASE_LABELS.items()
    ]


class QuantificationView(SchemeMixin, TemplateView):
    template_name = "scheme/quantification.html"

    def get_context_data(self, **kwargs):
        form = self.period_form()
        period = form.period()
        need = summaries(period)
        figures = today_figures(need.offer, period, need.needs)
        return super().get_context_data(
            form=form,
            period=period,
            figures=figures,
            phases=phases(figures),
            months=period.months,
            totals=figures.month_totals(),
            payers=figures.payers(),
            money=money_figures(need.money, need.envelopes, period, FinancingCategory.values),
            money_labels=dict(FinancingCategory.choices),
            chart=month_chart(figures, "Besoin, offre et écart par mois, tous axes (jours)"),
            query=period_query(period),
            source_labels=Source.LABELS,
            **kwargs,
        )


class StructuresBehindView(SchemeMixin, TemplateView):
    """The structures behind one figure of the page: an axis, a month, a source, a kind."""

    template_name = "scheme/structures.html"

    def get_context_data(self, **kwargs):
        form = self.period_form()
        period = form.period()
        facts = load_facts(period)
        figures = today_figures(facts, period)
        axis = self.request.GET.get("axis", "")
        source = self.request.GET.get("source", "")
        kind = self.request.GET.get("kind", "")
        month_form = PeriodForm({"start": self.request.GET.get("month", "")})
        chosen = month_form.cleaned_data["start"] if month_form.is_valid() else None
        month = month_of(chosen) if chosen else None
        rows = lines_behind(figures.needs, axis=axis, month=month, source=source, kind=kind)
        return super().get_context_data(
            period=period,
            rows=rows,
            axis_row=figures.row(axis) if axis in {r.axis for r in figures.rows} else None,
            month=month,
            source_label=Source.LABELS.get(source, ""),
            kind=kind,
            query=period_query(period),
            **kwargs,
        )


class QuantificationExportView(SchemeMixin, View):
    def get(self, request):
        period = self.period_form().period()
        figures = today_figures(load_facts(period), period)
        return xlsx_workbook_response(
            filename=f"besoins-offre-{period.start:%Y-%m}.xlsx",
            sheets=exports.quantification_sheets(figures, "Aujourd'hui"),
        )


# --- Scenarios --------------------------------------------------------------------


class ScenarioMixin(SchemeMixin):
    def scenario_form(self, facts, data=None) -> ScenarioForm:
        return ScenarioForm(data, providers=facts.providers)


class ScenarioView(ScenarioMixin, TemplateView):
    """Parameters in, every figure recomputed; nothing is written (GET, htmx or not)."""

    template_name = "scheme/scenario.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["scheme/_scenario_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        period = PeriodForm(self.request.GET or None).period()
        found = summaries(period)
        facts, need = found.offer, found.needs
        form = self.scenario_form(facts, self.request.GET or None)
        parameters = form.parameters()
        today = today_figures(facts, period, need)
        scenario = scenario_figures(facts, period, parameters, need)
        hidden = {
            **scenario_query(parameters),
            "start": period.start.strftime("%Y-%m"),
            "months": period.length,
        }
        return super().get_context_data(
            form=form,
            save_form=ScenarioSaveForm(),
            period=period,
            today=today,
            scenario=scenario,
            comparison_columns=[("Aujourd'hui", today), ("Scénario", scenario)],
            comparison=exports.comparison_rows([("Aujourd'hui", today), ("Scénario", scenario)]),
            scenario_totals=scenario.month_totals(),
            chart=month_chart(scenario, "Scénario : besoin, offre et écart par mois (jours)"),
            saved=Scenario.objects.order_by("name"),
            query=urlencode(hidden, doseq=True),
            hidden=[
                (key, item)
                for key, value in hidden.items()
                for item in (value if isinstance(value, list) else [value])
            ],
            **kwargs,
        )


class ScenarioSaveView(ScenarioMixin, View):
    """Save the parameters on the page with a name and a note: one row."""

    def post(self, request):
        period = PeriodForm(request.POST).period()
        facts = load_offer(period)
        parameters = self.scenario_form(facts, request.POST).parameters()
        form = ScenarioSaveForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            query = urlencode(scenario_query(parameters), doseq=True)
            return HttpResponseRedirect(f"{reverse('scheme:scenario')}?{query}")
        scenario = scenario_save(
            name=form.cleaned_data["name"],
            note=form.cleaned_data["note"],
            parameters=parameters,
            saved_by=request.user,
        )
        messages.success(request, f"Scénario « {scenario.name} » enregistré.")
        return redirect(scenario)


class ScenarioDetailView(ScenarioMixin, TemplateView):
    """A saved scenario beside today's figures and, if chosen, another scenario."""

    template_name = "scheme/scenario_detail.html"
    # The page shows figures only; its export lists the need lines behind them.
    with_lines = False

    def columns(self):
        self.scenario = get_object_or_404(Scenario, pk=self.kwargs["pk"])
        period = PeriodForm(self.request.GET or None).period()
        if self.with_lines:
            facts, need = load_facts(period), None
        else:
            found = summaries(period)
            facts, need = found.offer, found.needs
        self.facts = facts
        other = None
        other_pk = self.request.GET.get("avec", "")
        if other_pk.isdigit():
            other = Scenario.objects.filter(pk=int(other_pk)).first()
        columns = [("Aujourd'hui", today_figures(facts, period, need))]
        for scenario in filter(None, (self.scenario, other)):
            parameters = exports.parameters_of(scenario)
            columns.append((scenario.name, scenario_figures(facts, period, parameters, need)))
        return period, other, columns

    def get_context_data(self, **kwargs):
        period, other, columns = self.columns()
        return super().get_context_data(
            scenario=self.scenario,
            other=other,
            others=Scenario.objects.exclude(pk=self.scenario.pk).order_by("name"),
            period=period,
            columns=columns,
            comparison=exports.comparison_rows(columns),
            parameters=exports.parameter_rows(
                exports.parameters_of(self.scenario), self.facts.providers
            ),
            chart=month_chart(
                columns[1][1], f"{self.scenario.name} : besoin, offre et écart par mois (jours)"
            ),
            edit_query=urlencode(scenario_query(exports.parameters_of(self.scenario)), doseq=True),
            query=period_query(period),
            **kwargs,
        )


class ScenarioExportView(ScenarioDetailView):
    with_lines = True

    def get(self, request, *args, **kwargs):
        period, _other, columns = self.columns()
        return xlsx_workbook_response(
            filename=f"scenario-{self.scenario.pk}-{period.start:%Y-%m}.xlsx",
            sheets=exports.comparison_sheets(columns),
        )


# --- The calibration brief and the activity report ---------------------------------


class BriefView(SchemeMixin, TemplateView):
    """The calibration brief: today's figures and the chosen scenarios, PDF and XLSX."""

    template_name = "scheme/brief.html"

    def chosen(self):
        ids = [int(pk) for pk in self.request.GET.getlist("scenarios") if pk.isdigit()]
        return list(Scenario.objects.filter(pk__in=ids).order_by("name"))

    def get_context_data(self, **kwargs):
        form = self.period_form()
        period = form.period()
        chosen = self.chosen()
        context = brief_context(period, chosen)
        return super().get_context_data(
            form=form,
            scenarios=Scenario.objects.order_by("name"),
            chosen_ids=[s.pk for s in chosen],
            query=urlencode(
                {
                    "start": period.start.strftime("%Y-%m"),
                    "months": period.length,
                    "scenarios": [s.pk for s in chosen],
                },
                doseq=True,
            ),
            **context,
            **kwargs,
        )


class BriefExportView(BriefView):
    def get(self, request, *args, **kwargs):
        period = self.period_form().period()
        context = brief_context(period, self.chosen(), with_lines=True)
        return xlsx_workbook_response(
            filename=f"note-de-calibrage-{period.start:%Y-%m}.xlsx",
            sheets=exports.comparison_sheets(context["columns"]),
        )


class ReportView(SchemeMixin, TemplateView):
    """The activity report (bilan) for a period, for one funder of the scheme or all."""

    template_name = "scheme/report.html"

    def get_context_data(self, **kwargs):
        form = ReportForm(self.request.GET or None)
        start, end, payer = form.period()
        report = activity_report(start=start, end=end, payer=payer)
        return super().get_context_data(
            form=form,
            report=report,
            detail_columns=exports.DETAIL_COLUMN_CHOICES,
            query=urlencode({"start": start.isoformat(), "end": end.isoformat(), "payer": payer}),
            **kwargs,
        )


class ReportExportView(SchemeMixin, View):
    def get(self, request):
        start, end, payer = ReportForm(request.GET or None).period()
        report = activity_report(start=start, end=end, payer=payer, with_sessions=True)
        chosen = request.GET.getlist("colonnes")
        return xlsx_workbook_response(
            filename=f"bilan-{start:%Y-%m-%d}-{end:%Y-%m-%d}.xlsx",
            sheets=exports.report_sheets(report, chosen),
        )


class SchemeDocumentRequestView(SchemeMixin, View):
    """Record what the PDF is of (one row), ask the documents pipeline for it."""

    def post(self, request, kind):
        if kind == SchemeReport.Kind.BRIEF:
            form = PeriodForm(request.POST)
            period = form.period()
            report = scheme_report_request(
                kind=kind,
                period_start=period.start,
                period_end=period.last_day,
                months=period.length,
                scenario_ids=[int(pk) for pk in request.POST.getlist("scenarios") if pk.isdigit()],
                requested_by=request.user,
            )
            document_kind = CALIBRATION_BRIEF
        else:
            start, end, payer = ReportForm(request.POST).period()
            report = scheme_report_request(
                kind=SchemeReport.Kind.ACTIVITY,
                period_start=start,
                period_end=end,
                payer=payer,
                requested_by=request.user,
            )
            document_kind = ACTIVITY_REPORT
        document_request(kind=document_kind, subject=report, requested_by=request.user)
        return redirect(report)


class SchemeDocumentView(SchemeMixin, TemplateView):
    template_name = "scheme/document.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(SchemeReport, pk=self.kwargs["pk"])
        kind = CALIBRATION_BRIEF if report.kind == SchemeReport.Kind.BRIEF else ACTIVITY_REPORT
        return super().get_context_data(report=report, document_kind=kind, **kwargs)


# --- Existing schemes recorded as offer ----------------------------------------------


class OfferSchemeListView(SchemeMixin, TemplateView):
    template_name = "scheme/offer_scheme_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(schemes=OfferScheme.objects.order_by("starts_on", "name"))


class OfferSchemeCreateView(SchemeMixin, ServiceFormView):
    template_name = "scheme/offer_scheme_form.html"
    form_class = OfferSchemeForm
    success_message = "Le dispositif existant a été enregistré."

    def perform(self, form):
        return offer_scheme_save(**form.cleaned_data)

    def get_result_url(self, result):
        return reverse("scheme:offer-list")


class OfferSchemeUpdateView(OfferSchemeCreateView):
    @cached_property
    def scheme(self) -> OfferScheme:
        # Looked up once the permission is checked: no 404 to tell others what exists.
        return get_object_or_404(OfferScheme, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.scheme}

    def get_context_data(self, **kwargs):
        return super().get_context_data(scheme=self.scheme, **kwargs)

    def perform(self, form):
        return offer_scheme_save(scheme=self.scheme, **form.cleaned_data)


class OfferSchemeDeleteView(SchemeMixin, View):
    def post(self, request, pk):
        scheme = get_object_or_404(OfferScheme, pk=pk)
        offer_scheme_delete(scheme=scheme)
        messages.success(request, f"Le dispositif « {scheme.name} » a été retiré de l'offre.")
        return redirect("scheme:offer-list")
