"""Decisions: the quorum, the dossier's move, the recommended accompaniment once, several at
once, the secretary's page, what the applicant reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompaniment.models import CommitteeRecommendation, PlanAction
from accompaniment.services.plans import plan_create
from applicants.models import Campaign, DossierStatus
from applicants.models import FinancingNeed as DossierNeed
from ccr_portal.formatting import format_date
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from committee.models import Decision, DecisionStatus, Outcome, SiteCapacity
from committee.selectors import campaign_summaries
from committee.services.decisions import (
    DecisionEntry,
    decision_record,
    decisions_record,
)
from committee.services.opinions import opinions_give
from financing.models import FinancingNeed, FinancingResponse
from financing.services.responses import response_open
from tests.committee.conftest import editor_of
from tests.committee.factories import campaign_with_sites, held_meeting, scheduled_meeting
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory

pytestmark = pytest.mark.django_db

MOTIVATION = "Un projet ancré dans le quartier, une équipe solide."
CONDITION = "Suivre l'accompagnement de sécurisation avant l'installation."


def _held(world, present=None):
    return held_meeting(world.coordinator, world.meeting, present or world.members[:3])


def _accept(world, item, **fields):
    return DecisionEntry(
        item=item,
        outcome=fields.pop("outcome", Outcome.ACCEPTED_WITH_CONDITIONS),
        motivation=fields.pop("motivation", MOTIVATION),
        site=fields.pop("site", world.mk2),
        conditions=fields.pop("conditions", CONDITION),
        condition_axis=fields.pop("condition_axis", "securing"),
        **fields,
    )


def test_a_decision_without_quorum_is_refused_in_french(world, django_capture_on_commit_callbacks):
    _held(world, present=world.members[:2])
    item = world.items[1]
    before = Notification.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as refusal,
    ):
        decision_record(actor=world.coordinator, entry=_accept(world, item))
    assert refusal.value.messages == [
        "Le quorum n'est pas atteint : 2 membres présents pour un quorum de 3. La décision "
        "n'a pas été enregistrée."
    ]
    item.dossier.refresh_from_db()
    assert item.dossier.status == DossierStatus.IN_COMMITTEE
    assert not Decision.objects.exists()
    assert not CommitteeRecommendation.objects.exists()
    assert Notification.objects.count() == before


def test_decisions_wait_for_the_meeting_to_be_held(world):
    with pytest.raises(ValidationError) as refusal:
        decision_record(actor=world.coordinator, entry=_accept(world, world.items[1]))
    assert refusal.value.messages == [
        "Les décisions s'enregistrent une fois la séance tenue et avant sa clôture : la séance "
        "est « Programmée »."
    ]


def test_several_decisions_at_once_move_the_dossiers_and_tell_the_applicants(
    world, django_capture_on_commit_callbacks
):
    opinions_give(
        meeting=world.meeting,
        actor=world.members[0],
        entries=[{"item": world.items[0], "value": "reserved", "comment": "Avis secret."}],
    )
    _held(world, present=[*world.members[:2], world.consultant])
    first, second, third = world.items
    with django_capture_on_commit_callbacks(execute=True):
        decisions = decisions_record(
            meeting=world.meeting,
            actor=world.coordinator,
            entries=[
                _accept(
                    world,
                    first,
                    recommended_axes=["cooperation"],
                    financing_referral=True,
                    financing_note="Prêt d'honneur pour la vitrine.",
                ),
                DecisionEntry(item=second, outcome=Outcome.REJECTED, motivation="Projet trop tôt."),
                DecisionEntry(item=third, outcome=Outcome.WAITLISTED, motivation="Place à venir."),
            ],
        )
    assert [d.status for d in decisions] == [DecisionStatus.RECORDED] * 3
    statuses = [
        item.dossier.__class__.objects.get(pk=item.dossier_id).status for item in world.items
    ]
    assert statuses == [DossierStatus.ACCEPTED, DossierStatus.REJECTED, DossierStatus.WAITLISTED]

    accepted = decisions[0]
    assert accepted.outcome == Outcome.ACCEPTED_WITH_CONDITIONS
    assert (accepted.site, accepted.quorum, accepted.recorded_by) == (
        world.mk2,
        3,
        world.coordinator,
    )
    assert set(accepted.present_members.all()) == {*world.members[:2], world.consultant}
    # RAMSESS's consultant was present, but took no part: their organisation diagnosed it.
    assert list(accepted.abstaining_members.all()) == [world.consultant]
    assert list(decisions[1].abstaining_members.all()) == []

    step = first.dossier.transitions.get(action="accept")
    assert step.to_status == DossierStatus.ACCEPTED
    expected = (
        f"Décision du comité de sélection du {format_date(world.meeting.day)} : "
        "retenue sous conditions."
    )
    assert step.comment.splitlines()[0] == expected
    assert "Site attribué : mk2." in step.comment
    assert f"Motivation : {MOTIVATION}" in step.comment
    assert f"– {CONDITION}" in step.comment
    assert "Orientation vers l'accompagnement financier (ESIA, PARGEST) : Prêt d'honneur" in (
        step.comment
    )
    editor = editor_of(first.dossier)
    told = Notification.objects.filter(
        recipient=editor, email_template="dossier_status_changed"
    ).latest("pk")
    assert CONDITION in told.body
    assert MOTIVATION in told.body
    assert "Avis secret." not in told.body
    # The referral to financing is stored for the financing app.
    assert (accepted.financing_referral, accepted.financing_note) == (
        True,
        "Prêt d'honneur pour la vitrine.",
    )


def test_a_batch_with_one_refusal_records_nothing_and_keeps_what_was_typed(client, world):
    _held(world)
    client.force_login(world.coordinator)
    first, second, _third = world.items
    url = reverse("committee:decisions", args=[world.meeting.pk])
    response = client.post(
        url,
        {
            f"dossier-{first.pk}-outcome": Outcome.ACCEPTED,
            f"dossier-{first.pk}-motivation": "Motivation sans site attribué.",
            f"dossier-{second.pk}-outcome": Outcome.REJECTED,
            f"dossier-{second.pk}-motivation": "Projet trop tôt.",
        },
    )
    text = page_text(response)
    assert "Aucune décision n'a été enregistrée : corrigez les dossiers signalés." in text
    assert "Attribuez un site à une candidature retenue." in text
    assert "Motivation sans site attribué." in text
    assert not Decision.objects.filter(status=DecisionStatus.RECORDED).exists()
    second.dossier.refresh_from_db()
    assert second.dossier.status == DossierStatus.IN_COMMITTEE

    response = client.post(
        url,
        {
            f"dossier-{first.pk}-outcome": Outcome.ACCEPTED,
            f"dossier-{first.pk}-motivation": "Bon projet.",
            f"dossier-{first.pk}-site": world.friche.pk,
            f"dossier-{second.pk}-outcome": Outcome.REJECTED,
            f"dossier-{second.pk}-motivation": "Projet trop tôt.",
        },
        follow=True,
    )
    assert "2 décisions enregistrées." in page_text(response)
    assert Decision.objects.get(item=first).site == world.friche


def test_the_recommended_action_joins_the_plan_exactly_once(world):
    """A plan exists: the condition's securing joins its drafted securing action, the
    recommended cooperation becomes a new action; recording again is refused."""
    item = world.items[0]
    structure = item.dossier.structure
    plan = plan_create(structure=structure, campaign=world.campaign, actor=world.coordinator).plan
    assert list(plan.actions.values_list("axis", "planned_days")) == [("securing", Decimal("3.0"))]
    _held(world)
    decision = decision_record(
        actor=world.coordinator, entry=_accept(world, item, recommended_axes=["cooperation"])
    )
    actions = {action.axis: action for action in plan.actions.all()}
    assert set(actions) == {"securing", "cooperation"}
    securing = CommitteeRecommendation.objects.get(axis="securing")
    cooperation = CommitteeRecommendation.objects.get(axis="cooperation")
    assert (securing.action, securing.is_condition, securing.note) == (
        actions["securing"],
        True,
        CONDITION,
    )
    assert f"{world.meeting}\n{CONDITION}" in actions["securing"].description
    assert cooperation.action == actions["cooperation"]
    assert actions["cooperation"].title == (
        "Mutualisation et coopération économique (recommandation du comité)"
    )
    assert actions["cooperation"].planned_days == Decimal("2.0")
    assert set(decision.recommendations.all()) == {securing, cooperation}
    assert plan.transitions.filter(action="committee_action").count() == 1

    with pytest.raises(TransitionRefused):
        decision_record(actor=world.coordinator, entry=_accept(world, item))
    assert plan.actions.count() == 2
    assert CommitteeRecommendation.objects.count() == 2


def test_without_a_plan_the_recommendation_waits_then_becomes_one_action(world):
    item = world.items[0]
    _held(world)
    decision_record(
        actor=world.coordinator, entry=_accept(world, item, recommended_axes=["cooperation"])
    )
    waiting = CommitteeRecommendation.objects.get(axis="cooperation")
    assert waiting.action is None
    assert waiting.pending_reason.startswith("La structure n'a pas encore de plan")
    assert not PlanAction.objects.exists()

    plan = plan_create(
        structure=item.dossier.structure, campaign=world.campaign, actor=world.coordinator
    ).plan
    # The diagnostic's securing (3 days) carries the committee's condition; cooperation is new.
    assert sorted(plan.actions.values_list("axis", flat=True)) == ["cooperation", "securing"]
    assert CommitteeRecommendation.objects.filter(action__isnull=True).count() == 0
    assert PlanAction.objects.count() == 2


def test_a_decision_without_the_validated_assessment_needs_a_reason(world):
    """Issue 9, point 5, on the decision: the secretary confirms, with a recorded reason."""
    item = world.items[1]
    DiagnosticFactory(
        structure=item.dossier.structure,
        purpose="assessment",
        dossier=item.dossier,
        in_progress=True,
    )
    _held(world)
    with pytest.raises(ValidationError) as refusal:
        decision_record(actor=world.coordinator, entry=_accept(world, item))
    (message,) = refusal.value.message_dict["assessment_override"]
    assert message.startswith("Le diagnostic d'instruction n'est pas encore validé : ")
    assert "(« En cours »)" in message
    item.dossier.refresh_from_db()
    assert item.dossier.status == DossierStatus.IN_COMMITTEE

    reason = "Le comité s'appuie sur le diagnostic léger de RAMSESS de l'an dernier."
    decision = decision_record(
        actor=world.coordinator, entry=_accept(world, item, assessment_override=reason)
    )
    assert decision.assessment_override == reason


def test_the_secretary_sees_the_opinions_side_by_side(client, world):
    for member, value, comment in [
        (world.members[0], "favourable", "Très bon ancrage local."),
        (world.members[1], "unfavourable", "Modèle économique fragile."),
    ]:
        opinions_give(
            meeting=world.meeting,
            actor=member,
            entries=[{"item": world.items[1], "value": value, "comment": comment}],
        )
    _held(world)
    url = reverse("committee:decisions", args=[world.meeting.pk])
    client.force_login(world.coordinator)
    text = page_text(client.get(url))
    assert "Très bon ancrage local." in text
    assert "Modèle économique fragile." in text
    assert "Favorable : 1 · Réservé : 0 · Défavorable : 1" in text
    for person in (world.members[2], world.outsider, editor_of(world.items[1].dossier)):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_the_chair_records_decisions_but_not_on_a_file_they_are_conflicted_on(world):
    world.meeting.chair = world.consultant
    world.meeting.save()
    _held(world, present=[*world.members[:2], world.consultant])
    with pytest.raises(PermissionDenied):
        decision_record(actor=world.consultant, entry=_accept(world, world.items[0]))
    decision = decision_record(actor=world.consultant, entry=_accept(world, world.items[1]))
    assert decision.recorded_by == world.consultant


def test_the_applicant_reads_the_motivation_and_the_conditions_never_the_opinions(client, world):
    item = world.items[1]
    opinions_give(
        meeting=world.meeting,
        actor=world.members[0],
        entries=[{"item": item, "value": "reserved", "comment": "Avis réservé secret."}],
    )
    _held(world)
    decision = decision_record(actor=world.coordinator, entry=_accept(world, item))
    client.force_login(editor_of(item.dossier))
    text = page_text(client.get(item.dossier.get_absolute_url()))
    assert MOTIVATION in text
    assert CONDITION in text
    assert "site attribué : mk2" in text
    assert "Avis réservé secret." not in text
    detail = page_text(client.get(decision.get_absolute_url()))
    assert CONDITION in detail
    assert "Avis réservé secret." not in detail
    assert "Membres présents" not in detail


# --- The referral to the financial accompaniment ------------------------------------


def _needs_and_chair(world, item):
    """The dossier declares one need; the meeting's chair (no coordinator) decides."""
    item.dossier.financing_needs.all().delete()
    DossierNeed.objects.create(
        dossier=item.dossier, category="working_capital", amount=Decimal("12500")
    )
    world.meeting.chair = world.members[0]
    world.meeting.save()
    _held(world)


