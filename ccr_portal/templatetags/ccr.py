from django import template

from ccr_portal.formatting import format_euros, format_number

register = template.Library()


@register.filter
def euros(value, decimals=2):
    return format_euros(value, int(decimals))


@register.filter
def nombre(value, decimals=0):
    return format_number(value, int(decimals))
