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
