"""Accounts and roles under django-auditlog (read by ccr_portal.security)."""

from auditlog.registry import auditlog

from .models import Funder, Provider, RoleAssignment, User

auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(RoleAssignment)
auditlog.register(Provider, m2m_fields={"members"})
auditlog.register(Funder, m2m_fields={"members"})
