"""French formatting of amounts and numbers, for pages, PDFs, e-mails and exports."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.numberformat import format as number_format

NBSP = "\u00a0"


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return number_format(
        number,
        decimal_sep=",",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=NBSP,
        force_grouping=True,
    )


def format_euros(value, decimals: int = 2) -> str:
    """``12500`` → ``12 500,00 €`` (non-breaking spaces)."""
    if value is None or value == "":
        return "—"
    return f"{format_number(value, decimals)}{NBSP}€"


def format_date(value) -> str:
    """``date(2011, 6, 28)`` → ``28 juin 2011``."""
    if value is None:
        return "—"
    return date_format(value, "j F Y")
