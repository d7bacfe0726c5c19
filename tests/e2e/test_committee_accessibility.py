"""Automated accessibility audit (axe-core, WCAG 2.1 A and AA) of the committee's pages."""

import pytest
from django.core.management import call_command

from ccr_portal.users.demo import DEMO_PASSWORD
from committee.models import Decision, Meeting, MeetingStatus
from tests.conftest import require
from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import AXE, audit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_committees_pages_pass_the_automated_audit(page):
    require(AXE.exists(), "axe-core manque : lancez « npm ci »")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    coming = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    closed = Meeting.objects.get(status=MeetingStatus.CLOSED)
    item = coming.agenda.get(dossier__structure__name="Le Passe-Plat")
    decision = Decision.objects.filter(item__meeting=closed).first()
    violations = []

    log_in(page, "committee@example.org", DEMO_PASSWORD)
    for path in [
        "/tableau-de-bord/committee/",
        coming.get_absolute_url(),
        f"/comite/seances/{coming.pk}/avis/",
        f"/comite/dossiers/{item.pk}/",
        f"/comite/seances/{coming.pk}/liens-d-interets/",
        "/comite/liens-d-interets/",
    ]:
        violations += audit(page, path)
    page.context.clear_cookies()

    log_in(page, "coordinator@example.org", DEMO_PASSWORD)
    for path in [
        "/comite/",
        "/comite/seances/programmer/",
        f"/comite/seances/{coming.pk}/ordre-du-jour/",
        f"/comite/seances/{coming.pk}/presences/",
        closed.get_absolute_url(),
        decision.get_absolute_url(),
        f"/comite/seances/{closed.pk}/lettres/",
        "/comite/modeles-de-lettre/accepted/",
        f"/comite/bilan/{closed.campaign_id}/",
    ]:
        violations += audit(page, path)
    assert violations == []
