"""Days and hours typed the French way in an English-language browser.

A number input depends on the browser's language: an English Chromium refused « 2,5 » (or
sent nothing). The coordinator changes an action to « 2,5 » days and the consultant logs
a session of « 3,5 » hours, both in an English interface: both are saved exactly, and the
forms show them back « 2,5 » and « 3,5 ».
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import PlanStatus, Session
from ccr_portal.axes import Axis
from tests.accompaniment.factories import AccompanimentProviderFactory, drafted_plan, move_plan
from tests.e2e.helpers import field, log_in, log_out
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_days_and_hours_with_a_comma_in_an_english_browser(browser, live_server):
    coordinator = UserFactory(coordinator=True, email="myriam@regain.example")
    ramsess = AccompanimentProviderFactory(name="RAMSESS", axes=[Axis.SECURING])
    consultant = UserFactory(provider=True, email="marie@ramsess.example")
    ramsess.members.add(consultant)
    plan, editor = drafted_plan(coordinator, ramsess, {Axis.SECURING: 3}, name="Café de la Plaine")
    action = plan.actions.get(axis=Axis.SECURING)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, coordinator.email)
        page.goto(reverse("accompaniment:action-update", args=[action.pk]))
        days = field(page, "Jours prévus")
        assert days.get_attribute("type") == "text"
        assert days.input_value() == "3"
        days.fill("2,5")
        page.get_by_role("button", name="Enregistrer l'action").click()
        page.wait_for_url(f"**/plans/{plan.pk}/**")
        action.refresh_from_db()
        assert action.planned_days == Decimal("2.5")
        page.goto(reverse("accompaniment:action-update", args=[action.pk]))
        assert field(page, "Jours prévus").input_value() == "2,5"

        move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.AGREED)
        log_out(page)
        log_in(page, consultant.email)
        page.goto(reverse("accompaniment:session-create"))
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        field(page, "Date").fill(yesterday.isoformat())
        field(page, "Durée (heures)").fill("3,5")
        field(page, "Axe").select_option(value=Axis.SECURING)
        field(page, "Thème").fill("Prévisionnel de trésorerie")
        page.get_by_label("Individuel").check()
        page.get_by_label("Café de la Plaine", exact=False).check()
        page.get_by_role("button", name="Enregistrer la séance").click()
        page.get_by_role("heading", name="Prévisionnel de trésorerie").wait_for()
        session = Session.objects.get()
        assert session.duration_hours == Decimal("3.5")
        page.goto(reverse("accompaniment:session-update", args=[session.pk]))
        assert field(page, "Durée (heures)").input_value() == "3,5"
    finally:
        context.close()
