"""The request being served, for events recorded deep inside a service (a role grant)."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("ccr_current_request", default=None)
