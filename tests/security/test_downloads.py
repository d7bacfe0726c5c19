"""Every file the portal sends is an attachment, sandboxed and not sniffed (issue 13, point 6)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import PlanStatus
from accompaniment.services.sessions import session_document_add, session_log
from applicants.documents import DOSSIER_SUMMARY
from applicants.services.attachments import attachment_add
from applicants.services.campaigns import campaign_document_add
from applicants.services.messages import message_post
from ccr_portal.axes import Axis
from ccr_portal.documents.services import document_request
from diagnostics.services.diagnostics import diagnostic_mark_covered
from tests import files
from tests.accompaniment.factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
)
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import (
    CampaignFactory,
    DocumentTypeFactory,
    DossierFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_safe_download(response, filename: str):
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_every_download_of_the_portal_is_a_sandboxed_attachment(
    client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(coordinator=True)
    membership = MembershipFactory()
    editor = membership.user
    dossier = DossierFactory(structure=membership.structure, complete=True)
    statuts = DocumentTypeFactory(code="statuts", name="Statuts")
    attachment = attachment_add(
        dossier=dossier,
        actor=editor,
        document_type=statuts,
        upload=files.upload("statuts.pdf", files.pdf()),
    )
    message = message_post(
        dossier=dossier,
        author=editor,
        body="Le plan du local.",
        files=[files.upload("plan.png", files.png())],
    )
    campaign_document = campaign_document_add(
        actor=coordinator,
        campaign=CampaignFactory(),
        title="GT5",
        upload=files.upload("gt5.pdf", files.pdf()),
    )
    diagnostic = diagnostic_mark_covered(
        diagnostic=DiagnosticFactory(structure=membership.structure),
        actor=coordinator,
        source="dla",
        source_name="",
        covered_on=datetime.date(2010, 11, 5),
        upload=files.upload("dla.pdf", files.pdf()),
    )
    ramsess = AccompanimentProviderFactory()
    consultant = consultant_of(ramsess)
    plan, _editor = drafted_plan(coordinator, ramsess, to=PlanStatus.AGREED)
    session = session_log(
        actor=consultant,
        provider=ramsess,
        date=timezone.localdate(),
        duration_hours=Decimal("2"),
        axis=Axis.SECURING,
        theme="Prévisionnel",
        format="individual",
        actions=[plan.actions.get()],
    )
    session_document = session_document_add(
        session=session, actor=consultant, upload=files.upload("support.docx", files.docx())
    )
    with django_capture_on_commit_callbacks(execute=True):
        summary = document_request(kind=DOSSIER_SUMMARY, subject=dossier, requested_by=coordinator)

    client.force_login(coordinator)
    downloads = {
        "statuts.pdf": reverse("applicants:attachment-download", args=[attachment.pk]),
        "plan.png": reverse(
            "applicants:message-attachment-download", args=[message.attachments.get().pk]
        ),
        "dla.pdf": reverse("diagnostics:covered-document", args=[diagnostic.pk]),
        "support.docx": reverse("accompaniment:session-document", args=[session_document.pk]),
        f"dossiers-ccr-{timezone.localdate():%Y-%m-%d}.csv": reverse(
            "applicants:dossier-export", args=["csv"]
        ),
        f"dossiers-ccr-{timezone.localdate():%Y-%m-%d}.xlsx": reverse(
            "applicants:dossier-export", args=["xlsx"]
        ),
    }
    for filename, url in downloads.items():
        assert_safe_download(client.get(url), filename)
    pdf = client.get(reverse("documents:download", args=[summary.pk]))
    assert_safe_download(pdf, pdf["Content-Disposition"].split('"')[1])
    assert pdf["Content-Disposition"].endswith('.pdf"')
    archive = client.get(reverse("applicants:dossier-zip", args=[dossier.pk]))
    assert archive["Content-Security-Policy"] == "sandbox"
    assert archive["Content-Disposition"].startswith("attachment;")

    # The porte-documents is public: anonymous, yet no longer inline.
    client.logout()
    public = client.get(reverse("applicants:campaign-document", args=[campaign_document.pk]))
    assert_safe_download(public, "gt5.pdf")
    assert public["Content-Type"] == "application/pdf"