def test_a_referral_opens_the_financing_response_once_and_tells_coordination_and_structure(
    world, django_capture_on_commit_callbacks
):
    item = world.items[1]
    _needs_and_chair(world, item)
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(
            actor=world.members[0],
            entry=_accept(world, item, financing_referral=True, financing_note="Garantie du prêt."),
        )
    structure = item.dossier.structure
    response = FinancingResponse.objects.get()
    assert (response.structure, response.campaign, response.note) == (
        structure,
        world.campaign,
        "Garantie du prêt.",
    )
    # The dossier's need, as the financing app's need of the campaign.
    assert list(
        FinancingNeed.objects.values_list("structure", "campaign", "category", "amount", "source")
    ) == [(structure.pk, world.campaign.pk, "working_capital", Decimal("12500.00"), "dossier")]
    told = Notification.objects.filter(email_template="financing_response_opened")
    # Nobody instructs the dossier: every coordinator; and the structure's editor.
    assert {n.recipient for n in told} == {world.coordinator, editor_of(item.dossier)}
    assert {n.url for n in told} == {response.get_absolute_url()}

    # Replayed (the same effect again): nothing opened, nobody told again.
    with django_capture_on_commit_callbacks(execute=True):
        again, opened = response_open(dossier=item.dossier, actor=world.coordinator)
    assert (again, opened) == (response, False)
    assert FinancingResponse.objects.count() == 1
    assert FinancingNeed.objects.count() == 1
    assert told.count() == 2


