"""The pages: requests, the coordinators' queue, the provider's grid, sign-off, capacity."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applicants.models import DossierStatus, Membership
from ccr_portal.panels import DOSSIER_DETAIL, rendered_panels
from ccr_portal.users.models import Role
from diagnostics.models import Diagnostic, DiagnosticTransition, ProviderCapacity
from diagnostics.selectors import capacity_plan
from tests import files
from tests.conftest import page_text
from tests.diagnostics.factories import CapacityFactory, DiagnosticFactory
from tests.factories import (
    DossierFactory,
    MembershipFactory,
    ProviderFactory,
    StructureFactory,
    UserFactory,
)
from tests.test_pages import parse, title_of

pytestmark = pytest.mark.django_db

PDF_BYTES = files.hand_made_pdf()


@pytest.fixture
def membership(editor):
    return editor.memberships.get()


# --- The structure's entry point ---------------------------------------------


def test_the_structure_page_lists_its_diagnostics_and_offers_a_request(client, membership):
    structure = membership.structure
    DiagnosticFactory(structure=structure, validated=True)
    DiagnosticFactory(structure=structure, assessment=True, in_progress=True)  # not yet its own
    client.force_login(membership.user)

    text = page_text(client.get(structure.get_absolute_url()))

    assert "Diagnostics" in text
    assert text.count("Diagnostic léger") == 1
    assert "Instruction" not in text
    assert reverse("diagnostics:request", args=[structure.pk]) in text
    assert "Demander un diagnostic" in text


def test_the_applicant_dashboard_lists_only_the_person_s_structures(client, membership):
    # A coordinator who is also a structure's member reads every diagnostic as a coordinator;
    # the applicant's dashboard still lists only their structures'.
    person = membership.user
    person.role_assignments.create(role=Role.COORDINATOR)
    own = DiagnosticFactory(structure=membership.structure)
    DiagnosticFactory(structure__name="Voyages Équitables Méditerranée")
    client.force_login(person)

    response = client.get(reverse("dashboard", kwargs={"role": "applicant"}))

    (panel,) = [
        panel
        for panel in response.context["panels"]
        if panel["template_name"] == "diagnostics/panels/applicant.html"
    ]
    assert panel["context"]["diagnostics"] == [own]
    assert "Voyages Équitables Méditerranée" not in page_text(response)


def test_a_reader_sees_the_panel_without_the_request_button(client, membership):
    reader = MembershipFactory(structure=membership.structure, role=Membership.Role.READER).user
    client.force_login(reader)
    text = page_text(client.get(membership.structure.get_absolute_url()))
    assert "Aucun diagnostic pour le moment." in text
    assert "Demander un diagnostic" not in text


def test_an_editor_asks_for_a_light_diagnostic_from_the_structure_page(
    client, membership, coordinator
):
    client.force_login(membership.user)
    url = reverse("diagnostics:request", args=[membership.structure.pk])
    form = client.get(url)
    assert form.status_code == 200
    # No dossier yet: the field is not even offered.
    assert "dossier" not in form.context["form"].fields

    response = client.post(url, {"kind": "light", "note": "Faut-il candidater dès cet appel ?"})

    diagnostic = Diagnostic.objects.get()
    assert response.status_code == 302
    assert response.url == diagnostic.get_absolute_url()
    assert (diagnostic.kind, diagnostic.purpose, diagnostic.status, diagnostic.dossier) == (
        "light",
        "support",
        "requested",
        None,
    )
    page = page_text(client.get(diagnostic.get_absolute_url()))
    assert "Votre demande de diagnostic léger est envoyée à la coordination." in page
    assert "La demande attend l'examen de la coordination." in page


def test_a_duplicate_request_shows_its_error_next_to_the_field(client, membership):
    DiagnosticFactory(structure=membership.structure)
    client.force_login(membership.user)
    response = client.post(
        reverse("diagnostics:request", args=[membership.structure.pk]),
        {"kind": "light", "note": "Encore une fois"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert 'role="alert"' in text
    assert (
        "Une demande de diagnostic léger attend déjà l'examen de la coordination pour cette "
        "structure." in text
    )
    assert "Encore une fois" in text  # nothing typed is lost
    assert Diagnostic.objects.count() == 1


# --- The dossier's panel and the assessment order ----------------------------


def panel_of(user, dossier) -> list[dict]:
    request = RequestFactory().get("/")
    request.user = user
    return [
        panel
        for panel in rendered_panels(DOSSIER_DETAIL, request, dossier=dossier)
        if panel["template_name"] == "diagnostics/panels/dossier.html"
    ]


def test_the_dossier_panel_offers_the_coordination_to_order_an_assessment(coordinator):
    dossier = DossierFactory(status=DossierStatus.UNDER_REVIEW)
    ordered = DiagnosticFactory(structure=dossier.structure, dossier=dossier, assessment=True)

    (panel,) = panel_of(coordinator, dossier)

    assert panel["context"]["can_order"] is True
    assert panel["context"]["diagnostics"] == [ordered]


def test_the_dossier_panel_has_no_order_outside_the_instruction(coordinator):
    draft = DossierFactory(status=DossierStatus.DRAFT)
    assert panel_of(coordinator, draft) == []
    member = MembershipFactory(structure=draft.structure).user
    # The structure sees its own support diagnostics of the dossier, never the order button.
    DiagnosticFactory(structure=draft.structure, dossier=draft, assessment=True)
    support = DiagnosticFactory(structure=draft.structure, dossier=draft)
    (panel,) = panel_of(member, draft)
    assert panel["context"] == {"dossier": draft, "diagnostics": [support], "can_order": False}


def test_the_coordination_orders_an_assessment_diagnostic_from_the_dossier(client, coordinator):
    dossier = DossierFactory(status=DossierStatus.SUBMITTED)
    client.force_login(coordinator)
    url = reverse("diagnostics:order-assessment", args=[dossier.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"kind": "full", "note": "Solidité financière ?"})

    diagnostic = Diagnostic.objects.get()
    assert response.url == diagnostic.get_absolute_url()
    assert (diagnostic.purpose, diagnostic.status, diagnostic.dossier) == (
        "assessment",
        "accepted",
        dossier,
    )


@pytest.mark.parametrize("status", [DossierStatus.DRAFT, DossierStatus.REJECTED])
def test_no_order_on_a_dossier_outside_the_instruction(client, coordinator, status):
    dossier = DossierFactory(status=status)
    client.force_login(coordinator)
    url = reverse("diagnostics:order-assessment", args=[dossier.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "full"}).status_code == 403
    assert Diagnostic.objects.count() == 0


# --- The queue ----------------------------------------------------------------


def queue_rows(client, **params) -> list[int]:
    response = client.get(reverse("diagnostics:queue"), params)
    assert response.status_code == 200
    return [diagnostic.pk for diagnostic in response.context["diagnostics"]]


def test_the_queue_filters_by_status_kind_purpose_provider_and_overdue(
    client, coordinator, ramsess
):
    today = timezone.localdate()
    requested = DiagnosticFactory()
    accepted = DiagnosticFactory(accepted=True, full=True)
    assessment = DiagnosticFactory(assigned=True, assessment=True, full=True, provider=ramsess)
    late = DiagnosticFactory(
        in_progress=True, provider=ramsess, due_date=today - datetime.timedelta(days=1)
    )
    elsewhere = DiagnosticFactory(in_progress=True, full=True)
    client.force_login(coordinator)

    # Waiting requests first, then by due date.
    assert queue_rows(client) == [requested.pk, accepted.pk, assessment.pk, late.pk, elsewhere.pk]
    assert queue_rows(client, status="accepted") == [accepted.pk]
    assert queue_rows(client, kind="full") == [accepted.pk, assessment.pk, elsewhere.pk]
    assert queue_rows(client, purpose="assessment") == [assessment.pk]
    assert queue_rows(client, provider=ramsess.pk) == [assessment.pk, late.pk]
    assert queue_rows(client, overdue="on") == [late.pk]
    assert "En retard" in page_text(client.get(reverse("diagnostics:queue")))


def test_the_queue_flags_duplicates_and_shows_a_provider_s_refusal(client, coordinator, membership):
    structure = membership.structure
    first = DiagnosticFactory(structure=structure)
    second = DiagnosticFactory(structure=structure, accepted=True)
    DiagnosticTransition.objects.create(
        diagnostic=second,
        action="decline_assignment",
        from_status="assigned",
        to_status="accepted",
        comment="Pas de consultant disponible en juillet.",
    )
    alone = DiagnosticFactory(full=True)
    client.force_login(coordinator)

    response = client.get(reverse("diagnostics:queue"))
    flags = {d.pk: d.has_duplicate for d in response.context["diagnostics"]}
    assert flags == {first.pk: True, second.pk: True, alone.pk: False}
    text = page_text(response)
    assert text.count("Doublon possible") == 2
    assert "Refusé par le prestataire : Pas de consultant disponible en juillet." in text


@pytest.mark.parametrize("rows", [5, 100])
def test_the_queue_runs_a_bounded_number_of_queries(
    client, coordinator, ramsess, rows, django_assert_max_num_queries
):
    structures = [MembershipFactory().structure for _ in range(3)]
    # Both sizes carry warnings (an overdue diagnostic), whose wording costs one query.
    overdue = timezone.localdate() - datetime.timedelta(days=3)
    DiagnosticFactory(in_progress=True, provider=ramsess, due_date=overdue)
    for index in range(rows - 1):
        trait = ["requested", "accepted", "in_progress", "delivered", "validated"][index % 5]
        extra = {"provider": ramsess} if trait in ("in_progress", "delivered", "validated") else {}
        # One pending request of a kind per structure (the database says so).
        structure = StructureFactory() if trait == "requested" else structures[index % 3]
        diagnostic = DiagnosticFactory(structure=structure, **{trait: True}, **extra)
        DiagnosticTransition.objects.create(
            diagnostic=diagnostic,
            action="decline_assignment",
            from_status="assigned",
            to_status="accepted",
            comment="non",
        )
    CapacityFactory(provider=ramsess)
    client.force_login(coordinator)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("diagnostics:queue"))
    assert response.status_code == 200
    assert len(response.context["diagnostics"]) == min(rows, 25)


def test_the_queue_warns_when_a_provider_is_overbooked(client, coordinator, ramsess):
    today = timezone.localdate()
    month = today.replace(day=1)
    CapacityFactory(provider=ramsess, month=month, consultant_days=Decimal("4"))
    due = max(today, (month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(1))
    DiagnosticFactory(in_progress=True, full=True, provider=ramsess, due_date=due)
    DiagnosticFactory(assigned=True, full=True, provider=ramsess, due_date=due)
    client.force_login(coordinator)

    text = page_text(client.get(reverse("diagnostics:queue")))

    assert (
        f"RAMSESS dépasse sa capacité en {date_format(month, 'F Y')} : 6,0 jours prévus pour "
        "4,0 disponibles." in text
    )
    assert "ne peut pas être tenue" in text
    assert "6,0\u00a0j / 4,0\u00a0j" in text


def test_the_queue_marks_its_threatened_rows_and_asks_nothing_for_a_page_of_requests(
    client, coordinator, ramsess
):
    today = timezone.localdate()
    month = today.replace(day=1)
    CapacityFactory(provider=ramsess, month=month, consultant_days=Decimal("4"))
    due = max(today, (month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(1))
    DiagnosticFactory(in_progress=True, full=True, provider=ramsess, due_date=due)
    threatened = DiagnosticFactory(assigned=True, full=True, provider=ramsess, due_date=due)
    requested = DiagnosticFactory()
    client.force_login(coordinator)
    url = reverse("diagnostics:queue")

    def asks_which_rows_are_late(queries) -> bool:
        return any("queue.id IN" in query["sql"] for query in queries.captured_queries)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # The page's late rows are the plan's (the same diagnostics as its whole late list).
    plan_late = {late.diagnostic_id for late in capacity_plan().late.first(10)}
    assert response.context["late_ids"] == plan_late == {threatened.pk}
    assert page_text(response).count("Échéance menacée") == 1
    assert asks_which_rows_are_late(queries)

    with CaptureQueriesContext(connection) as queries:
        requests_only = client.get(url, {"status": "requested"})
    assert [d.pk for d in requests_only.context["diagnostics"]] == [requested.pk]
    assert requests_only.context["late_ids"] == set()
    assert not asks_which_rows_are_late(queries)


# --- Triage and assignment pages ----------------------------------------------


def test_accept_by_button_and_decline_with_a_reason(client, coordinator):
    accepted = DiagnosticFactory()
    declined = DiagnosticFactory(full=True)
    client.force_login(coordinator)

    response = client.post(reverse("diagnostics:transition", args=[accepted.pk, "accept"]))
    assert response.url == accepted.get_absolute_url()
    accepted.refresh_from_db()
    assert accepted.status == "accepted"

    url = reverse("diagnostics:transition", args=[declined.pk, "decline"])
    empty = client.post(url, {"comment": ""})
    assert empty.status_code == 200
    assert "Ce champ est obligatoire." in page_text(empty)
    declined.refresh_from_db()
    assert declined.status == "requested"
    assert not declined.transitions.exists()

    client.post(url, {"comment": "Hors du champ de la CCR."})
    declined.refresh_from_db()
    assert (declined.status, declined.decline_reason) == ("declined", "Hors du champ de la CCR.")


def test_a_transition_that_is_not_possible_now_says_why(client, coordinator):
    diagnostic = DiagnosticFactory(validated=True)
    client.force_login(coordinator)
    response = client.post(
        reverse("diagnostics:transition", args=[diagnostic.pk, "validate"]), follow=True
    )
    assert "Action « Valider le diagnostic » impossible : l'état actuel est « Validé »." in (
        page_text(response)
    )
    diagnostic.refresh_from_db()
    assert diagnostic.status == "validated"
    assert not diagnostic.transitions.exists()


def test_unknown_actions_are_not_found(client, coordinator):
    diagnostic = DiagnosticFactory()
    client.force_login(coordinator)
    # Assigning and covering have their own forms; delivering is confirmed on this page.
    for action in ("cover", "assign", "hack"):
        url = reverse("diagnostics:transition", args=[diagnostic.pk, action])
        assert client.post(url).status_code == 404
    diagnostic.refresh_from_db()
    assert diagnostic.status == "requested"
    assert not diagnostic.transitions.exists()


def test_cover_with_an_existing_document(client, coordinator):
    diagnostic = DiagnosticFactory(full=True)
    client.force_login(coordinator)
    url = reverse("diagnostics:cover", args=[diagnostic.pk])

    bad = client.post(
        url,
        {
            "source": "dla",
            "covered_on": "2010-11-05",
            "document": SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00" + b"\x00" * 64),
        },
    )
    assert bad.status_code == 200
    assert (
        "Le fichier « rapport.pdf » est un programme exécutable : seuls les formats PDF, PNG, "
        "JPEG, ODT, DOCX, ODS, XLSX sont acceptés." in page_text(bad)
    )
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.covered_document.name) == ("requested", "")
    assert not diagnostic.transitions.exists()

    client.post(
        url,
        {
            "source": "dla",
            "source_name": "DLA des Bouches-du-Rhône",
            "covered_on": "2010-11-05",
            "document": SimpleUploadedFile("rapport DLA.pdf", PDF_BYTES),
        },
    )
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.covered_source_name) == (
        "covered",
        "DLA des Bouches-du-Rhône",
    )
    page = page_text(client.get(diagnostic.get_absolute_url()))
    assert "Réalisé par DLA des Bouches-du-Rhône" in page
    assert "le 5 novembre 2010" in page
    download = client.get(reverse("diagnostics:covered-document", args=[diagnostic.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="rapport_DLA.pdf"'


def test_a_form_the_state_rules_out_sends_back_to_the_diagnostic_with_why(
    client, coordinator, ramsess
):
    requested = DiagnosticFactory()
    assigned = DiagnosticFactory(assigned=True, provider=ramsess)
    client.force_login(coordinator)
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    cases = [
        (
            requested,
            reverse("diagnostics:assign", args=[requested.pk]),
            {"provider": ramsess.pk, "due_date": due},
            "Action « Affecter à un prestataire » impossible : l'état actuel est « Demandé ».",
        ),
        (
            assigned,
            reverse("diagnostics:cover", args=[assigned.pk]),
            {"source": "ramsess", "covered_on": "2010-11-05"},
            "Action « Marquer comme couvert par un diagnostic existant » impossible : l'état "
            "actuel est « Affecté à un prestataire ».",
        ),
        (
            assigned,
            reverse("diagnostics:transition", args=[assigned.pk, "decline"]),
            {"comment": "Trop tard."},
            "Action « Refuser la demande » impossible : l'état actuel est « Affecté à un "
            "prestataire ».",
        ),
    ]
    for diagnostic, url, data, reason in cases:
        for response in (client.get(url, follow=True), client.post(url, data, follow=True)):
            assert response.redirect_chain == [(diagnostic.get_absolute_url(), 302)], url
            assert reason in page_text(response)
    requested.refresh_from_db()
    assigned.refresh_from_db()
    assert (requested.status, requested.provider) == ("requested", None)
    assert (assigned.status, assigned.provider) == ("assigned", ramsess)
    assert not DiagnosticTransition.objects.exists()


def test_assign_warns_when_the_provider_is_over_capacity(client, coordinator, ramsess, consultant):
    today = timezone.localdate()
    due = today + datetime.timedelta(days=1)
    CapacityFactory(provider=ramsess, month=due.replace(day=1), consultant_days=Decimal("2"))
    diagnostic = DiagnosticFactory(accepted=True, full=True)
    client.force_login(coordinator)

    response = client.post(
        reverse("diagnostics:assign", args=[diagnostic.pk]),
        {"provider": ramsess.pk, "consultant": consultant.pk, "due_date": due.isoformat()},
        follow=True,
    )

    text = page_text(response)
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.consultant) == ("assigned", consultant)
    assert "Attention : RAMSESS dépasse sa capacité" in text
    assert "ne pourra pas tenir l'échéance" in text


def test_assign_refuses_a_consultant_of_another_organisation(client, coordinator, ramsess):
    stranger = UserFactory(provider=True)
    ProviderFactory().members.add(stranger)
    diagnostic = DiagnosticFactory(accepted=True)
    client.force_login(coordinator)
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("diagnostics:assign", args=[diagnostic.pk]),
        {"provider": ramsess.pk, "consultant": stranger.pk, "due_date": due},
    )
    assert "Choisissez un consultant de RAMSESS." in page_text(response)
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.provider, diagnostic.consultant) == (
        "accepted",
        None,
        None,
    )


# --- The provider's grid ------------------------------------------------------


def grid_data(diagnostic, **values) -> dict:
    data = {}
    for theme in diagnostic.themes:
        data[f"score_{theme.value}"] = ""
        data[f"observations_{theme.value}"] = ""
    data.update(values)
    return data


def test_the_provider_fills_the_grid_over_two_visits_then_delivers(client, ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, provider=ramsess, consultant=consultant)
    client.force_login(consultant)
    url = reverse("diagnostics:grid", args=[diagnostic.pk])

    first = client.post(
        url, grid_data(diagnostic, score_project="3", observations_project="Projet clair.")
    )
    assert first.url == url
    second_visit = client.get(url)
    assert second_visit.context["form"].initial["score_project"] == 3
    assert "Projet clair." in page_text(second_visit)

    # Delivering an incomplete grid saves it but does not deliver it.
    incomplete = client.post(
        url,
        grid_data(
            diagnostic,
            score_project="3",
            observations_project="Projet clair.",
            score_finances="2",
            deliver="1",
        ),
    )
    assert incomplete.status_code == 200
    text = page_text(incomplete)
    # One message: the draft is saved, delivery refused until the listed points are filled.
    assert "Brouillon enregistré. Le diagnostic n'a pas été remis : 9 points à compléter." in text
    assert "Le formulaire n'a pas été enregistré" not in text
    assert '<a href="#id_strengths" class="alert-link">Points forts</a>' in text
    assert "Donnez une appréciation de 1 à 4." in text
    invalid = set(re.findall(r'<\w+ name="(\w+)"[^>]*aria-invalid="true"', text))
    assert invalid == {
        "score_economic_model",
        "observations_economic_model",
        "observations_finances",
        "score_site_risk",
        "observations_site_risk",
        "strengths",
        "weaknesses",
        "overall_risk",
        "recommendation",
    }
    diagnostic.refresh_from_db()
    assert diagnostic.status == "in_progress"
    assert diagnostic.scores.get(theme="finances").score == 2

    complete = grid_data(
        diagnostic,
        **{f"score_{t.value}": "3" for t in diagnostic.themes},
        **{f"observations_{t.value}": "Vu." for t in diagnostic.themes},
        strengths="Équipe soudée.",
        weaknesses="Trésorerie tendue.",
        overall_risk="low",
        recommendation="ready",
        deliver="1",
    )
    # A complete grid is saved, then its delivery confirmed on its own page.
    confirm = client.post(url, complete)
    assert confirm.url == reverse("diagnostics:transition", args=[diagnostic.pk, "deliver"])
    delivered = client.post(confirm.url, {"confirmed": "yes"})
    assert delivered.url == diagnostic.get_absolute_url()
    diagnostic.refresh_from_db()
    assert diagnostic.status == "delivered"
    # Delivered: the grid is closed.
    assert client.get(url).status_code == 302


def test_the_full_grid_takes_days_per_axis_in_french_notation(client, ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, full=True, provider=ramsess)
    client.force_login(consultant)
    data = grid_data(diagnostic)
    for axis in ("diagnostic", "securing", "cooperation", "professionalisation"):
        data[f"days_{axis}"] = ""
        data[f"reason_{axis}"] = ""
    data.update(days_securing="2,5", reason_securing="Plan de trésorerie.")
    client.post(reverse("diagnostics:grid", args=[diagnostic.pk]), data)
    assert list(diagnostic.axis_recommendations.values_list("axis", "days")) == [
        ("securing", Decimal("2.5"))
    ]


def test_a_returned_diagnostic_shows_the_coordination_s_remarks_to_the_provider_only(
    client, coordinator, membership, ramsess, consultant
):
    diagnostic = DiagnosticFactory(
        structure=membership.structure, delivered=True, provider=ramsess, consultant=consultant
    )
    client.force_login(coordinator)
    client.post(
        reverse("diagnostics:transition", args=[diagnostic.pk, "return"]),
        {"comment": "Précisez le besoin en fonds de roulement."},
    )
    diagnostic.refresh_from_db()
    assert diagnostic.status == "in_progress"

    remarks = "Remarques de la coordination"
    client.force_login(consultant)
    for url in (diagnostic.get_absolute_url(), reverse("diagnostics:grid", args=[diagnostic.pk])):
        text = page_text(client.get(url))
        assert remarks in text, url
        assert "Précisez le besoin en fonds de roulement." in text, url
    client.force_login(membership.user)
    text = page_text(client.get(diagnostic.get_absolute_url()))
    assert remarks not in text
    assert "Précisez le besoin en fonds de roulement." not in text


def test_the_structure_does_not_read_the_provider_s_draft(client, membership, ramsess):
    diagnostic = DiagnosticFactory(
        structure=membership.structure, in_progress=True, provider=ramsess
    )
    diagnostic.scores.create(theme="project", score=1, observations="Brouillon confidentiel.")
    client.force_login(membership.user)
    text = page_text(client.get(diagnostic.get_absolute_url()))
    assert "Brouillon confidentiel." not in text
    assert "Grille du diagnostic" not in text


# --- Sign-off and consent -----------------------------------------------------


def test_the_structure_signs_off_and_shares_with_the_committee(client, membership):
    diagnostic = DiagnosticFactory(structure=membership.structure, validated=True)
    client.force_login(membership.user)
    url = reverse("diagnostics:sign-off", args=[diagnostic.pk])

    unconfirmed = client.post(url, {"comment": "Nous nuançons."})
    assert "Cochez la case pour confirmer la lecture des conclusions." in page_text(unconfirmed)
    diagnostic.refresh_from_db()
    assert diagnostic.signed_off_at is None

    client.post(url, {"confirm": "on", "comment": "Nous nuançons le risque du site."})
    client.post(reverse("diagnostics:consent", args=[diagnostic.pk]), {"share": "yes"})

    diagnostic.refresh_from_db()
    assert diagnostic.signed_off_by == membership.user
    assert diagnostic.structure_comment == "Nous nuançons le risque du site."
    page = page_text(client.get(diagnostic.get_absolute_url()))
    assert "Nous nuançons le risque du site." in page
    assert "Partagé avec le comité depuis le" in page
    assert "Ne plus partager avec le comité" in page

    revoked = client.post(
        reverse("diagnostics:consent", args=[diagnostic.pk]), {"share": "no", "next": "mine"}
    )
    assert revoked.url == reverse("diagnostics:mine")
    assert not diagnostic.consents.filter(revoked_at__isnull=True).exists()


def test_the_sign_off_page_never_shows_the_provider_s_draft(client, membership, ramsess):
    diagnostic = DiagnosticFactory(
        structure=membership.structure,
        in_progress=True,
        full=True,
        provider=ramsess,
        strengths="Brouillon confidentiel.",
    )
    diagnostic.axis_recommendations.create(axis="securing", days=2, reason="Raison provisoire.")
    client.force_login(membership.user)
    url = reverse("diagnostics:sign-off", args=[diagnostic.pk])

    for response in (
        client.get(url, follow=True),
        client.post(url, {"confirm": "on"}, follow=True),
    ):
        assert response.redirect_chain == [(diagnostic.get_absolute_url(), 302)]
        text = page_text(response)
        assert (
            "Les conclusions se confirment une fois le diagnostic remis "
            "(état actuel : « En cours »)." in text
        )
        assert "Brouillon confidentiel." not in text
        assert "Raison provisoire." not in text
    diagnostic.refresh_from_db()
    assert (diagnostic.signed_off_at, diagnostic.signed_off_by) == (None, None)
    assert not diagnostic.transitions.exists()


def test_signed_off_conclusions_are_not_signed_off_again(client, membership):
    diagnostic = DiagnosticFactory(structure=membership.structure, validated=True)
    client.force_login(membership.user)
    url = reverse("diagnostics:sign-off", args=[diagnostic.pk])
    client.post(url, {"confirm": "on", "comment": "D'accord."})

    again = client.post(url, {"confirm": "on", "comment": "Finalement non."}, follow=True)

    assert "Les conclusions de ce diagnostic sont déjà confirmées." in page_text(again)
    diagnostic.refresh_from_db()
    assert diagnostic.structure_comment == "D'accord."
    assert diagnostic.transitions.filter(action="sign_off").count() == 1


@pytest.mark.parametrize("rows", [4, 40])
def test_my_diagnostics_page_runs_a_bounded_number_of_queries(
    client, rows, django_assert_max_num_queries
):
    user = UserFactory(applicant=True)
    structures = [MembershipFactory(user=user).structure for _ in range(2)]
    for index in range(rows):
        diagnostic = DiagnosticFactory(
            structure=structures[index % 2], **{["accepted", "delivered"][index % 2]: True}
        )
        if index % 4 == 1:
            diagnostic.consents.create(granted_by=user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("diagnostics:mine"))
    shown = response.context["diagnostics"]
    assert len(shown) == min(rows, 25)
    shared = [d for d in shown if d.is_shared]
    with_consent = Diagnostic.objects.filter(
        pk__in=[d.pk for d in shown], consents__isnull=False
    ).values_list("pk", flat=True)
    assert {d.pk for d in shared} == set(with_consent)
    assert page_text(response).count("Ne plus partager") == len(shared) > 0


@pytest.mark.parametrize("rows", [4, 40])
def test_the_assignments_page_runs_a_bounded_number_of_queries(
    client, ramsess, consultant, rows, django_assert_max_num_queries
):
    for index in range(rows):
        DiagnosticFactory(
            **{["assigned", "in_progress", "delivered"][index % 3]: True}, provider=ramsess
        )
    client.force_login(consultant)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("diagnostics:assignments"))
    assert len(response.context["diagnostics"]) == min(rows, 25)


# --- Capacity -----------------------------------------------------------------


def test_a_provider_declares_its_capacity(client, ramsess, consultant):
    client.force_login(consultant)
    url = reverse("diagnostics:capacity", args=[ramsess.pk])
    form = client.get(url).context["form"]
    next_month = form.months[1]
    data = {"usual_days": "5"}
    for month in form.months:
        data[form.month_field(month)] = ""
    data[form.month_field(next_month)] = "1,5"

    response = client.post(url, data)

    assert response.url == reverse("diagnostics:assignments")
    ramsess.refresh_from_db()
    assert ramsess.monthly_capacity_days == Decimal("5")
    assert list(ProviderCapacity.objects.values_list("month", "consultant_days")) == [
        (next_month, Decimal("1.5"))
    ]
    # Emptied, the month returns to the usual capacity.
    data[form.month_field(next_month)] = ""
    client.post(url, data)
    assert ProviderCapacity.objects.count() == 0


def test_a_provider_cannot_declare_another_provider_s_capacity(client, consultant):
    apeas = ProviderFactory(name="APEAS")
    client.force_login(consultant)
    url = reverse("diagnostics:capacity", args=[apeas.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"usual_days": "9"}).status_code == 403
    apeas.refresh_from_db()
    assert apeas.monthly_capacity_days == 0
    assert not ProviderCapacity.objects.exists()


# --- Accessibility ------------------------------------------------------------


def test_every_diagnostic_page_has_its_own_title_and_labelled_fields(
    client, coordinator, membership, ramsess, consultant
):
    structure = membership.structure
    requested = DiagnosticFactory(structure=structure)
    in_progress = DiagnosticFactory(
        structure=structure, in_progress=True, full=True, provider=ramsess
    )
    delivered = DiagnosticFactory(structure=structure, delivered=True, full=True, provider=ramsess)
    dossier = DossierFactory(structure=structure, status=DossierStatus.SUBMITTED)
    pages = []
    client.force_login(coordinator)
    pages += [
        client.get(reverse("diagnostics:queue")),
        client.get(requested.get_absolute_url()),
        client.get(reverse("diagnostics:cover", args=[requested.pk])),
        client.get(reverse("diagnostics:transition", args=[requested.pk, "decline"])),
        client.get(reverse("diagnostics:order-assessment", args=[dossier.pk])),
        client.get(reverse("diagnostics:capacity", args=[ramsess.pk])),
    ]
    client.post(reverse("diagnostics:transition", args=[requested.pk, "accept"]))
    pages.append(client.get(reverse("diagnostics:assign", args=[requested.pk])))
    client.force_login(consultant)
    pages += [
        client.get(reverse("diagnostics:assignments")),
        client.get(reverse("diagnostics:grid", args=[in_progress.pk])),
    ]
    client.force_login(membership.user)
    pages += [
        client.get(reverse("diagnostics:mine")),
        client.get(delivered.get_absolute_url()),
        client.get(reverse("diagnostics:sign-off", args=[delivered.pk])),
        client.get(reverse("diagnostics:request", args=[structure.pk])),
    ]
    titles = []
    for response in pages:
        assert response.status_code == 200, response.request["PATH_INFO"]
        parsed = parse(response)
        assert [tag for tag, _ in parsed.tags].count("h1") == 1
        for field in parsed.inputs:
            assert field.get("id") in parsed.labels or field.get("aria-label"), field
        titles.append(title_of(response))
    assert len(set(titles)) == len(titles), titles


def test_the_queue_total_is_what_the_queue_lists(client, coordinator, ramsess):
    """Unfiltered or filtered on a status, the caption's total is read from the plan's
    counts per status; with any other filter it is counted. Both agree with the rows."""
    today = timezone.localdate()
    for n in range(30):
        trait = ["requested", "accepted", "in_progress"][n % 3]
        extra = {"provider": ramsess} if trait == "in_progress" else {}
        DiagnosticFactory(**{trait: True}, due_date=today + datetime.timedelta(days=n), **extra)
    client.force_login(coordinator)

    def listed(**params) -> tuple[int, int]:
        text = page_text(client.get(reverse("diagnostics:queue"), params))
        total = int(re.search(r"<caption>(\d+) diagnostics?</caption>", text).group(1))
        rows = len(re.findall(r'href="/diagnostics/\d+/"', text.split("<caption>")[1]))
        return total, rows

    assert listed() == (30, 25)
    assert listed(page="2") == (30, 5)
    assert listed(status="accepted") == (10, 10)
    assert listed(status="validated") == (0, 0)
    assert listed(provider=ramsess.pk) == (10, 10)
    assert listed(status="requested", provider=ramsess.pk) == (0, 0)
    assert listed(status="pas un état") == (30, 25)  # invalid: ignored, as by the list
