"""Forms of the committee: they read input; the services decide."""

import datetime
import functools

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from applicants.models import Campaign, Dossier, Site, Structure
from ccr_portal.axes import Axis
from ccr_portal.forms import ServiceErrorsMixin

from .letters import PLACEHOLDERS
from .models import (
    CharterScore,
    ConflictKind,
    LetterTemplate,
    Meeting,
    OpinionValue,
    Outcome,
)
from .selectors import committee_people, organisation_of


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        organisation = organisation_of(person)
        return f"{person.display_name} ({organisation})" if organisation else person.display_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        organisation = organisation_of(person)
        return f"{person.display_name} ({organisation})" if organisation else person.display_name


class MeetingForm(ServiceErrorsMixin, forms.Form):
    campaign = forms.ModelChoiceField(label="Appel à candidatures", queryset=Campaign.objects.all())
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)", min_value=15, max_value=720, initial=180
    )
    place = forms.CharField(label="Lieu", required=False, max_length=250)
    video_link = forms.URLField(
        label="Lien de visioconférence", required=False, assume_scheme="https"
    )
    quorum = forms.IntegerField(
        label="Quorum (membres présents)",
        min_value=1,
        help_text="Nombre de membres présents nécessaire pour décider.",
    )
    members = PeopleChoiceField(
        label="Membres invités",
        queryset=committee_people(),
        widget=forms.CheckboxSelectMultiple,
    )
    chair = PersonChoiceField(
        label="Présidence de séance", queryset=committee_people(), required=False
    )

    def field_for_error(self, key):
        if key == "starts_at":
            return "date"
        return super().field_for_error(key)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("place") or cleaned.get("video_link")):
            self.add_error("place", "Indiquez le lieu ou le lien de visioconférence.")
        return cleaned

    @property
    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": self.starts_at,
            "duration_minutes": data["duration_minutes"],
            "place": data["place"],
            "video_link": data["video_link"],
            "quorum": data["quorum"],
            "members": list(data["members"]),
            "chair": data["chair"],
        }

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict:
        local = timezone.localtime(meeting.starts_at)
        return {
            "campaign": meeting.campaign,
            "date": local.date(),
            "time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "place": meeting.place,
            "video_link": meeting.video_link,
            "quorum": meeting.quorum,
            "members": list(meeting.members.all()),
            "chair": meeting.chair,
        }


class AgendaForm(ServiceErrorsMixin, forms.Form):
    dossiers = forms.ModelMultipleChoiceField(
        label="Dossiers à inscrire",
        queryset=Dossier.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    assessment_override = forms.CharField(
        label="Inscrire malgré un diagnostic d'instruction non validé : pourquoi ?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire si un diagnostic d'instruction commandé n'est pas encore validé.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = candidates
        self.fields["dossiers"].label_from_instance = lambda dossier: (
            f"{dossier.structure} ({dossier.get_status_display()})"
        )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label="Membres présents", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(invitation.user_id), invitation.user.display_name) for invitation in invitations
        ]


class InstructionNoteForm(ServiceErrorsMixin, forms.Form):
    opinion = forms.ChoiceField(
        label="Avis de l'instruction", choices=OpinionValue.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 4}))
    proposed_conditions = forms.CharField(
        label="Conditions proposées", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_site = forms.ModelChoiceField(
        label="Site proposé", queryset=Site.objects.none(), required=False
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_site"].queryset = dossier.campaign.sites.all()


class ConflictRecordForm(ServiceErrorsMixin, forms.Form):
    member = PersonChoiceField(label="Membre du comité", queryset=committee_people())
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.all())
    kind = forms.ChoiceField(label="Nature du lien", choices=ConflictKind.choices)
    declared_on = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    details = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}))


class ConflictWithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Pourquoi ce lien est-il levé ?", widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.CharField(label="Organisation représentée", max_length=200)


class LetterTemplateForm(ServiceErrorsMixin, forms.Form):
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(
        label="Texte de la lettre",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Balises possibles : "
        + " ; ".join(f"{{{{ {name} }}}} ({what})" for name, what in PLACEHOLDERS.items())
        + ".",
    )

    @classmethod
    def initial_for(cls, template: LetterTemplate) -> dict:
        return {"subject": template.subject, "body": template.body}


class SiteCapacityForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, campaign, capacities, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = list(campaign.sites.all())
        for site in self.sites:
            self.fields[f"site_{site.pk}"] = forms.IntegerField(
                label=f"Places à {site.name}",
                min_value=0,
                required=False,
                initial=capacities.get(site.pk),
            )


# --- Several files at once: one small form per agenda item (prefix: the item's id) ------


def _shown(value) -> str:
    return "" if value is None else str(value)


SCORE_CHOICES = [("", "—"), *((str(code), label) for code, label in CharterScore.choices)]


@functools.cache
def _score_options(selected: str) -> str:
    """A score select's options: the same for every commitment of every file but for the
    one selected, so written once per selected score instead of once per select."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, " selected" if code == selected else "", label) for code, label in SCORE_CHOICES),
    )


def _error_of(field: forms.BoundField) -> tuple[str, str]:
    """The ``aria-describedby`` attribute and the message of a field in error, or nothing."""
    if not field.errors:
        return "", ""
    return (
        format_html(' aria-describedby="{}_erreur"', field.auto_id),
        format_html(
            '<div id="{}_erreur" class="invalid-feedback d-block">{}</div>',
            field.auto_id,
            " ".join(field.errors),
        ),
    )


class OpinionForm(forms.Form):
    """One member's opinion on one file, with optional scores per charter commitment.

    The opinions page shows one per file of the agenda, thirty at a time: its template
    (``committee/includes/opinion_fields.html``) writes the fieldset, legend and labels,
    and takes the repeated controls (the radio group's choices, each score's select) from
    ``value_radios`` and ``score_controls``, written here in one go: Django's and crispy's
    templates for each widget and each option made the page heavy and slow."""

    value_choices = [("", "Pas encore d'avis"), *OpinionValue.choices]

    value = forms.ChoiceField(
        label="Avis",
        choices=value_choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item, commitments, score_fields=None, **kwargs):
        super().__init__(*args, prefix=f"dossier-{item.pk}", **kwargs)
        self.item = item
        self.commitments = list(commitments)
        structure = item.dossier.structure
        self.fields["value"].label = f"Avis sur « {structure} »"
        self.fields["comment"].label = f"Commentaire sur « {structure} »"
        self.fields.update(score_fields or self.score_fields_for(self.commitments))

    @staticmethod
    def score_fields_for(commitments) -> dict[str, forms.Field]:
        """The score fields of these commitments. A page of many files builds them once and
        passes them to each form (``score_fields``): nothing in them depends on the file
        (the prefix and the data live in the form and its bound fields)."""
        return {
            f"charter_{commitment.pk}": forms.TypedChoiceField(
                label=commitment.text,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            for commitment in commitments
        }

    @property
    def score_fields(self):
        return [self[f"charter_{commitment.pk}"] for commitment in self.commitments]

    @property
    def value_radios(self) -> str:
        """The radio group's choices, the one sent back (else the opinion given) checked."""
        field = self["value"]
        current = _shown(field.value())
        return format_html_join(
            "\n",
            '<div class="form-check"><input type="radio" class="form-check-input{invalid}"'
            ' name="{name}" value="{code}" id="{id}"{checked}>'
            '<label for="{id}" class="form-check-label">{label}</label></div>',
            (
                {
                    "invalid": " is-invalid" if field.errors else "",
                    "name": field.html_name,
                    "code": code,
                    "id": f"{field.auto_id}_{index}",
                    "checked": " checked" if code == current else "",
                    "label": label,
                }
                for index, (code, label) in enumerate(self.value_choices)
            ),
        )

    @property
    def score_controls(self) -> list[str]:
        """Each commitment's label and select, the score sent back (else given) selected."""
        controls = []
        for field in self.score_fields:
            described, error = _error_of(field)
            controls.append(
                format_html(
                    '<label class="form-label small" for="{}">{}</label><select name="{}"'
                    ' class="form-select form-select-sm{}" id="{}"{}>{}</select>{}',
                    field.auto_id,
                    field.label,
                    field.html_name,
                    " is-invalid" if field.errors else "",
                    field.auto_id,
                    described,
                    _score_options(_shown(field.value())),
                    error,
                )
            )
        return controls

    @property
    def scores_invalid(self) -> bool:
        return any(field.errors for field in self.score_fields)

    def entry(self) -> dict:
        data = self.cleaned_data
        return {
            "item": self.item,
            "value": data.get("value", ""),
            "comment": data.get("comment", ""),
            "scores": {c: data.get(f"charter_{c.pk}") for c in self.commitments},
        }


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """The secretary's decision on one file of the agenda."""

    outcome = forms.ChoiceField(
        label="Décision",
        choices=[("", "— Pas de décision maintenant —"), *Outcome.choices],
        required=False,
    )
    motivation = forms.CharField(
        label="Motivation (transmise à la structure)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    site = forms.ChoiceField(label="Site attribué", required=False)
    conditions = forms.CharField(
        label="Conditions (une par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    condition_axis = forms.ChoiceField(
        label="Accompagnement exigé par les conditions",
        choices=[("", "Aucun"), *Axis.choices],
        required=False,
    )
    recommended_axes = forms.MultipleChoiceField(
        label="Accompagnements recommandés",
        choices=Axis.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    financing_referral = forms.BooleanField(
        label="Orienter vers l'accompagnement financier (ESIA, PARGEST)", required=False
    )
    financing_note = forms.CharField(
        label="Précisions sur le financement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    assessment_override = forms.CharField(
        label="Décider sans le diagnostic d'instruction validé : pourquoi ?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, item, sites, warning: str = "", **kwargs):
        """``sites``: the campaign's sites, read once for every form of the page."""
        super().__init__(*args, prefix=f"dossier-{item.pk}", **kwargs)
        self.item = item
        self.warning = warning
        self.sites = {str(site.pk): site for site in sites}
        structure = item.dossier.structure
        self.fields["site"].choices = [
            ("", "— Aucun —"),
            *((pk, site.name) for pk, site in self.sites.items()),
        ]
        self.fields["outcome"].label = f"Décision sur « {structure} »"
        if not warning:
            del self.fields["assessment_override"]

    @property
    def is_filled(self) -> bool:
        return bool(self.cleaned_data.get("outcome"))

    def entry_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "item": self.item,
            "outcome": data["outcome"],
            "motivation": data.get("motivation", ""),
            "site": self.sites.get(data.get("site") or ""),
            "conditions": data.get("conditions", ""),
            "recommended_axes": list(data.get("recommended_axes") or []),
            "condition_axis": data.get("condition_axis", ""),
            "financing_referral": bool(data.get("financing_referral")),
            "financing_note": data.get("financing_note", ""),
            "assessment_override": data.get("assessment_override", ""),
        }


class ConflictDeclarationForm(forms.Form):
    """A member's answer for a meeting: a link or none with each structure of the agenda."""

    def __init__(self, *args, items, existing, suggestions, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in items:
            structure = item.dossier.structure
            known = existing.get(structure.pk)
            suggested = suggestions.get(structure.pk)
            prefix = f"structure_{structure.pk}"
            if known is None:
                self.fields[f"{prefix}_linked"] = forms.BooleanField(
                    label=f"J'ai un lien avec « {structure} »",
                    required=False,
                    initial=suggested is not None,
                )
                self.fields[f"{prefix}_kind"] = forms.ChoiceField(
                    label=f"Nature du lien avec « {structure} »",
                    choices=[("", "—"), *ConflictKind.choices],
                    required=False,
                    initial=suggested.kind if suggested else "",
                )
                self.fields[f"{prefix}_details"] = forms.CharField(
                    label=f"Précisions sur le lien avec « {structure} »",
                    required=False,
                    initial=suggested.details if suggested else "",
                )
            self.rows.append({"structure": structure, "known": known, "prefix": prefix})

    @property
    def display_rows(self) -> list[dict]:
        """The rows with their bound fields, for the template."""
        return [
            {
                **row,
                "fields": [
                    self[f"{row['prefix']}_{name}"] for name in ("linked", "kind", "details")
                ]
                if row["known"] is None
                else [],
            }
            for row in self.rows
        ]

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            prefix = row["prefix"]
            if cleaned.get(f"{prefix}_linked") and not cleaned.get(f"{prefix}_kind"):
                self.add_error(
                    f"{prefix}_kind", f"Précisez la nature du lien avec « {row['structure']} »."
                )
        return cleaned

    def declarations(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "structure": row["structure"],
                "kind": data.get(f"{row['prefix']}_kind"),
                "details": data.get(f"{row['prefix']}_details", ""),
            }
            for row in self.rows
            if row["known"] is None and data.get(f"{row['prefix']}_linked")
        ]
