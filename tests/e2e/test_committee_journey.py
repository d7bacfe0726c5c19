"""Browser journey on the demo: a meeting from its scheduling to the structure's plan.

The coordinator schedules a meeting today with three dossiers in instruction; the RAMSESS
member (a conflict on « Les Paniers du Vieux-Port », which RAMSESS diagnosed) gives
opinions on the two others and downloads their pack; the coordinator, as secretary,
records the attendance and the three decisions (one accepted with conditions and a site);
the structure reads the motivation and the condition; the structure's plan, drafted from
its diagnostic, shows the action the committee recommended.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from applicants.models import Dossier, DossierStatus
from committee.models import Decision, Meeting
from tests.e2e.helpers import field, see

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JOURNEY = ["Les Paniers du Vieux-Port", "Recyclerie de la Joliette", "Terre d'Épices"]
MOTIVATION = "Un projet de circuits courts solide ; la trésorerie doit être consolidée."
CONDITION = "Suivre l'accompagnement de sécurisation avant l'installation."


def test_a_meeting_from_its_agenda_to_the_structures_plan(signed_in):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    today = timezone.localdate()

    # 1. The coordinator schedules a meeting today, with three dossiers.
    coordinator = signed_in("coordinator@example.org")
    coordinator.get_by_role("link", name="Comité de sélection", exact=True).click()
    coordinator.get_by_role("link", name="Programmer une séance").click()
    field(coordinator, "Appel à candidatures").select_option(label="Appel à candidatures CCR 2011")
    field(coordinator, "Date").fill(today.isoformat())
    field(coordinator, "Heure de début").fill("09:00")
    field(coordinator, "Lieu").fill("Locaux de Regain, Marseille")
    field(coordinator, "Quorum (membres présents)").fill("2")
    for name in (
        "Daniel Mayer (Région PACA)",
        "Hélène Garcia (Fondation MACIF)",
        "Karim Belkacem (RAMSESS)",
    ):
        coordinator.get_by_label(name).check()
    coordinator.get_by_role("button", name="Programmer la séance").click()
    assert see(coordinator.get_by_text("La séance est programmée"))
    meeting = Meeting.objects.latest("pk")
    coordinator.get_by_role("link", name="Ordre du jour").click()
    for name in JOURNEY:
        coordinator.get_by_label(f"{name} (En instruction)").check()
    coordinator.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    assert see(coordinator.get_by_text("L'ordre du jour est mis à jour."))
    assert set(
        Dossier.objects.filter(structure__name__in=JOURNEY).values_list("status", flat=True)
    ) == {DossierStatus.IN_COMMITTEE}
    coordinator.get_by_role("button", name="Préparer les dossiers de séance (PDF)").click()
    assert see(coordinator.get_by_text("Les dossiers de séance sont en préparation"))

    # 2. The RAMSESS member: no access to the file RAMSESS diagnosed, opinions on the others.
    member = signed_in("comite-ramsess@example.org")
    member.goto(meeting.get_absolute_url())
    row = member.get_by_role("row").filter(has_text="Les Paniers du Vieux-Port")
    assert see(row.get_by_text("lien d'intérêts déclaré"))
    assert row.get_by_role("link").count() == 0
    paniers = meeting.agenda.get(dossier__structure__name="Les Paniers du Vieux-Port")
    assert member.goto(f"/comite/dossiers/{paniers.pk}/").status == 403
    member.goto(meeting.get_absolute_url())
    member.get_by_role("link", name="Donner mes avis").click()
    assert see(member.get_by_text("Vous avez déclaré un lien d'intérêts avec cette structure"))
    recyclerie = meeting.agenda.get(dossier__structure__name="Recyclerie de la Joliette")
    epices = meeting.agenda.get(dossier__structure__name="Terre d'Épices")
    member.locator(f"#dossier-{recyclerie.pk}").get_by_label("Favorable", exact=True).check()
    member.get_by_label("Commentaire sur « Recyclerie de la Joliette »").fill(
        "Le réemploi manque au quartier."
    )
    member.locator(f"#dossier-{epices.pk}").get_by_label("Réservé", exact=True).check()
    member.get_by_role("button", name="Enregistrer mes avis").click()
    assert see(member.get_by_text("2 avis enregistrés."))
    member.goto(meeting.get_absolute_url())
    member.get_by_role("link", name="Mon dossier de séance (PDF)").click()
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Télécharger le dossier de séance").click()
    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes())).pages
    )
    assert "Recyclerie de la Joliette" in text
    assert "Terre d'Épices" in text
    assert "Les Paniers du Vieux-Port" not in text

    # 3. The secretary: attendance, the meeting held, the decisions side by side.
    coordinator.goto(meeting.get_absolute_url())
    coordinator.get_by_role("link", name="Relever les présences").click()
    for name in ("Daniel Mayer", "Hélène Garcia", "Karim Belkacem"):
        coordinator.get_by_label(name).check()
    coordinator.get_by_role("button", name="Enregistrer les présences").click()
    coordinator.get_by_role("link", name="Déclarer la séance tenue").click()
    coordinator.get_by_role("button", name="Déclarer la séance tenue").click()
    assert see(coordinator.get_by_text("La séance s'est tenue"))
    coordinator.get_by_role("link", name="Décisions", exact=True).click()
    assert see(coordinator.get_by_text("Le réemploi manque au quartier."))
    section = coordinator.locator(f"#dossier-{paniers.pk}")
    section.get_by_label("Décision sur « Les Paniers du Vieux-Port »").select_option(
        label="Retenue sous conditions"
    )
    section.get_by_label("Motivation (transmise à la structure)").fill(MOTIVATION)
    section.get_by_label("Site attribué").select_option(label="la Friche Belle de Mai")
    section.get_by_label("Conditions (une par ligne)").fill(CONDITION)
    section.get_by_label("Accompagnement exigé par les conditions").select_option(
        label="B. Accompagnement de sécurisation"
    )
    section.get_by_label("C. Mutualisation et coopération économique").check()
    for item, outcome, motivation in [
        (recyclerie, "Sur liste d'attente", "Les places de mk2 sont attribuées."),
        (epices, "Non retenue", "Le projet doit mûrir avant l'installation."),
    ]:
        block = coordinator.locator(f"#dossier-{item.pk}")
        block.get_by_label(re.compile("Décision sur")).select_option(label=outcome)
        block.get_by_label("Motivation (transmise à la structure)").fill(motivation)
    coordinator.get_by_role("button", name="Enregistrer les décisions").click()
    assert see(coordinator.get_by_text("3 décisions enregistrées."))
    decision = Decision.objects.get(item=paniers)
    assert (decision.outcome, decision.site.code) == ("accepted_with_conditions", "friche")
    assert [p.email for p in decision.abstaining_members.all()] == ["comite-ramsess@example.org"]

    # 4. The structure reads the motivation and the condition.
    structure = signed_in("paniers@example.org")
    structure.goto(paniers.dossier.get_absolute_url())
    assert see(structure.get_by_text(MOTIVATION))
    assert see(structure.get_by_text(CONDITION).first)
    assert see(structure.get_by_text("Retenu", exact=True))
    assert structure.get_by_text("Le réemploi manque au quartier.").count() == 0

    # 5. The structure's plan, drafted from its diagnostic, carries the committee's action.
    coordinator.get_by_role("link", name="Plans", exact=True).click()
    coordinator.get_by_role("link", name="Rédiger un plan").click()
    field(coordinator, "Structure").select_option(label="Les Paniers du Vieux-Port")
    field(coordinator, "Appel à candidatures").select_option(label="Appel à candidatures CCR 2011")
    coordinator.get_by_role("button", name="Créer le plan à partir des diagnostics").click()
    assert see(
        coordinator.get_by_role(
            "link", name="Mutualisation et coopération économique (recommandation du comité)"
        )
    )
