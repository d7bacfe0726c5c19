"""Forms of the accompaniment: they read input; the services decide."""

from decimal import Decimal

from django import forms
from django.db.models import Q

from applicants.models import Campaign, Structure
from ccr_portal.axes import Axis
from ccr_portal.collation import french
from ccr_portal.formatting import format_euros, format_number
from ccr_portal.forms import (
    DAYS,
    FTE,
    HOURS,
    AmountField,
    QuantityField,
    ServiceErrorsMixin,
    model_decimal_field,
)
from ccr_portal.permissions import provider_ids
from ccr_portal.uploads import ACCEPT_ATTRIBUTE, ALLOWED_LABELS
from ccr_portal.users.models import Provider, Role, User

from .arithmetic import YEAR_LABELS, validate_half_days
from .models import (
    MAX_PERSONS_PER_REGISTRATION,
    Event,
    FollowUp,
    Format,
    PlanAction,
    PlanStatus,
    QadesDimension,
    QadesReview,
    QualifyingTraining,
    SecuringTheme,
)
from .selectors import axis_letters
from .services.events import EVENT_FIELDS


def _money_field(label: str, **kwargs) -> AmountField:
    """An amount of the budget or the financing plan, typed the French way."""
    return AmountField(label=label, min_value=0, required=False, **kwargs)


def _provider_label(provider: Provider) -> str:
    letters = axis_letters(provider)
    rate = (
        f"{format_euros(provider.daily_rate)}/j"
        if provider.daily_rate is not None
        else "tarif à renseigner"
    )
    return f"{provider} (axes {letters or 'aucun'} · {rate})"


# --- Providers --------------------------------------------------------------------


