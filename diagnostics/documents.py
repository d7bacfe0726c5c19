from django.utils import timezone
from django.utils.text import slugify

from ccr_portal.documents.registry import DocumentKind, register

from .report import report_context

DIAGNOSTIC_REPORT = "diagnostic_report"


def _context(diagnostic) -> dict:
    return {**report_context(diagnostic), "as_of": timezone.localtime(diagnostic.updated_at)}


register(
    DocumentKind(
        code=DIAGNOSTIC_REPORT,
        label="Synthèse du diagnostic",
        model="diagnostics.Diagnostic",
        template_name="pdf/diagnostic_report.html",
        # The same rule as the page: the committee reads the PDF only when it reads the page.
        permission="diagnostics.view_diagnostic",
        get_context=_context,
        get_filename=lambda diagnostic: (
            # « diagnostic-complet-epicerie-solidaire-du-panier.pdf »: the kind's French label.
            f"{slugify(diagnostic.get_kind_display())}-{slugify(diagnostic.structure.name)}.pdf"
        ),
    )
)
