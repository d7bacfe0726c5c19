"""The dossier workflow: every transition from every state, by each role, and its effects."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from applicants.models import DossierStatus, DossierTransition, Membership, Message
from applicants.services.dossiers import dossier_transition
from applicants.workflows import DOSSIER_WORKFLOW
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from tests.conftest import plain_spaces
from tests.factories import DocumentTypeFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

S = DossierStatus

# The table of DOMAIN.md: (action, allowed sources, target, who performs it).
EXPECTED = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED}, S.SUBMITTED, "editor"),
    "request_changes": ({S.SUBMITTED, S.UNDER_REVIEW}, S.CHANGES_REQUESTED, "coordinator"),
    "start_review": ({S.SUBMITTED}, S.UNDER_REVIEW, "coordinator"),
    "send_to_committee": ({S.UNDER_REVIEW}, S.IN_COMMITTEE, "coordinator"),
    "accept": ({S.IN_COMMITTEE, S.WAITLISTED}, S.ACCEPTED, "coordinator"),
    "waitlist": ({S.IN_COMMITTEE}, S.WAITLISTED, "coordinator"),
    "reject": ({S.IN_COMMITTEE, S.WAITLISTED}, S.REJECTED, "coordinator"),
    "mark_installed": ({S.ACCEPTED}, S.INSTALLED, "coordinator"),
    "withdraw": (
        {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.UNDER_REVIEW, S.IN_COMMITTEE},
        S.WITHDRAWN,
        "editor",
    ),
}
CASES = [(action, status) for action in EXPECTED for status in S.values]


def test_the_declared_table_is_the_domain_table():
    assert {
        action: (set(sources), target)
        for action, sources, target, _perm in DOSSIER_WORKFLOW.as_table()
    } == {action: (set(sources), target) for action, (sources, target, _who) in EXPECTED.items()}


@pytest.fixture
def people():
    editor = UserFactory(applicant=True, first_name="Éva", last_name="Éditrice")
    reader = UserFactory(applicant=True)
    coordinator = UserFactory(coordinator=True)
    return {"editor": editor, "reader": reader, "coordinator": coordinator}


def _dossier(status, people):
    dossier = DossierFactory(complete=True, status=status)
    Membership.objects.create(structure=dossier.structure, user=people["editor"], role="editor")
    Membership.objects.create(structure=dossier.structure, user=people["reader"], role="reader")
    return dossier


def _kwargs(action):
    if action == "request_changes":
        return {"reason": "incomplete", "message": "Il manque le budget prévisionnel."}
    return {}


@pytest.mark.parametrize(("action", "status"), CASES)
def test_each_action_from_each_state(action, status, people, django_capture_on_commit_callbacks):
    sources, target, who = EXPECTED[action]
    dossier = _dossier(status, people)
    actor = people[who]

    if status in sources:
        with django_capture_on_commit_callbacks(execute=True):
            record = dossier_transition(
                dossier=dossier, actor=actor, action=action, **_kwargs(action)
            )
        dossier.refresh_from_db()
        assert dossier.status == target
        assert (record.from_status, record.to_status, record.actor, record.action) == (
            status,
            target,
            actor,
            action,
        )
        automatic = Message.objects.get(dossier=dossier, is_automatic=True)
        assert f"« {S(status).label} » → « {S(target).label} »" in automatic.body
    else:
        with pytest.raises(TransitionRefused) as refusal:
            dossier_transition(dossier=dossier, actor=actor, action=action, **_kwargs(action))
        assert str(refusal.value) == (
            f"Action « {DOSSIER_WORKFLOW.get(action).label} » impossible : "
            f"l'état actuel est « {S(status).label} »."
        )
        dossier.refresh_from_db()
        assert dossier.status == status
        assert not DossierTransition.objects.exists()
        assert not Message.objects.exists()
        assert len(mail.outbox) == 0


@pytest.mark.parametrize("action", list(EXPECTED))
def test_the_wrong_role_is_refused(action, people):
    sources, _target, who = EXPECTED[action]
    status = sorted(sources)[0]
    dossier = _dossier(status, people)
    intruders = [people["reader"], UserFactory(applicant=True)]
    intruders += [people["editor"]] if who == "coordinator" else [people["coordinator"]]
    intruders += [UserFactory(roles=[role]) for role in ("provider", "committee", "funder")]
    for intruder in intruders:
        with pytest.raises(TransitionRefused) as refusal:
            dossier_transition(dossier=dossier, actor=intruder, action=action, **_kwargs(action))
        assert "Vous n'avez pas le droit" in str(refusal.value)
    dossier.refresh_from_db()
    assert dossier.status == status
    assert not DossierTransition.objects.exists()


def test_submitting_an_incomplete_dossier_is_refused_with_what_to_do(people):
    dossier = DossierFactory()
    Membership.objects.create(structure=dossier.structure, user=people["editor"], role="editor")
    dossier.campaign.required_document_types.add(
        DocumentTypeFactory(code="statuts", name="Statuts")
    )
    with pytest.raises(ValidationError) as error:
        dossier_transition(dossier=dossier, actor=people["editor"], action="submit")
    messages = error.value.messages
    assert messages[0] == "Le dossier n'est pas complet : il n'a pas été déposé."
    assert "Le projet d'installation : choisissez au moins un site souhaité." in messages
    assert "Les pièces justificatives : ajoutez la pièce « Statuts »." in messages
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT
    assert dossier.submitted_at is None
    assert not DossierTransition.objects.exists()


def test_request_changes_needs_a_reason_and_a_message(people):
    dossier = _dossier(S.SUBMITTED, people)
    with pytest.raises(ValidationError) as error:
        dossier_transition(dossier=dossier, actor=people["coordinator"], action="request_changes")
    assert error.value.message_dict == {"reason": ["Choisissez le motif de la demande."]}
    with pytest.raises(ValidationError) as error:
        dossier_transition(
            dossier=dossier,
            actor=people["coordinator"],
            action="request_changes",
            reason="outdated",
        )
    assert error.value.message_dict == {
        "message": ["Écrivez un message pour expliquer la demande."]
    }
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_state_changes_notify_the_people_concerned(people, django_capture_on_commit_callbacks):
    coordinator = people["coordinator"]
    other_coordinator = UserFactory(coordinator=True)
    dossier = _dossier(S.DRAFT, people)

    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=dossier, actor=people["editor"], action="submit")
    # The structure submitted: every coordinator hears of it (nobody instructs it yet);
    # the members receive their acknowledgement apart.
    status_mails = [m for m in mail.outbox if "Accusé de réception" not in m.subject]
    assert sorted(m.to[0] for m in status_mails) == sorted(
        [coordinator.email, other_coordinator.email]
    )
    mail.outbox.clear()

    dossier.refresh_from_db()
    dossier.instructor = coordinator
    dossier.save(update_fields=["instructor"])
    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(
            dossier=dossier,
            actor=coordinator,
            action="request_changes",
            reason="incorrect",
            message="Le SIRET ne correspond pas aux statuts.",
        )
    # The coordination asked for changes: the structure's members, readers included.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["editor"].email, people["reader"].email]
    )
    message = mail.outbox[0]
    assert plain_spaces(message.subject) == (
        f"[Portail CCR] Dossier {dossier.structure} : compléments demandés"
    )
    assert "Motif : Informations incorrectes." in plain_spaces(message.body)
    assert "Le SIRET ne correspond pas aux statuts." in message.body
    assert (
        not Notification.objects.filter(recipient=coordinator)
        .exclude(subject__contains="déposé")
        .exists()
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        dossier_transition(dossier=dossier, actor=people["editor"], action="submit")
    # The instructor, and only the instructor, hears of the resubmission.
    status_mails = [m for m in mail.outbox if "Accusé de réception" not in m.subject]
    assert [m.to[0] for m in status_mails] == [coordinator.email]


def test_editing_is_refused_outside_draft_and_changes_requested(people):
    from applicants.services.dossiers import dossier_update_project

    for status in S.values:
        dossier = _dossier(status, people)
        call = lambda d=dossier: dossier_update_project(  # noqa: E731
            dossier=d,
            actor=people["editor"],
            sites=[],
            wished_surface_m2=99,
            activity_type="",
            expected_move_in=None,
            current_premises="",
            expected_effect="",
        )
        if status in (S.DRAFT, S.CHANGES_REQUESTED):
            call()
            dossier.refresh_from_db()
            assert dossier.wished_surface_m2 == 99
        else:
            with pytest.raises(TransitionRefused) as refusal:
                call()
            assert str(refusal.value) == (
                f"Le dossier ne peut plus être modifié : il est « {S(status).label} »."
            )
            dossier.refresh_from_db()
            assert dossier.wished_surface_m2 == 60
