import datetime
from decimal import Decimal, InvalidOperation

from django import template

from ccr_portal.formatting import format_date, format_euros, format_number

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
    return format_date(value)


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
