"""Every transition of every workflow goes through the engine, and does it whole.

For each row of each table: exactly one history record with the right fields, the
row's effect run once, the audience told once and only after the commit, and nothing
told when the transaction rolls back. Refusals (wrong state, no permission, no reason)
write nothing and tell nobody.
"""

import dataclasses
import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accompaniment.models import FollowUp, PlanStatus
from accompaniment.workflows import PLAN_WORKFLOW
from applicants.models import DossierStatus, Membership
from applicants.workflows import DOSSIER_WORKFLOW
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from diagnostics.models import DiagnosticKind, DiagnosticStatus
from diagnostics.services.diagnostics import diagnostic_save_grid
from diagnostics.workflows import DIAGNOSTIC_WORKFLOW
from tests import files
from tests.accompaniment.factories import drafted_plan
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, MembershipFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

WORKFLOWS = {
    "dossier": DOSSIER_WORKFLOW,
    "diagnostic": DIAGNOSTIC_WORKFLOW,
    "plan": PLAN_WORKFLOW,
}


@pytest.fixture
def world():
    """A structure with an editor and a reader, two coordinators, RAMSESS and two of its
    consultants, and a committee member who must never be told of these steps."""
    editor = UserFactory(applicant=True)
    membership = MembershipFactory(user=editor)
    structure = membership.structure
    reader = UserFactory(applicant=True)
    Membership.objects.create(structure=structure, user=reader, role=Membership.Role.READER)
    ramsess = ProviderFactory(
        name="RAMSESS",
        short_name="RAMSESS",
        daily_rate=Decimal("1000"),
        axes=["diagnostic", "securing"],
    )
    consultant, colleague = UserFactory(provider=True), UserFactory(provider=True)
    ramsess.members.add(consultant, colleague)
    apeas, apeas_consultant = ProviderFactory(name="APEAS"), UserFactory(provider=True)
    apeas.members.add(apeas_consultant)
    return {
        "structure": structure,
        "editor": editor,
        "reader": reader,
        "coordinator": UserFactory(coordinator=True),
        "other_coordinator": UserFactory(coordinator=True),
        "ramsess": ramsess,
        "consultant": consultant,
        "colleague": colleague,
        "apeas": apeas,
        "apeas_consultant": apeas_consultant,
        "committee": UserFactory(committee=True),
    }


def _dossier(w, status, **fields):
    return DossierFactory(structure=w["structure"], complete=True, status=status, **fields)


def _diagnostic(w, **traits):
    return DiagnosticFactory(structure=w["structure"], **traits)


def _delivered_grid(w):
    diagnostic = _diagnostic(w, in_progress=True, provider=w["ramsess"], consultant=w["consultant"])
    diagnostic_save_grid(
        diagnostic=diagnostic,
        actor=w["consultant"],
        scores={theme.value: (3, "Observé.") for theme in diagnostic.themes},
        conclusions={
            "strengths": "Une équipe soudée.",
            "weaknesses": "Trésorerie tendue.",
            "overall_risk": "medium",
            "recommendation": "ready",
        },
    )
    return diagnostic


def _plan(w, to=None):
    plan, editor = drafted_plan(w["coordinator"], w["ramsess"], to=to)
    return plan, editor


