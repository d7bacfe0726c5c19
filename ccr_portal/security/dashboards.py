from ccr_portal.panels import DOSSIER_DETAIL, Panel, register_panel

from .selectors import audit_url


def _audit_link(request, dossier) -> dict | None:
    if not request.user.has_perm("security.view_object_audit", dossier):
        return None
    return {"audit_url": audit_url(dossier)}


register_panel(DOSSIER_DETAIL, Panel("security/panels/audit_link.html", _audit_link, order=95))
