"""Who may do what with the financial accompaniment: one permission per action.

Pages, documents, the financing file PDF, the exports and the brief all ask these
permissions; lists use ``FinancingRequest.objects.visible_to`` (the same rule).

- Coordinators (Regain) edit the funds' products, build the responses with the
  structures, pre-review the requests and forward them: they read everything.
- A structure's members read their needs, response and requests; its editors fill them,
  submit and withdraw the requests.
- A fund's officer (a member of the fund holding the funder role) reads the requests
  forwarded to their own fund, never a draft nor another fund's request, and decides.
"""

import rules

from applicants.rules import is_structure_editor, is_structure_member
from ccr_portal.permissions import is_applicant, is_coordinator, is_funder
from ccr_portal.users.models import Funder

from .models import FUNDER_STATUSES, CreditLine, FinancingRequest, RequestStatus, funder_ids


def _structure(obj):
    return obj if not hasattr(obj, "structure") else obj.structure


def _fund_id(obj) -> int | None:
    if isinstance(obj, FinancingRequest):
        return obj.product.funder_id
    if isinstance(obj, CreditLine):
        return obj.funder_id
    if isinstance(obj, Funder):
        return obj.pk
    return None


@rules.predicate
def is_member(user, obj) -> bool:
    return obj is not None and is_structure_member.test(user, _structure(obj))


@rules.predicate
def is_editor(user, obj) -> bool:
    return obj is not None and is_structure_editor.test(user, _structure(obj))


@rules.predicate
def is_own_fund(user, obj) -> bool:
    fund = _fund_id(obj)
    return fund is not None and fund in funder_ids(user)


@rules.predicate
def forwarded_to_fund(user, request) -> bool:
    return isinstance(request, FinancingRequest) and request.status in FUNDER_STATUSES


@rules.predicate
def is_editable(user, request) -> bool:
    return isinstance(request, FinancingRequest) and request.is_editable


@rules.predicate
def is_open(user, request) -> bool:
    return isinstance(request, FinancingRequest) and request.status not in (
        RequestStatus.GRANTED,
        RequestStatus.DECLINED,
        RequestStatus.WITHDRAWN,
    )


@rules.predicate
def is_granted(user, request) -> bool:
    return isinstance(request, FinancingRequest) and request.status == RequestStatus.GRANTED


@rules.predicate
def was_forwarded(user, request) -> bool:
    return isinstance(request, FinancingRequest) and request.forwarded_at is not None


structure_member = is_applicant & is_member
structure_editor = is_applicant & is_editor
officer = is_funder & is_own_fund

# The catalogue of the funds and their products.
rules.add_perm("financing.view_products", is_coordinator | is_applicant | is_funder)
rules.add_perm("financing.manage_products", is_coordinator)

# Needs and the response (subject: the structure, or its response).
rules.add_perm("financing.list_responses", is_coordinator | is_applicant)
rules.add_perm("financing.view_response", is_coordinator | structure_member)
rules.add_perm("financing.edit_response", is_coordinator | structure_editor)

# Requests.
rules.add_perm("financing.list_requests", is_coordinator | is_applicant | is_funder)
rules.add_perm(
    "financing.view_request", is_coordinator | structure_member | (officer & forwarded_to_fund)
)
rules.add_perm("financing.edit_request", (is_coordinator | structure_editor) & is_editable)
rules.add_perm("financing.submit_request", structure_editor)
rules.add_perm("financing.withdraw_request", structure_editor)
rules.add_perm("financing.review_request", is_coordinator)
rules.add_perm("financing.forward_request", is_coordinator)
rules.add_perm("financing.override_envelope", is_coordinator)
rules.add_perm("financing.decide_request", officer & forwarded_to_fund)
rules.add_perm(
    "financing.post_message",
    (is_coordinator | structure_member | (officer & forwarded_to_fund)) & is_open,
)
rules.add_perm(
    "financing.add_document", (is_coordinator | structure_editor) & is_open & ~was_forwarded
)
rules.add_perm(
    "financing.view_financing_file",
    (is_coordinator | structure_member | (officer & forwarded_to_fund)) & was_forwarded,
)
rules.add_perm("financing.record_disbursement", (is_coordinator | officer) & is_granted)
rules.add_perm("financing.export_requests", is_coordinator | is_funder)

# The credit lines and the global response (subject: the fund, or its credit line).
rules.add_perm("financing.view_credit_lines", is_coordinator | is_funder)
rules.add_perm("financing.view_credit_line", is_coordinator | officer)
rules.add_perm("financing.manage_credit_lines", is_coordinator)
rules.add_perm("financing.view_global_response", is_coordinator | is_funder)
rules.add_perm("financing.view_fund_brief", is_coordinator | officer)
