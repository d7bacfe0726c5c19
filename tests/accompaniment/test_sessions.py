"""Sessions: logged by the provider, consumed days, who sees which session and its files."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import (
    PlanStatus,
    Session,
    SessionDocument,
    SessionStatus,
)
from accompaniment.selectors import plan_overview, provider_figures
from accompaniment.services.sessions import session_document_add, session_log, session_update
from ccr_portal.axes import Axis
from tests import files
from tests.conftest import page_text
from tests.factories import CampaignFactory, UserFactory

from .factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = files.pdf("Compte rendu de séance")


@pytest.fixture
def world():
    """Two agreed plans with RAMSESS on securing; another provider that has nothing to do here."""
    coordinator = UserFactory(coordinator=True)
    campaign = CampaignFactory()
    ramsess = AccompanimentProviderFactory(short_name="RAMSESS")
    apeas = AccompanimentProviderFactory(short_name="APEAS")
    plans = []
    for name in ("Épicerie Solidaire du Panier", "Fil Rouge Textile"):
        plans.append(
            drafted_plan(
                coordinator,
                ramsess,
                {Axis.SECURING: 3},
                campaign=campaign,
                to=PlanStatus.AGREED,
                name=name,
            )
        )
    return {
        "coordinator": coordinator,
        "ramsess": ramsess,
        "apeas": apeas,
        "consultant": consultant_of(ramsess),
        "other_consultant": consultant_of(apeas),
        "plans": plans,
    }


def _action(plan):
    return plan.actions.get(axis=Axis.SECURING)


def _log(world, actions, *, format="individual", hours="3.5", summary="Budget revu.", **kw):
    return session_log(
        actor=kw.pop("actor", world["consultant"]),
        provider=kw.pop("provider", world["ramsess"]),
        date=kw.pop("date", TODAY - datetime.timedelta(days=1)),
        duration_hours=Decimal(hours),
        axis=kw.pop("axis", Axis.SECURING),
        theme=kw.pop("theme", "Prévisionnel à trois ans"),
        format=format,
        actions=actions,
        summary=summary,
        **kw,
    )


def test_individual_and_collective_sessions_count_consumed_days(world):
    (first, _), (second, _) = world["plans"]
    _log(world, [_action(first)], hours="7")
    _log(
        world,
        [_action(first), _action(second)],
        format="collective",
        hours="3.5",
        theme="Atelier collectif : le BFR",
    )

    first_overview = plan_overview(first)
    assert [(a.axis, a.planned_days, a.consumed_days) for a in first_overview.actions] == [
        (Axis.SECURING, Decimal("3.0"), Decimal("1.50"))
    ]
    assert plan_overview(second).consumed_days == Decimal("0.50")
    # For the provider, the collective session counts once: 10.5 hours given.
    figures = provider_figures([world["ramsess"]])[world["ramsess"].pk]
    assert (figures.planned_days, figures.given_days) == (Decimal("6.0"), Decimal("1.50"))


def test_the_first_held_session_starts_the_plan(world):
    (plan, _), _ = world["plans"]
    _log(world, [_action(plan)], summary="", date=TODAY + datetime.timedelta(days=3))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED  # a planned session does not start it

    _log(world, [_action(plan)])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS
    last = plan.transitions.last()
    assert (last.action, last.actor, last.comment) == (
        "start",
        world["consultant"],
        "Première séance réalisée.",
    )


def test_a_planned_session_does_not_count_until_its_notes(world):
    (plan, _), _ = world["plans"]
    session = _log(world, [_action(plan)], summary="")
    assert session.status == SessionStatus.PLANNED
    assert plan_overview(plan).consumed_days == Decimal("0")

    session_update(
        session=session,
        actor=world["consultant"],
        date=session.date,
        duration_hours=Decimal("7"),
        theme=session.theme,
        participants="Nadia (présidente), Karim (trésorier)",
        summary="Hypothèses de chiffre d'affaires posées.",
        next_steps="Envoyer le budget N+1.",
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    assert plan_overview(plan).consumed_days == Decimal("1.00")


def test_a_future_session_has_no_notes_yet(world):
    (plan, _), _ = world["plans"]
    with pytest.raises(ValidationError) as error:
        _log(world, [_action(plan)], date=TODAY + datetime.timedelta(days=1))
    assert (
        "Une séance à venir n'a pas encore de compte rendu"
        in error.value.message_dict["summary"][0]
    )
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            "two_actions_individual",
            "Une séance individuelle sert une seule action : choisissez-en une.",
        ),
        ("other_provider", "est confiée à un autre prestataire."),
        ("wrong_axis", "relève de l'axe « B. Accompagnement de sécurisation », pas de « C."),
    ],
)
def test_inconsistent_sessions_are_refused(world, case, message):
    (first, _), (second, _) = world["plans"]
    calls = {
        "two_actions_individual": {"actions": [_action(first), _action(second)]},
        "other_provider": {
            "actions": [_action(first)],
            "provider": world["apeas"],
            "actor": world["other_consultant"],
        },
        "wrong_axis": {"actions": [_action(first)], "axis": Axis.COOPERATION},
    }
    with pytest.raises(ValidationError) as error:
        _log(world, **calls[case])
    assert message in " ".join(error.value.messages)
    assert not Session.objects.exists()


def test_a_consultant_logs_only_for_their_own_provider(world):
    (plan, _), _ = world["plans"]
    with pytest.raises(PermissionDenied):
        _log(world, [_action(plan)], actor=world["other_consultant"])
    assert not Session.objects.exists()


def test_sessions_wait_for_the_structure_agreement(world):
    plan, _editor = drafted_plan(world["coordinator"], world["ramsess"], to=PlanStatus.PROPOSED)
    with pytest.raises(ValidationError) as error:
        _log(world, [_action(plan)])
    assert error.value.message_dict["actions"] == [
        f"Le plan de « {plan.structure} » est « Proposé à la structure » : les séances ont lieu "
        "une fois le plan validé par la structure et jusqu'à sa clôture."
    ]


# --- Who sees what ----------------------------------------------------------------------


@pytest.fixture
def sessions(world):
    (first, _), (second, _) = world["plans"]
    individual = _log(world, [_action(first)], theme="Séance individuelle du Panier")
    collective = _log(
        world,
        [_action(first), _action(second)],
        format="collective",
        theme="Atelier collectif BFR",
    )
    return individual, collective


def test_each_person_sees_only_their_sessions(client, world, sessions):
    (_first, first_editor), (_second, second_editor) = world["plans"]
    listing = reverse("accompaniment:session-list")
    seen = {}
    for name, person in [
        ("coordinator", world["coordinator"]),
        ("consultant", world["consultant"]),
        ("other_consultant", world["other_consultant"]),
        ("first_editor", first_editor),
        ("second_editor", second_editor),
    ]:
        client.force_login(person)
        text = page_text(client.get(listing))
        seen[name] = (
            "Séance individuelle du Panier" in text,
            "Atelier collectif BFR" in text,
        )
    assert seen == {
        "coordinator": (True, True),
        "consultant": (True, True),
        "other_consultant": (False, False),
        "first_editor": (True, True),
        "second_editor": (False, True),
    }


def test_session_pages_and_files_follow_the_same_rule(client, world, sessions):
    individual, collective = sessions
    (_first, first_editor), (_second, second_editor) = world["plans"]
    document = session_document_add(
        session=individual,
        actor=world["consultant"],
        upload=files.upload("compte-rendu.pdf", PDF, "application/pdf"),
    )
    detail = reverse("accompaniment:session-detail", args=[individual.pk])
    download = reverse("accompaniment:session-document", args=[document.pk])

    client.force_login(second_editor)
    assert [client.get(detail).status_code, client.get(download).status_code] == [403, 403]
    client.force_login(world["other_consultant"])
    assert [client.get(detail).status_code, client.get(download).status_code] == [403, 403]
    client.force_login(first_editor)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="compte-rendu.pdf"' in response["Content-Disposition"]

    # A structure at a collective session sees its own line, not the others'.
    client.force_login(second_editor)
    text = page_text(client.get(reverse("accompaniment:session-detail", args=[collective.pk])))
    assert "Fil Rouge Textile" in text
    assert "Épicerie Solidaire du Panier" not in text


def test_the_session_list_names_only_the_readers_own_structures(client, world, sessions):
    _first_plan, (_second, second_editor) = world["plans"]
    listing = reverse("accompaniment:session-list")

    client.force_login(second_editor)
    text = page_text(client.get(listing))
    assert "Atelier collectif BFR" in text
    assert "Fil Rouge Textile" in text
    assert "Épicerie Solidaire du Panier" not in text

    # The coordination and the session's provider see every structure at it.
    for person in (world["coordinator"], world["consultant"]):
        client.force_login(person)
        text = page_text(client.get(listing))
        assert "Fil Rouge Textile" in text
        assert "Épicerie Solidaire du Panier" in text


def test_a_structure_cannot_write_a_session(client, world, sessions):
    individual, _ = sessions
    (_first, first_editor), _ = world["plans"]
    client.force_login(first_editor)
    response = client.post(
        reverse("accompaniment:session-update", args=[individual.pk]),
        {"date": TODAY.isoformat(), "duration_hours": "1", "theme": "Piratée", "summary": "x"},
    )
    assert response.status_code == 403
    individual.refresh_from_db()
    assert individual.theme == "Séance individuelle du Panier"


def test_an_executable_is_refused_as_a_session_document(world, sessions):
    individual, _ = sessions
    with pytest.raises(ValidationError) as error:
        session_document_add(
            session=individual,
            actor=world["consultant"],
            upload=files.upload("notes.pdf", files.windows_executable()),
        )
    assert "seuls les formats PDF" in error.value.messages[0]
    assert not SessionDocument.objects.exists()


def test_provider_logs_a_session_through_the_form(client, world):
    (plan, editor), _ = world["plans"]
    client.force_login(world["consultant"])
    form = page_text(client.get(reverse("accompaniment:session-create")))
    assert "Épicerie Solidaire du Panier · B. " in form
    response = client.post(
        reverse("accompaniment:session-create"),
        {
            "provider": world["ramsess"].pk,
            "date": (TODAY - datetime.timedelta(days=2)).isoformat(),
            "duration_hours": "10,5",
            "axis": Axis.SECURING,
            "theme": "Modèle économique",
            "format": "individual",
            "actions": [_action(plan).pk],
            "summary": "Compte de résultat prévisionnel revu.",
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert session.days == Decimal("1.50")
    client.force_login(editor)
    text = page_text(client.get(plan.get_absolute_url()))
    assert '<td class="text-end">1,50</td>' in text


@pytest.mark.parametrize("count", [3, 40])
def test_provider_session_list_query_count_is_bounded(
    client, world, count, django_assert_max_num_queries
):
    (first, _), (second, _) = world["plans"]
    for index in range(count):
        actions = [_action(first), _action(second)] if index % 2 else [_action(first)]
        session = _log(
            world,
            actions,
            format="collective" if index % 2 else "individual",
            theme=f"Séance {index}",
        )
        if index % 3 == 0:
            session_document_add(
                session=session,
                actor=world["consultant"],
                upload=files.upload(f"support-{index}.pdf", PDF),
            )
    client.force_login(world["consultant"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("accompaniment:session-list"))
    text = page_text(response)
    assert f"<caption>{count} séances</caption>" in text
    assert text.count('">Séance ') == min(count, 25)


def test_a_provider_lists_only_its_own_actions(client, world):
    (first, _), _ = world["plans"]
    _log(world, [_action(first)], hours="7")
    client.force_login(world["consultant"])
    text = page_text(client.get(reverse("accompaniment:action-list")))
    assert "<caption>2 actions : jours prévus et consommés" in text
    assert "Épicerie Solidaire du Panier" in text
    client.force_login(world["other_consultant"])
    text = page_text(client.get(reverse("accompaniment:action-list")))
    assert "<caption>0 action : jours prévus et consommés" in text
    assert "Épicerie Solidaire du Panier" not in text


@pytest.mark.parametrize("extra_plans", [0, 12])
def test_action_and_plan_lists_query_counts_are_bounded(
    client, world, extra_plans, django_assert_max_num_queries
):
    coordinator = world["coordinator"]
    campaign = world["plans"][0][0].campaign
    for index in range(extra_plans):
        plan, _editor = drafted_plan(
            coordinator,
            world["ramsess"],
            campaign=campaign,
            to=PlanStatus.AGREED,
            name=f"Résident {index}",
        )
        _log(world, [_action(plan)])
    total = 2 + extra_plans
    client.force_login(world["consultant"])
    with django_assert_max_num_queries(14):
        text = page_text(client.get(reverse("accompaniment:action-list")))
    assert f"<caption>{total} actions" in text
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        text = page_text(client.get(reverse("accompaniment:plan-list")))
    assert f"<caption>{total} plans</caption>" in text
    assert text.count("<td>Validé par la structure</td>") == 2
    assert text.count("<td>En cours</td>") == extra_plans
