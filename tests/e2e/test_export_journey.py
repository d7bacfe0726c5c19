"""A coordinator's large export in the browser: the list's button, the page that follows
the progress by itself (htmx), the download once ready, axe-core clean."""

import re
from pathlib import Path

import pytest

from applicants.exports import DOSSIERS_CSV
from ccr_portal.documents.models import BackgroundExport
from ccr_portal.documents.services import export_build
from tests.e2e.crawl import AXE, run_axe
from tests.e2e.helpers import log_in
from tests.factories import CampaignFactory, DossierFactory, StructureFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SPACES = r"[\s\u00a0\u202f]+"


def _text(words: str) -> re.Pattern:
    return re.compile(SPACES.join(re.escape(word) for word in words.split()))


def test_a_large_export_is_followed_on_its_page_then_downloaded(page, settings):
    campaign = CampaignFactory()
    for n in range(3):
        DossierFactory(
            structure=StructureFactory(name=f"Structure {n}"), campaign=campaign, status="submitted"
        )
    coordinator = UserFactory(coordinator=True, email="coordination@example.org")
    settings.EXPORT_INLINE_MAX_ROWS = 2
    page.context.add_init_script(path=str(AXE))
    log_in(page, coordinator.email)

    # From the list: the task runs at once here (eager), the page says the file is ready.
    page.goto("/dossiers/")
    page.get_by_role("link", name="Exporter la sélection (CSV)").click()
    page.wait_for_url(re.compile(r".*/documents/exports/\d+/$"))
    status = page.locator("#export-etat")
    assert re.search(_text("L'export est prêt : 3 lignes."), status.inner_text())

    # A pending one: its page follows the progress without being reloaded.
    pending = BackgroundExport.objects.create(
        kind=DOSSIERS_CSV, requested_by=coordinator, params="status=draft", rows_total=3
    )
    page.goto(f"/documents/exports/{pending.pk}/")
    assert status.get_attribute("aria-live") == "polite"
    page.get_by_text(_text("0 ligne sur 3")).wait_for()
    assert run_axe(page, "export en cours") == []
    BackgroundExport.objects.filter(pk=pending.pk).update(rows_done=2)
    page.get_by_text(_text("2 lignes sur 3")).wait_for(timeout=10_000)

    BackgroundExport.objects.filter(pk=pending.pk).update(params="status=submitted")
    export_build(export_id=pending.pk)
    link = page.get_by_role("link", name=re.compile(r"Télécharger l'export \(CSV"))
    link.wait_for(timeout=10_000)
    assert run_axe(page, "export prêt") == []
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"dossiers-ccr-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert sorted(line.split(";")[0] for line in body.splitlines()[1:]) == [
        "Structure 0",
        "Structure 1",
        "Structure 2",
    ]
