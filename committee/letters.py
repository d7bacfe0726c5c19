"""The decision letter: a text the coordination edits, with a small set of placeholders.

A placeholder is written ``{{ structure }}``. The text is never run as a template: every
character of it and of each value is escaped, then the placeholders are replaced, so a
letter shows exactly what was typed and nothing can be injected through a field.
"""

import re

from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from ccr_portal.axes import Axis
from ccr_portal.formatting import format_date

from .models import LetterTemplate, Outcome

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

PLACEHOLDERS = {
    "structure": "le nom de la structure",
    "appel": "le titre de l'appel à candidatures",
    "date_seance": "la date de la séance du comité",
    "decision": "la décision (« retenue », « retenue sous conditions »…)",
    "motivation": "la motivation de la décision",
    "conditions": "les conditions, une par ligne",
    "site": "le site attribué",
    "accompagnements": "les accompagnements recommandés",
    "date": "la date de la lettre",
}

SIGNATURE = "\n\nPour le comité de sélection,\nla coordination (association Regain)"

DEFAULT_LETTERS = {
    Outcome.ACCEPTED: (
        "Votre candidature est retenue",
        "Marseille, le {{ date }}\n\nMadame, Monsieur,\n\nLe comité de sélection réuni le "
        "{{ date_seance }} a examiné la candidature de {{ structure }} à l'{{ appel }}. Nous "
        "avons le plaisir de vous annoncer que votre candidature est {{ decision }}.\n\n"
        "{{ motivation }}\n\nSite attribué : {{ site }}.\n\nAccompagnements recommandés : "
        "{{ accompagnements }}\n\nLa coordination reviendra vers vous pour la suite de votre "
        "accompagnement." + SIGNATURE,
    ),
    Outcome.ACCEPTED_WITH_CONDITIONS: (
        "Votre candidature est retenue sous conditions",
        "Marseille, le {{ date }}\n\nMadame, Monsieur,\n\nLe comité de sélection réuni le "
        "{{ date_seance }} a examiné la candidature de {{ structure }} à l'{{ appel }}. Votre "
        "candidature est {{ decision }}.\n\n{{ motivation }}\n\nSite attribué : {{ site }}.\n\n"
        "Conditions :\n{{ conditions }}\n\nAccompagnements recommandés : {{ accompagnements }}"
        "\n\nLa coordination vous accompagnera pour remplir ces conditions." + SIGNATURE,
    ),
    Outcome.WAITLISTED: (
        "Votre candidature est placée sur liste d'attente",
        "Marseille, le {{ date }}\n\nMadame, Monsieur,\n\nLe comité de sélection réuni le "
        "{{ date_seance }} a examiné la candidature de {{ structure }} à l'{{ appel }}. Votre "
        "candidature est placée {{ decision }}.\n\n{{ motivation }}\n\nNous reviendrons vers "
        "vous dès qu'une place se libère." + SIGNATURE,
    ),
    Outcome.REJECTED: (
        "Votre candidature n'est pas retenue",
        "Marseille, le {{ date }}\n\nMadame, Monsieur,\n\nLe comité de sélection réuni le "
        "{{ date_seance }} a examiné la candidature de {{ structure }} à l'{{ appel }}. Nous "
        "sommes au regret de vous annoncer que votre candidature n'est pas retenue.\n\n"
        "{{ motivation }}\n\nLa coordination reste à votre disposition pour en parler." + SIGNATURE,
    ),
}

# How the outcome reads in a sentence of the letter.
OUTCOME_WORDS = {
    Outcome.ACCEPTED: "retenue",
    Outcome.ACCEPTED_WITH_CONDITIONS: "retenue sous conditions",
    Outcome.WAITLISTED: "sur liste d'attente",
    Outcome.REJECTED: "non retenue",
}


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def letter_template(outcome: str) -> LetterTemplate:
    """The coordination's text for this outcome, or the portal's default (unsaved)."""
    saved = LetterTemplate.objects.filter(outcome=outcome).first()
    if saved is not None:
        return saved
    subject, body = DEFAULT_LETTERS[Outcome(outcome)]
    return LetterTemplate(outcome=outcome, subject=subject, body=body)


def letter_values(decision) -> dict[str, str]:
    dossier = decision.item.dossier
    axes = [
        f"{Axis(r.axis).label}{' (condition)' if r.is_condition else ''}"
        for r in decision.recommendations.all()
    ]
    return {
        "structure": dossier.structure.name,
        "appel": dossier.campaign.title,
        "date_seance": format_date(decision.item.meeting.day),
        "decision": OUTCOME_WORDS[Outcome(decision.outcome)],
        "motivation": decision.motivation,
        "conditions": "\n".join(f"– {line}" for line in decision.condition_lines) or "aucune",
        "site": decision.site.name if decision.site else "—",
        "accompagnements": "; ".join(axes) + "." if axes else "aucun.",
        "date": format_date(
            timezone.localtime(decision.letter_sent_at).date()
            if decision.letter_sent_at
            else timezone.localdate()
        ),
    }


def render_text(text: str, values: dict[str, str]) -> SafeString:
    """The escaped text with its placeholders replaced by the escaped values, as HTML
    paragraphs (a blank line starts a paragraph, a line break stays one)."""

    def replace(match):
        name = match.group(1)
        return escape(values[name]) if name in values else match.group(0)

    escaped = PLACEHOLDER.sub(replace, escape(text))
    # ``linebreaks`` escapes nothing more when told the text is already safe.
    return mark_safe(linebreaks(mark_safe(escaped), autoescape=False))


def render_letter(decision, template: LetterTemplate | None = None) -> dict:
    template = template or letter_template(decision.outcome)
    values = letter_values(decision)
    return {
        "subject": PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.subject),
        "body": render_text(template.body, values),
    }
