"""Which of a person's roles is active in this session."""

from django.http import HttpRequest

SESSION_KEY = "active_role"


def active_role(request: HttpRequest) -> str | None:
    user = request.user
    if not user.is_authenticated:
        return None
    roles = user.ordered_roles
    chosen = request.session.get(SESSION_KEY)
    if chosen in user.roles:
        return chosen
    return roles[0].value if roles else None


def set_active_role(request: HttpRequest, role: str) -> None:
    # Written only when it changes: a dashboard visit does not rewrite the session row.
    if request.session.get(SESSION_KEY) != role:
        request.session[SESSION_KEY] = role