# Each case: (workflow, action) -> builder(world) returning
# (object, actor, keyword arguments, the people told, a check of the effect or None).
def _cases():
    in_days = lambda days: timezone.localdate() + datetime.timedelta(days=days)  # noqa: E731
    structure_people = lambda w: [w["editor"], w["reader"]]  # noqa: E731
    coordination = lambda w: [w["coordinator"], w["other_coordinator"]]  # noqa: E731

    def by_coordinator(status, **extra):
        return lambda w: (_dossier(w, status), w["coordinator"], extra, structure_people(w), None)

    return {
        # The coordination is told; every member, the submitter included, is acknowledged.
        ("dossier", "submit"): lambda w: (
            _dossier(w, DossierStatus.DRAFT),
            w["editor"],
            {},
            [*coordination(w), *structure_people(w)],
            lambda d: d.submitted_at is not None and d.number.startswith("CCR-"),
        ),
        ("dossier", "request_changes"): by_coordinator(
            DossierStatus.SUBMITTED, reason="incomplete", comment="Il manque le budget."
        ),
        ("dossier", "start_review"): by_coordinator(DossierStatus.SUBMITTED),
        ("dossier", "send_to_committee"): by_coordinator(DossierStatus.UNDER_REVIEW),
        ("dossier", "accept"): by_coordinator(DossierStatus.IN_COMMITTEE),
        ("dossier", "waitlist"): by_coordinator(DossierStatus.IN_COMMITTEE),
        ("dossier", "reject"): by_coordinator(DossierStatus.IN_COMMITTEE),
        ("dossier", "mark_installed"): by_coordinator(DossierStatus.ACCEPTED),
        # The instructor, and only the instructor, hears of a withdrawal.
        ("dossier", "withdraw"): lambda w: (
            _dossier(w, DossierStatus.UNDER_REVIEW, instructor=w["other_coordinator"]),
            w["editor"],
            {},
            [w["other_coordinator"]],
            None,
        ),
        ("diagnostic", "accept"): lambda w: (
            _diagnostic(w, requested=True),
            w["coordinator"],
            {},
            structure_people(w),
            None,
        ),
        ("diagnostic", "decline"): lambda w: (
            _diagnostic(w, requested=True),
            w["coordinator"],
            {"comment": "Hors du champ de la CCR."},
            structure_people(w),
            lambda d: d.decline_reason == "Hors du champ de la CCR.",
        ),
        ("diagnostic", "cover"): lambda w: (
            _diagnostic(w, requested=True),
            w["coordinator"],
            {
                "source": "ramsess",
                "source_name": "",
                "covered_on": in_days(-30),
                "upload": files.upload("ramsess.pdf", files.pdf("Diagnostic RAMSESS")),
            },
            structure_people(w),
            lambda d: (d.covered_source, d.covered_on) == ("ramsess", in_days(-30)),
        ),
        ("diagnostic", "assign"): lambda w: (
            _diagnostic(w, accepted=True),
            w["coordinator"],
            {"provider": w["ramsess"], "consultant": w["consultant"], "due_date": in_days(20)},
            [w["consultant"], *structure_people(w)],
            lambda d: (
                (d.provider, d.consultant, d.due_date)
                == (w["ramsess"], w["consultant"], in_days(20))
            ),
        ),
        # Both providers are told: the one it leaves (without a link: it may no longer
        # open it) and the one that must now accept it.
        ("diagnostic", "reassign"): lambda w: (
            _diagnostic(w, in_progress=True, provider=w["ramsess"], consultant=w["consultant"]),
            w["coordinator"],
            {
                "comment": "RAMSESS est saturé.",
                "provider": w["apeas"],
                "consultant": w["apeas_consultant"],
                "due_date": in_days(40),
            },
            [w["consultant"], w["apeas_consultant"], *structure_people(w)],
            lambda d: (d.provider, d.consultant) == (w["apeas"], w["apeas_consultant"]),
        ),
        ("diagnostic", "move_due_date"): lambda w: (
            _diagnostic(w, assigned=True, provider=w["ramsess"], consultant=w["consultant"]),
            w["coordinator"],
            {"comment": "Déménagement repoussé.", "due_date": in_days(60)},
            [w["consultant"]],
            lambda d: d.due_date == in_days(60),
        ),
        ("diagnostic", "accept_assignment"): lambda w: (
            _diagnostic(w, assigned=True, provider=w["ramsess"]),
            w["consultant"],
            {},
            coordination(w),
            lambda d: d.consultant == w["consultant"],
        ),
        ("diagnostic", "decline_assignment"): lambda w: (
            _diagnostic(w, assigned=True, provider=w["ramsess"]),
            w["consultant"],
            {"comment": "Pas de disponibilité ce mois-ci."},
            coordination(w),
            lambda d: (d.provider, d.due_date) == (None, None),
        ),
        ("diagnostic", "deliver"): lambda w: (
            _delivered_grid(w),
            w["consultant"],
            {},
            [*coordination(w), *structure_people(w)],
            lambda d: d.delivered_at is not None,
        ),
        ("diagnostic", "validate"): lambda w: (
            _diagnostic(w, delivered=True, provider=w["ramsess"], consultant=w["consultant"]),
            w["coordinator"],
            {},
            [*structure_people(w), w["consultant"]],
            lambda d: d.validated_at is not None,
        ),
        ("diagnostic", "return"): lambda w: (
            _diagnostic(
                w,
                delivered=True,
                provider=w["ramsess"],
                consultant=w["consultant"],
                signed_off_at=timezone.now(),
                signed_off_by=w["editor"],
            ),
            w["coordinator"],
            {"comment": "Chiffrez l'axe B."},
            [w["consultant"]],
            lambda d: d.signed_off_at is None,
        ),
        ("plan", "propose"): lambda w: _plan_case(
            w, None, "coordinator", {}, lambda editor: [editor], lambda p: p.proposed_at
        ),
        # Back in draft, the plan is the coordination's again: the structure, who can no
        # longer open it, is not sent a link it would be refused.
        ("plan", "withdraw"): lambda w: _plan_case(
            w,
            PlanStatus.PROPOSED,
            "coordinator",
            {},
            lambda editor: [],
            lambda p: not p.proposed_at,
        ),
        ("plan", "request_changes"): lambda w: _plan_case(
            w,
            PlanStatus.PROPOSED,
            "editor",
            {"comment": "Moins de jours en B."},
            lambda editor: coordination(w),
            lambda p: p.proposed_at is None,
        ),
        ("plan", "agree"): lambda w: _plan_case(
            w,
            PlanStatus.PROPOSED,
            "editor",
            {},
            lambda editor: coordination(w),
            lambda p: p.agreed_at is not None,
        ),
        ("plan", "start"): lambda w: _plan_case(
            w, PlanStatus.AGREED, "coordinator", {}, lambda editor: [editor], lambda p: p.started_at
        ),
        ("plan", "complete"): lambda w: _plan_case(
            w,
            PlanStatus.IN_PROGRESS,
            "coordinator",
            {},
            lambda editor: [editor],
            lambda p: FollowUp.objects.filter(plan=p).count() == 1,
        ),
    }


