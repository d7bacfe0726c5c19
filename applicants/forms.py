from django import forms

from ccr_portal.validators import normalise_siret

from .models import Structure
from .services.structures import STRUCTURE_FIELDS


class StructureForm(forms.ModelForm):
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

    class Meta:
        model = Structure
        fields = STRUCTURE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
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
