"""Amounts, rates, days, hours and FTE are typed the French way, in a text field (a number
input reads « 2,5 » by the browser's language): « 2,5 » is two and a half, « 1 500 » is
fifteen hundred with a plain, a no-break or a narrow no-break space, « 1.500 » is refused
with a message naming what is typed, and a stored value is shown « 2,5 », never « 2.5 »."""

import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms

from accompaniment.forms import (
    ActionForm,
    EventForm,
    FollowUpForm,
    GpecJobForm,
    ProviderForm,
    SessionForm,
)
from applicants.forms import CampaignForm, EconomyForm, StructureForm
from ccr_portal.forms import AmountField
from diagnostics.forms import CapacityForm, GridForm
from financing.forms import GrantForm, RequestForm
from scheme.forms import ScenarioForm
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, ProviderFactory

daily_rate = ProviderForm.base_fields["daily_rate"]
capacity = ProviderForm.base_fields["monthly_capacity_days"]
planned_days = ActionForm.base_fields["planned_days"]
jobs_fte = FollowUpForm.base_fields["jobs_fte"]
session_hours = SessionForm.base_fields["duration_hours"]
event_hours = EventForm.base_fields["duration_hours"]
fte_today = GpecJobForm.base_fields["fte_today"]
fte_in_3_years = GpecJobForm.base_fields["fte_in_3_years"]
usual_days = CapacityForm.base_fields["usual_days"]
staff_fte = StructureForm.base_fields["staff_fte"]
securing_threshold = CampaignForm.base_fields["securing_days_threshold"]

DAYS_AMBIGUOUS = (
    "Nombre de jours : « 1.500 » est ambigu ; écrivez les décimales après une virgule, "
    "par exemple 2,5."
)
HOURS_AMBIGUOUS = (
    "Nombre d'heures : « 1.500 » est ambigu ; écrivez les décimales après une virgule, "
    "par exemple 3,5."
)
FTE_AMBIGUOUS = (
    "Nombre d'ETP : « 1.500 » est ambigu ; écrivez les décimales après une virgule, "
    "par exemple 1,5."
)
PERCENTAGE_AMBIGUOUS = (
    "Pourcentage : « 1.500 » est ambigu ; écrivez les décimales après une virgule, par exemple 2,5."
)
AMOUNT_AMBIGUOUS = (
    "Montant ambigu : écrivez les milliers avec une espace et les centimes après une "
    "virgule, par exemple 15 000 ou 15 000,50."
)


@pytest.fixture
def capacity_form(db):
    return CapacityForm(provider=ProviderFactory(monthly_capacity_days=Decimal("4.5")), months=2)


@pytest.fixture
def full_grid(db):
    return GridForm(diagnostic=DiagnosticFactory(in_progress=True, full=True))


@pytest.fixture
def economy_form(db):
    return EconomyForm(dossier=DossierFactory(complete=True))


def _economy_fte(form) -> forms.Field:
    return form.fields[f"staff_fte_{form.years[0]}"]


@pytest.mark.parametrize(
    ("field", "typed", "read"),
    [
        (GrantForm.base_fields["granted_rate"], "2,5", Decimal("2.5")),
        (GrantForm.base_fields["granted_rate"], "2,5 %", Decimal("2.5")),
        (GrantForm.base_fields["granted_share"], "65", Decimal("65")),
        (RequestForm.base_fields["guaranteed_share"], "50,0", Decimal("50.0")),
        (ScenarioForm.base_fields["light_days"], "1,5", Decimal("1.5")),
        (ScenarioForm.base_fields["securing_days"], " 12,5 ", Decimal("12.5")),
        (daily_rate, "450,50", Decimal("450.50")),
        (daily_rate, "1 500,25", Decimal("1500.25")),
        (capacity, "2,5", Decimal("2.5")),
        (capacity, "1 500", Decimal("1500")),
        (capacity, "1\u00a0500", Decimal("1500")),
        (planned_days, "2,5", Decimal("2.5")),
        (planned_days, "100", Decimal("100")),
        (jobs_fte, "2,5", Decimal("2.5")),
        (jobs_fte, "1 500", Decimal("1500")),
        (jobs_fte, "1\u00a0500", Decimal("1500")),
        (jobs_fte, "1\u202f500,25", Decimal("1500.25")),
        (session_hours, "2,5", Decimal("2.5")),
        (session_hours, "0,25", Decimal("0.25")),
        (event_hours, "3,5", Decimal("3.5")),
        (fte_today, "2,5", Decimal("2.5")),
        (fte_in_3_years, "0,8", Decimal("0.8")),
        (usual_days, "2,5", Decimal("2.5")),
        (usual_days, "1 500", Decimal("1500")),
        (usual_days, "1\u00a0500", Decimal("1500")),
        (staff_fte, "2,5", Decimal("2.5")),
        (staff_fte, "1 500", Decimal("1500")),
        (staff_fte, "1\u00a0500", Decimal("1500")),
        (securing_threshold, "2,5", Decimal("2.5")),
    ],
)
def test_a_comma_is_the_decimal_mark_and_a_space_groups_the_thousands(field, typed, read):
    assert isinstance(field, AmountField)
    assert isinstance(field.widget, forms.TextInput)
    assert not isinstance(field.widget, forms.NumberInput)
    assert field.widget.attrs["inputmode"] == "decimal"
    assert field.clean(typed) == read


