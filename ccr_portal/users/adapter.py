from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.template.loader import render_to_string

from ccr_portal.notifications.services import email_queue
from ccr_portal.security.policy import mfa_required_for

from .services import user_register_applicant

PORTAL_NAME = "Portail d'accompagnement des futurs résidents de la CCR"


@dataclass(frozen=True)
class PortalSite:
    """What allauth's e-mails call the site: the portal's name and address, never the
    host a request happened to come through (« Bonjour, c'est 127.0.0.1:8844 ! »)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(name=PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Self sign-up only ever gives the applicant role; account e-mails go through the outbox."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_register_applicant(user=user)
        return user

    def send_mail(self, template_prefix, email, context):
        # Rendered now, sent by a task after the commit and retried while the
        # SMTP server refuses: the request never waits for SMTP, and a known
        # and a new address at sign-up both cost one queued e-mail.
        context = {**context, "current_site": portal_site(), "site_url": settings.SITE_URL}
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        if not html:
            # The portal's e-mail layout for the account e-mails too.
            html = render_to_string(
                "emails/account.html", {"subject": message.subject, "text": text}
            )
        email_queue(to=email, subject=message.subject, text=text, html=html)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """A person whose role requires MFA keeps their authenticator app."""
        if authenticator.type == authenticator.Type.TOTP and mfa_required_for(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
