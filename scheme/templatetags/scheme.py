from django import template

from ..presentation import month_label, payer_label

register = template.Library()

register.filter("mois", month_label)
register.filter("financeur", payer_label)


@register.filter
def cle(mapping, key):
    """``mapping[key]`` in a template (a month's cell of an axis row)."""
    return mapping.get(key) if mapping else None


@register.filter
def index(sequence, position):
    return sequence[position]
