"""The scheme's forms: a period, a scenario's parameters, a saved scenario, a report."""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from ccr_portal.axes import Axis
from ccr_portal.formatting import format_number, with_preposition
from ccr_portal.forms import (
    DAYS,
    AmountField,
    QuantityField,
    ServiceErrorsMixin,
    model_decimal_field,
)
from ccr_portal.users.models import Provider

from .figures import AddedProvider, Period, ScenarioParameters, month_of
from .models import OfferScheme, Scenario

DEFAULTS = ScenarioParameters()


class PeriodForm(forms.Form):
    start = forms.DateField(
        label="Premier mois",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    months = forms.IntegerField(label="Nombre de mois", min_value=1, max_value=24, required=False)

    def period(self) -> Period:
        """The chosen period; from this month, ``SCHEME_PERIOD_MONTHS`` long, when nothing
        (or nonsense) is given."""
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or timezone.localdate()
        return Period(
            start=month_of(start), length=data.get("months") or settings.SCHEME_PERIOD_MONTHS
        )


class ScenarioForm(PeriodForm):
    residents = forms.IntegerField(
        label="Résidents attendus", min_value=1, max_value=200, initial=DEFAULTS.residents
    )
    full_share = forms.IntegerField(
        label="Part ayant besoin d'un diagnostic complet (%)",
        min_value=0,
        max_value=100,
        initial=DEFAULTS.full_share,
    )
    light_days = QuantityField(
        quantity=DAYS,
        label="Jours par diagnostic léger",
        min_value=0,
        max_value=20,
        decimal_places=1,
        initial=DEFAULTS.light_days,
    )
    full_days = QuantityField(
        quantity=DAYS,
        label="Jours par diagnostic complet",
        min_value=0,
        max_value=20,
        decimal_places=1,
        initial=DEFAULTS.full_days,
    )
    securing_days = QuantityField(
        quantity=DAYS,
        label="Jours d'un accompagnement de sécurisation",
        min_value=0,
        max_value=30,
        decimal_places=1,
        initial=DEFAULTS.securing_days,
    )
    securing_before_selection = forms.TypedChoiceField(
        label="Sécurisation",
        choices=[("0", "Après la sélection"), ("1", "Avant la sélection")],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    selection_month = forms.IntegerField(
        label="Mois de la sélection (1 = premier mois)",
        min_value=1,
        max_value=24,
        initial=DEFAULTS.selection_month,
    )
    friche_share = forms.IntegerField(
        label="Part des résidents à la Friche (%, le reste à mk2)",
        min_value=0,
        max_value=100,
        initial=DEFAULTS.friche_share,
    )
    friche_extra_days = QuantityField(
        quantity=DAYS,
        label="Jours de sécurisation en plus à la Friche (montée en charge lente)",
        min_value=0,
        max_value=10,
        decimal_places=1,
        initial=DEFAULTS.friche_extra_days,
    )
    added_name = forms.CharField(label="Prestataire ajouté : nom", max_length=100, required=False)
    added_axes = forms.MultipleChoiceField(
        label="Prestataire ajouté : axes",
        choices=Axis.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    added_days = QuantityField(
        quantity=DAYS,
        label="Prestataire ajouté : jours par mois",
        min_value=0,
        max_value=200,
        decimal_places=1,
        required=False,
    )
    added_rate = AmountField(
        label="Prestataire ajouté : tarif journalier (€)",
        min_value=0,
        max_value=5000,
        decimal_places=2,
        required=False,
    )
    added_payer = forms.ChoiceField(
        label="Prestataire ajouté : financement",
        choices=Provider.FundingScheme.choices,
        initial="other",
        required=False,
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = list(providers)
        for provider in self.providers:
            self.fields[f"capacity_{provider.id}"] = QuantityField(
                quantity=DAYS,
                label=f"Capacité {with_preposition('de', provider.name)} (jours par mois)",
                min_value=0,
                max_value=200,
                decimal_places=1,
                required=False,
                help_text=(
                    f"Habituellement : {format_number(provider.usual_days, 1)} j par mois "
                    "(vide : inchangée)."
                ),
            )

    def capacity_fields(self):
        return [self[f"capacity_{provider.id}"] for provider in self.providers]

    def parameters(self) -> ScenarioParameters:
        """The parameters typed, the defaults for what is missing or invalid."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        added = None
        if data.get("added_name") and data.get("added_axes") and data.get("added_days"):
            added = AddedProvider(
                name=data["added_name"],
                axes=tuple(data["added_axes"]),
                days=data["added_days"],
                rate=data.get("added_rate"),
                payer=data.get("added_payer") or "other",
            )
        capacities = {
            provider.id: data[f"capacity_{provider.id}"]
            for provider in self.providers
            if f"capacity_{provider.id}" in data
        }
        return ScenarioParameters(
            residents=data.get("residents", DEFAULTS.residents),
            full_share=data.get("full_share", DEFAULTS.full_share),
            light_days=Decimal(data.get("light_days", DEFAULTS.light_days)),
            full_days=Decimal(data.get("full_days", DEFAULTS.full_days)),
            securing_days=Decimal(data.get("securing_days", DEFAULTS.securing_days)),
            securing_before_selection=data.get(
                "securing_before_selection", DEFAULTS.securing_before_selection
            ),
            friche_share=data.get("friche_share", DEFAULTS.friche_share),
            friche_extra_days=Decimal(data.get("friche_extra_days", DEFAULTS.friche_extra_days)),
            selection_month=data.get("selection_month", DEFAULTS.selection_month),
            capacities=capacities,
            added_provider=added,
        )


def scenario_query(parameters: ScenarioParameters) -> dict:
    """The GET parameters of the scenario form that give back ``parameters``."""
    query = {
        "residents": parameters.residents,
        "full_share": parameters.full_share,
        "light_days": parameters.light_days,
        "full_days": parameters.full_days,
        "securing_days": parameters.securing_days,
        "securing_before_selection": "1" if parameters.securing_before_selection else "0",
        "selection_month": parameters.selection_month,
        "friche_share": parameters.friche_share,
        "friche_extra_days": parameters.friche_extra_days,
    }
    for provider_id, days in parameters.capacities.items():
        query[f"capacity_{provider_id}"] = days
    added = parameters.added_provider
    if added is not None:
        query.update(
            added_name=added.name,
            added_axes=list(added.axes),
            added_days=added.days,
            added_payer=added.payer,
        )
        if added.rate is not None:
            query["added_rate"] = added.rate
    return query


class ScenarioSaveForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "note"]
        error_messages = {
            "name": {"unique": "Un scénario porte déjà ce nom : choisissez-en un autre."}
        }


class ReportForm(forms.Form):
    start = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    payer = forms.ChoiceField(
        label="Financeur du dispositif",
        choices=[("", "Tous"), *list(Provider.FundingScheme.choices)],
        required=False,
    )

    def period(self) -> tuple[datetime.date, datetime.date, str]:
        """From the first of January to today when nothing (or nonsense) is given."""
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        start = data.get("start") or today.replace(month=1, day=1)
        end = data.get("end") or today
        if end < start:
            start, end = end, start
        return start, end, data.get("payer") or ""


class OfferSchemeForm(ServiceErrorsMixin, forms.ModelForm):
    days_per_place = model_decimal_field(OfferScheme, "days_per_place", DAYS)

    class Meta:
        model = OfferScheme
        fields = [
            "name", "kind", "axis", "payer", "places", "days_per_place", "starts_on", "ends_on",
            "note",
        ]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
