import datetime
from decimal import Decimal

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from applicants.models import Dossier, DossierStatus
from applicants.search import normalised_query
from ccr_portal.axes import Axis
from ccr_portal.collation import french
from ccr_portal.formatting import format_number
from ccr_portal.forms import DAYS, QuantityField, ServiceErrorsMixin
from ccr_portal.search import text_search
from ccr_portal.uploads import ACCEPT_ATTRIBUTE, ALLOWED_LABELS
from ccr_portal.users.models import Provider, User

from .capacity import add_months, month_start
from .models import (
    CONCLUSION_FIELDS,
    CoverSource,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    IntegrationRecommendation,
    OverallRisk,
    Score,
    Theme,
)

KIND_HELP = (
    "Léger : une demi-journée à une journée pour vous aider à décider de candidater. "
    "Complet : environ trois jours pour préparer l'accompagnement de sécurisation."
)


class DiagnosticRequestForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Type de diagnostic",
        choices=DiagnosticKind.choices,
        initial=DiagnosticKind.LIGHT,
        widget=forms.RadioSelect,
        help_text=KIND_HELP,
    )
    note = forms.CharField(
        label="Ce que vous attendez du diagnostic",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Vos questions, votre calendrier, ce qui vous fait hésiter.",
    )
    dossier = forms.ModelChoiceField(
        label="Dossier de candidature concerné",
        queryset=Dossier.objects.none(),
        required=False,
        empty_label="Aucun (je n'ai pas encore candidaté)",
    )

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        dossiers = (
            Dossier.objects.filter(structure=structure)
            .exclude(status=DossierStatus.WITHDRAWN)
            .select_related("campaign", "structure")
        )
        if dossiers.exists():
            self.fields["dossier"].queryset = dossiers
        else:
            del self.fields["dossier"]


class AssessmentOrderForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Type de diagnostic",
        choices=DiagnosticKind.choices,
        initial=DiagnosticKind.FULL,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Ce que l'instruction attend du diagnostic",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CoverForm(ServiceErrorsMixin, forms.Form):
    source = forms.ChoiceField(
        label="Diagnostic existant réalisé par", choices=[("", "—"), *CoverSource.choices]
    )
    source_name = forms.CharField(
        label="Organisme",
        required=False,
        max_length=200,
        help_text="Par exemple « DLA des Bouches-du-Rhône » ; obligatoire pour un autre organisme.",
    )
    covered_on = forms.DateField(
        label="Date du diagnostic existant",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    document = forms.FileField(
        label="Document du diagnostic existant",
        help_text=f"Formats acceptés : {ALLOWED_LABELS}.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class ConsultantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


def consultant_choices(provider: Provider | None) -> list:
    """The consultants to choose from: the chosen provider's, or every provider's grouped
    by organisation (the page without JavaScript, or before a provider is chosen)."""
    empty = [("", "Au choix du prestataire")]
    if provider is not None:
        return empty + [(person.pk, person.display_name) for person in provider.consultants()]
    groups = []
    for organisation in Provider.objects.order_by("name").prefetch_related("members"):
        people = [(person.pk, person.display_name) for person in organisation.consultants()]
        if people:
            groups.append((str(organisation), people))
    return empty + groups


class AssignForm(ServiceErrorsMixin, forms.Form):
    """Assign, or re-assign with a reason: a provider, one of its consultants, a due date."""

    provider = forms.ModelChoiceField(
        label="Prestataire",
        queryset=Provider.objects.order_by(french("name")),
        empty_label="— Choisir —",
    )
    consultant = ConsultantChoiceField(
        label="Consultant",
        queryset=User.objects.none(),
        required=False,
        help_text="Un consultant de l'organisation choisie.",
    )
    due_date = forms.DateField(
        label="Échéance", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, reassigning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = User.objects.filter(
            provider_organisations__isnull=False, is_active=True
        ).distinct()
        self.fields["consultant"].choices = consultant_choices(self.chosen_provider())
        if reassigning:
            self.fields["reason"] = forms.CharField(
                label="Motif du changement (transmis aux deux prestataires)",
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def chosen_provider(self) -> Provider | None:
        """The provider typed in the form (bound), else the initial one."""
        value = self.data.get("provider") if self.is_bound else self.initial.get("provider")
        if isinstance(value, Provider):
            return value
        try:
            return Provider.objects.get(pk=int(value)) if value else None
        except (TypeError, ValueError, Provider.DoesNotExist):
            return None


class DiagnosticMessageForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class DueDateForm(ServiceErrorsMixin, forms.Form):
    due_date = forms.DateField(
        label="Nouvelle échéance", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label="Motif (transmis au prestataire)",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _score_field(theme: Theme) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=f"{theme.label} : appréciation",
        choices=[("", "— à compléter —"), *[(v, f"{v} · {label}") for v, label in Score.choices]],
        coerce=int,
        empty_value=None,
        required=False,
    )


class GridForm(ServiceErrorsMixin, forms.Form):
    """The provider's grid: every field optional for a draft, completeness checked at delivery."""

    strengths = forms.CharField(
        label="Points forts", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weaknesses = forms.CharField(
        label="Points de vigilance", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    overall_risk = forms.ChoiceField(
        label="Risque global", required=False, choices=[("", "—"), *OverallRisk.choices]
    )
    recommendation = forms.ChoiceField(
        label="Recommandation sur l'intégration à la CCR",
        required=False,
        choices=[("", "—"), *IntegrationRecommendation.choices],
    )

    def __init__(self, *args, diagnostic: Diagnostic, site_risks: str = "", **kwargs):
        self.diagnostic = diagnostic
        lines = {line.theme: line for line in diagnostic.scores.all()}
        axes = {line.axis: line for line in diagnostic.axis_recommendations.all()}
        initial = {
            **{name: getattr(diagnostic, name) for name in CONCLUSION_FIELDS},
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.theme_rows = []
        for theme in diagnostic.themes:
            score_name, notes_name = f"score_{theme.value}", f"observations_{theme.value}"
            self.fields[score_name] = _score_field(theme)
            self.fields[notes_name] = forms.CharField(
                label=f"{theme.label} : observations",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            if theme == Theme.SITE_RISK and site_risks:
                self.fields[notes_name].help_text = site_risks
            line = lines.get(theme.value)
            if line is not None:
                self.initial[score_name] = line.score
                self.initial[notes_name] = line.observations
            self.theme_rows.append((theme, self[score_name], self[notes_name]))
        self.axis_rows = []
        if diagnostic.is_full:
            for axis in Axis:
                days_name, reason_name = f"days_{axis.value}", f"reason_{axis.value}"
                self.fields[days_name] = QuantityField(
                    quantity=DAYS,
                    label=f"{axis.label} : jours estimés",
                    required=False,
                    min_value=Decimal("0.5"),
                    max_value=Decimal("100"),
                    max_digits=5,
                    decimal_places=1,
                )
                self.fields[reason_name] = forms.CharField(
                    label=f"{axis.label} : pourquoi", required=False, max_length=300
                )
                line = axes.get(axis.value)
                if line is not None:
                    self.initial[days_name] = line.days
                    self.initial[reason_name] = line.reason
                self.axis_rows.append((axis, self[days_name], self[reason_name]))
        self.conclusion_fields = [self[name] for name in CONCLUSION_FIELDS]

    # The service's domain keys (``themes.<theme>.score``, ``axes.<axis>.days``) and the
    # names of this form's fields (``score_<theme>``, ``days_<axis>``).
    ERROR_FIELDS = {
        ("themes", "score"): "score",
        ("themes", "observations"): "observations",
        ("axes", "days"): "days",
        ("axes", "reason"): "reason",
    }

    def field_for_error(self, key: str) -> str | None:
        parts = key.split(".")
        if len(parts) == 3 and (parts[0], parts[2]) in self.ERROR_FIELDS:
            key = f"{self.ERROR_FIELDS[parts[0], parts[2]]}_{parts[1]}"
        return super().field_for_error(key)

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            theme.value: (data[f"score_{theme.value}"], data[f"observations_{theme.value}"])
            for theme in self.diagnostic.themes
        }

    def conclusions(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONCLUSION_FIELDS}

    def axes(self) -> dict | None:
        if not self.diagnostic.is_full:
            return None
        return {
            axis.value: (
                self.cleaned_data[f"days_{axis.value}"],
                self.cleaned_data[f"reason_{axis.value}"],
            )
            for axis in Axis
        }


class SignOffForm(ServiceErrorsMixin, forms.Form):
    confirm = forms.BooleanField(
        label="Au nom de la structure, je confirme avoir lu ces conclusions",
        error_messages={"required": "Cochez la case pour confirmer la lecture des conclusions."},
    )
    comment = forms.CharField(
        label="Commentaires de la structure",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Vos remarques, nuances ou désaccords : ils accompagnent le diagnostic.",
    )


def month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def days_per_kind_text() -> str:
    light = format_number(settings.DIAGNOSTIC_DAYS["light"], 1)
    full = format_number(settings.DIAGNOSTIC_DAYS["full"], 1)
    return f"Un diagnostic léger compte {light} jour, un diagnostic complet {full} jours."


class CapacityForm(ServiceErrorsMixin, forms.Form):
    """The usual capacity, and the months that differ from it (empty: the usual capacity)."""

    usual_days = QuantityField(
        quantity=DAYS,
        label="Capacité habituelle (jours consultant par mois)",
        min_value=0,
        max_digits=5,
        decimal_places=1,
    )

    def __init__(self, *args, provider: Provider, months: int = 6, **kwargs):
        first = month_start(timezone.localdate())
        self.months = [add_months(first, i) for i in range(months)]
        declared = dict(
            provider.capacities.filter(month__in=self.months).values_list(
                "month", "consultant_days"
            )
        )
        initial = {"usual_days": provider.monthly_capacity_days, **kwargs.pop("initial", {})}
        for month in self.months:
            initial[self.month_field(month)] = declared.get(month)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["usual_days"].help_text = days_per_kind_text()
        for month in self.months:
            self.fields[self.month_field(month)] = QuantityField(
                quantity=DAYS,
                label=f"{month_label(month).capitalize()} (jours consultant)",
                required=False,
                min_value=0,
                max_digits=5,
                decimal_places=1,
                help_text="Laissez vide pour la capacité habituelle.",
            )

    @staticmethod
    def month_field(month: datetime.date) -> str:
        return f"month_{month:%Y_%m}"

    def monthly(self) -> dict[datetime.date, Decimal | None]:
        return {month: self.cleaned_data[self.month_field(month)] for month in self.months}


class DiagnosticFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Rechercher (structure, SIRET, commune, prestataire)",
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 100}),
    )
    status = django_filters.ChoiceFilter(
        label="État", choices=DiagnosticStatus.choices, empty_label="Tous"
    )
    kind = django_filters.ChoiceFilter(
        label="Type", choices=DiagnosticKind.choices, empty_label="Tous"
    )
    purpose = django_filters.ChoiceFilter(
        label="Finalité", choices=DiagnosticPurpose.choices, empty_label="Toutes"
    )
    provider = django_filters.ModelChoiceFilter(
        label="Prestataire", queryset=Provider.objects.order_by(french("name")), empty_label="Tous"
    )
    overdue = django_filters.BooleanFilter(
        label="En retard seulement", method="filter_overdue", widget=forms.CheckboxInput
    )

    late = django_filters.BooleanFilter(
        label="Échéance dépassée ou menacée",
        method="filter_late",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Diagnostic
        fields = ["q", "status", "kind", "purpose", "provider", "overdue", "late"]

    def __init__(self, *args, late=None, **kwargs):
        # The capacity projection's late diagnostics (``selectors.LateDiagnostics``).
        self.late = late
        super().__init__(*args, **kwargs)

    def filter_late(self, queryset, name, value):
        if not value or self.late is None:
            return queryset
        return queryset.filter(pk__in=self.late.ids())

    def filter_text(self, queryset, name, value):
        return text_search(
            queryset,
            query=normalised_query(value),
            fields=["structure__name", "structure__city", "structure__siret", "provider__name"],
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.overdue()
