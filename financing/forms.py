"""The financial accompaniment's forms (French labels; amounts typed the French way)."""

from django import forms

from applicants.models import DocumentType, FinancingCategory, Structure
from ccr_portal.forms import (
    PERCENTAGE,
    AmountField,
    Quantity,
    QuantityField,
    ServiceErrorsMixin,
    TransitionForm,
    model_decimal_field,
)
from ccr_portal.users.models import Funder

from .models import CreditLine, FundingProduct

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_INPUTS = ["%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%m/%Y"]


class MonthField(forms.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", MONTH_INPUTS)
        kwargs.setdefault("widget", MONTH_WIDGET)
        super().__init__(*args, **kwargs)


class FunderForm(forms.ModelForm):
    website = forms.URLField(label="Site web", required=False, assume_scheme="https")

    class Meta:
        model = Funder
        fields = ["name", "short_name", "website", "description"]


class ProductForm(ServiceErrorsMixin, forms.ModelForm):
    legal_forms = forms.MultipleChoiceField(
        label="Formes juridiques éligibles",
        choices=Structure.LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucune cochée : toutes les formes juridiques.",
    )
    allowed_uses = forms.MultipleChoiceField(
        label="Usages autorisés",
        choices=FinancingCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucun coché : tous les besoins.",
    )
    min_amount = AmountField(label="Montant minimal (€)")
    max_amount = AmountField(label="Montant maximal (€)", required=False)
    interest_rate = model_decimal_field(FundingProduct, "interest_rate", PERCENTAGE)
    fee_rate = model_decimal_field(FundingProduct, "fee_rate", PERCENTAGE)
    guaranteed_share = model_decimal_field(FundingProduct, "guaranteed_share", PERCENTAGE)
    young_guaranteed_share = model_decimal_field(
        FundingProduct, "young_guaranteed_share", PERCENTAGE
    )
    matching_ratio = model_decimal_field(
        FundingProduct, "matching_ratio", Quantity("Effet de levier", "1,5")
    )
    required_documents = forms.ModelMultipleChoiceField(
        label="Pièces exigées",
        queryset=DocumentType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = FundingProduct
        fields = [
            "funder",
            "name",
            "code",
            "kind",
            "description",
            "legal_forms",
            "min_age_years",
            "max_age_years",
            "min_amount",
            "max_amount",
            "min_months",
            "max_months",
            "interest_rate",
            "fee_rate",
            "guaranteed_share",
            "young_guaranteed_share",
            "young_age_years",
            "matching_ratio",
            "allowed_uses",
            "renewable_times",
            "conditions",
            "required_documents",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }


class CreditLineForm(ServiceErrorsMixin, forms.ModelForm):
    amount = AmountField(label="Montant de l'enveloppe (€)")
    cap_per_resident = AmountField(label="Plafond par résident (€)", required=False)
    products = forms.ModelMultipleChoiceField(
        label="Produits couverts",
        queryset=FundingProduct.objects.select_related("funder"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CreditLine
        fields = [
            "funder",
            "name",
            "amount",
            "starts_on",
            "ends_on",
            "products",
            "cap_per_resident",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class NeedsForm(ServiceErrorsMixin, forms.Form):
    """One amount and one month per need category."""

    def __init__(self, *args, needs=(), default_month=None, **kwargs):
        super().__init__(*args, **kwargs)
        by_category = {need.category: need for need in needs}
        self.rows = []
        for code, label in FinancingCategory.choices:
            need = by_category.get(code)
            amount = f"{code}-amount"
            month = f"{code}-needed_on"
            self.fields[amount] = AmountField(
                label=f"{label} : montant (€)",
                required=False,
                initial=need.amount if need else None,
            )
            self.fields[month] = MonthField(
                label=f"{label} : mois du besoin",
                required=False,
                initial=need.needed_on if need else default_month,
            )
            self.rows.append((code, label, need, self[amount], self[month]))

    def field_for_error(self, key):
        return key if key in self.fields else None


class WorkingCapitalForm(forms.Form):
    stock = AmountField(label="Stock (€)")
    receivables = AmountField(label="Créances à court terme (€)")
    debts = AmountField(label="Dettes à court terme (€)")
    needed_on = MonthField(label="Mois du besoin")


class ResponseForm(forms.Form):
    other_resources = AmountField(
        label="Autres ressources acquises (€)",
        required=False,
        help_text="Fonds propres, subventions, prêt bancaire… : comptent pour l'effet de levier.",
    )
    note = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResponseLineForm(forms.Form):
    product = forms.ModelChoiceField(
        label="Produit",
        queryset=FundingProduct.objects.filter(is_active=True).select_related("funder"),
        empty_label="— Choisir —",
    )
    category = forms.ChoiceField(
        label="Besoin financé", choices=[("", "— Choisir —"), *FinancingCategory.choices]
    )
    amount = AmountField(label="Montant (€)")
    duration_months = forms.IntegerField(label="Durée (mois)", required=False, min_value=1)
    guaranteed_share = QuantityField(
        quantity=PERCENTAGE,
        label="Quotité garantie (%)",
        required=False,
        min_value=0,
        max_value=100,
    )
    delete = forms.BooleanField(label="Supprimer la ligne", required=False)


class RequestForm(forms.Form):
    amount = AmountField(label="Montant demandé (€)")
    duration_months = forms.IntegerField(label="Durée (mois)", required=False, min_value=1)
    deferral_months = forms.IntegerField(
        label="Différé souhaité (mois)", required=False, min_value=0, initial=0
    )
    guaranteed_share = QuantityField(
        quantity=PERCENTAGE,
        label="Quotité garantie demandée (%)",
        required=False,
        min_value=0,
        max_value=100,
    )
    project = forms.CharField(
        label="Projet financé", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class UseForm(forms.Form):
    category = forms.ChoiceField(
        label="Usage", choices=[("", "— Choisir —"), *FinancingCategory.choices], required=False
    )
    amount = AmountField(label="Montant (€)", required=False)
    note = forms.CharField(label="Précision", required=False, max_length=300)


UseFormSet = forms.formset_factory(UseForm, extra=2, max_num=10)


class ForwardForm(TransitionForm):
    envelope_override = forms.CharField(
        label="Justification du dépassement de l'enveloppe",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seulement si la demande dépasse ce qui reste de la ligne de crédit.",
    )

    def data_kwargs(self) -> dict:
        return {"envelope_override": self.cleaned_data.get("envelope_override", "")}


class GrantForm(TransitionForm):
    granted_amount = AmountField(label="Montant accordé (€)")
    granted_rate = QuantityField(
        quantity=PERCENTAGE,
        label="Taux (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    granted_months = forms.IntegerField(label="Durée (mois)", required=False, min_value=1)
    granted_deferral_months = forms.IntegerField(
        label="Différé (mois)", required=False, min_value=0
    )
    granted_share = QuantityField(
        quantity=PERCENTAGE,
        label="Quotité garantie (%)",
        required=False,
        min_value=0,
        max_value=100,
    )
    first_due_on = forms.DateField(
        label="Première échéance",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    committee_date = forms.DateField(
        label="Date du comité d'engagement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    grant_conditions = forms.CharField(
        label="Conditions", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    FIELDS = (
        "granted_amount",
        "granted_rate",
        "granted_months",
        "granted_deferral_months",
        "granted_share",
        "first_due_on",
        "committee_date",
        "grant_conditions",
    )

    def data_kwargs(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre message", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentForm(forms.Form):
    document_type = forms.ModelChoiceField(
        label="Type de pièce", queryset=DocumentType.objects.all(), required=False
    )
    file = forms.FileField(label="Fichier")


class DisbursementForm(forms.Form):
    day = forms.DateField(
        label="Date du versement", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount = AmountField(label="Montant versé (€)")
    note = forms.CharField(label="Précision", required=False, max_length=300)
