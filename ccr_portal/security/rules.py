import rules

from ccr_portal.permissions import is_coordinator


@rules.predicate
def can_view_object(user, obj) -> bool:
    if obj is None:
        return False
    return user.has_perm(f"{obj._meta.app_label}.view_{obj._meta.model_name}", obj)


# Coordinators read the audit of an object they may read; the admin reads the
# whole log in the Django admin.
rules.add_perm("security.view_object_audit", is_coordinator & can_view_object)
