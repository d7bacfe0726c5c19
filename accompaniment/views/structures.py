"""A structure's professionalisation (GPEC, trainings), its QADES grids, the committee's word."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Dossier, Structure
from ccr_portal.axes import Axis
from ccr_portal.views import ServiceFormView

from ..forms import (
    GpecForm,
    GpecJobFormSet,
    QadesGridForm,
    QadesOpenForm,
    TrainingForm,
)
from ..models import (
    GpecSheet,
    QadesDimension,
    QadesGrid,
    QadesLine,
    QualifyingTraining,
)
from ..selectors import qades_public_summary
from ..services.professionalisation import gpec_update, training_delete, training_save
from ..services.responsibility import qades_grid_open, qades_grid_update
from ..start_rules import START_RULES, start_context, start_decision
from .base import ServiceActionView


class StructureMixin:
    def dispatch(self, request, *args, **kwargs):
        self.structure = get_object_or_404(Structure, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.structure

    def get_context_data(self, **kwargs):
        return super().get_context_data(structure=self.structure, **kwargs)


# --- Professionalisation (D) ------------------------------------------------------------


class GpecView(StructureMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "accompaniment.view_professionalisation"
    template_name = "accompaniment/gpec_detail.html"

    def get_context_data(self, **kwargs):
        sheet = GpecSheet.objects.filter(structure=self.structure).first()
        decision = start_decision(Axis.PROFESSIONALISATION, structure=self.structure)
        return super().get_context_data(
            sheet=sheet,
            jobs=sheet.jobs.all() if sheet else [],
            trainings=self.structure.qualifying_trainings.all(),
            decision=decision,
            can_change=decision.allowed
            and self.request.user.has_perm(
                "accompaniment.change_professionalisation", self.structure
            ),
            **kwargs,
        )


class GpecUpdateView(StructureMixin, PermissionRequiredMixin, View):
    """The sheet and its jobs in one page: a form and a formset."""

    permission_required = "accompaniment.change_professionalisation"
    template_name = "accompaniment/gpec_form.html"

    def _render(self, form, formset):
        return render(
            self.request,
            self.template_name,
            {"structure": self.structure, "form": form, "formset": formset},
        )

    def get(self, request, *args, **kwargs):
        sheet = GpecSheet.objects.filter(structure=self.structure).first()
        form = GpecForm(
            initial={
                "skills_to_build": sheet.skills_to_build if sheet else "",
                "recruitment_plan": sheet.recruitment_plan if sheet else "",
            }
        )
        jobs = (
            list(sheet.jobs.values("title", "fte_today", "fte_in_3_years", "note")) if sheet else []
        )
        return self._render(form, GpecJobFormSet(initial=jobs, prefix="emplois"))

    def post(self, request, *args, **kwargs):
        form = GpecForm(request.POST)
        formset = GpecJobFormSet(request.POST, prefix="emplois")
        if not (form.is_valid() and formset.is_valid()):
            return self._render(form, formset)
        jobs = [data for data in formset.cleaned_data if data and data.get("title")]
        try:
            gpec_update(
                structure=self.structure,
                actor=request.user,
                skills_to_build=form.cleaned_data["skills_to_build"],
                recruitment_plan=form.cleaned_data["recruitment_plan"],
                jobs=jobs,
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self._render(form, formset)
        messages.success(request, "La fiche GPEC a été enregistrée.")
        return HttpResponseRedirect(reverse("accompaniment:gpec", kwargs={"pk": self.structure.pk}))


class TrainingCreateView(StructureMixin, ServiceFormView):
    permission_required = "accompaniment.change_professionalisation"
    template_name = "accompaniment/training_form.html"
    form_class = TrainingForm
    success_message = "La formation a été enregistrée."

    def perform(self, form):
        return training_save(structure=self.structure, actor=self.request.user, **form.cleaned_data)

    def get_result_url(self, result):
        return reverse("accompaniment:gpec", kwargs={"pk": self.structure.pk})


class TrainingMixin:
    def dispatch(self, request, *args, **kwargs):
        self.training = get_object_or_404(
            QualifyingTraining.objects.select_related("structure"), pk=kwargs["pk"]
        )
        self.structure = self.training.structure
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.structure

    def get_next_url(self):
        return reverse("accompaniment:gpec", kwargs={"pk": self.structure.pk})


class TrainingUpdateView(TrainingMixin, ServiceFormView):
    permission_required = "accompaniment.change_professionalisation"
    template_name = "accompaniment/training_form.html"
    form_class = TrainingForm
    success_message = "La formation a été enregistrée."

    def get_form_kwargs(self):
        instance = QualifyingTraining.objects.get(pk=self.training.pk)
        return {**super().get_form_kwargs(), "instance": instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(structure=self.structure, training=self.training, **kwargs)

    def perform(self, form):
        return training_save(
            structure=self.structure,
            actor=self.request.user,
            instance=self.training,
            **form.cleaned_data,
        )

    def get_result_url(self, result):
        return self.get_next_url()


class TrainingDeleteView(TrainingMixin, ServiceActionView):
    permission_required = "accompaniment.change_professionalisation"
    success_message = "La formation a été retirée."

    def perform(self):
        training_delete(training=self.training, actor=self.request.user)


# --- Responsibility (E) -------------------------------------------------------------------


class QadesView(StructureMixin, PermissionRequiredMixin, TemplateView):
    """The structure's grids year after year, side by side by dimension."""

    permission_required = "accompaniment.view_qades"
    template_name = "accompaniment/qades_detail.html"

    def get_context_data(self, **kwargs):
        grids = list(QadesGrid.objects.filter(structure=self.structure).order_by("year"))
        lines = QadesLine.objects.filter(grid__in=grids).select_related("grid")
        by_cell = {(line.dimension, line.grid_id): line for line in lines}
        history = [
            {
                "label": QadesDimension(dimension).label,
                "cells": [by_cell.get((dimension, grid.pk)) for grid in grids],
            }
            for dimension in QadesDimension.values
        ]
        decision = start_decision(Axis.RESPONSIBILITY, structure=self.structure)
        can_change = decision.allowed and self.request.user.has_perm(
            "accompaniment.change_qades", self.structure
        )
        next_year = (grids[-1].year + 1) if grids else timezone.localdate().year
        return super().get_context_data(
            grids=grids,
            history=history,
            decision=decision,
            can_change=can_change,
            open_form=QadesOpenForm(initial={"year": next_year}) if can_change else None,
            **kwargs,
        )


