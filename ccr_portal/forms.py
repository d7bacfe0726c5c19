"""Form fields shared by the apps."""

import re
from decimal import Decimal

from django import forms

SPACES = re.compile(r"[\s\u00a0\u202f]+")


AMBIGUOUS_AMOUNT = (
    "Montant ambigu : écrivez les milliers avec une espace et les centimes après une "
    "virgule, par exemple 15 000 ou 15 000,50."
)
# « 15.000 » or « 15,000 »: thousands, or fifteen with three decimals? Refused.
THOUSANDS_ONLY = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")


def parse_amount(value: str) -> str:
    """A typed amount as a plain decimal string: « 15 000 », « 15000,00 », « 15 000,50 €»
    and « 18000.50 » are read right; what could mean two things is refused in French."""
    text = SPACES.sub("", value).replace("€", "").replace("\u2212", "-")
    if not text:
        return text
    if "," in text and "." in text:
        raise forms.ValidationError(AMBIGUOUS_AMOUNT, code="ambiguous")
    if text.count(",") > 1 or text.count(".") > 1 or THOUSANDS_ONLY.match(text):
        raise forms.ValidationError(AMBIGUOUS_AMOUNT, code="ambiguous")
    return text.replace(",", ".")


class AmountField(forms.DecimalField):
    """An amount typed the French way, in a text field (a number input would depend on the
    browser's language: « 15000,00 » in an English one was read 1 500 000)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_amount(value)
        return super().to_python(value)

    def prepare_value(self, value):
        """A stored amount shown as it is typed: « 18 000,50 »; what was typed, as typed."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            from ccr_portal.formatting import format_number

            return format_number(value, self.decimal_places or 0)
        return value


class ServiceErrorsMixin:
    """Show a service's ``ValidationError`` next to the fields it names, or above the form.

    Services key their errors by domain names (``themes.finances.score``); a form whose
    fields are named otherwise maps them in ``field_for_error``.
    """

    def field_for_error(self, key: str) -> str | None:
        return key if key in self.fields else None

    def add_service_error(self, error) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(self.field_for_error(key), messages)
        else:
            self.add_error(None, error)


class TransitionForm(ServiceErrorsMixin, forms.Form):
    """The confirmation of any workflow step: a coded motive and a comment where the row
    needs a reason, an optional comment otherwise. The comment's field is named as the
    workflow names it, so the service's errors land on it."""

    def __init__(self, *args, workflow, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.comment_field = workflow.comment_field
        if transition.needs_reason and workflow.reasons is not None:
            self.fields["reason"] = forms.ChoiceField(
                label="Motif", choices=[("", "— Choisir —"), *workflow.reasons.choices]
            )
        needs_reason = transition.needs_reason
        self.fields[self.comment_field] = forms.CharField(
            label=(transition.reason_label or "Commentaire")
            if needs_reason
            else "Commentaire (facultatif)",
            help_text=transition.reason_help if needs_reason else "",
            required=needs_reason,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    @property
    def comment(self) -> str:
        return self.cleaned_data.get(self.comment_field, "")

    @property
    def reason(self) -> str:
        return self.cleaned_data.get("reason", "")
