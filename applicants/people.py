"""Who to tell: the audience selectors of every workflow and reminder, written once.

Each selector takes the object a workflow moves (a dossier, a diagnostic, a plan, and
later a meeting or a financing request) and returns active people, in a stable order.
They read the object's ``structure`` (or the object itself when it is a structure),
its ``dossier``, its ``provider`` and ``consultant``: the attributes every life cycle of
the portal shares. The engine then keeps only those who may read the object.

One rule for a provider's consultant: an active member of the provider organisation
who holds the provider role (``ccr_portal.users.models.Provider.consultants``), the
same rule as the permission layer's.
"""

from collections import defaultdict

from ccr_portal.users.models import Provider, Role, User

from .models import Dossier, Membership, Structure


def _structure_id(obj) -> int | None:
    if isinstance(obj, Structure):
        return obj.pk
    return getattr(obj, "structure_id", None)


def _dossier(obj) -> Dossier | None:
    if isinstance(obj, Dossier):
        return obj
    return getattr(obj, "dossier", None)


def members_by_structure(structure_ids, *, editors_only: bool = False) -> dict[int, list]:
    """The active members (or editors) of each structure, in one query."""
    memberships = (
        Membership.objects.filter(structure_id__in=list(structure_ids), user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    if editors_only:
        memberships = memberships.filter(role=Membership.Role.EDITOR)
    people = defaultdict(list)
    for membership in memberships:
        people[membership.structure_id].append(membership.user)
    return people


def structure_members(obj) -> list[User]:
    """The active members of the object's structure, editors and readers."""
    structure_id = _structure_id(obj)
    return members_by_structure([structure_id])[structure_id]


def structure_editors(obj) -> list[User]:
    """The active editors of the object's structure: those who act for it."""
    structure_id = _structure_id(obj)
    return members_by_structure([structure_id], editors_only=True)[structure_id]


def coordinators(obj=None) -> list[User]:
    """Every active coordinator of Regain."""
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True)
        .distinct()
        .order_by("pk")
    )


def instructors_by_dossier(dossiers) -> dict[int, list[User]]:
    """Each dossier's instructor, or every coordinator while nobody instructs it (the
    instructors read with the dossiers: one query at most, for the coordinators)."""
    everyone = None
    people = {}
    for dossier in dossiers:
        if dossier.instructor_id and dossier.instructor.is_active:
            people[dossier.pk] = [dossier.instructor]
        else:
            everyone = coordinators() if everyone is None else everyone
            people[dossier.pk] = everyone
    return people


def instructors(obj) -> list[User]:
    """The coordinator instructing the object's dossier, or every coordinator while
    nobody instructs it (or when the object has no dossier)."""
    dossier = _dossier(obj)
    if dossier is None:
        return coordinators()
    return instructors_by_dossier([dossier])[dossier.pk]


def consultants_by_provider(provider_ids) -> dict[int, list[User]]:
    """The consultants of each provider organisation, in one query (the one rule:
    active members holding the provider role, as ``Provider.consultants``)."""
    links = (
        Provider.members.through.objects.filter(
            Provider.is_consultant("user__"), provider_id__in=list(provider_ids)
        )
        .select_related("user")
        .distinct()
        .order_by("user_id")
    )
    people = defaultdict(list)
    for link in links:
        people[link.provider_id].append(link.user)
    return people


def provider_consultants_by_object(objects) -> dict[int, list[User]]:
    """For each object assigned to a provider: the consultant in charge, or, when none
    is named (or the one named is no consultant of it), every consultant of it."""
    objects = list(objects)
    team = consultants_by_provider(
        {obj.provider_id for obj in objects if getattr(obj, "provider_id", None)}
    )
    people = {}
    for obj in objects:
        consultants = team[obj.provider_id] if getattr(obj, "provider_id", None) else []
        named = [p for p in consultants if p.pk == getattr(obj, "consultant_id", None)]
        people[obj.pk] = named or consultants
    return people


def provider_consultants(obj) -> list[User]:
    """The consultant in charge of the object, or, when none is named, every consultant
    of the provider organisation it is assigned to."""
    return provider_consultants_by_object([obj])[obj.pk]


def told_without_access(selector):
    """Mark a selector whose people are told even though they may no longer read the
    object: the engine sends them the notice without a link to a page they would be
    refused."""
    selector.told_without_access = True
    return selector


@told_without_access
def released_provider_consultants(obj) -> list[User]:
    """The consultants of the provider an object was just taken from (a re-assignment):
    the one in charge, or all of them. The step's effect names it on the object."""
    provider = getattr(obj, "released_provider", None)
    if provider is None:
        return []
    consultants = list(provider.consultants())
    consultant = getattr(obj, "released_consultant", None)
    named = [person for person in consultants if consultant and person.pk == consultant.pk]
    return named or consultants


def committee_members(obj=None) -> list[User]:
    """The members of the selection committee: the invited members of the object's
    meeting (the object itself, or the meeting of a decision or an agenda item) when it
    has one, else everyone holding the committee role."""
    meeting = getattr(obj, "meeting", None) or obj
    invited = getattr(meeting, "members", None)
    if invited is not None:
        return list(invited.filter(is_active=True).order_by("pk"))
    return list(
        User.objects.filter(role_assignments__role=Role.COMMITTEE, is_active=True)
        .distinct()
        .order_by("pk")
    )
