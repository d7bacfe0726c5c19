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

from ccr_portal.users.models import Role, User

from .models import Dossier, Membership, Structure


def _structure_id(obj) -> int | None:
    if isinstance(obj, Structure):
        return obj.pk
    return getattr(obj, "structure_id", None)


def _dossier(obj) -> Dossier | None:
    if isinstance(obj, Dossier):
        return obj
    return getattr(obj, "dossier", None)


def structure_members(obj) -> list[User]:
    """The active members of the object's structure, editors and readers."""
    memberships = (
        Membership.objects.filter(structure_id=_structure_id(obj), user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    return [membership.user for membership in memberships]


def structure_editors(obj) -> list[User]:
    """The active editors of the object's structure: those who act for it."""
    memberships = (
        Membership.objects.filter(
            structure_id=_structure_id(obj),
            role=Membership.Role.EDITOR,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    return [membership.user for membership in memberships]


def coordinators(obj=None) -> list[User]:
    """Every active coordinator of Regain."""
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True)
        .distinct()
        .order_by("pk")
    )


def instructors(obj) -> list[User]:
    """The coordinator instructing the object's dossier, or every coordinator while
    nobody instructs it (or when the object has no dossier)."""
    dossier = _dossier(obj)
    if dossier is not None and dossier.instructor_id and dossier.instructor.is_active:
        return [dossier.instructor]
    return coordinators()


def provider_consultants(obj) -> list[User]:
    """The consultant in charge of the object, or, when none is named, every consultant
    of the provider organisation it is assigned to."""
    provider = getattr(obj, "provider", None)
    if provider is None:
        return []
    consultants = list(provider.consultants())
    consultant_id = getattr(obj, "consultant_id", None)
    named = [person for person in consultants if person.pk == consultant_id]
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