class QadesOpenView(StructureMixin, ServiceFormView):
    permission_required = "accompaniment.change_qades"
    template_name = "accompaniment/qades_open.html"
    form_class = QadesOpenForm

    def perform(self, form):
        grid = qades_grid_open(
            structure=self.structure, year=form.cleaned_data["year"], actor=self.request.user
        )
        messages.success(
            self.request,
            f"La grille QADES {grid.year} est ouverte, avec les objectifs de l'année précédente "
            "à réviser.",
        )
        return grid

    def get_result_url(self, result):
        return reverse("accompaniment:qades-update", kwargs={"pk": result.pk})


class QadesUpdateView(ServiceFormView):
    permission_required = "accompaniment.change_qades"
    template_name = "accompaniment/qades_form.html"
    form_class = QadesGridForm
    success_message = "La grille QADES a été enregistrée."

    def dispatch(self, request, *args, **kwargs):
        self.grid = get_object_or_404(
            QadesGrid.objects.select_related("structure"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.grid.structure

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "grid": self.grid,
            "lines": list(self.grid.lines.all()),
            "may_publish": self.request.user.has_perm(
                "accompaniment.publish_qades", self.grid.structure
            ),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(grid=self.grid, structure=self.grid.structure, **kwargs)

    def perform(self, form):
        return qades_grid_update(grid=self.grid, actor=self.request.user, lines=form.lines())

    def get_result_url(self, result):
        return reverse("accompaniment:qades", kwargs={"pk": self.grid.structure_id})


class QadesSummaryView(TemplateView):
    """The residents' common summary, for public communication: published lines only."""

    template_name = "accompaniment/qades_summary.html"

    def get_context_data(self, **kwargs):
        years = list(
            QadesGrid.objects.filter(lines__publish=True)
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        requested = self.request.GET.get("annee", "")
        year = int(requested) if requested.isdigit() and int(requested) in years else None
        year = year or (years[0] if years else None)
        return super().get_context_data(
            years=years,
            year=year,
            summary=qades_public_summary(year) if year else [],
            **kwargs,
        )


# --- The committee's recommendations -----------------------------------------------------


class CommitteeRecommendationView(PermissionRequiredMixin, TemplateView):
    """The six axes' start rules for a dossier and what the committee's decisions recommended."""

    permission_required = "accompaniment.view_committee_recommendations"
    template_name = "accompaniment/committee_recommendations.html"

    def dispatch(self, request, *args, **kwargs):
        self.dossier = get_object_or_404(
            Dossier.objects.select_related("structure", "campaign"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.dossier

    def get_context_data(self, **kwargs):
        context = start_context(self.dossier.structure, self.dossier.campaign)
        return super().get_context_data(
            dossier=self.dossier,
            recommendations=self.dossier.committee_recommendations.select_related(
                "recorded_by", "action__plan"
            ),
            rules=[(Axis(axis).label, rule(context)) for axis, rule in START_RULES.items()],
            **kwargs,
        )
