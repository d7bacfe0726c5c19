"""The development plan: drafted from the diagnostics, balanced, proposed, agreed, followed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accompaniment.documents import DEVELOPMENT_PLAN
from accompaniment.models import (
    CommitteeRecommendation,
    FinancingItem,
    FollowUp,
    PlanAction,
    PlanStatus,
    PlanTransition,
    SecuringTheme,
)
from accompaniment.services.actions import action_add, action_update
from accompaniment.services.plans import (
    plan_create,
    plan_transition,
    plan_update_budget,
    plan_update_financing,
)
from accompaniment.services.sessions import session_log
from applicants.models import DossierStatus, FinancingCategory, FinancingNeed
from ccr_portal.axes import Axis
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from diagnostics.models import ThemeScore
from tests.conftest import page_text
from tests.factories import UserFactory

from .factories import (
    AccompanimentProviderFactory,
    balance_financing,
    consultant_of,
    move_plan,
    structure_with_dossier,
    validated_diagnostic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def ramsess():
    return AccompanimentProviderFactory(
        name="RAMSESS",
        short_name="RAMSESS",
        axes=[Axis.DIAGNOSTIC, Axis.SECURING, Axis.COOPERATION],
        daily_rate=Decimal("450"),
    )


@pytest.fixture
def accepted(ramsess):
    structure, editor, dossier = structure_with_dossier(
        DossierStatus.ACCEPTED, name="Fil Rouge Textile"
    )
    diagnostic = validated_diagnostic(
        structure,
        ramsess,
        {Axis.SECURING: 4, Axis.COOPERATION: Decimal("1.5")},
        dossier=dossier,
    )
    # Selected: securing goes on the committee's recommendation.
    CommitteeRecommendation.objects.create(dossier=dossier, axis=Axis.SECURING)
    return structure, editor, dossier, diagnostic


@pytest.fixture
def plan(coordinator, accepted):
    """Fil Rouge Textile's plan, just drafted from its diagnostic (financing not balanced)."""
    structure, _editor, dossier, _diagnostic = accepted
    return plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan


def test_plan_is_drafted_from_the_validated_diagnostic(coordinator, accepted, ramsess):
    structure, _editor, dossier, diagnostic = accepted
    FinancingNeed.objects.create(
        dossier=dossier, category=FinancingCategory.SHOP_FITOUT, amount=Decimal("18000")
    )
    ThemeScore.objects.create(
        diagnostic=diagnostic, theme="marketing", score=2, observations="Vitrine peu visible."
    )

    drafted = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator)
    plan = drafted.plan

    assert drafted.skipped == []
    assert plan.status == PlanStatus.DRAFT
    assert list(plan.diagnostics.all()) == [diagnostic]
    assert "Points de vigilance : Trésorerie tendue, pas de prévisionnel." in (
        plan.diagnostic_summary
    )
    assert plan.objectives.splitlines() == [
        "B. Accompagnement de sécurisation : Recommandation sur l'axe B.",
        "C. Mutualisation et coopération économique : Recommandation sur l'axe C.",
    ]
    actions = list(plan.actions.order_by("axis"))
    assert [(a.axis, a.planned_days, a.provider, a.daily_rate) for a in actions] == [
        (Axis.COOPERATION, Decimal("1.5"), ramsess, Decimal("450.00")),
        (Axis.SECURING, Decimal("4.0"), ramsess, Decimal("450.00")),
    ]
    assert [a.cost for a in actions] == [Decimal("675.00"), Decimal("1800.00")]
    marketing = plan.themes.get(theme=SecuringTheme.MARKETING)
    assert marketing.findings == "Vitrine peu visible."
    assert plan.themes.count() == 5
    fitout = plan.financing_lines.get(item=FinancingItem.SHOP_FITOUT)
    assert fitout.amounts == (Decimal("18000.00"), Decimal("0.00"), Decimal("0.00"))
    assert plan.budget_lines.count() == 10
    assert PlanTransition.objects.get(plan=plan).action == "create"


