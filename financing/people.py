"""Who to tell about a request, beyond the structure and the coordinators
(``applicants.people``): the officers of the fund it is addressed to."""

from ccr_portal.users.models import User


def fund_officers(request) -> list[User]:
    """The active members of the request's fund holding the funder role."""
    return list(request.product.funder.officers())
