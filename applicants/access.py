"""Who works for a structure without being its member: a read-only door, opened by higher apps.

A provider's consultant assigned to a structure's open diagnostic, or to an open action
of its plan, reads the structure's identity and its dossiers' sections and documents
(never the coordination's private notes nor the thread with Regain). Diagnostics and
accompaniment sit above this app: each registers, in its ``rules`` module, a function
that returns the ids of the structures a person works for as a query, so that the
permission layer and the ``visible_to`` querysets state the same rule.
"""

from collections.abc import Callable

from django.db.models import Q, QuerySet

# grant(user) -> a queryset of structure ids (``values_list(..., flat=True)``), or None.
_grants: list[Callable] = []


def register_structure_access(grant: Callable) -> Callable:
    if grant not in _grants:
        _grants.append(grant)
    return grant


def worked_structures_condition(user, field: str = "pk") -> Q:
    """``Q`` matching the structures (through ``field``) the person works for."""
    condition = Q(pk__in=[])
    for grant in _grants:
        ids = grant(user)
        if ids is not None:
            condition |= Q(**{f"{field}__in": ids})
    return condition


def worked_structure_ids(user) -> frozenset[int]:
    """The same, as ids, cached on the request's user (one query per grant)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if "_worked_structure_ids" not in user.__dict__:
        ids: set[int] = set()
        for grant in _grants:
            found: QuerySet | None = grant(user)
            if found is not None:
                ids.update(found)
        user.__dict__["_worked_structure_ids"] = frozenset(ids)
    return user.__dict__["_worked_structure_ids"]