def test_a_recommendation_whose_axis_cannot_start_is_not_turned_into_an_action(
    coordinator, ramsess
):
    structure, _editor, dossier = structure_with_dossier(DossierStatus.UNDER_REVIEW)
    validated_diagnostic(structure, ramsess, {Axis.SECURING: 3, Axis.COOPERATION: 2})

    drafted = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator)

    assert list(drafted.plan.actions.values_list("axis", flat=True)) == [Axis.SECURING]
    assert drafted.skipped == [
        "C. Mutualisation et coopération économique (2,0 j) : L'axe « C. Mutualisation et "
        "coopération économique » ne peut démarrer qu'une fois la candidature retenue par le "
        f"comité de sélection : le dossier de « {structure} » est « En instruction »."
    ]


def test_only_the_coordination_drafts_a_plan(accepted):
    structure, editor, dossier, _diagnostic = accepted
    with pytest.raises(PermissionDenied):
        plan_create(structure=structure, campaign=dossier.campaign, actor=editor)
    assert not structure.development_plans.exists()


def test_one_plan_per_structure_and_campaign(coordinator, accepted):
    structure, _editor, dossier, _diagnostic = accepted
    plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator)
    with pytest.raises(ValidationError) as error:
        plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator)
    assert "Cette structure a déjà un plan pour cet appel." in error.value.messages
    assert structure.development_plans.count() == 1


def test_an_unbalanced_plan_is_not_proposed_and_says_which_years(coordinator, plan):
    plan.first_year = 2012
    plan.save()
    plan_update_financing(
        plan=plan,
        actor=coordinator,
        amounts={
            FinancingItem.MOVING: (Decimal("12500"), Decimal("0"), Decimal("3000")),
            FinancingItem.EQUITY: (Decimal("12500"), Decimal("0"), Decimal("0")),
            FinancingItem.GRANTS: (Decimal("0"), Decimal("2000.50"), Decimal("0")),
        },
    )

    with pytest.raises(ValidationError) as error:
        plan_transition(plan=plan, actor=coordinator, action="propose")

    assert error.value.messages == [
        "Le plan n'a pas été proposé.",
        "Le plan de financement n'est pas équilibré pour les années "
        "2013 (N+1) : 2\u00a0000,50\u00a0€ de ressources en excédent ; "
        "2014 (N+2) : 3\u00a0000,00\u00a0€ de besoins non couverts. "
        "Les ressources doivent égaler les besoins chaque année.",
    ]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not plan.transitions.filter(action="propose").exists()
    assert not Notification.objects.exists()
    assert not GeneratedDocument.objects.exists()


def test_a_plan_without_provider_is_not_proposed(coordinator, plan):
    balance_financing(plan, coordinator)
    PlanAction.objects.filter(plan=plan, axis=Axis.COOPERATION).update(
        provider=None, daily_rate=None
    )
    with pytest.raises(ValidationError) as error:
        plan_transition(plan=plan, actor=coordinator, action="propose")
    assert (
        "Choisissez le prestataire de l'action « Mutualisation et coopération économique »."
        in error.value.messages
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_plan_goes_through_its_workflow_recorded_notified_and_versioned(
    coordinator, accepted, plan, django_capture_on_commit_callbacks
):
    _structure, editor, _dossier, _diagnostic = accepted
    balance_financing(plan, coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=plan, actor=coordinator, action="propose")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    proposed = Notification.objects.get(recipient=editor)
    assert proposed.subject == "Plan de développement (Fil Rouge Textile) : proposé à la structure"
    assert proposed.body.endswith(
        "Lisez le plan sur le portail, puis validez-le ou demandez des modifications."
    )
    first = GeneratedDocument.objects.get(kind=DEVELOPMENT_PLAN)
    assert first.status == GeneratedDocument.Status.READY

    # The coordinator may not agree for the structure, nor the structure propose.
    with pytest.raises(TransitionRefused):
        plan_transition(plan=plan, actor=coordinator, action="agree")
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=plan, actor=editor, action="agree")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert plan.agreed_by == editor
    # The agreed version is a new document; the proposed one is kept.
    assert GeneratedDocument.objects.filter(kind=DEVELOPMENT_PLAN).count() == 2
    assert GeneratedDocument.objects.filter(pk=first.pk).exists()

    plan_transition(plan=plan, actor=coordinator, action="start")
    plan_transition(plan=plan, actor=coordinator, action="complete")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    follow_up = FollowUp.objects.get(plan=plan)
    today = timezone.localdate()
    assert follow_up.due_on > today + datetime.timedelta(days=180)
    assert follow_up.due_on < today + datetime.timedelta(days=185)
    assert list(plan.transitions.values_list("action", "from_status", "to_status", "actor")) == [
        ("create", "draft", "draft", coordinator.pk),
        ("propose", "draft", "proposed", coordinator.pk),
        ("agree", "proposed", "agreed", editor.pk),
        ("start", "agreed", "in_progress", coordinator.pk),
        ("complete", "in_progress", "completed", coordinator.pk),
    ]