class ProviderForm(ServiceErrorsMixin, forms.Form):
    axes = forms.MultipleChoiceField(
        label="Axes couverts",
        choices=Axis.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    daily_rate = AmountField(
        label="Tarif journalier (€)",
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="Coût d'une journée de consultant ; s'applique aux nouvelles actions.",
    )
    funding_scheme = forms.ChoiceField(
        label="Financement",
        choices=[("", "Non précisé"), *Provider.FundingScheme.choices],
        required=False,
    )
    monthly_capacity_days = QuantityField(
        quantity=DAYS,
        label="Capacité (jours consultant par mois)",
        max_digits=5,
        decimal_places=1,
        min_value=0,
    )
    consultants = forms.ModelMultipleChoiceField(
        label="Consultants",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Personnes ayant le rôle « prestataire » sur le portail.",
    )

    def __init__(self, *args, provider: Provider | None = None, **kwargs):
        if provider is not None:
            kwargs["initial"] = {
                "axes": provider.axes,
                "daily_rate": provider.daily_rate,
                "funding_scheme": provider.funding_scheme,
                "monthly_capacity_days": provider.monthly_capacity_days,
                "consultants": list(provider.members.all()),
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        eligible = Q(role_assignments__role=Role.PROVIDER)
        if provider is not None and provider.pk:
            # Current consultants stay listed even if they lost the role since.
            eligible |= Q(provider_organisations=provider)
        self.fields["consultants"].queryset = (
            User.objects.filter(eligible).distinct().order_by("last_name", "first_name", "email")
        )
        self.fields["consultants"].label_from_instance = lambda user: (
            f"{user.display_name} ({user.email})"
        )


class ProviderCreateForm(ProviderForm):
    name = forms.CharField(label="Nom de l'organisation", max_length=200)
    short_name = forms.CharField(label="Sigle", max_length=50, required=False)

    field_order = ["name", "short_name"]


# --- Plans ------------------------------------------------------------------------


class PlanCreateForm(ServiceErrorsMixin, forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure", queryset=Structure.objects.order_by(french("name"))
    )
    campaign = forms.ModelChoiceField(label="Appel à candidatures", queryset=Campaign.objects.all())
    first_year = forms.IntegerField(
        label="Première année du plan (N)",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="Laissez vide pour l'année d'installation souhaitée dans le dossier.",
    )


class PlanForm(ServiceErrorsMixin, forms.Form):
    first_year = forms.IntegerField(
        label="Première année du plan (N)", min_value=2000, max_value=2100
    )
    diagnostic_summary = forms.CharField(
        label="Synthèse du diagnostic", required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    objectives = forms.CharField(
        label="Objectifs", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ThemesForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_rows = []
        for theme in themes:
            label = SecuringTheme(theme.theme).label
            findings = f"findings_{theme.theme}"
            changes = f"changes_{theme.theme}"
            self.fields[findings] = forms.CharField(
                label=f"{label} : constats",
                required=False,
                initial=theme.findings,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[changes] = forms.CharField(
                label=f"{label} : évolutions prévues",
                required=False,
                initial=theme.intended_changes,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.theme_rows.append((label, self[findings], self[changes]))

    def themes(self) -> dict[str, tuple[str, str]]:
        return {
            theme: (
                self.cleaned_data.get(f"findings_{theme}", ""),
                self.cleaned_data.get(f"changes_{theme}", ""),
            )
            for theme in SecuringTheme.values
            if f"findings_{theme}" in self.fields
        }


class AmountsForm(ServiceErrorsMixin, forms.Form):
    """One row per line of the budget or the financing plan, three years per row."""

    def __init__(self, *args, lines, years, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.groups = []
        by_item = {line.item: line for line in lines}
        for title, side, items in groups:
            rows = []
            for item in items:
                line = by_item.get(item.value)
                if line is None:
                    continue
                cells = []
                for index, (year, year_label) in enumerate(zip(years, YEAR_LABELS, strict=True)):
                    name = f"{item.value}_{index}"
                    self.fields[name] = _money_field(
                        f"{item.label}, {year} ({year_label})", initial=line.amounts[index]
                    )
                    cells.append(self[name])
                rows.append((item.label, cells))
            self.groups.append((title, side, rows))

    def amounts(self) -> dict[str, tuple]:
        items = {name.rsplit("_", 1)[0] for name in self.fields}
        return {
            item: tuple(self.cleaned_data.get(f"{item}_{index}") for index in range(3))
            for item in items
        }


class ActionForm(ServiceErrorsMixin, forms.Form):
    axis = forms.ChoiceField(label="Axe", choices=Axis.choices)
    title = forms.CharField(label="Intitulé", max_length=200)
    provider = forms.ModelChoiceField(
        label="Prestataire",
        queryset=Provider.objects.all(),
        required=False,
        empty_label="À choisir",
        help_text="Le coût est calculé avec son tarif journalier.",
    )
    format = forms.ChoiceField(label="Format", choices=Format.choices, initial=Format.INDIVIDUAL)
    planned_days = QuantityField(
        quantity=DAYS,
        label="Jours prévus",
        max_digits=5,
        decimal_places=1,
        max_value=100,
        help_text="Par demi-journées : 0,5 ; 1 ; 1,5…",
    )
    description = forms.CharField(
        label="Contenu", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, action: PlanAction | None = None, **kwargs):
        if action is not None:
            kwargs["initial"] = {
                "axis": action.axis,
                "title": action.title,
                "provider": action.provider,
                "format": action.format,
                "planned_days": action.planned_days,
                "description": action.description,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["provider"].label_from_instance = _provider_label

    def clean_planned_days(self):
        value = self.cleaned_data["planned_days"]
        validate_half_days(value)
        return value


class FollowUpForm(ServiceErrorsMixin, forms.Form):
    what_changed = forms.CharField(
        label="Ce qui a changé depuis la fin du plan", widget=forms.Textarea(attrs={"rows": 4})
    )
    jobs_fte = QuantityField(
        quantity=FTE,
        label="Emplois aujourd'hui (ETP)",
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    turnover_trend = forms.ChoiceField(
        label="Évolution du chiffre d'affaires",
        choices=[("", "Non précisée"), *FollowUp.Trend.choices],
        required=False,
    )


class SatisfactionForm(ServiceErrorsMixin, forms.Form):
    SCORES = [(value, str(value)) for value in range(1, 6)]

    usefulness = forms.TypedChoiceField(
        label="Cet accompagnement vous a-t-il été utile ? (1 : pas du tout, 5 : tout à fait)",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label="Recommanderiez-vous ce prestataire ? (1 : pas du tout, 5 : tout à fait)",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire (lu par la coordination seulement)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Sessions ---------------------------------------------------------------------


def _action_label(action: PlanAction) -> str:
    return (
        f"{action.plan.structure} · {Axis(action.axis).letter}. {action.title} "
        f"({format_number(action.planned_days, 1)} j prévus, {action.provider})"
    )


def open_actions_for(user):
    """The plan actions a person may log sessions for: their providers', on open plans."""
    actions = PlanAction.objects.filter(
        plan__status__in=[PlanStatus.AGREED, PlanStatus.IN_PROGRESS], status="planned"
    ).select_related("plan__structure", "provider")
    if not user.has_role(Role.COORDINATOR):
        actions = actions.filter(provider_id__in=provider_ids(user))
    return actions.order_by("plan__structure__name", "axis", "pk")


class SessionForm(ServiceErrorsMixin, forms.Form):
    provider = forms.ModelChoiceField(label="Prestataire", queryset=Provider.objects.none())
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    duration_hours = QuantityField(
        quantity=HOURS,
        label="Durée (heures)",
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=24,
        help_text="7 heures font une journée.",
    )
    axis = forms.ChoiceField(label="Axe", choices=Axis.choices)
    theme = forms.CharField(label="Thème", max_length=200)
    format = forms.ChoiceField(label="Format", choices=Format.choices, widget=forms.RadioSelect)
    actions = forms.ModelMultipleChoiceField(
        label="Action(s) du plan servie(s)",
        queryset=PlanAction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Une action pour une séance individuelle ; une par structure pour une séance "
        "collective.",
    )
    participants = forms.CharField(
        label="Participants", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Laissez vide pour une séance à venir : vous le compléterez après.",
    )
    next_steps = forms.CharField(
        label="Suites à donner", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        providers = Provider.objects.order_by("name")
        if not user.has_role(Role.COORDINATOR):
            providers = providers.filter(pk__in=provider_ids(user))
        self.fields["provider"].queryset = providers
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0]
        self.fields["actions"].queryset = open_actions_for(user)
        self.fields["actions"].label_from_instance = _action_label


class SessionUpdateForm(ServiceErrorsMixin, forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    duration_hours = SessionForm.base_fields["duration_hours"]
    theme = forms.CharField(label="Thème", max_length=200)
    present = forms.MultipleChoiceField(
        label="Structures présentes", widget=forms.CheckboxSelectMultiple, required=False
    )
    participants = forms.CharField(
        label="Participants", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label="Compte rendu", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    next_steps = forms.CharField(
        label="Suites à donner", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, session, **kwargs):
        attendances = list(session.attendances.select_related("structure"))
        kwargs["initial"] = {
            "date": session.date,
            "duration_hours": session.duration_hours,
            "theme": session.theme,
            "present": [str(a.structure_id) for a in attendances if a.attended],
            "participants": session.participants,
            "summary": session.summary,
            "next_steps": session.next_steps,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        if session.format == Format.COLLECTIVE:
            self.fields["present"].choices = [
                (str(a.structure_id), a.structure.name) for a in attendances
            ]
        else:
            del self.fields["present"]

    def present_ids(self) -> list[int] | None:
        if "present" not in self.fields:
            return None
        return [int(value) for value in self.cleaned_data.get("present", [])]


class DocumentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Document",
        help_text=f"Formats acceptés : {ALLOWED_LABELS}.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


# --- Events -----------------------------------------------------------------------


class EventForm(ServiceErrorsMixin, forms.ModelForm):
    duration_hours = model_decimal_field(
        Event,
        "duration_hours",
        HOURS,
        help_text="La présence compte comme une séance collective de cette durée.",
    )

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "organiser": "Ses consultants relèvent les présences.",
        }


class RegisterForm(ServiceErrorsMixin, forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure à inscrire", queryset=Structure.objects.none()
    )
    persons = forms.IntegerField(
        label="Nombre de personnes",
        min_value=1,
        max_value=MAX_PERSONS_PER_REGISTRATION,
        initial=1,
        required=False,
        help_text="Chaque personne occupe une place (une, si vous ne précisez pas).",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        structures = Structure.objects.order_by(french("name"))
        if not user.has_role(Role.COORDINATOR):
            structures = structures.filter(
                memberships__user=user, memberships__role="editor"
            ).distinct()
        self.fields["structure"].queryset = structures

    def clean_persons(self) -> int:
        return self.cleaned_data["persons"] or 1


class GuestRegisterForm(ServiceErrorsMixin, forms.Form):
    """An information day, for a visitor who has no account yet."""

    name = forms.CharField(label="Vos prénom et nom", max_length=150)
    email = forms.EmailField(
        label="Votre adresse e-mail",
        help_text="Un lien vous y sera envoyé pour confirmer l'inscription.",
    )
    structure_name = forms.CharField(label="Le nom de votre structure", max_length=200)
    persons = forms.IntegerField(
        label="Nombre de personnes",
        min_value=1,
        max_value=MAX_PERSONS_PER_REGISTRATION,
        initial=1,
        help_text="Chaque personne occupe une place.",
    )
    # A field no person sees (the template hides it): robots fill it in.
    website = forms.CharField(
        label="Site web (ne pas remplir)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class AttendanceForm(ServiceErrorsMixin, forms.Form):
    present = forms.MultipleChoiceField(
        label="Structures présentes", widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, registrations, **kwargs):
        kwargs["initial"] = {
            "present": [self._value(r) for r in registrations if r.attended],
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (
                self._value(r),
                f"{r.structure_name} ({r.guest_name}, sans compte)"
                if r.is_guest
                else r.structure_name,
            )
            for r in registrations
        ]

    @staticmethod
    def _value(registration) -> str:
        # A guest has no structure in the portal: their registration is pointed.
        return f"g{registration.pk}" if registration.is_guest else str(registration.structure_id)

    def present_ids(self) -> list[int]:
        values = self.cleaned_data.get("present", [])
        return [int(value) for value in values if not value.startswith("g")]

    def present_guest_ids(self) -> list[int]:
        values = self.cleaned_data.get("present", [])
        return [int(value[1:]) for value in values if value.startswith("g")]


# --- Professionalisation and responsibility ---------------------------------------------


class GpecForm(ServiceErrorsMixin, forms.Form):
    skills_to_build = forms.CharField(
        label="Compétences à développer", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recruitment_plan = forms.CharField(
        label="Plan de recrutement", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class GpecJobForm(forms.Form):
    title = forms.CharField(label="Emploi", max_length=150, required=False)
    fte_today = QuantityField(
        quantity=FTE,
        label="ETP aujourd'hui",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    fte_in_3_years = QuantityField(
        quantity=FTE,
        label="ETP dans 3 ans",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    note = forms.CharField(label="Précision", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        has_figures = data.get("fte_today") is not None or data.get("fte_in_3_years") is not None
        if has_figures and not data.get("title"):
            self.add_error("title", "Nommez l'emploi.")
        return data


GpecJobFormSet = forms.formset_factory(GpecJobForm, extra=2)


class TrainingForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = QualifyingTraining
        fields = [
            "person_or_post",
            "training",
            "organisation",
            "starts_on",
            "ends_on",
            "status",
            "funding",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class QadesOpenForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)


class QadesGridForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, grid, lines, may_publish: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for line in lines:
            label = QadesDimension(line.dimension).label
            prefix = line.dimension
            self.fields[f"{prefix}_objectives"] = forms.CharField(
                label=f"{label} : objectifs",
                required=False,
                initial=line.objectives,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}_indicators"] = forms.CharField(
                label=f"{label} : indicateurs",
                required=False,
                initial=line.indicators,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{prefix}_review"] = forms.ChoiceField(
                label=f"{label} : bilan {grid.year}",
                choices=[("", "Pas encore fait"), *QadesReview.choices],
                required=False,
                initial=line.review,
            )
            self.fields[f"{prefix}_review_comment"] = forms.CharField(
                label=f"{label} : commentaire du bilan",
                required=False,
                initial=line.review_comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            names = ["objectives", "indicators", "review", "review_comment"]
            if may_publish:
                self.fields[f"{prefix}_publish"] = forms.BooleanField(
                    label=f"{label} : publier dans la synthèse commune des résidents",
                    required=False,
                    initial=line.publish,
                )
                names.append("publish")
            self.rows.append((label, [self[f"{prefix}_{name}"] for name in names]))

    def lines(self) -> dict[str, dict]:
        data = {}
        for dimension in QadesDimension.values:
            if f"{dimension}_objectives" not in self.fields:
                continue
            values = {
                name: self.cleaned_data.get(f"{dimension}_{name}", "")
                for name in ("objectives", "indicators", "review", "review_comment")
            }
            if f"{dimension}_publish" in self.fields:
                values["publish"] = self.cleaned_data.get(f"{dimension}_publish", False)
            data[dimension] = values
        return data
