"""Every POST endpoint asks at least the permission of its page; a refusal writes nothing.

One world holds a plan in progress, a draft plan, a session with its document, an
event, a training and the committee's recommendation; each refusal is checked
against a snapshot of every accompaniment row, so no write slips through.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.documents import DEVELOPMENT_PLAN
from accompaniment.models import (
    ActionStatus,
    BudgetLine,
    CommitteeRecommendation,
    DevelopmentPlan,
    Event,
    EventRegistration,
    FinancingLine,
    GpecSheet,
    PlanAction,
    PlanStatus,
    PlanTheme,
    PlanTransition,
    QadesGrid,
    QualifyingTraining,
    RegistrationStatus,
    SatisfactionAnswer,
    Session,
    SessionAttendance,
    SessionDocument,
)
from accompaniment.services.actions import action_complete, satisfaction_record
from accompaniment.services.events import event_register
from accompaniment.services.professionalisation import training_save
from accompaniment.services.sessions import session_document_add, session_log
from ccr_portal.axes import Axis
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from ccr_portal.notifications.models import Notification
from ccr_portal.users.models import Provider
from tests import files
from tests.conftest import page_text
from tests.factories import UserFactory

from .factories import AccompanimentProviderFactory, EventFactory, consultant_of, drafted_plan

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
WATCHED = [
    DevelopmentPlan,
    PlanTransition,
    PlanTheme,
    BudgetLine,
    FinancingLine,
    PlanAction,
    SatisfactionAnswer,
    Session,
    SessionAttendance,
    SessionDocument,
    Event,
    EventRegistration,
    GpecSheet,
    QualifyingTraining,
    QadesGrid,
    CommitteeRecommendation,
    Provider,
    GeneratedDocument,
    Notification,
]


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.fixture
def world():
    coordinator = UserFactory(coordinator=True)
    ramsess = AccompanimentProviderFactory(short_name="RAMSESS")
    consultant = consultant_of(ramsess)
    plan, editor = drafted_plan(
        coordinator, ramsess, to=PlanStatus.IN_PROGRESS, name="Fil Rouge Textile"
    )
    structure = plan.structure
    reader = UserFactory(applicant=True)
    structure.memberships.create(user=reader, role="reader")
    draft, draft_editor = drafted_plan(coordinator, ramsess, name="Café de la Plaine")
    action = plan.actions.get()
    session = session_log(
        actor=consultant,
        provider=ramsess,
        date=YESTERDAY,
        duration_hours=Decimal("3.5"),
        axis=Axis.SECURING,
        theme="Prévisionnel à trois ans",
        format="individual",
        actions=[action],
        summary="Budget revu.",
    )
    session_document_add(
        session=session,
        actor=consultant,
        upload=files.upload("support.pdf", files.pdf("Support"), "application/pdf"),
    )
    event = EventFactory(organiser=ramsess, capacity=5)
    registration = event_register(event=event, structure=structure, actor=editor)
    training = training_save(
        structure=structure,
        actor=editor,
        person_or_post="Coordinatrice",
        training="Titre professionnel",
        organisation="AFPA Marseille",
        starts_on=YESTERDAY,
        status="planned",
    )
    return {
        "coordinator": coordinator,
        "ramsess": ramsess,
        "consultant": consultant,
        "outsider": consultant_of(AccompanimentProviderFactory(short_name="APEAS")),
        "editor": editor,
        "reader": reader,
        "draft_editor": draft_editor,
        "plan": plan,
        "action": action,
        "draft": draft,
        "draft_action": draft.actions.get(),
        "session": session,
        "event": event,
        "registration": registration,
        "training": training,
        "structure": structure,
        "dossier": structure.dossiers.get(),
        "recommendation": CommitteeRecommendation.objects.get(dossier__structure=structure),
    }


FORM = {
    "plan": {"first_year": "2030", "diagnostic_summary": "Piraté", "objectives": "Piraté"},
    "action": {
        "axis": Axis.SECURING,
        "title": "Piratée",
        "format": "individual",
        "planned_days": "9",
    },
    "rating": {"usefulness": "1", "would_recommend": "1", "comment": "Piraté"},
    "session": {
        "date": YESTERDAY.isoformat(),
        "duration_hours": "1",
        "theme": "Piratée",
        "summary": "Piraté",
    },
    "event": {"title": "Piraté", "capacity": "1", "place": "Ailleurs"},
    "training": {
        "person_or_post": "Piraté",
        "training": "Piratée",
        "organisation": "Piraté",
        "starts_on": YESTERDAY.isoformat(),
        "status": "done",
    },
}

# (who, URL name, object of the URL, posted data)
REFUSED = [
    ("draft_editor", "plan-update", "draft", FORM["plan"]),
    ("draft_editor", "plan-themes", "draft", {"findings_production": "Piraté"}),
    ("draft_editor", "plan-budget", "draft", {"sales_0": "1"}),
    ("draft_editor", "plan-financing", "draft", {"moving_0": "1"}),
    ("draft_editor", "action-create", "draft", FORM["action"]),
    ("draft_editor", "action-update", "draft_action", FORM["action"]),
    ("draft_editor", "action-delete", "draft_action", {}),
    ("editor", "follow-up", "plan", {"what_changed": "Piraté"}),
    # The provider of a draft's action may not even read it yet.
    ("consultant", "action-complete", "draft_action", {}),
    ("outsider", "action-complete", "action", {}),
    ("editor", "action-complete", "action", {}),
    ("consultant", "action-rate", "action", FORM["rating"]),
    ("reader", "action-rate", "action", FORM["rating"]),
    ("outsider", "session-update", "session", FORM["session"]),
    ("editor", "session-update", "session", FORM["session"]),
    ("outsider", "event-attendance", "event", {"present": []}),
    ("editor", "event-update", "event", FORM["event"]),
    ("reader", "registration-cancel", "registration", {}),
    ("consultant", "registration-cancel", "registration", {}),
    ("reader", "training-update", "training", FORM["training"]),
    ("reader", "training-delete", "training", {}),
    ("consultant", "gpec-update", "structure", {"skills_to_build": "Piraté"}),
    ("consultant", "qades-open", "structure", {"year": "2012"}),
    ("editor", "committee-recommendations", "dossier", {"axis": Axis.COOPERATION}),
    ("consultant", "provider-update", "ramsess", {"daily_rate": "1"}),
]


@pytest.mark.parametrize(("who", "name", "subject", "data"), REFUSED)
def test_a_refused_post_writes_nothing(client, world, who, name, subject, data):
    before = snapshot()
    client.force_login(world[who])
    response = client.post(reverse(f"accompaniment:{name}", args=[world[subject].pk]), data)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", ["editor", "outsider"])
def test_only_the_session_provider_attaches_documents(client, world, who):
    before = snapshot()
    client.force_login(world[who])
    url = reverse("accompaniment:session-document-add", args=[world["session"].pk])
    upload = files.upload("piratage.pdf", files.pdf("Piraté"), "application/pdf")
    assert client.post(url, {"file": upload}).status_code == 403
    assert snapshot() == before

    client.force_login(world["consultant"])
    upload = files.upload("deuxième.pdf", files.pdf("Suite"), "application/pdf")
    response = client.post(url, {"file": upload}, follow=True)
    assert "Le document « deuxième.pdf » a été ajouté." in page_text(response)
    assert list(world["session"].documents.values_list("original_name", flat=True)) == [
        "support.pdf",
        "deuxième.pdf",
    ]


@pytest.mark.parametrize("step", ["agree", "request_changes"])
def test_a_structure_never_reaches_its_draft_through_a_step(client, world, step):
    draft = world["draft"]
    client.force_login(world["draft_editor"])
    url = reverse("accompaniment:plan-transition", args=[draft.pk, step])
    assert client.get(url).status_code == 403
    assert client.post(url, {"comment": "Moins de jours."}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT
    assert list(draft.transitions.values_list("action", flat=True)) == ["create"]


def test_the_provider_completes_its_action_through_the_page(client, world):
    action = world["action"]
    Notification.objects.all().delete()
    client.force_login(world["consultant"])
    response = client.post(reverse("accompaniment:action-complete", args=[action.pk]), follow=True)
    assert "L'action est réalisée : la structure est invitée à donner son avis." in page_text(
        response
    )
    action.refresh_from_db()
    assert (action.status, action.completed_by) == (ActionStatus.COMPLETED, world["consultant"])
    assert list(Notification.objects.values_list("recipient", "subject")) == [
        (
            world["editor"].pk,
            "Donnez votre avis sur l'action « Accompagnement de sécurisation »",
        )
    ]


def test_only_an_editor_sees_and_uses_the_cancel_button(client, world):
    url = reverse("accompaniment:event-detail", args=[world["event"].pk])
    button = "Annuler l'inscription"
    for who in ("reader", "consultant"):
        client.force_login(world[who])
        assert button not in page_text(client.get(url)), who
    client.force_login(world["editor"])
    assert button in page_text(client.get(url))
    registration = world["registration"]
    client.post(reverse("accompaniment:registration-cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_an_editor_removes_a_training(client, world):
    client.force_login(world["editor"])
    response = client.post(
        reverse("accompaniment:training-delete", args=[world["training"].pk]), follow=True
    )
    assert "La formation a été retirée." in page_text(response)
    assert not QualifyingTraining.objects.exists()


# --- Satisfaction: never one structure's answer to a provider ---------------------------


def test_the_provider_reads_no_answer_on_any_page_nor_the_plan_pdf(client, world):
    action, plan = world["action"], world["plan"]
    action_complete(action=action, actor=world["consultant"])
    satisfaction_record(
        action=action,
        actor=world["editor"],
        usefulness=2,
        would_recommend=1,
        comment="Trop théorique.",
    )
    # The printable plan carries no answer either: the structure may hand it on.
    document = document_request(
        kind=DEVELOPMENT_PLAN, subject=plan, requested_by=world["coordinator"]
    )
    assert "Trop théorique." not in document.source_html
    before = snapshot()

    client.force_login(world["consultant"])
    for url in [
        reverse("accompaniment:action-detail", args=[action.pk]),
        reverse("accompaniment:action-list"),
        reverse("accompaniment:provider-detail", args=[world["ramsess"].pk]),
        reverse("accompaniment:session-detail", args=[world["session"].pk]),
        reverse("dashboard", args=["provider"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = page_text(response)
        assert "Trop théorique." not in text, url
        assert "utilité 2" not in text, url
    assert client.get(plan.get_absolute_url()).status_code == 403
    request = reverse("documents:request", args=[DEVELOPMENT_PLAN, plan.pk])
    assert client.post(request).status_code == 403
    for name in ("documents:status", "documents:download"):
        assert client.get(reverse(name, args=[document.pk])).status_code == 403, name
    assert snapshot() == before