def test_the_fields_made_per_row_read_french_too(capacity_form, full_grid, economy_form):
    month = capacity_form.fields[capacity_form.month_field(capacity_form.months[0])]
    days = full_grid.fields["days_securing"]
    fte = _economy_fte(economy_form)
    for field in (month, days, fte):
        assert isinstance(field, AmountField)
        assert not isinstance(field.widget, forms.NumberInput)
    assert month.clean("2,5") == Decimal("2.5")
    assert month.clean("1 500") == Decimal("1500")
    assert month.clean("1\u00a0500") == Decimal("1500")
    assert days.clean("2,5") == Decimal("2.5")
    assert days.clean("1,0") == Decimal("1.0")
    assert fte.clean("2,5") == Decimal("2.5")
    assert fte.clean("1\u00a0500") == Decimal("1500")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (ScenarioForm.base_fields["full_days"], DAYS_AMBIGUOUS),
        (capacity, DAYS_AMBIGUOUS),
        (planned_days, DAYS_AMBIGUOUS),
        (usual_days, DAYS_AMBIGUOUS),
        (securing_threshold, DAYS_AMBIGUOUS),
        (session_hours, HOURS_AMBIGUOUS),
        (event_hours, HOURS_AMBIGUOUS),
        (jobs_fte, FTE_AMBIGUOUS),
        (fte_today, FTE_AMBIGUOUS),
        (fte_in_3_years, FTE_AMBIGUOUS),
        (staff_fte, FTE_AMBIGUOUS),
        (GrantForm.base_fields["granted_rate"], PERCENTAGE_AMBIGUOUS),
        (daily_rate, AMOUNT_AMBIGUOUS),
    ],
)
def test_what_could_mean_two_things_is_refused_naming_what_is_typed(field, message):
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("1.500")
    assert refused.value.messages == [message]


