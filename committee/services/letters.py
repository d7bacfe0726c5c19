"""The decision letters' texts, edited by the coordination."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccr_portal.users.models import User

from ..letters import PLACEHOLDERS, letter_template, unknown_placeholders
from ..models import LetterTemplate


@transaction.atomic
def letter_template_save(*, actor: User, outcome: str, subject: str, body: str) -> LetterTemplate:
    if not actor.has_perm("committee.edit_letter_templates"):
        raise PermissionDenied("Seule la coordination modifie les modèles de lettre.")
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(text)
        if unknown:
            known = ", ".join(f"{{{{ {p} }}}}" for p in PLACEHOLDERS)
            errors[name] = (
                "Balise inconnue : "
                + ", ".join(f"{{{{ {p} }}}}" for p in unknown)
                + f". Balises possibles : {known}."
            )
    if errors:
        raise ValidationError(errors)
    template = letter_template(outcome)
    template.subject = subject.strip()
    template.body = body.strip()
    template.updated_by = actor
    template.full_clean()
    template.save()
    return template