def _plan_case(w, status, who, kwargs, told, check):
    plan, editor = _plan(w, to=status)
    actor = editor if who == "editor" else w["coordinator"]
    return plan, actor, kwargs, told(editor), check


CASES = _cases()


def test_every_row_of_every_table_has_a_case():
    declared = {
        (name, transition.action)
        for name, workflow in WORKFLOWS.items()
        for transition in workflow.transitions
    }
    assert declared == set(CASES)


class Counting:
    """The row's real effect, counted: the engine must call it exactly once."""

    def __init__(self, effect):
        self.effect, self.calls = effect, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.effect(*args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    def count(workflow, action):
        transition = workflow.get(action)
        if transition.effect is None:
            return None
        spy = Counting(transition.effect)
        monkeypatch.setitem(
            workflow._by_action, action, dataclasses.replace(transition, effect=spy)
        )
        return spy

    return count


@pytest.mark.parametrize(("name", "action"), sorted(CASES))
def test_the_transition_runs_whole_through_the_engine(
    name, action, world, counted, django_capture_on_commit_callbacks
):
    workflow = WORKFLOWS[name]
    obj, actor, kwargs, told, check = CASES[name, action](world)
    Notification.objects.all().delete()
    before = obj.transitions.count()
    source = obj.status
    spy = counted(workflow, action)

    with django_capture_on_commit_callbacks() as callbacks:
        record = workflow.perform(obj, actor=actor, action=action, **kwargs)
        # Nobody is told before the commit.
        assert not Notification.objects.exists()

    obj.refresh_from_db()
    transition = workflow.get(action)
    target = transition.target_from(source)
    assert obj.status == target
    assert obj.transitions.count() == before + 1
    assert obj.transitions.last() == record
    assert (record.action, record.from_status, record.to_status, record.actor) == (
        action,
        source,
        target,
        actor,
    )
    if spy is not None:
        assert spy.calls == 1
        assert check(obj)

    for callback in callbacks:
        callback()
    recipients = Counter(Notification.objects.values_list("recipient", flat=True))
    assert recipients == Counter(person.pk for person in told)
    # Nobody is sent a link to a page they would be refused.
    for notification in Notification.objects.exclude(url="").select_related("recipient"):
        assert notification.recipient.has_perm(workflow.view_permission, obj)
    assert world["committee"].pk not in recipients
    if transition.receipt is None:
        assert actor.pk not in recipients


@pytest.mark.parametrize(("name", "action"), sorted(CASES))
def test_nothing_is_written_nor_told_when_the_transaction_rolls_back(
    name, action, world, django_capture_on_commit_callbacks
):
    workflow = WORKFLOWS[name]
    obj, actor, kwargs, _told, _check = CASES[name, action](world)
    Notification.objects.all().delete()
    before, source = obj.transitions.count(), obj.status

    class Abandoned(Exception):
        pass

    def abandoned_transition():
        with transaction.atomic():
            workflow.perform(obj, actor=actor, action=action, **kwargs)
            raise Abandoned

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Abandoned):
        abandoned_transition()

    assert callbacks == []
    obj.refresh_from_db()
    assert (obj.status, obj.transitions.count()) == (source, before)
    assert not Notification.objects.exists()


