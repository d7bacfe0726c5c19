"""Each demo role lands on its own dashboard; a person with several roles switches."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from applicants.models import Dossier, DossierStatus, Structure
from ccr_portal.users.demo import DEMO_PASSWORD
from tests.conftest import page_text
from tests.factories import CampaignFactory, DossierFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_LANDINGS = [
    (
        "applicant@example.org",
        "applicant",
        "Tableau de bord : Structure candidate",
        "Mes structures",
    ),
    (
        "coordinator@example.org",
        "coordinator",
        "Tableau de bord : Coordination (Regain)",
        "Structures inscrites",
    ),
    (
        "provider@example.org",
        "provider",
        "Tableau de bord : Prestataire d'accompagnement",
        "RAMSESS",
    ),
    (
        "committee@example.org",
        "committee",
        "Tableau de bord : Comité de sélection",
        "Comité de sélection",
    ),
    ("funder@example.org", "funder", "Tableau de bord : Financeur", "ESIA, France Active PACA"),
]


@pytest.mark.parametrize(("email", "role", "title", "content"), DEMO_LANDINGS)
def test_each_demo_login_lands_on_its_own_dashboard(client, demo, email, role, title, content):
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("dashboard", kwargs={"role": role})
    text = page_text(response)
    assert f"<title>{title} · Portail d'accompagnement CCR</title>" in text
    assert content in text


def test_load_demo_is_idempotent_and_prints_the_logins(db, capsys):
    from django.contrib.auth import get_user_model

    from applicants.models import Campaign, Structure
    from ccr_portal.users.models import Provider, RoleAssignment

    call_command("load_demo")
    counts = (
        get_user_model().objects.count(),
        RoleAssignment.objects.count(),
        Provider.objects.count(),
        Structure.objects.count(),
    )
    call_command("load_demo")
    output = capsys.readouterr().out

    assert counts == (
        get_user_model().objects.count(),
        RoleAssignment.objects.count(),
        Provider.objects.count(),
        Structure.objects.count(),
    )
    assert Campaign.objects.get().title == "Appel à candidatures CCR 2011"
    assert sorted(Campaign.objects.get().sites.values_list("name", flat=True)) == [
        "la Friche Belle de Mai",
        "mk2",
    ]
    assert sorted(Provider.objects.values_list("short_name", flat=True)) == [
        "APEAS",
        "ESIA",
        "Hom&Ter",
        "Inter-Made",
        "RAMSESS",
        "Regain",
    ]
    for email in [
        "applicant@example.org",
        "coordinator@example.org",
        "provider@example.org",
        "committee@example.org",
        "funder@example.org",
        "admin@example.org",
    ]:
        assert email in output
    assert "ccr-demo-2026" in output


def test_a_person_with_two_roles_switches_dashboard(client):
    person = UserFactory(coordinator=True, committee=True)
    client.force_login(person)

    first = client.get("/", follow=True)
    assert first.redirect_chain[-1][0] == reverse("dashboard", kwargs={"role": "coordinator"})
    assert 'name="role"' in page_text(first)

    response = client.post(reverse("switch-role"), {"role": "committee"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard", kwargs={"role": "committee"})
    # The choice holds for the session: the root now leads to the committee.
    again = client.get("/", follow=True)
    assert again.redirect_chain[-1][0] == reverse("dashboard", kwargs={"role": "committee"})


def test_switching_to_a_role_one_does_not_hold_is_refused(client):
    person = UserFactory(applicant=True)
    client.force_login(person)
    response = client.post(reverse("switch-role"), {"role": "coordinator"})
    assert response.status_code == 403
    assert "Accès refusé" in page_text(response)
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse(
        "dashboard", kwargs={"role": "applicant"}
    )


def test_visitor_sees_the_public_home_page_with_the_open_call(client, demo):
    response = client.get("/")
    text = page_text(response)
    assert response.status_code == 200
    assert "<title>Accueil · Portail d'accompagnement CCR</title>" in text
    assert "Cité de la Consommation Responsable" in text
    assert "Appel à candidatures CCR 2011" in text
    assert "la Friche Belle de Mai" in text
    assert "Créer un compte" in text


def test_person_without_role_gets_an_explanation(client):
    person = UserFactory()
    client.force_login(person)
    response = client.get("/")
    assert "Votre compte n'a pas encore de rôle" in page_text(response)


def _former_counts():
    """The two panels' former queries: structures by sector (largest first), dossiers by
    status."""
    labels = dict(Structure.Sector.choices)
    by_sector = (
        Structure.objects.values("sector").annotate(total=Count("pk")).order_by("-total", "sector")
    )
    return (
        [{"label": labels[row["sector"]], "total": row["total"]} for row in by_sector],
        {code: Dossier.objects.filter(status=code).count() for code in DossierStatus.values},
    )


def test_the_coordinators_counts_of_dossiers_and_structures_are_those_of_the_tables(client):
    """Dossiers by status and structures by sector come from one query for two panels
    (and the committee's « à programmer »): each figure is the former queries' own."""
    coordinator = UserFactory(coordinator=True)
    _sectors_before, statuses_before = _former_counts()
    structures_before = Structure.objects.count()
    campaign, later = CampaignFactory(), CampaignFactory()
    textile = StructureFactory(sector=Structure.Sector.TEXTILE)
    # One structure, two calls: two dossiers, one structure.
    DossierFactory(structure=textile, campaign=later, status=DossierStatus.SUBMITTED)
    DossierFactory(structure=textile, campaign=campaign, status=DossierStatus.UNDER_REVIEW)
    for status in (DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.UNDER_REVIEW):
        DossierFactory(campaign=campaign, status=status)  # food
    StructureFactory(sector=Structure.Sector.HOME)  # no dossier yet
    StructureFactory(sector=Structure.Sector.HOME)
    client.force_login(coordinator)

    response = client.get(reverse("dashboard", kwargs={"role": "coordinator"}))

    panels = {panel["template_name"]: panel["context"] for panel in response.context["panels"]}
    by_sector, by_status = _former_counts()
    sectors = panels["applicants/panels/structure_counts.html"]
    assert sectors["structure_total"] == Structure.objects.count() == structures_before + 6
    assert sectors["structures_by_sector"] == by_sector
    statuses = panels["applicants/panels/dossier_counts.html"]
    assert statuses["status_counts"] == [
        (code, label, by_status[code]) for code, label in DossierStatus.choices if by_status[code]
    ]
    added = {code: by_status[code] - statuses_before[code] for code in by_status}
    assert {code: n for code, n in added.items() if n} == {
        "draft": 1,
        "submitted": 2,
        "under_review": 2,
    }
    assert statuses["to_review"] == by_status["submitted"]
    committee = panels["committee/panels/coordinator_committee.html"]
    assert committee["to_schedule"] == by_status["under_review"]
