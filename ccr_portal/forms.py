"""Form fields shared by the apps."""

import re

from django import forms

SPACES = re.compile(r"[\s\u00a0\u202f]+")


class AmountField(forms.DecimalField):
    """A decimal typed the French way: « 12 500,50 », « 12500.50 » or « 12 500 € »."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = SPACES.sub("", value).replace("€", "").replace(",", ".")
        return super().to_python(value)
