"""The financial accompaniment's PDFs, rendered by the documents pipeline.

- the financing file of a request (dossier de financement), generated when Regain forwards
  it and attached to it: identity, project, needs, the response it belongs to, the request,
  the 3-year financing plan and the list of documents;
- the brief of one fund (note de préparation), for the bilateral preparation between Regain
  and the fund: the global response restricted to the fund's requests.
"""

from django.utils.text import slugify

from ccr_portal.documents.registry import DocumentKind, register

FINANCING_FILE = "financing_file"
FUND_BRIEF = "financing_fund_brief"


def file_context(request) -> dict:
    from .selectors import CATEGORY_LABELS, needs_of, plan_figures, response_check

    response = getattr(request.response_line, "response", None)
    figures = plan_figures(request.structure_id, request.campaign_id)
    plan_lines = []
    if figures is not None:
        # As the plan counts it: the typed lines and the granted loans' repayments.
        plan_lines = [
            (f"{row.label} (calculé)" if row.computed else row.label, *row.amounts)
            for row in (*figures.table.outflow_rows, *figures.table.inflow_rows)
        ]
    return {
        "request": request,
        "structure": request.structure,
        "needs": needs_of(request.structure_id, request.campaign_id),
        "response_lines": response_check(response)[0] if response is not None else [],
        "uses": [
            (CATEGORY_LABELS[use.category], use.amount, use.note) for use in request.uses.all()
        ],
        "plan": figures.plan if figures else None,
        "plan_lines": plan_lines,
        "documents": [(doc.original_name, doc.document_type) for doc in request.documents.all()],
    }


def brief_context(funder) -> dict:
    from .selectors import credit_line_summaries, global_response, global_tables

    consolidation = global_response(None, funder_id=funder.pk)
    categories, months, _ = global_tables(consolidation)
    return {
        "funder": funder,
        "consolidation": consolidation,
        "categories": categories,
        "months": months,
        "credit_lines": credit_line_summaries(funder.credit_lines.all()),
    }


register(
    DocumentKind(
        code=FINANCING_FILE,
        label="Dossier de financement",
        model="financing.FinancingRequest",
        template_name="pdf/financing_file.html",
        permission="financing.view_financing_file",
        get_context=file_context,
        get_filename=lambda request: (
            f"dossier-financement-{slugify(request.structure.name)}-{request.pk}.pdf"
        ),
        feminine=False,
    )
)

register(
    DocumentKind(
        code=FUND_BRIEF,
        label="Note de préparation",
        model="users.Funder",
        template_name="pdf/financing_brief.html",
        permission="financing.view_fund_brief",
        get_context=brief_context,
        get_filename=lambda funder: f"note-preparation-{slugify(str(funder))}.pdf",
    )
)
