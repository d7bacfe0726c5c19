"""Every accompaniment page, on the demo, for its person: one h1 and a distinct title."""

import re

import pytest
from django.urls import reverse

from accompaniment.models import (
    CommitteeRecommendation,
    DevelopmentPlan,
    Event,
    PlanAction,
    QadesGrid,
    QualifyingTraining,
    Session,
)
from applicants.models import Structure
from ccr_portal.users.models import Provider, User
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


def _pages():
    plan = lambda status: DevelopmentPlan.objects.get(status=status).pk  # noqa: E731
    comptoir = Structure.objects.get(name="Comptoir Équitable de Noailles").pk
    collective = Session.objects.filter(format="collective", event__isnull=True).first().pk
    return [
        ("coordinator", "accompaniment:plan-list", []),
        ("coordinator", "accompaniment:plan-create", []),
        ("coordinator", "accompaniment:plan-detail", [plan("draft")]),
        ("coordinator", "accompaniment:plan-update", [plan("draft")]),
        ("coordinator", "accompaniment:plan-themes", [plan("draft")]),
        ("coordinator", "accompaniment:plan-budget", [plan("draft")]),
        ("coordinator", "accompaniment:plan-financing", [plan("draft")]),
        ("coordinator", "accompaniment:action-create", [plan("draft")]),
        (
            "coordinator",
            "accompaniment:action-update",
            [PlanAction.objects.filter(plan__status="draft").first().pk],
        ),
        ("coordinator", "accompaniment:plan-transition", [plan("proposed"), "withdraw"]),
        ("coordinator", "accompaniment:follow-up", [plan("completed")]),
        ("coordinator", "accompaniment:provider-list", []),
        ("coordinator", "accompaniment:provider-create", []),
        (
            "coordinator",
            "accompaniment:provider-detail",
            [Provider.objects.get(short_name="RAMSESS").pk],
        ),
        (
            "coordinator",
            "accompaniment:provider-update",
            [Provider.objects.get(short_name="RAMSESS").pk],
        ),
        ("coordinator", "accompaniment:session-list", []),
        ("coordinator", "accompaniment:event-list", []),
        ("coordinator", "accompaniment:event-create", []),
        ("coordinator", "accompaniment:event-update", [Event.objects.first().pk]),
        (
            "coordinator",
            "accompaniment:event-attendance",
            [Event.objects.get(kind="collective_training").pk],
        ),
        (
            "coordinator",
            "accompaniment:committee-recommendations",
            [CommitteeRecommendation.objects.first().dossier_id],
        ),
        ("coordinator", "accompaniment:action-list", []),
        ("provider", "accompaniment:action-list", []),
        ("provider", "accompaniment:session-list", []),
        ("provider", "accompaniment:session-create", []),
        ("provider", "accompaniment:session-detail", [collective]),
        ("provider", "accompaniment:session-update", [collective]),
        (
            "provider",
            "accompaniment:action-detail",
            [PlanAction.objects.filter(plan__status="in_progress", axis="securing").get().pk],
        ),
        ("cafe", "accompaniment:plan-detail", [plan("proposed")]),
        ("cafe", "accompaniment:plan-transition", [plan("proposed"), "request_changes"]),
        ("cafe", "accompaniment:plan-list", []),
        ("cafe", "accompaniment:event-detail", [Event.objects.get(kind="information_day").pk]),
        ("comptoir", "accompaniment:gpec", [comptoir]),
        ("comptoir", "accompaniment:gpec-update", [comptoir]),
        ("comptoir", "accompaniment:training-create", [comptoir]),
        (
            "comptoir",
            "accompaniment:training-update",
            [QualifyingTraining.objects.filter(structure_id=comptoir).first().pk],
        ),
        ("comptoir", "accompaniment:qades", [comptoir]),
        ("comptoir", "accompaniment:qades-open", [comptoir]),
        (
            "comptoir",
            "accompaniment:qades-update",
            [QadesGrid.objects.filter(structure_id=comptoir).first().pk],
        ),
        ("comptoir", "accompaniment:session-list", []),
        (None, "accompaniment:qades-summary", []),
    ]


def test_every_page_renders_for_its_person(client, demo):
    titles = {}
    for who, name, args in _pages():
        if who:
            client.force_login(User.objects.get(email=f"{who}@example.org"))
        else:
            client.logout()
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (who, name)
        text = page_text(response)
        assert text.count("<h1") == 1, name
        title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
        titles.setdefault(title, []).append(name)
    repeated = {title: names for title, names in titles.items() if len(set(names)) > 1}
    assert repeated == {}


@pytest.mark.parametrize("role", ["coordinator", "provider", "applicant"])
def test_dashboards_show_the_accompaniment(client, demo, role):
    client.force_login(User.objects.get(email=f"{role}@example.org"))
    text = page_text(client.get(reverse("dashboard", args=[role])))
    expected = {
        "coordinator": "Points de suivi à faire",
        "provider": "Comptes rendus à saisir",
        "applicant": "Journée d'information de l'appel à candidatures",
    }[role]
    assert expected in text


def test_edit_forms_show_what_is_saved(client, demo):
    """Opening a form to change something starts from the stored values, not from blanks."""
    coordinator = User.objects.get(email="coordinator@example.org")
    action = PlanAction.objects.filter(plan__status="draft").first()
    ramsess = Provider.objects.get(short_name="RAMSESS")
    session = Session.objects.filter(format="collective", event__isnull=True).first()
    training = Event.objects.get(kind="collective_training")

    client.force_login(coordinator)
    text = page_text(client.get(reverse("accompaniment:action-update", args=[action.pk])))
    assert f'value="{action.title}"' in text
    assert 'name="planned_days" value="3"' in text
    text = page_text(client.get(reverse("accompaniment:provider-update", args=[ramsess.pk])))
    assert 'name="daily_rate" value="450,00"' in text
    assert 'name="axes" value="securing"  id="id_axes_1" checked>' in text
    text = page_text(client.get(reverse("accompaniment:event-attendance", args=[training.pk])))
    assert text.count(" checked>") == 2

    comptoir = Structure.objects.get(name="Comptoir Équitable de Noailles")
    client.force_login(User.objects.get(email="comptoir@example.org"))
    text = page_text(client.get(reverse("accompaniment:gpec-update", args=[comptoir.pk])))
    assert 'name="emplois-0-title" value="Vendeur·se"' in text
    assert 'name="emplois-0-fte_today" value="1,5"' in text
    assert 'name="emplois-2-title" value="Coordinatrice"' in text

    client.force_login(User.objects.get(email="provider@example.org"))
    text = page_text(client.get(reverse("accompaniment:session-update", args=[session.pk])))
    assert f'value="{session.theme}"' in text
    assert session.summary in text
    assert f'value="{session.date.isoformat()}"' in text
    assert text.count(" checked>") == 2  # both structures were present
