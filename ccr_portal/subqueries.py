"""Per-row figures as correlated subqueries, for the lists that sort and paginate.

``annotate(n=Count("children"))`` joins every child row and groups the whole table:
PostgreSQL must aggregate all of it before sorting, and the paginator's COUNT pays the
join again. A correlated subquery in the select list is computed for the rows that
are returned (PostgreSQL postpones it past the sort and the LIMIT), and a COUNT that
does not use it drops it.
"""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce


def count_of(children: QuerySet, link: str) -> Coalesce:
    """How many rows of ``children`` (already filtered on ``link=OuterRef(...)``) each
    row has: ``annotate(document_count=count_of(Document.objects.filter(
    session=OuterRef("pk")), "session"))``."""
    counted = children.order_by().values(link).annotate(total=Count("*")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sum_of(children: QuerySet, link: str, field: str, output_field) -> Subquery:
    """The sum of ``field`` over ``children`` for each row (None where it has none)."""
    summed = children.order_by().values(link).annotate(total=Sum(field)).values("total")
    return Subquery(summed, output_field=output_field)
