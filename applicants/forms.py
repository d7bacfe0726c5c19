from decimal import Decimal

from django import forms

from ccr_portal.axes import Axis
from ccr_portal.forms import (
    DAYS,
    FTE,
    AmountField,
    QuantityField,
    ServiceErrorsMixin,
    TransitionForm,
    model_decimal_field,
)
from ccr_portal.uploads import ACCEPT_ATTRIBUTE
from ccr_portal.validators import normalise_siret

from .completeness import required_economic_years
from .models import (
    Campaign,
    DocumentType,
    Dossier,
    FinancingCategory,
    Membership,
    Site,
    Structure,
)
from .services.campaigns import CAMPAIGN_FIELDS
from .services.structures import STRUCTURE_FIELDS


class StructureForm(ServiceErrorsMixin, forms.ModelForm):
    # Wider than the 14 stored digits: people type SIRETs with spaces.
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        required=False,
        help_text="14 chiffres ; les espaces sont acceptés.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    website = forms.URLField(
        label="Site web",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    staff_fte = QuantityField(
        quantity=FTE, label="Salariés (ETP)", required=False, max_digits=6, min_value=0
    )
    last_budget = AmountField(
        label="Dernier budget annuel ou chiffre d'affaires (€)", required=False, min_value=0
    )

    class Meta:
        model = Structure
        fields = STRUCTURE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
        }

    def clean_siret(self):
        return normalise_siret(self.cleaned_data["siret"])

    def clean_rna(self):
        return self.cleaned_data["rna"].strip().upper()

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError("Le code postal comporte 5 chiffres.")
        return value


def _ordinal(rank: int) -> str:
    return "1er choix" if rank == 1 else f"{rank}e choix"


class ProjectForm(ServiceErrorsMixin, forms.Form):
    """The installation project. A draft: nothing is required here."""

    wished_surface_m2 = forms.IntegerField(
        label="Surface souhaitée (m²)", required=False, min_value=1
    )
    activity_type = forms.ChoiceField(
        label="Type d'activité",
        required=False,
        choices=[("", "—"), *Dossier.ActivityType.choices],
    )
    expected_move_in = forms.DateField(
        label="Date d'installation souhaitée",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    current_premises = forms.CharField(
        label="Vos locaux actuels",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Adresse, surface, loyer, ce qui vous y convient ou non.",
    )
    expected_effect = forms.CharField(
        label="Effet attendu de l'installation sur votre modèle économique",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Chiffre d'affaires, fréquentation, charges, organisation…",
    )

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        preferences = [p.site_id for p in dossier.site_preferences.all()]
        initial = {
            "wished_surface_m2": dossier.wished_surface_m2,
            "activity_type": dossier.activity_type,
            "expected_move_in": dossier.expected_move_in,
            "current_premises": dossier.current_premises,
            "expected_effect": dossier.expected_effect,
        }
        sites = list(dossier.campaign.sites.all())
        for rank in range(1, len(sites) + 1):
            initial[f"site_{rank}"] = preferences[rank - 1] if rank <= len(preferences) else ""
        super().__init__(*args, initial=initial, **kwargs)
        self.site_fields = []
        for rank in range(1, len(sites) + 1):
            name = f"site_{rank}"
            self.fields[name] = forms.TypedChoiceField(
                label=f"Site souhaité : {_ordinal(rank)}",
                required=False,
                choices=[("", "—"), *((site.pk, site.name) for site in sites)],
                coerce=int,
                empty_value=None,
            )
            self.site_fields.append(name)
        self.order_fields([*self.site_fields, *initial.keys()])
        self._sites = {site.pk: site for site in sites}

    def site_bound_fields(self):
        return [self[name] for name in self.site_fields]

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in self.site_fields if cleaned.get(name)]
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError("Chaque site ne peut être choisi qu'une fois.")
        cleaned["sites"] = [self._sites[pk] for pk in chosen]
        return cleaned


class CharterForm(ServiceErrorsMixin, forms.Form):
    commitments = forms.ModelMultipleChoiceField(
        label="Engagements de la charte",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cochez chaque engagement que votre structure prend.",
    )

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(
            *args, initial={"commitments": list(dossier.charter_commitments.all())}, **kwargs
        )
        self.fields["commitments"].queryset = dossier.campaign.charter_commitments.all()


ECONOMY_FIELDS = [
    ("turnover", "Chiffre d'affaires ou produits (€)"),
    ("result", "Résultat (€)"),
    ("equity", "Fonds propres (€)"),
    ("staff_fte", "Effectif (ETP)"),
]


class EconomyForm(ServiceErrorsMixin, forms.Form):
    """The last two years, one group of fields per year."""

    def __init__(self, *args, dossier: Dossier, **kwargs):
        existing = {row.year: row for row in dossier.economic_years.all()}
        self.years = required_economic_years(dossier) or sorted(existing, reverse=True)[:2]
        initial = {}
        for year in self.years:
            for name, _label in ECONOMY_FIELDS:
                row = existing.get(year)
                initial[f"{name}_{year}"] = getattr(row, name) if row else None
        super().__init__(*args, initial=initial, **kwargs)
        for year in self.years:
            for name, label in ECONOMY_FIELDS:
                if name == "staff_fte":
                    self.fields[f"{name}_{year}"] = QuantityField(
                        quantity=FTE,
                        label=f"{label} : exercice {year}",
                        required=False,
                        max_digits=6,
                        min_value=0,
                    )
                else:
                    self.fields[f"{name}_{year}"] = AmountField(
                        label=f"{label} : exercice {year}", required=False
                    )

    def groups(self):
        return [
            (year, [self[f"{name}_{year}"] for name, _ in ECONOMY_FIELDS]) for year in self.years
        ]

    def years_data(self) -> list[dict]:
        rows = []
        for year in self.years:
            values = {name: self.cleaned_data.get(f"{name}_{year}") for name, _ in ECONOMY_FIELDS}
            if any(value is not None for value in values.values()):
                rows.append({"year": year, **values})
        return rows


