"""Satisfaction: the structure rates a completed action; a provider sees averages only."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accompaniment.models import PlanStatus, SatisfactionAnswer
from accompaniment.selectors import provider_satisfaction
from accompaniment.services.actions import action_complete, satisfaction_record
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from tests.conftest import page_text
from tests.factories import CampaignFactory, UserFactory

from .factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
)

pytestmark = pytest.mark.django_db

COMMENTS = ["Très concret, merci.", "Trop théorique.", "Utile pour le BFR.", "Parfait."]


@pytest.fixture
def world():
    coordinator = UserFactory(coordinator=True)
    provider = AccompanimentProviderFactory(short_name="RAMSESS")
    consultant = consultant_of(provider)
    campaign = CampaignFactory()
    actions = []
    for index in range(4):
        plan, editor = drafted_plan(
            coordinator,
            provider,
            campaign=campaign,
            to=PlanStatus.IN_PROGRESS,
            name=f"Résident {index}",
        )
        actions.append((plan.actions.get(), editor))
    return {
        "coordinator": coordinator,
        "provider": provider,
        "consultant": consultant,
        "actions": actions,
    }


def _rate(world, count):
    for index, (action, editor) in enumerate(world["actions"][:count]):
        action_complete(action=action, actor=world["consultant"])
        satisfaction_record(
            action=action,
            actor=editor,
            usefulness=5 - index % 2,
            would_recommend=4,
            comment=COMMENTS[index],
        )


def test_completing_an_action_asks_the_structure_for_its_opinion(world):
    action, editor = world["actions"][0]
    action_complete(action=action, actor=world["consultant"])
    action.refresh_from_db()
    assert action.is_completed
    notification = Notification.objects.filter(recipient=editor).first()  # the latest
    assert notification.subject == (
        "Donnez votre avis sur l'action « Accompagnement de sécurisation »"
    )
    assert notification.url == reverse("accompaniment:action-rate", args=[action.pk])


def test_the_structure_rates_only_a_completed_action_and_once(world):
    action, editor = world["actions"][0]
    with pytest.raises(TransitionRefused):
        satisfaction_record(action=action, actor=editor, usefulness=4, would_recommend=4)
    action_complete(action=action, actor=world["consultant"])
    with pytest.raises(PermissionDenied):
        satisfaction_record(
            action=action, actor=world["consultant"], usefulness=5, would_recommend=5
        )
    satisfaction_record(action=action, actor=editor, usefulness=4, would_recommend=3)
    with pytest.raises(TransitionRefused) as refused:
        satisfaction_record(action=action, actor=editor, usefulness=1, would_recommend=1)
    assert refused.value.message == "Votre avis sur cette action est déjà enregistré."
    assert list(SatisfactionAnswer.objects.values_list("usefulness", "would_recommend")) == [(4, 3)]


def test_below_three_answers_the_provider_sees_no_average(world):
    _rate(world, 2)
    summary = provider_satisfaction(world["provider"])
    assert (summary.answers, summary.usefulness, summary.would_recommend) == (2, None, None)


def test_from_three_answers_the_provider_sees_averages(world):
    _rate(world, 3)
    summary = provider_satisfaction(world["provider"])
    # (5 + 4 + 5) / 3 = 4.7 ; 4 for all.
    assert (summary.answers, summary.usefulness, summary.would_recommend) == (
        3,
        Decimal("4.7"),
        Decimal("4.0"),
    )


def test_a_fourth_answer_does_not_move_the_averages_until_it_has_company(client, world):
    _rate(world, 3)
    before = provider_satisfaction(world["provider"])
    _rate_one(world, 3, usefulness=1, would_recommend=1)
    after = provider_satisfaction(world["provider"])
    assert after == before
    assert (after.answers, after.usefulness, after.would_recommend) == (
        3,
        Decimal("4.7"),
        Decimal("4.0"),
    )
    # Nor does the action's page say to its provider that this structure answered.
    action, _editor = world["actions"][3]
    client.force_login(world["consultant"])
    text = page_text(client.get(reverse("accompaniment:action-detail", args=[action.pk])))
    assert "Un avis a été donné" not in text


def _rate_one(world, index, **scores):
    action, editor = world["actions"][index]
    action_complete(action=action, actor=world["consultant"])
    satisfaction_record(action=action, actor=editor, **scores)


def test_a_provider_never_reads_one_structure_answer(client, world):
    _rate(world, 1)
    client.force_login(world["consultant"])
    pages = [
        page_text(client.get(reverse("accompaniment:action-list"))),
        page_text(
            client.get(reverse("accompaniment:provider-detail", args=[world["provider"].pk]))
        ),
    ]
    for text in pages:
        assert "Très concret, merci." not in text
        assert "utilité 5,0 / 5" not in text
        assert "pas encore assez" in text
    _rate_rest = world["actions"][1:3]
    for index, (action, editor) in enumerate(_rate_rest, start=1):
        action_complete(action=action, actor=world["consultant"])
        satisfaction_record(
            action=action, actor=editor, usefulness=3, would_recommend=3, comment=COMMENTS[index]
        )
    text = page_text(client.get(reverse("accompaniment:action-list")))
    assert "Satisfaction (3 avis) : utilité 3,7 / 5, recommandation 3,3 / 5." in text
    assert not any(comment in text for comment in COMMENTS)


def test_the_coordination_reads_every_answer(client, world):
    _rate(world, 2)
    client.force_login(world["coordinator"])
    text = page_text(
        client.get(reverse("accompaniment:provider-detail", args=[world["provider"].pk]))
    )
    assert "Très concret, merci." in text
    assert "Trop théorique." in text


def test_another_provider_does_not_see_the_summary(client, world):
    outsider = consultant_of(AccompanimentProviderFactory())
    client.force_login(outsider)
    response = client.get(reverse("accompaniment:provider-detail", args=[world["provider"].pk]))
    assert response.status_code == 403


def test_the_structure_rates_through_the_form(client, world):
    action, editor = world["actions"][0]
    action_complete(action=action, actor=world["consultant"])
    client.force_login(editor)
    response = client.post(
        reverse("accompaniment:action-rate", args=[action.pk]),
        {"usefulness": "6", "would_recommend": "4"},
    )
    assert "Sélectionnez un choix valide" in page_text(response)
    assert not SatisfactionAnswer.objects.exists()
    response = client.post(
        reverse("accompaniment:action-rate", args=[action.pk]),
        {"usefulness": "5", "would_recommend": "4", "comment": "Merci"},
    )
    assert response.status_code == 302
    assert SatisfactionAnswer.objects.get().answered_by == editor
