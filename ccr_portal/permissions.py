"""The permission layer: role predicates shared by every app.

Each app declares its object permissions in its own ``rules.py`` from these
predicates (``rules.add_perm``); views, downloads, exports and PDFs all ask
``user.has_perm(<perm>, obj)``, never a role directly, so that one rule serves
every way of reaching the same data.
"""

import rules

from ccr_portal.users.models import Role


def _role_predicate(role: Role):
    @rules.predicate(name=f"is_{role.value}")
    def has_role(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.has_role(role))

    return has_role


is_applicant = _role_predicate(Role.APPLICANT)
is_coordinator = _role_predicate(Role.COORDINATOR)
is_provider = _role_predicate(Role.PROVIDER)
is_committee = _role_predicate(Role.COMMITTEE)
is_funder = _role_predicate(Role.FUNDER)

ROLE_PREDICATES = {
    Role.APPLICANT: is_applicant,
    Role.COORDINATOR: is_coordinator,
    Role.PROVIDER: is_provider,
    Role.COMMITTEE: is_committee,
    Role.FUNDER: is_funder,
}


def provider_ids(user) -> frozenset[int]:
    """The provider organisations whose consultant the person is, cached on the request's
    user (one query): the same rule as ``Provider.consultants``, a member of the
    organisation holding the provider role."""
    if not (user and user.is_authenticated and user.is_active and user.has_role(Role.PROVIDER)):
        return frozenset()
    if "_provider_ids" not in user.__dict__:
        user.__dict__["_provider_ids"] = frozenset(
            user.provider_organisations.values_list("pk", flat=True)
        )
    return user.__dict__["_provider_ids"]


# The structures a committee member may not read: their conflicts of interest, registered by
# the committee app (it sits above every app that shows a structure's files to the committee).
_committee_exclusions: list = []


def register_committee_exclusion(excluded_structure_ids) -> None:
    """``excluded_structure_ids(user) -> frozenset[int]``, asked once per request's user."""
    if excluded_structure_ids not in _committee_exclusions:
        _committee_exclusions.append(excluded_structure_ids)


def committee_excluded_structure_ids(user) -> frozenset[int]:
    """The structures whose files are closed to this committee member (cached on the user)."""
    if not (user and user.is_authenticated and user.is_active and user.has_role(Role.COMMITTEE)):
        return frozenset()
    if "_committee_excluded" not in user.__dict__:
        excluded = frozenset()
        for source in _committee_exclusions:
            excluded |= source(user)
        user.__dict__["_committee_excluded"] = excluded
    return user.__dict__["_committee_excluded"]
