"""Re-assigning a diagnostic and moving its due date: recorded with a reason, both told."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from diagnostics.models import DiagnosticStatus, ProviderCapacity
from diagnostics.services.diagnostics import diagnostic_move_due_date, diagnostic_reassign
from tests.conftest import page_text
from tests.factories import ProviderFactory, UserFactory

from .factories import DiagnosticFactory

pytestmark = pytest.mark.django_db


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def apees():
    provider = ProviderFactory(name="APEAS", short_name="APEAS", monthly_capacity_days=Decimal("4"))
    consultant = UserFactory(provider=True, first_name="Bruno", last_name="Lasnier")
    provider.members.add(consultant)
    return provider, consultant


@pytest.fixture
def ongoing(structure, ramsess, consultant):
    return DiagnosticFactory(
        structure=structure,
        in_progress=True,
        provider=ramsess,
        consultant=consultant,
        due_date=_in_days(10),
    )


def _told(callbacks):
    for callback in callbacks:
        callback()
    return set(Notification.objects.values_list("recipient", flat=True))


def test_reassigning_records_why_and_tells_both_providers(
    ongoing, coordinator, consultant, editor, apees, django_capture_on_commit_callbacks
):
    apeas, bruno = apees
    with django_capture_on_commit_callbacks() as callbacks:
        diagnostic_reassign(
            diagnostic=ongoing,
            actor=coordinator,
            provider=apeas,
            consultant=bruno,
            due_date=_in_days(30),
            reason="RAMSESS est saturé ce mois-ci.",
        )
    ongoing.refresh_from_db()
    # The new provider accepts it in its turn.
    assert (ongoing.status, ongoing.provider, ongoing.consultant, ongoing.due_date) == (
        DiagnosticStatus.ASSIGNED,
        apeas,
        bruno,
        _in_days(30),
    )
    record = ongoing.transitions.get(action="reassign")
    assert (record.from_status, record.to_status, record.actor) == (
        "in_progress",
        "assigned",
        coordinator,
    )
    assert record.comment.startswith("RAMSESS (Marie Dulaurier) → APEAS (Bruno Lasnier), échéance")
    assert record.comment.endswith("Motif : RAMSESS est saturé ce mois-ci.")
    assert _told(callbacks) == {consultant.pk, bruno.pk, editor.pk}
    mail = Notification.objects.get(recipient=consultant)
    assert "RAMSESS est saturé ce mois-ci." in mail.body


def test_reassigning_needs_a_reason_another_assignee_and_the_coordination(
    ongoing, coordinator, consultant, ramsess, apees, django_capture_on_commit_callbacks
):
    apeas, bruno = apees
    kwargs = {"provider": apeas, "consultant": bruno, "due_date": _in_days(30)}
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError) as error:
            diagnostic_reassign(diagnostic=ongoing, actor=coordinator, reason="  ", **kwargs)
        assert "comment" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            diagnostic_reassign(
                diagnostic=ongoing,
                actor=coordinator,
                provider=ramsess,
                consultant=consultant,
                due_date=_in_days(30),
                reason="Pourquoi pas.",
            )
        assert error.value.message_dict == {
            "provider": ["Choisissez un autre prestataire ou un autre consultant."]
        }
        with pytest.raises(ValidationError) as error:
            diagnostic_reassign(
                diagnostic=ongoing,
                actor=coordinator,
                provider=apeas,
                consultant=consultant,
                due_date=_in_days(30),
                reason="Un consultant d'ailleurs.",
            )
        assert error.value.message_dict == {"consultant": ["Choisissez un consultant de APEAS."]}
        with pytest.raises(TransitionRefused):
            diagnostic_reassign(diagnostic=ongoing, actor=consultant, reason="Moi.", **kwargs)
    assert callbacks == []
    ongoing.refresh_from_db()
    assert (ongoing.status, ongoing.provider) == (DiagnosticStatus.IN_PROGRESS, ramsess)
    assert not ongoing.transitions.filter(action="reassign").exists()


def test_moving_the_due_date_keeps_the_state_and_tells_the_provider(
    ongoing, coordinator, consultant, editor, django_capture_on_commit_callbacks
):
    before = ongoing.due_date
    with django_capture_on_commit_callbacks() as callbacks:
        diagnostic_move_due_date(
            diagnostic=ongoing,
            actor=coordinator,
            due_date=_in_days(45),
            reason="La structure déménage en janvier.",
        )
    ongoing.refresh_from_db()
    assert (ongoing.status, ongoing.due_date) == (DiagnosticStatus.IN_PROGRESS, _in_days(45))
    record = ongoing.transitions.get(action="move_due_date")
    assert (record.from_status, record.to_status) == ("in_progress", "in_progress")
    assert record.comment.endswith("Motif : La structure déménage en janvier.")
    assert before.strftime("%Y") in record.comment
    assert _told(callbacks) == {consultant.pk}


def test_a_past_or_same_due_date_is_refused(ongoing, coordinator):
    for day, message in [
        (_in_days(-1), "L'échéance ne peut pas être passée."),
        (ongoing.due_date, "C'est déjà l'échéance du diagnostic."),
    ]:
        with pytest.raises(ValidationError) as error:
            diagnostic_move_due_date(
                diagnostic=ongoing, actor=coordinator, due_date=day, reason="Un motif."
            )
        assert error.value.message_dict == {"due_date": [message]}
    assert not ongoing.transitions.exists()


def test_the_warning_of_a_due_date_that_cannot_be_met_offers_both_actions(
    client, coordinator, structure, ramsess, consultant
):
    # RAMSESS gives 4 days a month; two full diagnostics (3 days each) due this month.
    ProviderCapacity.objects.create(
        provider=ramsess, month=timezone.localdate().replace(day=1), consultant_days=4
    )
    DiagnosticFactory(in_progress=True, full=True, provider=ramsess, due_date=_in_days(1))
    late = DiagnosticFactory(
        structure=structure, in_progress=True, full=True, provider=ramsess, due_date=_in_days(2)
    )
    client.force_login(coordinator)
    text = page_text(client.get(late.get_absolute_url()))
    assert "ne pourra pas tenir l'échéance" in text
    assert f'href="{reverse("diagnostics:assign", args=[late.pk])}"' in text
    assert f'href="{reverse("diagnostics:due-date", args=[late.pk])}"' in text

    # The assignment page re-assigns, with a reason, instead of answering « impossible ».
    page = client.get(reverse("diagnostics:assign", args=[late.pk]))
    assert page.status_code == 200
    assert "Motif du changement" in page_text(page)


def test_the_pages_reassign_and_move_the_due_date(client, coordinator, ongoing, apees):
    apeas, bruno = apees
    client.force_login(coordinator)
    response = client.post(
        reverse("diagnostics:assign", args=[ongoing.pk]),
        {
            "provider": apeas.pk,
            "consultant": bruno.pk,
            "due_date": _in_days(40).isoformat(),
            "reason": "Changement de prestataire.",
        },
    )
    assert response.status_code == 302
    ongoing.refresh_from_db()
    assert ongoing.provider == apeas
    response = client.post(
        reverse("diagnostics:due-date", args=[ongoing.pk]),
        {"due_date": _in_days(50).isoformat(), "reason": ""},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in page_text(response)
    ongoing.refresh_from_db()
    assert ongoing.due_date == _in_days(40)


def test_the_consultants_follow_the_provider_and_the_month_is_previewed(
    client, coordinator, structure, ramsess, consultant, apees
):
    apeas, _bruno = apees
    waiting = DiagnosticFactory(structure=structure, accepted=True, full=True)
    first_of_next = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(
        day=1
    )
    # APEAS gives 4 days next month and already holds one full diagnostic (3 days) then.
    DiagnosticFactory(in_progress=True, full=True, provider=apeas, due_date=first_of_next)
    client.force_login(coordinator)
    url = reverse("diagnostics:assign-options", args=[waiting.pk])
    text = page_text(client.get(url, {"provider": apeas.pk, "due_date": first_of_next.isoformat()}))
    assert "Bruno Lasnier" in text
    assert "Marie Dulaurier" not in text
    assert "6,0 j prévus pour 4,0 j disponibles" in text
    assert "dépassement de capacité" in text
    # Without a provider yet, every consultant is offered, grouped by organisation.
    text = page_text(client.get(reverse("diagnostics:assign", args=[waiting.pk])))
    assert '<optgroup label="APEAS">' in text
    assert '<optgroup label="RAMSESS">' in text
    # Only the coordination assigns.
    client.force_login(consultant)
    assert client.get(url, {"provider": apeas.pk}).status_code == 403