def test_the_structure_asks_for_changes_with_a_comment(
    coordinator, accepted, plan, django_capture_on_commit_callbacks
):
    _structure, editor, _dossier, _diagnostic = accepted
    balance_financing(plan, coordinator)
    move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.PROPOSED)

    with pytest.raises(ValidationError) as error:
        plan_transition(plan=plan, actor=editor, action="request_changes", comment="  ")
    assert error.value.message_dict == {
        "comment": ["Expliquez les modifications que vous souhaitez."]
    }
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(
            plan=plan, actor=editor, action="request_changes", comment="Moins de jours en B."
        )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.transitions.last().comment == "Moins de jours en B."
    assert Notification.objects.filter(recipient=coordinator).count() == 1


def test_a_reader_of_the_structure_cannot_agree(coordinator, accepted):
    structure, editor, dossier, _diagnostic = accepted
    reader = UserFactory(applicant=True)
    structure.memberships.create(user=reader, role="reader")
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    balance_financing(plan, coordinator)
    move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.PROPOSED)
    with pytest.raises(TransitionRefused) as refused:
        plan_transition(plan=plan, actor=reader, action="agree")
    assert refused.value.message == (
        "Vous n'avez pas le droit d'effectuer l'action « Valider le plan »."
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED


def test_a_proposed_plan_is_frozen(coordinator, accepted, plan):
    _structure, editor, _dossier, _diagnostic = accepted
    balance_financing(plan, coordinator)
    move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.PROPOSED)
    with pytest.raises(TransitionRefused) as refused:
        plan_update_budget(
            plan=plan, actor=coordinator, amounts={"sales": (Decimal("1"), None, None)}
        )
    assert refused.value.message == (
        "Le plan ne peut plus être modifié : il est « Proposé à la structure ». Reprenez-le en "
        "brouillon pour le modifier."
    )
    assert plan.budget_lines.get(item="sales").year_n == 0


def test_a_provider_that_does_not_cover_the_axis_is_refused(coordinator, plan):
    homter = AccompanimentProviderFactory(short_name="Hom&Ter", axes=[Axis.RESPONSIBILITY])
    with pytest.raises(ValidationError) as error:
        action_add(
            plan=plan,
            actor=coordinator,
            axis=Axis.SECURING,
            title="Prévisionnel",
            planned_days=Decimal("2"),
            provider=homter,
        )
    assert error.value.message_dict == {
        "provider": [
            "Hom&Ter ne couvre pas l'axe « B. Accompagnement de sécurisation » : choisissez "
            "un prestataire qui le couvre, ou complétez sa fiche."
        ]
    }
    assert not plan.actions.filter(title="Prévisionnel").exists()


