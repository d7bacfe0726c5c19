import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from ccr_portal.formatting import (
    format_date,
    format_euros,
    format_moment,
    format_number,
    format_size,
    with_preposition,
)

register = template.Library()


@register.filter
def euros(value, decimals=2):
    return format_euros(value, int(decimals))


@register.filter
def nombre(value, decimals=0):
    return format_number(value, int(decimals))


@register.filter
def jour(value):
    """A date (or an ISO date string, as stored in e-mail contexts) as « 28 juin 2011 »."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return format_date(value)


@register.filter
def jour_heure(value):
    """A moment as « 1er décembre 2026 à 14:05 », in the portal's time zone."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    return jour(value)


@register.filter
def taille(value):
    """A file size in Ko or Mo: « 18 Ko », « 2,4 Mo »."""
    return format_size(value)


@register.filter
def de(value):
    """« de » before a name, contracted or elided: « des Jardins Partagés », « d'Épicerie »."""
    return with_preposition("de", str(value or ""))


@register.filter(name="a")
def a_(value):
    """« à » before a name, contracted: « au Comptoir Équitable », « aux Jardins Partagés »."""
    return with_preposition("à", str(value or ""))


@register.filter
def pluriel(value, suffix="s"):
    """French plural: « 0 dossier », « 1,5 jour », « 2 jours » (plural from two on).

    Django's ``pluralize`` makes 0 plural, which is English usage.
    """
    if hasattr(value, "__len__") and not isinstance(value, str):
        value = len(value)
    try:
        return suffix if abs(Decimal(str(value))) >= 2 else ""
    except (InvalidOperation, ValueError):
        return ""
