"""Rates, shares and days are typed the French way too, in a text field (a number input
reads « 2,5 » by the browser's language): « 2,5 » is two and a half, « 1.500 » is refused."""

from decimal import Decimal

import pytest
from django import forms

from financing.forms import GrantForm, RequestForm
from scheme.forms import ScenarioForm


@pytest.mark.parametrize(
    ("field", "typed", "read"),
    [
        (GrantForm.base_fields["granted_rate"], "2,5", Decimal("2.5")),
        (GrantForm.base_fields["granted_share"], "65", Decimal("65")),
        (RequestForm.base_fields["guaranteed_share"], "50,0", Decimal("50.0")),
        (ScenarioForm.base_fields["light_days"], "1,5", Decimal("1.5")),
        (ScenarioForm.base_fields["securing_days"], " 12,5 ", Decimal("12.5")),
    ],
)
def test_a_comma_is_the_decimal_mark(field, typed, read):
    assert not isinstance(field.widget, forms.NumberInput)
    assert field.clean(typed) == read


def test_what_could_mean_two_things_is_refused_in_french():
    with pytest.raises(forms.ValidationError) as refused:
        ScenarioForm.base_fields["full_days"].clean("1.500")
    assert "Montant ambigu" in refused.value.messages[0]
