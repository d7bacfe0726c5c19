"""Paginators told their total by the page, which counted it already with its other figures
(the counts per status): no COUNT query of their own."""

from django.core.paginator import Paginator


def tell_count(paginator: Paginator, total: int) -> Paginator:
    """Give ``paginator`` its total (``count`` is a cached property: set, it is not asked)."""
    paginator.__dict__["count"] = total
    return paginator


class CountedPaginator(Paginator):
    """A paginator built with its total."""

    def __init__(self, object_list, per_page, *, total: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        tell_count(self, total)
