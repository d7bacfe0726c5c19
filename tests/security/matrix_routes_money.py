"""The declared outcomes of the financial accompaniment's routes (``financing:*``), the
scheme's (``scheme:*``) and the information day's public ones (see
``tests/security/matrix.py``).

The rules they follow: ``financing/rules.py`` (a fund's officer reads only the requests
forwarded to their own fund, never a draft, by page, document, PDF or export; the
structure's data only to its members and the coordination), ``scheme/rules.py`` (the
coordination alone). ``VARIANTS`` requests some routes a second time against other objects:
a draft, another fund's request, the financing file.
"""

from tests.security.matrix import (
    BAD_REQUEST,
    DENIED,
    NO_POST,
    NOT_ALLOWED,
    OK,
    REDIRECT,
    REFUSED_PAGE,
    SENT_BACK,
    Route,
    everyone,
    only,
    signed_in,
)

# Readers of the catalogue and of the lists (each list filters what it shows).
APPLICANTS = ("editor_other", "reader_other")
FUNDERS = ("funder_esia", "funder_urscop")
COORDINATION = ("coordinator",)


def _coordination(get=OK, post=NO_POST, args=lambda w: [], **more) -> Route:
    return Route(
        args=args,
        get=only(get, *COORDINATION),
        post=post if post is NO_POST else only(post, *COORDINATION),
        **more,
    )


FINANCING: dict[str, Route] = {
    # The funds and their products: everyone with a workspace role reads the catalogue.
    "financing:product-list": Route(
        get=only(OK, "coordinator", *APPLICANTS, *FUNDERS),
        post=NO_POST,
    ),
    "financing:product-create": _coordination(post=OK),
    "financing:product-update": _coordination(post=OK, args=lambda w: [w.product.pk]),
    "financing:funder-update": _coordination(post=OK, args=lambda w: [w.esia.pk]),
    # The credit lines: a fund's officer reads their own fund's.
    "financing:credit-line-list": Route(get=only(OK, "coordinator", *FUNDERS), post=NO_POST),
    "financing:credit-line-create": _coordination(post=OK),
    "financing:credit-line": Route(
        args=lambda w: [w.credit_line.pk],
        get=only(OK, "coordinator", "funder_esia"),
        post=NO_POST,
    ),
    "financing:credit-line-update": _coordination(post=OK, args=lambda w: [w.credit_line.pk]),
    # Needs and the response: the structure's members and the coordination.
    "financing:response-list": Route(get=only(OK, "coordinator", *APPLICANTS), post=NO_POST),
    "financing:response-open": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.structure.pk, w.campaign.pk]
    ),
    "financing:response": _coordination(args=lambda w: [w.response.pk]),
    "financing:needs-save": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.response.pk]
    ),
    "financing:needs-prefill": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.response.pk]
    ),
    "financing:bfr": _coordination(get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.response.pk]),
    "financing:response-save": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.response.pk]
    ),
    "financing:response-check": _coordination(
        get=NOT_ALLOWED, post=OK, args=lambda w: [w.response.pk]
    ),
    "financing:requests-create": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.response.pk]
    ),
    # Requests: the one forwarded to ESIA (URSCOP's officer refused), its document.
    "financing:request-list": Route(
        get=only(OK, "coordinator", *APPLICANTS, *FUNDERS), post=NO_POST
    ),
    # Signed in moments ago, the password is not asked again. Each fund's officer exports
    # their own fund's forwarded requests only (tests/financing/test_isolation.py).
    "financing:request-export": Route(
        get=only(OK, "coordinator", *FUNDERS), post=only(NOT_ALLOWED, "coordinator", *FUNDERS)
    ),
    "financing:request-detail": Route(
        args=lambda w: [w.forwarded_request.pk],
        get=only(OK, "coordinator", "funder_esia"),
        post=NO_POST,
    ),
    # Forwarded: no longer editable, by anyone.
    "financing:request-update": Route(
        args=lambda w: [w.forwarded_request.pk], get=only(DENIED), post=only(DENIED)
    ),
    "financing:request-transition": Route(
        args=lambda w: [w.forwarded_request.pk, "grant"],
        get=only(OK, "funder_esia"),
        post=only(OK, "funder_esia"),
    ),
    "financing:request-message": Route(
        args=lambda w: [w.forwarded_request.pk],
        get=only(NOT_ALLOWED, "coordinator", "funder_esia"),
        post=only(SENT_BACK, "coordinator", "funder_esia"),
    ),
    # Forwarded: its documents are frozen with the financing file.
    "financing:request-document-add": Route(
        args=lambda w: [w.forwarded_request.pk], get=only(DENIED), post=only(DENIED)
    ),
    "financing:request-document": Route(
        args=lambda w: [w.forwarded_document.pk],
        get=only(OK, "coordinator", "funder_esia"),
        post=NO_POST,
    ),
    # Granted by URSCOP: the coordination and URSCOP's officer record what was paid.
    "financing:disbursement-add": Route(
        args=lambda w: [w.granted_request.pk],
        get=only(NOT_ALLOWED, "coordinator", "funder_urscop"),
        post=only(SENT_BACK, "coordinator", "funder_urscop"),
    ),
    # The global response: each fund's officer sees their own fund's part.
    "financing:global-response": Route(get=only(OK, "coordinator", *FUNDERS), post=NO_POST),
    "financing:global-response-export": Route(
        get=only(OK, "coordinator", *FUNDERS), post=only(NOT_ALLOWED, "coordinator", *FUNDERS)
    ),
}