def test_the_fields_made_per_row_name_what_they_refuse(capacity_form, full_grid, economy_form):
    month = capacity_form.fields[capacity_form.month_field(capacity_form.months[0])]
    for field, message in [
        (month, DAYS_AMBIGUOUS),
        (full_grid.fields["days_securing"], DAYS_AMBIGUOUS),
        (_economy_fte(economy_form), FTE_AMBIGUOUS),
    ]:
        with pytest.raises(forms.ValidationError) as refused:
            field.clean("1.500")
        assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (capacity, "2,5 jours", "Nombre de jours : saisissez un nombre, par exemple 2,5."),
        (session_hours, "3h30", "Nombre d'heures : saisissez un nombre, par exemple 3,5."),
        (jobs_fte, "deux", "Nombre d'ETP : saisissez un nombre, par exemple 1,5."),
        (daily_rate, "cent", "Montant : saisissez un nombre, par exemple 15 000 ou 15 000,50."),
        (session_hours, "1,5,0", HOURS_AMBIGUOUS.replace("1.500", "1,5,0")),
        (usual_days, "2.5,0", DAYS_AMBIGUOUS.replace("1.500", "2.5,0")),
    ],
)
def test_what_is_not_a_number_is_refused_naming_what_is_typed(field, typed, message):
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (capacity, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (capacity, "\u22122,5", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (daily_rate, "-450", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (jobs_fte, "-0,5", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (fte_today, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (fte_in_3_years, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (usual_days, "-2,5", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (staff_fte, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (securing_threshold, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        # The limits are written the French way too, not « 0.25 ».
        (session_hours, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0,25."),
        (session_hours, "0,1", "Assurez-vous que cette valeur est supérieure ou égale à 0,25."),
        (event_hours, "0", "Assurez-vous que cette valeur est supérieure ou égale à 0,25."),
        (session_hours, "24,5", "Assurez-vous que cette valeur est inférieure ou égale à 24."),
        (planned_days, "100,5", "Assurez-vous que cette valeur est inférieure ou égale à 100."),
    ],
)
def test_limits_are_kept_and_said_in_french(field, typed, message):
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [message]


def test_the_fields_made_per_row_keep_their_limits(capacity_form, full_grid, economy_form):
    month = capacity_form.fields[capacity_form.month_field(capacity_form.months[0])]
    for field, typed, message in [
        (month, "-1", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (
            full_grid.fields["days_securing"],
            "0,4",
            "Assurez-vous que cette valeur est supérieure ou égale à 0,5.",
        ),
        (
            full_grid.fields["days_securing"],
            "100,5",
            "Assurez-vous que cette valeur est inférieure ou égale à 100.",
        ),
        (
            _economy_fte(economy_form),
            "-1",
            "Assurez-vous que cette valeur est supérieure ou égale à 0.",
        ),
    ]:
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(typed)
        assert refused.value.messages == [message]


def test_the_model_s_decimal_places_are_kept():
    with pytest.raises(forms.ValidationError) as refused:
        planned_days.clean("2,25")
    assert refused.value.messages == [
        "Assurez-vous qu'il n'y a pas plus de 1 chiffre après la virgule."
    ]
    with pytest.raises(forms.ValidationError) as refused:
        jobs_fte.clean("2,1255")
    assert refused.value.messages == [
        "Assurez-vous qu’il n’y a pas plus de 2 chiffres après la virgule."
    ]


def test_a_day_count_is_by_half_days_and_positive():
    for typed, message in [
        ("1,3", "Les jours se comptent par demi-journées (0,5 ; 1 ; 1,5…) : 1,30 n'en est pas"),
        ("-1", "Indiquez un nombre de jours positif."),
    ]:
        form = ActionForm(
            data={"axis": "securing", "title": "T", "format": "individual", "planned_days": typed}
        )
        assert not form.is_valid()
        assert form.errors["planned_days"][0].startswith(message)


@pytest.mark.parametrize(
    ("field", "stored", "shown"),
    [
        (capacity, Decimal("12.5"), "12,5"),
        (capacity, Decimal("4.0"), "4"),
        (planned_days, Decimal("2.5"), "2,5"),
        (session_hours, Decimal("3.50"), "3,5"),
        (session_hours, Decimal("0.25"), "0,25"),
        (session_hours, Decimal("7.00"), "7"),
        (jobs_fte, Decimal("1500.50"), "1\u00a0500,5"),
        (fte_today, Decimal("1.50"), "1,5"),
        (usual_days, Decimal("4.5"), "4,5"),
        (staff_fte, Decimal("3.50"), "3,5"),
        (securing_threshold, Decimal("5.0"), "5"),
        (GrantForm.base_fields["granted_rate"], Decimal("2.50"), "2,5"),
        (daily_rate, Decimal("1450.5"), "1\u00a0450,50"),
        # What was typed is shown as typed.
        (session_hours, "1.500", "1.500"),
    ],
)
def test_a_stored_value_is_shown_the_french_way(field, stored, shown):
    assert field.prepare_value(stored) == shown


def test_edit_forms_start_from_the_stored_value_the_french_way(db, capacity_form, economy_form):
    provider = ProviderFactory(daily_rate=Decimal("450.5"), monthly_capacity_days=Decimal("12.5"))
    html = str(ProviderForm(provider=provider))
    assert 'name="daily_rate" value="450,50"' in html
    assert 'name="monthly_capacity_days" value="12,5"' in html
    assert 'name="usual_days" value="4,5"' in str(capacity_form)


MODULES = [
    "applicants.forms",
    "committee.forms",
    "accompaniment.forms",
    "diagnostics.forms",
    "financing.forms",
    "scheme.forms",
]


@pytest.mark.parametrize("module", MODULES)
def test_no_form_asks_a_decimal_in_a_number_input(module):
    """A number input is kept for whole counts only (persons, minutes, months, a year)."""
    for name, form in inspect.getmembers(importlib.import_module(module), inspect.isclass):
        if not issubclass(form, forms.BaseForm) or form.__module__ != module:
            continue
        for field_name, field in form.base_fields.items():
            where = f"{name}.{field_name}"
            if isinstance(field, forms.DecimalField | forms.FloatField):
                assert isinstance(field, AmountField), where
            if isinstance(field.widget, forms.NumberInput):
                assert type(field) is forms.IntegerField, where
