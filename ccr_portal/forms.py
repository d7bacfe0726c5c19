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


class ServiceErrorsMixin:
    """Show a service's ``ValidationError`` next to the fields it names, or above the form."""

    def add_service_error(self, error) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error)
