"""Form fields shared by the apps."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.validators import DecimalValidator

from ccr_portal.formatting import format_number

SPACES = re.compile(r"[\s\u00a0\u202f]+")


AMBIGUOUS_AMOUNT = (
    "Montant ambigu : écrivez les milliers avec une espace et les centimes après une "
    "virgule, par exemple 15 000 ou 15 000,50."
)
# « 15.000 » or « 15,000 »: thousands, or fifteen with three decimals? Refused.
THOUSANDS_ONLY = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")


def parse_amount(value: str, ambiguous: str = AMBIGUOUS_AMOUNT) -> str:
    """A typed amount as a plain decimal string: « 15 000 », « 15000,00 », « 15 000,50 €»
    and « 18000.50 » are read right; what could mean two things is refused in French
    (with ``ambiguous``, the message naming what is typed; ``%(value)s`` is the typing)."""
    text = SPACES.sub("", value).replace("€", "").replace("\u2212", "-")
    if not text:
        return text
    both_marks = "," in text and "." in text
    if both_marks or text.count(",") > 1 or text.count(".") > 1 or THOUSANDS_ONLY.match(text):
        raise forms.ValidationError(ambiguous, code="ambiguous", params={"value": value.strip()})
    return text.replace(",", ".")


@dataclass(frozen=True)
class Quantity:
    """What a decimal field holds, as its refusals name it, with an example of the typing."""

    name: str  # « Nombre de jours »: starts the refusal, « Nombre de jours : … »
    example: str  # « 2,5 »
    ambiguous_text: str = ""
    unit: str = ""  # typed after the number at times (« 2,5 % »), ignored like « € »

    @property
    def ambiguous(self) -> str:
        return self.ambiguous_text or (
            f"{self.name} : « %(value)s » est ambigu ; écrivez les décimales après une "
            f"virgule, par exemple {self.example}."
        )

    @property
    def invalid(self) -> str:
        return f"{self.name} : saisissez un nombre, par exemple {self.example}."


AMOUNT = Quantity("Montant", "15 000 ou 15 000,50", AMBIGUOUS_AMOUNT)
DAYS = Quantity("Nombre de jours", "2,5")
HOURS = Quantity("Nombre d'heures", "3,5")
FTE = Quantity("Nombre d'ETP", "1,5")
PERCENTAGE = Quantity("Pourcentage", "2,5", unit="%")


def _french_limit(error: forms.ValidationError) -> forms.ValidationError:
    """« … supérieure ou égale à 0,25 », not Django's « 0.25 »."""
    params = error.params or {}
    limit = params.get("limit_value")
    if not isinstance(limit, Decimal | int | float) or isinstance(limit, bool):
        return error
    limit = Decimal(str(limit))
    places = max(0, -limit.normalize().as_tuple().exponent)
    return forms.ValidationError(
        error.message,
        code=error.code,
        params={**params, "limit_value": format_number(limit, places)},
    )


class AmountField(forms.DecimalField):
    """An amount typed the French way, in a text field (a number input would depend on the
    browser's language: « 15000,00 » in an English one was read 1 500 000).

    ``quantity`` names what is typed in the refusals (« Montant », « Nombre de jours »…).
    """

    quantity = AMOUNT

    def __init__(self, *args, quantity: Quantity | None = None, **kwargs):
        if quantity is not None:
            self.quantity = quantity
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput)
        kwargs["error_messages"] = {
            "ambiguous": self.quantity.ambiguous,
            "invalid": self.quantity.invalid,
            **(kwargs.get("error_messages") or {}),
        }
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if isinstance(value, str):
            if self.quantity.unit:
                value = value.replace(self.quantity.unit, "")
            value = parse_amount(value, self.error_messages["ambiguous"])
        return super().to_python(value)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError as refusal:
            raise forms.ValidationError(
                [_french_limit(error) for error in refusal.error_list]
            ) from None

    def prepare_value(self, value):
        """A stored amount shown as it is typed: « 18 000,50 »; what was typed, as typed."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, self.decimal_places or 0)
        return value


class QuantityField(AmountField):
    """A number of days, hours or FTE typed the French way (« 2,5 »), shown without the
    zeros an amount's cents would need: « 2 » jours, « 3,5 » heures, « 0,25 »."""

    def __init__(self, *args, quantity: Quantity, **kwargs):
        super().__init__(*args, quantity=quantity, **kwargs)

    def prepare_value(self, value):
        shown = super().prepare_value(value)
        if isinstance(value, str) or not isinstance(shown, str) or "," not in shown:
            return shown
        return shown.rstrip("0").rstrip(",")


def model_decimal_field(model, name: str, quantity: Quantity = AMOUNT, **kwargs) -> AmountField:
    """A model's decimal as a ModelForm field typed the French way, with the model's label,
    help text, digits and limits; the limits checked by the form say « 0,5 », not « 0.5 »."""
    model_field = model._meta.get_field(name)
    limits = [v for v in model_field.validators if not isinstance(v, DecimalValidator)]
    return model_field.formfield(
        form_class=AmountField if quantity == AMOUNT else QuantityField,
        quantity=quantity,
        validators=limits,
        **kwargs,
    )


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