class NeedsForm(ServiceErrorsMixin, forms.Form):
    """Wished accompaniment axes (with why) and financing needs (with amounts)."""

    def __init__(self, *args, dossier: Dossier, **kwargs):
        wishes = {wish.axis: wish for wish in dossier.axis_wishes.all()}
        needs = {need.category: need for need in dossier.financing_needs.all()}
        initial = {}
        for axis in Axis:
            initial[f"axis_{axis.value}"] = axis.value in wishes
            initial[f"reason_{axis.value}"] = wishes[axis.value].reason if axis in wishes else ""
        for category in FinancingCategory:
            need = needs.get(category.value)
            initial[f"amount_{category.value}"] = need.amount if need else None
            initial[f"note_{category.value}"] = need.note if need else ""
        super().__init__(*args, initial=initial, **kwargs)
        for axis in Axis:
            self.fields[f"axis_{axis.value}"] = forms.BooleanField(label=axis.label, required=False)
            self.fields[f"reason_{axis.value}"] = forms.CharField(
                label=f"Pourquoi : {axis.label}", required=False, max_length=300
            )
        for category in FinancingCategory:
            self.fields[f"amount_{category.value}"] = AmountField(
                label=f"{category.label} : montant (€)",
                required=False,
                min_value=Decimal("0"),
            )
            self.fields[f"note_{category.value}"] = forms.CharField(
                label=f"{category.label} : précision", required=False, max_length=300
            )

    def axis_rows(self):
        return [(self[f"axis_{axis.value}"], self[f"reason_{axis.value}"]) for axis in Axis]

    def financing_rows(self):
        return [
            (category.label, self[f"amount_{category.value}"], self[f"note_{category.value}"])
            for category in FinancingCategory
        ]

    def axes_data(self) -> dict[str, str]:
        return {
            axis.value: self.cleaned_data.get(f"reason_{axis.value}", "")
            for axis in Axis
            if self.cleaned_data.get(f"axis_{axis.value}")
        }

    def financing_data(self) -> dict[str, tuple]:
        return {
            category.value: (
                self.cleaned_data.get(f"amount_{category.value}"),
                self.cleaned_data.get(f"note_{category.value}", ""),
            )
            for category in FinancingCategory
        }


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    document_type = forms.ModelChoiceField(
        label="Type de pièce",
        queryset=DocumentType.objects.all(),
        empty_label="Choisissez le type de pièce",
    )
    upload = forms.FileField(
        label="Fichier",
        help_text="PDF, PNG, JPEG, ODT, DOCX, ODS ou XLSX.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, dossier: Dossier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields[
            "upload"
        ].help_text = (
            f"PDF, PNG, JPEG, ODT, DOCX, ODS ou XLSX ; {settings.UPLOAD_MAX_SIZE_MB} Mo au plus."
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class MessageForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label="Pièces jointes (facultatif)",
        required=False,
        help_text="PDF, PNG, JPEG, ODT, DOCX, ODS ou XLSX.",
    )


class PrivateNoteForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label="Nouvelle note interne",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Visible uniquement par la coordination.",
    )


class DossierTransitionForm(TransitionForm):
    """A dossier's step; into or out of the committee without the ordered assessment
    diagnostic, it asks why (the reason is kept in the dossier's history)."""

    def __init__(self, *args, asks_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if asks_override:
            self.fields["assessment_override"] = forms.CharField(
                label="Pourquoi avancer sans le diagnostic d'instruction validé ?",
                help_text="Ce motif est gardé dans l'historique du dossier.",
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "Écrivez pourquoi le dossier avance sans lui."},
            )


class InstructorForm(forms.Form):
    instructor = forms.ModelChoiceField(
        label="Chargé(e) d'instruction", queryset=None, required=False, empty_label="Personne"
    )

    def __init__(self, *args, **kwargs):
        from ccr_portal.users.models import Role, User

        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = User.objects.filter(
            role_assignments__role=Role.COORDINATOR, is_active=True
        ).order_by("last_name", "first_name")


class InvitationForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label="Adresse e-mail de la personne à inviter")
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Membership.Role.choices)


class CampaignForm(ServiceErrorsMixin, forms.ModelForm):
    charter = forms.CharField(
        label="Engagements de la charte",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Un engagement par ligne : ce sont les critères de sélection (GT4).",
    )

    securing_days_threshold = model_decimal_field(Campaign, "securing_days_threshold", DAYS)

    class Meta:
        model = Campaign
        fields = [*CAMPAIGN_FIELDS, "sites", "required_document_types"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "information_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "calendar": forms.Textarea(attrs={"rows": 4}),
            "sites": forms.CheckboxSelectMultiple,
            "required_document_types": forms.CheckboxSelectMultiple,
            "securing_timing": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.all()
        if self.instance.pk:
            self.fields["charter"].initial = "\n".join(
                c.text for c in self.instance.charter_commitments.all()
            )


class DocumentTypeForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="Nouveau type de pièce", max_length=150)
    description = forms.CharField(label="Précision", max_length=300, required=False)


class CampaignDocumentForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="Titre du document", max_length=200)
    upload = forms.FileField(
        label="Fichier PDF", widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )
