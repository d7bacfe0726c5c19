from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from ccr_portal.users.models import Role

from .policy import ADMIN


@register(Tags.security)
def mfa_roles_exist(app_configs, **kwargs):
    known = {*Role.values, ADMIN}
    unknown = sorted(set(settings.MFA_REQUIRED_ROLES) - known)
    if unknown:
        return [
            Error(
                f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
                hint=f"Use some of: {', '.join(sorted(known))}.",
                id="ccr.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def mfa_required_in_production(app_configs, **kwargs):
    if settings.MFA_REQUIRED_ROLES:
        return []
    return [
        Warning(
            "No role is required to use multi-factor authentication.",
            hint="Set MFA_REQUIRED_ROLES=coordinator,committee,funder,admin (the default "
            "with SECURE_HTTPS=True).",
            id="ccr.W001",
        )
    ]