def test_an_action_keeps_its_rate_when_the_provider_changes_its_price(coordinator, plan, ramsess):
    action = plan.actions.get(axis=Axis.SECURING)

    def replan_with(provider):
        """2.5 days with ``provider``: the rate and the cost the action ends up with."""
        action_update(
            action=action,
            actor=coordinator,
            axis=Axis.SECURING,
            title="Prévisionnel",
            planned_days=Decimal("2.5"),
            provider=provider,
            format="individual",
        )
        action.refresh_from_db()
        return action.daily_rate, action.cost

    ramsess.daily_rate = Decimal("600")
    ramsess.save()
    assert replan_with(ramsess) == (Decimal("450.00"), Decimal("1125.00"))
    other = AccompanimentProviderFactory(daily_rate=Decimal("380"))
    assert replan_with(other) == (Decimal("380.00"), Decimal("950.00"))


# --- Pages ---------------------------------------------------------------------------


@pytest.fixture
def proposed_plan(coordinator, accepted, plan):
    _structure, editor, _dossier, _diagnostic = accepted
    balance_financing(plan, coordinator)
    return move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.PROPOSED)


def test_who_reads_the_plan_page(client, coordinator, accepted, proposed_plan, ramsess):
    _structure, editor, _dossier, _diagnostic = accepted
    url = reverse("accompaniment:plan-detail", args=[proposed_plan.pk])
    stranger = UserFactory(applicant=True)
    consultant = UserFactory(provider=True)
    ramsess.members.add(consultant)
    committee = UserFactory(committee=True)

    codes = {}
    for name, person in [
        ("coordinator", coordinator),
        ("editor", editor),
        ("stranger", stranger),
        ("consultant", consultant),
        ("committee", committee),
    ]:
        client.force_login(person)
        codes[name] = client.get(url).status_code
    assert codes == {
        "coordinator": 200,
        "editor": 200,
        "stranger": 403,
        "consultant": 403,
        "committee": 403,
    }


def test_the_structure_does_not_see_a_draft(client, coordinator, accepted, plan):
    _structure, editor, _dossier, _diagnostic = accepted
    client.force_login(editor)
    assert client.get(reverse("accompaniment:plan-detail", args=[plan.pk])).status_code == 403
    assert "Fil Rouge Textile" not in page_text(client.get(reverse("accompaniment:plan-list")))


def test_plan_page_shows_figures_and_the_securing_warning(
    client, coordinator, accepted, proposed_plan
):
    PlanAction.objects.filter(plan=proposed_plan, axis=Axis.SECURING).update(
        planned_days=Decimal("6")
    )
    client.force_login(coordinator)
    text = page_text(client.get(reverse("accompaniment:plan-detail", args=[proposed_plan.pk])))
    assert "Plan stratégique de développement : Fil Rouge Textile" in text
    assert "2\u00a0700,00\u00a0€" in text  # 6 days × 450 €
    assert "Le plan de financement est équilibré chaque année." in text
    assert (
        "La sécurisation prévoit 6,0 jours, au-delà du plafond indicatif de l'appel (5,0 jours)"
        in text
    )


