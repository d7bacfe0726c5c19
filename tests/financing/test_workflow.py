"""The request's life cycle on the engine: each step recorded, refusals writing nothing,
the people concerned told."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from financing.models import CreditLine, RequestStatus, RequestTransition
from financing.selectors import schedule_of
from financing.services.requests import request_transition, request_update
from tests.financing.factories import make_request


def _steps(request):
    return list(
        RequestTransition.objects.filter(request=request)
        .order_by("pk")
        .values_list("action", "from_status", "to_status")
    )


def test_the_whole_path_to_a_grant(world, django_capture_on_commit_callbacks):
    request = make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("20000"),
        category="shop_fitout",
        months=60,
    )
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, actor=world.association_editor, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(
            request=request,
            actor=world.coordinator,
            action="request_changes",
            comment="Joignez le devis.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, actor=world.association_editor, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, actor=world.coordinator, action="forward")
    # The financing file is generated at forwarding and attached to the request.
    assert (
        GeneratedDocument.objects.filter(kind="financing_file", object_id=request.pk).count() == 1
    )
    assert Notification.objects.filter(recipient=world.esia_officer).count() == 1
    assert not Notification.objects.filter(recipient=world.urscop_officer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(
            request=request,
            actor=world.esia_officer,
            action="grant",
            granted_amount=D("15000"),
            granted_rate=D("2"),
            granted_months=48,
            granted_deferral_months=0,
            first_due_on=datetime.date(2027, 1, 1),
            committee_date=datetime.date(2026, 11, 20),
            grant_conditions="Versement sur factures.",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    assert (request.granted_amount, request.granted_months, request.grant_conditions) == (
        D("15000"),
        48,
        "Versement sur factures.",
    )
    assert _steps(request) == [
        ("submit", "draft", "submitted"),
        ("request_changes", "submitted", "changes_requested"),
        ("submit", "changes_requested", "submitted"),
        ("forward", "submitted", "forwarded"),
        ("grant", "forwarded", "granted"),
    ]
    assert Notification.objects.filter(recipient=world.association_editor).count() == 3
    schedule = schedule_of(request)
    assert len(schedule) == 48
    assert sum(line.principal for line in schedule) == D("15000")
    # The automatic messages of the thread, one per step.
    assert request.messages.filter(is_automatic=True).count() == 5


def test_a_request_whose_uses_do_not_add_up_cannot_be_submitted(world):
    request = make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("20000"),
        category="shop_fitout",
    )
    request_update(
        request=request,
        actor=world.association_editor,
        amount=D("20000"),
        duration_months=60,
        deferral_months=0,
        guaranteed_share=None,
        project="",
        uses=[("shop_fitout", D("15000"), "")],
    )
    with pytest.raises(ValidationError) as refused:
        request_transition(request=request, actor=world.association_editor, action="submit")
    assert "il manque" in " ".join(refused.value.messages)
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT
    assert not RequestTransition.objects.filter(request=request, action="submit").exists()


def test_an_ineligible_request_cannot_be_submitted(world):
    request = make_request(
        world,
        structure=world.scop,
        product="contrat-apport-associatif",
        amount=D("10000"),
        category="moving",
    )
    with pytest.raises(ValidationError) as refused:
        request_transition(request=request, actor=world.scop_editor, action="submit")
    assert any("forme juridique « SCOP »" in text for text in refused.value.messages)
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def test_only_the_fund_s_officer_decides(world):
    request = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("30000"),
        category="productive_investment",
        months=60,
        status="forwarded",
    )
    for intruder in (world.esia_officer, world.coordinator, world.scop_editor):
        with pytest.raises(TransitionRefused):
            request_transition(
                request=request,
                actor=intruder,
                action="grant",
                granted_amount=D("30000"),
                committee_date=datetime.date(2026, 11, 20),
            )
    request.refresh_from_db()
    assert request.status == RequestStatus.FORWARDED
    assert not RequestTransition.objects.filter(request=request, action="grant").exists()
    request_transition(
        request=request,
        actor=world.urscop_officer,
        action="decline",
        comment="Fonds propres trop faibles.",
    )
    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == ("declined", "Fonds propres trop faibles.")


def test_a_grant_above_the_request_is_refused(world):
    request = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("30000"),
        category="productive_investment",
        months=60,
        status="forwarded",
    )
    with pytest.raises(ValidationError) as refused:
        request_transition(
            request=request,
            actor=world.urscop_officer,
            action="grant",
            granted_amount=D("35000"),
            committee_date=None,
        )
    assert set(refused.value.message_dict) == {"granted_amount", "committee_date"}
    request.refresh_from_db()
    assert request.status == RequestStatus.FORWARDED


def test_forwarding_beyond_the_envelope_needs_a_justification(world):
    line = CreditLine.objects.create(
        funder=world.esia,
        name="Ligne CCR",
        amount=D("30000"),
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2099, 12, 31),
    )
    line.products.set([world.products["fris"]])
    make_request(
        world,
        structure=world.scop,
        product="fris",
        amount=D("25000"),
        category="shop_fitout",
        months=60,
        status="forwarded",
    )
    request = make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("8000"),
        category="shop_fitout",
        months=60,
        status="submitted",
    )
    with pytest.raises(ValidationError) as refused:
        request_transition(request=request, actor=world.coordinator, action="forward")
    assert "envelope_override" in refused.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    request_transition(
        request=request,
        actor=world.coordinator,
        action="forward",
        envelope_override="Résident prioritaire, accord oral d'ESIA.",
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.FORWARDED
    assert request.over_envelope is True
    assert request.envelope_override == "Résident prioritaire, accord oral d'ESIA."


def test_the_structure_withdraws_before_a_decision_only(world):
    request = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("30000"),
        category="productive_investment",
        months=60,
        status="granted",
    )
    with pytest.raises(TransitionRefused):
        request_transition(request=request, actor=world.scop_editor, action="withdraw")
    draft = make_request(
        world, structure=world.scop, product="pargest", amount=D("9000"), category="moving"
    )
    request_transition(request=draft, actor=world.scop_editor, action="withdraw")
    draft.refresh_from_db()
    assert draft.status == RequestStatus.WITHDRAWN