def test_a_referral_reuses_the_response_already_opened(world, django_capture_on_commit_callbacks):
    item = world.items[1]
    _needs_and_chair(world, item)
    kept = FinancingResponse.objects.create(
        structure=item.dossier.structure, campaign=world.campaign, note="Ouverte par Regain."
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(actor=world.members[0], entry=_accept(world, item, financing_referral=True))
    assert list(FinancingResponse.objects.values_list("pk", "note")) == [
        (kept.pk, "Ouverte par Regain.")
    ]
    assert not Notification.objects.filter(email_template="financing_response_opened").exists()


def test_a_decision_without_referral_opens_no_financing_response(
    world, django_capture_on_commit_callbacks
):
    item = world.items[1]
    _needs_and_chair(world, item)
    with django_capture_on_commit_callbacks(execute=True):
        decision_record(actor=world.members[0], entry=_accept(world, item))
    assert not FinancingResponse.objects.exists()
    assert not FinancingNeed.objects.exists()
    assert not Notification.objects.filter(email_template="financing_response_opened").exists()


def test_the_campaign_summaries_count_each_campaigns_outcomes_and_places(client, world):
    """Outcomes and each site's allocations against its places, for every campaign at once
    (the committee's dashboard shows three): the same figures as by hand, and the same
    three queries for one campaign or three."""
    _held(world)
    decision_record(actor=world.coordinator, entry=_accept(world, world.items[0]))
    decision_record(
        actor=world.coordinator,
        entry=DecisionEntry(
            item=world.items[1], outcome=Outcome.ACCEPTED, motivation=MOTIVATION, site=world.mk2
        ),
    )
    decision_record(
        actor=world.coordinator,
        entry=DecisionEntry(item=world.items[2], outcome=Outcome.WAITLISTED, motivation=MOTIVATION),
    )
    SiteCapacity.objects.create(campaign=world.campaign, site=world.mk2, places=1)
    others = [campaign_with_sites() for _ in range(2)]
    for other in others:
        scheduled_meeting(world.coordinator, other, world.members[:2])
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    with CaptureQueriesContext(connection) as one_campaign:
        [alone] = campaign_summaries([campaign])
    campaigns = list(Campaign.objects.filter(pk__in=[world.campaign.pk, *(c.pk for c in others)]))

    with CaptureQueriesContext(connection) as three_campaigns:
        summaries = campaign_summaries(campaigns)

    assert len(one_campaign) == len(three_campaigns) == 3
    first = next(summary for summary in summaries if summary["campaign"] == world.campaign)
    assert first["total"] == alone["total"] == 3
    assert (
        first["outcomes"]
        == alone["outcomes"]
        == [
            ("accepted", "Retenue", 1),
            ("accepted_with_conditions", "Retenue sous conditions", 1),
            ("waitlisted", "Sur liste d'attente", 1),
            ("rejected", "Non retenue", 0),
        ]
    )
    sites = {line.site.code: (line.allocated, line.places, line.over) for line in first["sites"]}
    assert sites == {"mk2": (2, 1, True), "friche": (0, None, False)}
    for summary in summaries:
        if summary is not first:
            assert summary["total"] == 0
            assert [line.allocated for line in summary["sites"]] == [0, 0]
    client.force_login(world.members[1])
    page = page_text(client.get(reverse("dashboard", kwargs={"role": "committee"})))
    assert "Sur liste d'attente" in page