SCHEME: dict[str, Route] = {
    "scheme:quantification": _coordination(),
    "scheme:structures": _coordination(),
    "scheme:quantification-export": _coordination(),
    "scheme:scenario": _coordination(),
    # Without a name, nothing is saved: sent back.
    "scheme:scenario-save": _coordination(get=NOT_ALLOWED, post=SENT_BACK),
    "scheme:scenario-detail": _coordination(args=lambda w: [w.scenario.pk]),
    "scheme:scenario-export": _coordination(args=lambda w: [w.scenario.pk]),
    "scheme:offer-list": _coordination(),
    "scheme:offer-create": _coordination(post=OK),
    "scheme:offer-update": _coordination(post=OK, args=lambda w: [w.offer.pk]),
    "scheme:offer-delete": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: [w.offer.pk]
    ),
    "scheme:brief": _coordination(),
    "scheme:brief-export": _coordination(),
    "scheme:report": _coordination(),
    "scheme:report-export": _coordination(),
    "scheme:document-request": _coordination(
        get=NOT_ALLOWED, post=REDIRECT, args=lambda w: ["activity"]
    ),
    "scheme:report-document": _coordination(args=lambda w: [w.scheme_report.pk]),
}

# The information day as the public reads it; the links e-mailed to a visitor.
EVENTS_PUBLIC: dict[str, Route] = {
    "accompaniment:event-public": Route(
        args=lambda w: [w.event.pk],
        get=everyone(OK),
        # Signed in, one registers from one's workspace: sent back to the page. The visitor's
        # empty form is shown again. Neither writes anything.
        post=everyone(SENT_BACK, anonymous=REFUSED_PAGE),
    ),
    "accompaniment:event-guest-confirm": Route(
        args=lambda w: [w.guest_confirm_token], get=everyone(OK), post=everyone(REDIRECT)
    ),
    "accompaniment:event-guest-cancel": Route(
        args=lambda w: [w.guest_cancel_token], get=everyone(OK), post=everyone(REDIRECT)
    ),
}

ROUTES = {**FINANCING, **SCHEME, **EVENTS_PUBLIC}

