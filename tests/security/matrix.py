"""The authorisation matrix: for every route of the portal, what each viewer obtains.

``tests/security/test_matrix.py`` walks every URL pattern of the resolver and requests it
as each viewer of ``VIEWERS``, against objects belonging to someone else (built by
``tests/security/matrix_world.py``). A route missing from ``ROUTES`` fails the test, named.

To declare a new route, add one entry to ``ROUTES`` (``tests/security/matrix_routes.py``):

    "app:route-name": Route(
        args=lambda w: [w.dossier.pk],           # the URL's arguments, from the world
        get=only(OK, "coordinator"),             # GET: OK for those, DENIED for the others
        post=only(REDIRECT, "coordinator"),      # POST (empty body): or NO_POST
    ),

``only(outcome, *viewers, **exceptions)`` gives ``outcome`` to the viewers named, DENIED
(403) to every other signed-in viewer and LOGIN to the anonymous visitor; keyword
exceptions override one viewer (``superuser=NOT_FOUND``). ``everyone(outcome)`` serves the
public pages. Refusals (LOGIN, DENIED, NOT_FOUND, NOT_ALLOWED) must write nothing: the
test compares what each of them wrote (PostgreSQL's per-transaction row counters).

To see what each viewer obtains on a route already declared (its ``args`` at least), run
``MATRIX_PROBE=/tmp/matrix.jsonl pytest tests/security/test_matrix.py -k <name>``: the
observed outcomes are written there instead of compared.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

# Outcomes, read from the response.
OK = "ok"  # 200: the page or the file
REDIRECT = "redirect"  # 302 elsewhere than the login: done, or sent on
LOGIN = "login"  # 302 to the login page
REAUTH = "reauth"  # 302 to the re-authentication page (exports, ZIPs, role grants)
DENIED = "denied"  # 403
NOT_FOUND = "not_found"  # 404
NOT_ALLOWED = "not_allowed"  # 405: the route takes no POST (or no GET)
BAD_REQUEST = "bad_request"  # 400
# Refusals that answer like a success: a 302 back with a French message, a 200 page
# saying why not. The response reads REDIRECT or OK; nothing may be written.
SENT_BACK = "sent_back"
REFUSED_PAGE = "refused_page"

REFUSALS = frozenset({LOGIN, DENIED, NOT_FOUND, NOT_ALLOWED, BAD_REQUEST, SENT_BACK, REFUSED_PAGE})
# What each outcome reads as in a response.
READS_AS = {SENT_BACK: REDIRECT, REFUSED_PAGE: OK}

VIEWERS = (
    "anonymous",
    "editor_other",  # editor of another structure
    "reader_other",  # reader of another structure
    "coordinator",
    "provider_assigned",  # RAMSESS: the diagnostic, the plan's action, the session
    "provider_other",  # APEAS: nothing assigned
    "committee_free",  # invited to both meetings, no conflict
    "committee_conflicted",  # invited to both meetings, a conflict on the owner structure
    "funder_esia",
    "funder_urscop",
    "superuser",  # Django admin only: no role in the portal
)

NO_POST = None


def only(outcome: str, *viewers: str, **exceptions: str) -> dict[str, str]:
    """``outcome`` for ``viewers``, DENIED for the other signed-in ones, LOGIN for anonymous."""
    table = dict.fromkeys(VIEWERS, DENIED)
    table["anonymous"] = LOGIN
    for viewer in viewers:
        table[viewer] = outcome
    table.update(exceptions)
    _check_names(table)
    return table


def everyone(outcome: str, **exceptions: str) -> dict[str, str]:
    table = dict.fromkeys(VIEWERS, outcome)
    table.update(exceptions)
    _check_names(table)
    return table


def signed_in(outcome: str, **exceptions: str) -> dict[str, str]:
    """``outcome`` for every signed-in viewer, LOGIN for the anonymous visitor."""
    return everyone(outcome, **{"anonymous": LOGIN, **exceptions})


def _check_names(table):
    unknown = set(table) - set(VIEWERS)
    if unknown:
        raise ValueError(f"Unknown viewers in the matrix: {sorted(unknown)}")


@dataclass(frozen=True)
class Route:
    get: dict[str, str]
    post: dict[str, str] | None = NO_POST
    args: Callable = field(default=lambda w: [])
    # POST body, when an empty one would not reach the permission check.
    data: Callable = field(default=lambda w: {})
    query: str = ""


# Roles of the workspace, grouped as the rules group them.
STAFF_SEEING_STRUCTURES = ("coordinator",)
