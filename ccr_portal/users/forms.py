from django import forms

from ccr_portal.forms import ServiceErrorsMixin

from .models import STAFF_ROLES, Funder, Provider, Role, User


class SignupForm(forms.Form):
    """Extra fields of the sign-up form (allauth adds e-mail and password)."""

    first_name = forms.CharField(
        label="Prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


class StaffRolesForm(ServiceErrorsMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label="Rôles d'équipe",
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    providers = forms.ModelMultipleChoiceField(
        label="Structure(s) d'accompagnement",
        queryset=Provider.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Obligatoire pour le rôle de prestataire.",
    )
    funders = forms.ModelMultipleChoiceField(
        label="Fonds",
        queryset=Funder.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Obligatoire pour le rôle de financeur.",
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs["initial"] = {
            **kwargs.get("initial", {}),
            "roles": [role for role in user.roles if role != Role.APPLICANT],
            "providers": list(user.provider_organisations.all()),
            "funders": list(user.funder_organisations.all()),
        }
        super().__init__(*args, **kwargs)


class UserSearchForm(forms.Form):
    q = forms.CharField(label="Rechercher (nom ou e-mail)", required=False)
    role = forms.ChoiceField(
        label="Rôle", required=False, choices=[("", "Tous les rôles"), *Role.choices]
    )