# Routes requested again against other objects: "<route name> <what>".
VARIANTS: dict[str, tuple[str, Route]] = {
    # A draft: the structure's and the coordination's alone, no fund reads it.
    "request-detail draft": (
        "financing:request-detail",
        Route(args=lambda w: [w.draft_request.pk], get=only(OK, "coordinator"), post=NO_POST),
    ),
    "request-update draft": (
        "financing:request-update",
        Route(
            args=lambda w: [w.draft_request.pk],
            get=only(OK, "coordinator"),
            post=only(OK, "coordinator"),
        ),
    ),
    "request-transition draft submit": (
        "financing:request-transition",
        Route(args=lambda w: [w.draft_request.pk, "submit"], get=only(DENIED), post=only(DENIED)),
    ),
    "request-transition draft grant": (
        "financing:request-transition",
        Route(args=lambda w: [w.draft_request.pk, "grant"], get=only(DENIED), post=only(DENIED)),
    ),
    "request-message draft": (
        "financing:request-message",
        Route(
            args=lambda w: [w.draft_request.pk],
            get=only(NOT_ALLOWED, "coordinator"),
            post=only(SENT_BACK, "coordinator"),
        ),
    ),
    "request-document-add draft": (
        "financing:request-document-add",
        Route(
            args=lambda w: [w.draft_request.pk],
            get=only(NOT_ALLOWED, "coordinator"),
            post=only(SENT_BACK, "coordinator"),
        ),
    ),
    "request-document draft": (
        "financing:request-document",
        Route(args=lambda w: [w.draft_document.pk], get=only(OK, "coordinator"), post=NO_POST),
    ),
    "disbursement-add forwarded": (
        "financing:disbursement-add",
        Route(args=lambda w: [w.forwarded_request.pk], get=only(DENIED), post=only(DENIED)),
    ),
    # URSCOP's request: ESIA's officer is refused.
    "request-detail urscop": (
        "financing:request-detail",
        Route(
            args=lambda w: [w.granted_request.pk],
            get=only(OK, "coordinator", "funder_urscop"),
            post=NO_POST,
        ),
    ),
    "request-document urscop": (
        "financing:request-document",
        Route(
            args=lambda w: [w.granted_document.pk],
            get=only(OK, "coordinator", "funder_urscop"),
            post=NO_POST,
        ),
    ),
    "request-message urscop": (
        "financing:request-message",
        Route(args=lambda w: [w.granted_request.pk], get=only(DENIED), post=only(DENIED)),
    ),
    # The financing file (the PDF generated on forwarding): as its request, once forwarded.
    "documents-download financing file": (
        "documents:download",
        Route(
            args=lambda w: [w.financing_file.pk],
            get=only(OK, "coordinator", "funder_esia"),
            post=only(OK, "coordinator", "funder_esia"),
        ),
    ),
    "documents-status financing file": (
        "documents:status",
        Route(
            args=lambda w: [w.financing_file.pk],
            get=only(OK, "coordinator", "funder_esia"),
            post=only(OK, "coordinator", "funder_esia"),
        ),
    ),
    "documents-request financing file": (
        "documents:request",
        Route(
            args=lambda w: ["financing_file", w.forwarded_request.pk],
            get=signed_in(NOT_ALLOWED),
            post=only(REDIRECT, "coordinator", "funder_esia"),
        ),
    ),
    "documents-request financing file draft": (
        "documents:request",
        Route(
            args=lambda w: ["financing_file", w.draft_request.pk],
            get=signed_in(NOT_ALLOWED),
            post=only(DENIED),
        ),
    ),
    # The brief of one fund (note de préparation): the coordination and that fund's officer.
    "documents-request fund brief urscop": (
        "documents:request",
        Route(
            args=lambda w: ["financing_fund_brief", w.urscop.pk],
            get=signed_in(NOT_ALLOWED),
            post=only(REDIRECT, "coordinator", "funder_urscop"),
        ),
    ),
    "documents-download fund brief urscop": (
        "documents:download",
        Route(
            args=lambda w: [w.fund_brief.pk],
            get=only(OK, "coordinator", "funder_urscop"),
            post=only(OK, "coordinator", "funder_urscop"),
        ),
    ),
    # A visitor's link that is not one: a forged token, or the confirmation's token on the
    # cancellation (each link is signed for its step). Refused, nothing written.
    "event-guest-confirm forged": (
        "accompaniment:event-guest-confirm",
        Route(
            args=lambda w: [w.guest_confirm_token[:-2] + "xx"],
            get=everyone(BAD_REQUEST),
            post=everyone(BAD_REQUEST),
        ),
    ),
    "event-guest-cancel with the confirmation's token": (
        "accompaniment:event-guest-cancel",
        Route(
            args=lambda w: [w.guest_confirm_token],
            get=everyone(BAD_REQUEST),
            post=everyone(BAD_REQUEST),
        ),
    ),
    # The scheme's PDFs: the coordination alone.
    "documents-download scheme report": (
        "documents:download",
        _coordination(post=OK, args=lambda w: [w.scheme_pdf.pk]),
    ),
    "documents-status scheme report": (
        "documents:status",
        _coordination(post=OK, args=lambda w: [w.scheme_pdf.pk]),
    ),
    "documents-request scheme report": (
        "documents:request",
        Route(
            args=lambda w: ["scheme_report", w.scheme_report.pk],
            get=signed_in(NOT_ALLOWED),
            post=only(REDIRECT, "coordinator"),
        ),
    ),
    # The scheme's other document.
    "scheme-document-request brief": (
        "scheme:document-request",
        _coordination(get=NOT_ALLOWED, post=REDIRECT, args=lambda w: ["brief"]),
    ),
}
