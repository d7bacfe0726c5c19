"""The demo tells the truth (issue 9, point 18): dates in the order of events, every status.

Every history of every workflow is read in the order of its timestamps: the statuses
follow one another (each line leaves the status the previous line reached), the
first line leaves the object's initial status, the last reaches its current one,
nothing happens before the object exists nor after now; the dates an object keeps
(requested, assigned, delivered, validated...) agree with its history.
"""

import datetime
import itertools
from collections import defaultdict

import pytest
from django.apps import apps
from django.utils import timezone

from accompaniment.models import DevelopmentPlan, Event, EventRegistration, Session
from applicants.models import Dossier, DossierStatus, Message, Structure
from ccr_portal.history import TransitionRecord
from committee.models import Decision, Meeting
from diagnostics.models import Diagnostic
from financing.models import FinancingRequest

pytestmark = pytest.mark.django_db

# Where each history starts: the status an object is created in, the moment it is.
BIRTH = {
    "dossier": ("draft", "created_at"),
    "diagnostic": ("requested", "requested_at"),
    "plan": ("draft", "created_at"),
    "meeting": ("scheduled", "created_at"),
    "decision": ("draft", None),
    "request": ("draft", "created_at"),
}
# The dates an object keeps, in the order they must come: (field, the action setting it).
MILESTONES = {
    Dossier: ["created_at", "submitted_at"],
    Diagnostic: ["requested_at", "assigned_at", "delivered_at", "validated_at", "signed_off_at"],
    DevelopmentPlan: ["created_at", "proposed_at", "agreed_at", "started_at", "completed_at"],
    Meeting: ["created_at", "held_at", "closed_at"],
    Decision: ["recorded_at", "letter_sent_at"],
    FinancingRequest: ["created_at", "forwarded_at", "decided_at"],
}
# The history line that sets a date, to find the date at that line's moment.
SET_BY = {
    (Dossier, "submitted_at"): "submit",
    (Diagnostic, "assigned_at"): "assign",
    (Diagnostic, "delivered_at"): "deliver",
    (Diagnostic, "validated_at"): "validate",
    (DevelopmentPlan, "proposed_at"): "propose",
    (DevelopmentPlan, "agreed_at"): "agree",
    (DevelopmentPlan, "completed_at"): "complete",
    (FinancingRequest, "forwarded_at"): "forward",
}


def _histories():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TransitionRecord) and not model._meta.abstract
    ]


def test_the_demo_covers_every_history_table(demo):
    names = {model.subject_field for model in _histories()}
    assert names == set(BIRTH)
    for model in _histories():
        assert model.objects.exists(), model


def test_every_history_runs_in_causal_order_and_never_in_the_future(demo):
    now = timezone.now()
    wrong = []
    for model in _histories():
        field = model.subject_field
        initial, birth = BIRTH[field]
        lines = defaultdict(list)
        for line in model.objects.select_related(field).order_by(field, "created_at", "pk"):
            lines[getattr(line, f"{field}_id")].append(line)
        for history in lines.values():
            subject = history[0].subject
            where = f"{model.__name__} of {subject!r}"
            status = initial
            born = getattr(subject, birth) if birth else None
            previous = None
            for line in history:
                if line.created_at > now:
                    wrong.append(f"{where}: {line.action} is in the future ({line.created_at})")
                if born and line.created_at < born:
                    wrong.append(f"{where}: {line.action} before the object exists")
                if previous and line.created_at == previous.created_at:
                    wrong.append(f"{where}: {previous.action} and {line.action} at the same time")
                if line.from_status != status:
                    wrong.append(
                        f"{where}: {line.action} leaves {line.from_status!r}, "
                        f"but the history had reached {status!r}"
                    )
                status, previous = line.to_status, line
            if status != subject.status:
                wrong.append(
                    f"{where}: the history ends at {status!r}, the object is {subject.status!r}"
                )
    assert wrong == [], "\n".join(wrong)


def test_the_dates_objects_keep_agree_with_their_history(demo):
    now = timezone.now()
    wrong = []
    for model, fields in MILESTONES.items():
        for subject in model.objects.all():
            dates = [(name, getattr(subject, name)) for name in fields if getattr(subject, name)]
            for name, value in dates:
                if value > now:
                    wrong.append(f"{model.__name__} {subject}: {name} in the future")
            for (first, earlier), (second, later) in itertools.pairwise(dates):
                if later < earlier:
                    wrong.append(f"{model.__name__} {subject}: {second} before {first}")
            for name, value in dates:
                action = SET_BY.get((model, name))
                if action is None:
                    continue
                line = subject.transitions.filter(action=action).order_by("-created_at").first()
                if line is None or abs(line.created_at - value) > datetime.timedelta(minutes=1):
                    wrong.append(
                        f"{model.__name__} {subject}: {name} {value} but its {action!r} line "
                        f"at {line.created_at if line else None}"
                    )
    assert wrong == [], "\n".join(wrong)


def test_nothing_else_of_the_demo_is_dated_in_the_future(demo):
    now = timezone.now()
    assert not Message.objects.filter(created_at__gt=now).exists()
    assert not EventRegistration.objects.filter(created_at__gt=now).exists()
    assert not Structure.objects.none().exists()
    # A held session or a past event happened; a planned one may come.
    assert not Session.objects.filter(status="held", date__gt=now.date()).exists()
    assert not Event.objects.filter(attendance_recorded_at__gt=now).exists()


def test_the_demo_has_a_dozen_structures_with_dossiers_in_every_status(demo):
    assert Structure.objects.count() >= 12
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert statuses == set(DossierStatus.values)
