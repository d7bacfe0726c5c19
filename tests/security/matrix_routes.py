"""The declared outcomes of every route (see ``tests/security/matrix.py``)."""

from tests.security.matrix import (  # noqa: F401
    BAD_REQUEST,
    DENIED,
    LOGIN,
    NO_POST,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REAUTH,
    REDIRECT,
    REFUSED_PAGE,
    SENT_BACK,
    Route,
    everyone,
    only,
    signed_in,
)

ADMIN_NAMESPACE = "admin"


def _export_strangers() -> dict[str, str]:
    from tests.security.matrix import VIEWERS

    return {viewer: NOT_FOUND for viewer in VIEWERS if viewer not in ("anonymous", "coordinator")}


ROUTES: dict[str, Route] = {
    "accessibility": Route(
        get=everyone(OK),
        post=NO_POST,
    ),
    "accompaniment:action-complete": Route(
        args=lambda w: [w.action.pk],
        get=only(NOT_ALLOWED, "coordinator", "provider_assigned"),
        post=only(REDIRECT, "coordinator", "provider_assigned"),
    ),
    "accompaniment:action-create": Route(
        args=lambda w: [w.plan.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:action-delete": Route(
        args=lambda w: [w.action.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "accompaniment:action-detail": Route(
        args=lambda w: [w.action.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "accompaniment:action-list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "accompaniment:action-rate": Route(
        args=lambda w: [w.action.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "accompaniment:action-update": Route(
        args=lambda w: [w.action.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:committee-recommendations": Route(
        args=lambda w: [w.dossier.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "accompaniment:event-attendance": Route(
        args=lambda w: [w.event.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=only(OK, "coordinator", "provider_assigned"),
    ),
    "accompaniment:event-create": Route(
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:event-detail": Route(
        args=lambda w: [w.event.pk],
        get=signed_in(OK),
        post=NO_POST,
    ),
    "accompaniment:event-list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "accompaniment:event-register": Route(
        args=lambda w: [w.event.pk],
        get=signed_in(NOT_ALLOWED),
        # No structure of theirs is chosen: sent back to the event, nobody registered.
        post=signed_in(SENT_BACK),
    ),
    "accompaniment:event-update": Route(
        args=lambda w: [w.event.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:follow-up": Route(
        args=lambda w: [w.plan.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:gpec": Route(
        args=lambda w: [w.accompanied.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "accompaniment:gpec-update": Route(
        args=lambda w: [w.accompanied.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:plan-budget": Route(
        args=lambda w: [w.plan.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:plan-create": Route(
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:plan-detail": Route(
        args=lambda w: [w.plan.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "accompaniment:plan-financing": Route(
        args=lambda w: [w.plan.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:plan-list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "accompaniment:plan-themes": Route(
        args=lambda w: [w.plan.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:plan-transition": Route(
        args=lambda w: [w.plan.pk, "start"],
        get=only(OK, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "accompaniment:plan-update": Route(
        args=lambda w: [w.plan.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:provider-create": Route(
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:provider-detail": Route(
        args=lambda w: [w.ramsess.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "accompaniment:provider-list": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "accompaniment:provider-update": Route(
        args=lambda w: [w.ramsess.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:qades": Route(
        args=lambda w: [w.accompanied.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "accompaniment:qades-open": Route(
        args=lambda w: [w.accompanied.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:qades-summary": Route(
        get=everyone(OK),
        post=NO_POST,
    ),
    "accompaniment:qades-update": Route(
        args=lambda w: [w.qades.pk],
        get=only(OK, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "accompaniment:registration-cancel": Route(
        args=lambda w: [w.registration.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "accompaniment:session-create": Route(
        get=only(OK, "coordinator", "provider_assigned", "provider_other"),
        post=only(OK, "coordinator", "provider_assigned", "provider_other"),
    ),
    "accompaniment:session-detail": Route(
        args=lambda w: [w.session.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "accompaniment:session-document": Route(
        args=lambda w: [w.session_document.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "accompaniment:session-document-add": Route(
        args=lambda w: [w.session.pk],
        get=only(NOT_ALLOWED, "coordinator", "provider_assigned"),
        post=only(REDIRECT, "coordinator", "provider_assigned"),
    ),
    "accompaniment:session-list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "accompaniment:session-update": Route(
        args=lambda w: [w.session.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=only(OK, "coordinator", "provider_assigned"),
    ),
    "accompaniment:training-create": Route(
        args=lambda w: [w.accompanied.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "accompaniment:training-delete": Route(
        args=lambda w: [w.training.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "accompaniment:training-update": Route(
        args=lambda w: [w.training.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "account_change_password": Route(
        get=signed_in(OK),
        post=signed_in(OK),
    ),
    "account_confirm_email": Route(
        args=lambda w: ["cle-inconnue"],
        get=everyone(OK),
        post=everyone(NOT_FOUND),
    ),
    "account_confirm_login_code": Route(
        get=signed_in(REDIRECT),
        post=signed_in(REDIRECT),
    ),
    "account_email": Route(
        get=signed_in(OK),
        post=signed_in(REDIRECT),
    ),
    "account_email_verification_sent": Route(
        get=everyone(OK),
        post=NO_POST,
    ),
    "account_inactive": Route(
        get=everyone(OK),
        post=NO_POST,
    ),
    "account_login": Route(
        get=everyone(REDIRECT, anonymous=OK),
        post=everyone(REDIRECT, anonymous=OK),
    ),
    "account_logout": Route(
        get=everyone(OK, anonymous=REDIRECT),
        post=everyone(REDIRECT),
    ),
    "account_reauthenticate": Route(
        get=signed_in(OK),
        post=signed_in(OK),
    ),
    "account_reset_password": Route(
        get=everyone(OK),
        post=everyone(OK),
    ),
    "account_reset_password_done": Route(
        get=everyone(OK),
        post=NO_POST,
    ),
    "account_reset_password_from_key": Route(
        args=lambda w: ["1", "cle-inconnue"],
        get=everyone(OK),
        post=everyone(OK),
    ),
    "account_reset_password_from_key_done": Route(
        get=everyone(OK),
        post=NO_POST,
    ),
    "account_set_password": Route(
        get=signed_in(REDIRECT),
        post=signed_in(REDIRECT),
    ),
    "account_signup": Route(
        get=everyone(REDIRECT, anonymous=OK),
        post=everyone(REDIRECT, anonymous=OK),
    ),
    "applicants:attachment-add": Route(
        args=lambda w: [w.dossier.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:attachment-delete": Route(
        args=lambda w: [w.attachment.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:attachment-download": Route(
        args=lambda w: [w.attachment.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "applicants:campaign-create": Route(
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "applicants:campaign-document": Route(
        args=lambda w: [w.campaign_document.pk],
        get=everyone(OK),
        post=NO_POST,
    ),
    "applicants:campaign-document-add": Route(
        args=lambda w: [w.campaign.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "applicants:campaign-document-delete": Route(
        args=lambda w: [w.campaign_document.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "applicants:campaign-list": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "applicants:campaign-public": Route(
        args=lambda w: [w.campaign.pk],
        get=everyone(OK),
        post=NO_POST,
    ),
    "applicants:campaign-update": Route(
        args=lambda w: [w.campaign.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "applicants:document-type-create": Route(
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "applicants:dossier-create": Route(
        args=lambda w: [w.structure.pk, w.campaign.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:dossier-detail": Route(
        args=lambda w: [w.dossier.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "applicants:dossier-export": Route(
        args=lambda w: ["csv"],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "applicants:dossier-instructor": Route(
        args=lambda w: [w.dossier.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "applicants:dossier-list": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "applicants:dossier-messages": Route(
        args=lambda w: [w.dossier.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "applicants:dossier-section": Route(
        args=lambda w: [w.dossier.pk, "projet"],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:dossier-transition": Route(
        args=lambda w: [w.dossier.pk, "withdraw"],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:dossier-zip": Route(
        args=lambda w: [w.dossier.pk],
        get=only(REDIRECT, "coordinator"),
        post=NO_POST,
    ),
    "applicants:invitation-accept": Route(
        args=lambda w: [w.invitation.token],
        # The invitation was sent to another address: the page says so, nobody joins.
        get=signed_in(OK),
        post=signed_in(REFUSED_PAGE),
    ),
    "applicants:invitation-cancel": Route(
        args=lambda w: [w.invitation.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:membership-remove": Route(
        args=lambda w: [w.owner_reader.pk],
        get=signed_in(NOT_ALLOWED),
        post=only(DENIED),
    ),
    "applicants:membership-role": Route(
        args=lambda w: [w.owner_reader.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:message-attachment-download": Route(
        args=lambda w: [w.message_attachment.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "applicants:private-note-add": Route(
        args=lambda w: [w.dossier.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "applicants:search": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "applicants:structure-create": Route(
        get=only(OK, "editor_other", "reader_other"),
        post=only(OK, "editor_other", "reader_other"),
    ),
    "applicants:structure-detail": Route(
        args=lambda w: [w.structure.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "applicants:structure-list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "applicants:structure-members": Route(
        args=lambda w: [w.structure.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "applicants:structure-update": Route(
        args=lambda w: [w.structure.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:agenda": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:agenda-remove": Route(
        args=lambda w: [w.item.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "committee:attendance": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "committee:conflict-declare": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "committee_free", "committee_conflicted"),
        post=only(REDIRECT, "committee_free", "committee_conflicted"),
    ),
    "committee:conflict-list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "committee:conflict-record": Route(
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:conflict-withdraw": Route(
        args=lambda w: [w.conflict.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:decision-detail": Route(
        args=lambda w: [w.decision.pk],
        get=only(OK, "coordinator", "committee_free", "committee_conflicted"),
        post=NO_POST,
    ),
    "committee:decisions": Route(
        args=lambda w: [w.past.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:file": Route(
        args=lambda w: [w.item.pk],
        get=only(OK, "coordinator", "committee_free"),
        post=NO_POST,
    ),
    "committee:file-attachment": Route(
        args=lambda w: [w.item.pk, w.attachment.pk],
        get=only(OK, "coordinator", "committee_free"),
        post=NO_POST,
    ),
    "committee:instruction-note": Route(
        args=lambda w: [w.dossier.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:letter-preview": Route(
        args=lambda w: [w.decision.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "committee:letter-send": Route(
        args=lambda w: [w.decision.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "committee:letter-template": Route(
        args=lambda w: ["accepted"],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:letter-templates": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "committee:letters": Route(
        args=lambda w: [w.past.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "committee:letters-send": Route(
        args=lambda w: [w.past.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "committee:meeting-create": Route(
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:meeting-detail": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "coordinator", "committee_free", "committee_conflicted"),
        post=NO_POST,
    ),
    "committee:meeting-ics": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "coordinator", "committee_free", "committee_conflicted"),
        post=NO_POST,
    ),
    "committee:meeting-list": Route(
        get=only(OK, "coordinator", "committee_free", "committee_conflicted"),
        post=NO_POST,
    ),
    "committee:meeting-transition": Route(
        args=lambda w: [w.meeting.pk, "cancel"],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:meeting-update": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:member-list": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "committee:member-update": Route(
        args=lambda w: [w.committee_member.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "committee:opinions": Route(
        args=lambda w: [w.meeting.pk],
        get=only(OK, "coordinator", "committee_free", "committee_conflicted"),
        post=only(REDIRECT, "committee_free"),
    ),
    "committee:pack": Route(
        args=lambda w: [w.pack.pk],
        get=only(OK, "coordinator", "committee_free"),
        post=NO_POST,
    ),
    "committee:packs-prepare": Route(
        args=lambda w: [w.meeting.pk],
        get=only(NOT_ALLOWED, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "committee:summary": Route(
        args=lambda w: [w.campaign.pk],
        get=only(OK, "coordinator", "committee_free", "committee_conflicted"),
        post=only(REDIRECT, "coordinator"),
    ),
    "dashboard": Route(
        args=lambda w: ["coordinator"],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "diagnostics:assign": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "diagnostics:assign-options": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "diagnostics:assignments": Route(
        get=only(OK, "provider_assigned", "provider_other"),
        post=NO_POST,
    ),
    "diagnostics:capacity": Route(
        args=lambda w: [w.ramsess.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=only(OK, "coordinator", "provider_assigned"),
    ),
    "diagnostics:consent": Route(
        args=lambda w: [w.diagnostic.pk],
        get=signed_in(NOT_ALLOWED),
        post=only(DENIED),
    ),
    "diagnostics:cover": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(REDIRECT, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
    "diagnostics:covered-document": Route(
        args=lambda w: [w.covered.pk],
        get=only(NOT_FOUND, "coordinator"),
        post=only(NOT_FOUND, "coordinator"),
    ),
    "diagnostics:diagnostic-detail": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=NO_POST,
    ),
    "diagnostics:due-date": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "diagnostics:grid": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(OK, "provider_assigned"),
        post=only(REDIRECT, "provider_assigned"),
    ),
    "diagnostics:mine": Route(
        get=only(OK, "editor_other", "reader_other"),
        post=NO_POST,
    ),
    "diagnostics:order-assessment": Route(
        args=lambda w: [w.dossier.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "diagnostics:queue": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "diagnostics:request": Route(
        args=lambda w: [w.structure.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "diagnostics:sign-off": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(DENIED),
        post=only(DENIED),
    ),
    "diagnostics:thread": Route(
        args=lambda w: [w.diagnostic.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=only(OK, "coordinator", "provider_assigned"),
    ),
    "diagnostics:transition": Route(
        args=lambda w: [w.diagnostic.pk, "deliver"],
        get=only(OK, "provider_assigned"),
        post=only(OK, "provider_assigned"),
    ),
    "documents:download": Route(
        args=lambda w: [w.sheet.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=only(OK, "coordinator", "provider_assigned"),
    ),
    # A background export is its requester's alone (the coordinator): anyone else, the
    # superuser included, gets the 404 of an export that does not exist.
    "documents:export-download": Route(
        args=lambda w: [w.background_export.pk],
        get=only(OK, "coordinator", **_export_strangers()),
        post=signed_in(NOT_ALLOWED),
    ),
    "documents:export-status": Route(
        args=lambda w: [w.background_export.pk],
        get=only(OK, "coordinator", **_export_strangers()),
        post=signed_in(NOT_ALLOWED),
    ),
    "documents:request": Route(
        args=lambda w: ["structure_sheet", w.structure.pk],
        get=signed_in(NOT_ALLOWED),
        post=only(REDIRECT, "coordinator", "provider_assigned"),
    ),
    "documents:status": Route(
        args=lambda w: [w.sheet.pk],
        get=only(OK, "coordinator", "provider_assigned"),
        post=only(OK, "coordinator", "provider_assigned"),
    ),
    "healthz": Route(
        get=everyone(OK),
        post=everyone(OK),
    ),
    "mfa_activate_totp": Route(
        get=signed_in(OK),
        post=signed_in(OK),
    ),
    "mfa_authenticate": Route(
        get=signed_in(REDIRECT),
        post=signed_in(REDIRECT),
    ),
    "mfa_deactivate_totp": Route(
        get=signed_in(NOT_FOUND),
        post=signed_in(NOT_FOUND),
    ),
    "mfa_download_recovery_codes": Route(
        get=signed_in(NOT_FOUND),
        post=signed_in(NOT_FOUND),
    ),
    "mfa_generate_recovery_codes": Route(
        get=signed_in(OK),
        post=signed_in(OK),
    ),
    "mfa_index": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "mfa_reauthenticate": Route(
        get=signed_in(REAUTH),
        post=signed_in(REAUTH),
    ),
    "mfa_view_recovery_codes": Route(
        get=signed_in(NOT_FOUND),
        post=NO_POST,
    ),
    "notifications:list": Route(
        get=signed_in(OK),
        post=NO_POST,
    ),
    "notifications:mark-all-read": Route(
        get=signed_in(NOT_ALLOWED),
        post=signed_in(REDIRECT),
    ),
    "notifications:open": Route(
        args=lambda w: [w.notification.pk],
        get=signed_in(NOT_ALLOWED),
        post=signed_in(NOT_FOUND),
    ),
    "notifications:pending-emails": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "root": Route(
        get=everyone(REDIRECT, anonymous=OK),
        post=everyone(REDIRECT, anonymous=OK),
    ),
    "security:object-audit": Route(
        args=lambda w: ["applicants", "dossier", w.dossier.pk],
        get=only(OK, "coordinator"),
        post=only(OK, "coordinator"),
    ),
    "switch-role": Route(
        get=signed_in(NOT_ALLOWED),
        post=only(DENIED),
    ),
    "users:user-list": Route(
        get=only(OK, "coordinator"),
        post=NO_POST,
    ),
    "users:user-roles": Route(
        args=lambda w: [w.owner.pk],
        get=only(OK, "coordinator"),
        post=only(REDIRECT, "coordinator"),
    ),
}
ROUTES.update(
    {
        "privacy": Route(get=everyone(OK), post=NO_POST),
        # One's own account: an empty POST lacks the confirmation, nothing is erased.
        "account-erase": Route(get=signed_in(OK), post=signed_in(REFUSED_PAGE)),
        "applicants:structure-data": Route(
            args=lambda w: [w.structure.pk], get=only(DENIED), post=NO_POST
        ),
    }
)

# The financial accompaniment, the scheme and the information day's public pages.
from tests.security.matrix_routes_money import ROUTES as _MONEY  # noqa: E402

ROUTES.update(_MONEY)