def _refused(workflow, obj, before, callbacks):
    obj.refresh_from_db()
    assert obj.transitions.count() == before
    assert callbacks == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_a_wrong_state_a_missing_permission_or_reason_writes_nothing(
    name, world, django_capture_on_commit_callbacks
):
    workflow = WORKFLOWS[name]
    needing_reason = next(t for t in workflow.transitions if t.needs_reason)
    obj, actor, kwargs, _told, _check = CASES[name, needing_reason.action](world)
    Notification.objects.all().delete()
    before, source = obj.transitions.count(), obj.status
    other_state = next(s for s in workflow.status_labels if s not in needing_reason.sources)

    with django_capture_on_commit_callbacks() as callbacks:
        # No reason.
        with pytest.raises(ValidationError):
            workflow.perform(obj, actor=actor, action=needing_reason.action)
        # Someone without the row's permission: another structure's editor.
        with pytest.raises(TransitionRefused):
            workflow.perform(
                obj, actor=UserFactory(applicant=True), action=needing_reason.action, **kwargs
            )
        # The committee's member, who holds no step of these tables.
        with pytest.raises(TransitionRefused):
            workflow.perform(obj, actor=world["committee"], action=needing_reason.action, **kwargs)
    _refused(workflow, obj, before, callbacks)
    assert obj.status == source

    # From a state the row does not start from.
    type(obj).objects.filter(pk=obj.pk).update(status=other_state)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(TransitionRefused) as refusal,
    ):
        workflow.perform(obj, actor=actor, action=needing_reason.action, **kwargs)
    assert "impossible : l'état actuel est" in str(refusal.value)
    _refused(workflow, obj, before, callbacks)


def test_a_guard_refusal_writes_nothing(world, django_capture_on_commit_callbacks):
    """An incomplete grid is not delivered: no record, no status change, nobody told."""
    diagnostic = _diagnostic(
        world, in_progress=True, kind=DiagnosticKind.FULL, provider=world["ramsess"]
    )
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as error,
    ):
        DIAGNOSTIC_WORKFLOW.perform(diagnostic, actor=world["consultant"], action="deliver")
    assert error.value.message_dict["strengths"] == [
        "Ce champ est obligatoire pour remettre le diagnostic."
    ]
    assert "themes.finances.score" in error.value.message_dict
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS
    assert diagnostic.delivered_at is None
    _refused(DIAGNOSTIC_WORKFLOW, diagnostic, 0, callbacks)


def test_events_are_history_lines_of_the_same_shape(world):
    diagnostic = _diagnostic(world, delivered=True, provider=world["ramsess"])
    record = DIAGNOSTIC_WORKFLOW.record_event(
        diagnostic, actor=world["editor"], event="sign_off", comment="  Merci.  "
    )
    assert (record.action, record.from_status, record.to_status, record.comment) == (
        "sign_off",
        "delivered",
        "delivered",
        "Merci.",
    )
    [line] = DIAGNOSTIC_WORKFLOW.history_of(diagnostic)
    assert (line.label, line.changes_status) == ("Conclusions confirmées par la structure", False)
    with pytest.raises(ValueError, match="Undeclared event"):
        DIAGNOSTIC_WORKFLOW.record_event(diagnostic, actor=world["editor"], event="nope")