def test_propose_button_refuses_an_unbalanced_plan_in_french(client, coordinator, plan):
    plan.first_year = 2012
    plan.save()
    client.force_login(coordinator)
    response = client.post(
        reverse("accompaniment:plan-financing", args=[plan.pk]),
        {"moving_0": "5000", "equity_0": "4000"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accompaniment:plan-transition", args=[plan.pk, "propose"]), follow=True
    )
    text = page_text(response)
    assert (
        "Le plan de financement n'est pas équilibré pour l'année 2012 (N) : "
        "1\u00a0000,00\u00a0€ de besoins non couverts." in text
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_amounts_form_shows_and_reads_french_amounts(client, coordinator, accepted):
    structure, _editor, dossier, _diagnostic = accepted
    FinancingNeed.objects.create(
        dossier=dossier, category=FinancingCategory.SHOP_FITOUT, amount=Decimal("18000.50")
    )
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    client.force_login(coordinator)
    url = reverse("accompaniment:plan-financing", args=[plan.pk])
    text = page_text(client.get(url))
    # A text field shows the amount the French way and reads it back whatever the
    # browser's language (a number input read « 15000,00 » as 1 500 000 in English).
    assert 'name="shop_fitout_0" id="id_shop_fitout_0" value="18\u00a0000,50" data-year="0"' in text

    client.post(
        url,
        {
            "shop_fitout_0": "18\u00a0000,50",
            "equity_0": "15000,00",
            "loans_0": "3 000,50",
            "moving_1": "18000.50",
        },
    )
    plan.refresh_from_db()
    lines = {line.item: line for line in plan.financing_lines.all()}
    assert lines["shop_fitout"].year_n == Decimal("18000.50")
    assert lines["equity"].year_n == Decimal("15000.00")
    assert lines["loans"].year_n == Decimal("3000.50")
    assert lines["moving"].year_n1 == Decimal("18000.50")


def test_an_ambiguous_amount_is_refused_in_french_and_nothing_is_lost(
    client, coordinator, accepted
):
    structure, _editor, dossier, _diagnostic = accepted
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    client.force_login(coordinator)
    url = reverse("accompaniment:plan-financing", args=[plan.pk])
    response = client.post(url, {"equity_0": "15.000", "moving_0": "2 000"})
    text = page_text(response)
    assert response.status_code == 200
    assert "Montant ambigu : écrivez les milliers avec une espace" in text
    assert 'value="15.000"' in text
    plan.refresh_from_db()
    assert plan.financing_lines.get(item="moving").year_n == Decimal("0")


def test_a_negative_amount_is_refused_next_to_its_field_and_nothing_is_lost(
    client, coordinator, plan
):
    client.force_login(coordinator)
    response = client.post(
        reverse("accompaniment:plan-budget", args=[plan.pk]),
        {"sales_0": "120000", "staff_1": "-5"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert 'id="id_staff_1-erreur">Assurez-vous que cette valeur est supérieure ou égale à 0.' in (
        text
    )
    assert 'value="120000"' in text
    assert plan.budget_lines.get(item="sales").year_n == 0


def _plan_with_sessions(coordinator, accepted, ramsess, actions, sessions_per_action):
    structure, editor, dossier, _diagnostic = accepted
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    for index in range(actions):
        action_add(
            plan=plan,
            actor=coordinator,
            axis=Axis.SECURING,
            title=f"Action {index}",
            planned_days=Decimal("1"),
            provider=ramsess,
        )
    balance_financing(plan, coordinator)
    move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.AGREED)
    consultant = consultant_of(ramsess)
    for action in plan.actions.filter(axis=Axis.SECURING):
        for day in range(sessions_per_action):
            session_log(
                actor=consultant,
                provider=ramsess,
                date=timezone.localdate() - datetime.timedelta(days=day + 1),
                duration_hours=Decimal("3.5"),
                axis=Axis.SECURING,
                theme="Prévisionnel",
                format="individual",
                actions=[action],
                summary="Travail sur le budget.",
            )
    return plan


# The drafted plan already holds a securing action: ``actions`` + 1 get sessions.
@pytest.mark.parametrize(
    ("actions", "sessions", "planned", "consumed"),
    [(1, 1, "6,5", "1,00"), (8, 4, "13,5", "18,00")],
)
def test_plan_page_query_count_is_bounded(
    client,
    coordinator,
    accepted,
    ramsess,
    django_assert_max_num_queries,
    actions,
    sessions,
    planned,
    consumed,
):
    plan = _plan_with_sessions(coordinator, accepted, ramsess, actions, sessions)
    _structure, editor, _dossier, _diagnostic = accepted
    for person in (coordinator, editor):
        client.force_login(person)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("accompaniment:plan-detail", args=[plan.pk]))
        text = page_text(response)
        # Total consumed days: each session is 3.5 hours, half a day.
        assert (
            f'Total du plan</th><td class="text-end">{planned}</td>'
            f'<td class="text-end">{consumed}</td>'
        ) in text
        assert text.count("Prévisionnel</a>") == (actions + 1) * sessions


def test_the_follow_up_point_is_recorded_by_the_coordination(client, coordinator, accepted, plan):
    _structure, editor, _dossier, _diagnostic = accepted
    balance_financing(plan, coordinator)
    move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.COMPLETED)
    url = reverse("accompaniment:follow-up", args=[plan.pk])

    client.force_login(editor)
    assert client.post(url, {"what_changed": "Tout"}).status_code == 403
    client.force_login(coordinator)
    response = client.post(url, {"what_changed": "", "jobs_fte": "4.5"})
    assert "Ce champ est obligatoire." in page_text(response)
    response = client.post(
        url,
        {
            "what_changed": "Boutique ouverte, deux embauches.",
            "jobs_fte": "4.5",
            "turnover_trend": "up",
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(plan=plan)
    assert (follow_up.jobs_fte, follow_up.turnover_trend, follow_up.recorded_by) == (
        Decimal("4.50"),
        "up",
        coordinator,
    )
    text = page_text(client.get(plan.get_absolute_url()))
    assert "Boutique ouverte, deux embauches." in text
    assert "En hausse" in text


def test_the_plan_pdf_is_complete_french_and_versioned(
    client, coordinator, accepted, plan, django_capture_on_commit_callbacks
):
    _structure, editor, _dossier, _diagnostic = accepted
    plan.first_year = 2012
    plan.save()
    plan_update_budget(
        plan=plan,
        actor=coordinator,
        amounts={
            "sales": (Decimal("120000"), Decimal("138000"), Decimal("150000")),
            "staff": (Decimal("70000"), Decimal("80000"), Decimal("86000")),
            "purchases": (Decimal("48000"), Decimal("55200"), Decimal("60000")),
        },
    )
    plan_update_financing(
        plan=plan,
        actor=coordinator,
        amounts={
            "shop_fitout": (Decimal("18000"), 0, 0),
            "working_capital": (Decimal("6000"), Decimal("2000"), 0),
            "equity": (Decimal("5000"), 0, 0),
            "loans": (Decimal("19000"), Decimal("2000"), 0),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=plan, actor=coordinator, action="propose")
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=plan, actor=editor, action="agree")

    documents = GeneratedDocument.objects.filter(kind=DEVELOPMENT_PLAN).order_by("pk")
    assert [document.status for document in documents] == ["ready", "ready"]
    # Table cells wrap: lines are joined with spaces (non-breaking ones stay in amounts).
    proposed_text, agreed_text = (
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(d.file.read())).pages)
        .replace("\n", " ")
        .replace("\u202f", " ")
        .replace("\u00a0:", " :")
        for d in documents
    )
    for expected in [
        "Plan stratégique de développement",
        "Fil Rouge Textile",
        "2012 (N), 2013 (N+1) et 2014 (N+2)",
        "1. Synthèse du diagnostic",
        "Points de vigilance : Trésorerie tendue",
        "3. Les cinq thèmes de la sécurisation",
        "Adaptation de l'organisation de la production",
        "Ventes de marchandises et prestations",
        "120\u00a0000,00\u00a0€",
        "Résultat",
        "2\u00a0000,00\u00a0€",  # 120 000 − 70 000 − 48 000
        "Total des besoins",
        "24\u00a0000,00\u00a0€",
        "Le plan de financement est équilibré chaque année.",
        "B. Accompagnement de sécurisation",
        "1\u00a0800,00\u00a0€",  # 4 days × 450 €
        "675,00\u00a0€",  # 1.5 days × 450 €
        "2\u00a0475,00\u00a0€",
        "7. Signatures",
    ]:
        assert expected in proposed_text, expected
    assert "Validé par la structure" not in proposed_text
    assert f"par {editor.display_name}" in agreed_text

    client.force_login(editor)
    text = page_text(client.get(plan.get_absolute_url()))
    assert text.count("Version du ") == 2
    for document in documents:
        assert reverse("documents:download", args=[document.pk]) in text
        assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200
    client.force_login(UserFactory(applicant=True))
    assert client.get(reverse("documents:download", args=[documents[0].pk])).status_code == 403
