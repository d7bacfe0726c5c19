import datetime

from django import template
from django.utils.formats import date_format

from ccr_portal.formatting import format_euros, format_number

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
    return date_format(value, "j F Y")
