from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def pluriel(value, suffix="s"):
    """French plural: « 0 inscrite », « 1,5 jour », « 2 jours » (from two on, unlike pluralize)."""
    if hasattr(value, "__len__") and not isinstance(value, str):
        value = len(value)
    try:
        return suffix if abs(Decimal(str(value))) >= 2 else ""
    except (InvalidOperation, ValueError):
        return ""
