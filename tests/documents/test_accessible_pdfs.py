"""Every kind of PDF, made from the demo through the real pipeline: tagged (PDF/UA), titled,
in French, with no forgotten English; and the demo's e-mails free of English too.

New kinds registered by later apps are covered without a change here.
"""

import io
import shutil
import subprocess

import pytest
from django.apps import apps
from django.core.management import call_command
from pypdf import PdfReader

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.registry import all_kinds
from ccr_portal.documents.services import document_render, document_request
from ccr_portal.notifications.models import Notification
from ccr_portal.notifications.services import rendered_email
from ccr_portal.users.models import User
from tests.conftest import require
from tests.e2e.crawl import english_words, readable_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_pdfs():
    """One PDF of each kind, of the first demo subject someone may read, and the e-mails."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    people = list(User.objects.filter(email__endswith="@example.org").order_by("pk"))
    pdfs = {}
    for kind in all_kinds():
        subject, reader = next(
            (subject, person)
            for subject in apps.get_model(kind.model).objects.order_by("pk")
            for person in people
            if person.has_perm(kind.permission, subject)
        )
        document = document_request(kind=kind.code, subject=subject, requested_by=reader)
        # The rendering task runs after the commit; the test's transaction never commits.
        document_render(document_id=document.pk)
        document.refresh_from_db()
        assert document.status == GeneratedDocument.Status.READY, document.error
        pdfs[kind.code] = (kind, subject, document.file.read())
    emails = [
        rendered_email(
            recipient_name=notification.recipient.display_name,
            subject=notification.subject,
            template=notification.email_template,
            context=notification.email_context,
            url=notification.url,
        )
        for notification in Notification.objects.exclude(email_template="")
    ]
    return {"pdfs": pdfs, "emails": emails}


def pdfinfo(data: bytes, tmp_path) -> dict[str, str]:
    require(shutil.which("pdfinfo") is not None, "pdfinfo manque (paquet Debian poppler-utils)")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    output = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in output.splitlines())
    }


def test_every_kind_of_pdf_is_tagged_titled_and_french_and_so_are_the_e_mails(demo_pdfs, tmp_path):
    assert len(demo_pdfs["pdfs"]) >= 4
    for kind, _subject, data in demo_pdfs["pdfs"].values():
        info = pdfinfo(data, tmp_path)
        assert info["Tagged"] == "yes", kind.code
        assert info["Title"], kind.code
        reader = PdfReader(io.BytesIO(data))
        assert reader.trailer["/Root"]["/Lang"] == "fr", kind.code
        assert "/StructTreeRoot" in reader.trailer["/Root"], kind.code
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert english_words(text) == [], (kind.code, english_words(text))

    # The download names are French: « diagnostic-complet-…pdf », not « diagnostic-full-… ».
    names = {
        code: kind.get_filename(subject) for code, (kind, subject, _) in demo_pdfs["pdfs"].items()
    }
    english = {"full", "light", "summary", "sheet", "report", "development"}
    assert [name for name in names.values() if english & set(name[:-4].split("-"))] == []
    assert names["diagnostic_report"].startswith(("diagnostic-complet-", "diagnostic-leger-"))

    # The e-mails of the demo's notifications, in text and HTML.
    assert demo_pdfs["emails"]
    found = [
        (email["subject"], words)
        for email in demo_pdfs["emails"]
        if (words := english_words(email["text"] + " " + readable_text(email["html"])))
    ]
    assert found == []
