"""Ordering rows the way their choices are declared (axes A to F), not by code."""

from django.db.models import Case, IntegerField, Value, When


def in_declared_order(field: str, choices) -> Case:
    """An ordering expression: the rank of ``field``'s value among ``choices``."""
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(choices.values)),
        default=Value(len(choices.values)),
        output_field=IntegerField(),
    )
