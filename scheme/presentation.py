"""French words of the scheme's figures, shared by the pages, the PDFs and the XLSX."""

import datetime

from ccr_portal.users.models import Provider

from .figures import UNPAID

MONTHS = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip


def month_label(month: datetime.date | None) -> str:
    if month is None:
        return ""
    return f"{MONTHS[month.month - 1]} {month.year}"


def payer_label(code: str) -> str:
    if code == UNPAID:
        return "À trouver"
    return dict(Provider.FundingScheme.choices).get(code, code)
