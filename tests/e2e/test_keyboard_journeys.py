"""Journeys with the keyboard alone: Tab, Shift+Tab, Enter, Space and the arrows.

Every step reaches its control by tabbing, checks that the focus is visible
there (a solid outline of at least 2 px), then acts with a key. The file of a
document is given through the file chooser that Space opens, as a person
would pick it.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from applicants.models import Dossier, DossierStatus
from committee.models import Opinion, OpinionValue
from tests import files
from tests.committee.factories import (
    campaign_with_sites,
    committee_member,
    reviewed_dossier,
    scheduled_meeting,
)
from tests.factories import (
    PASSWORD,
    CampaignFactory,
    DocumentTypeFactory,
    DossierFactory,
    MembershipFactory,
    UserFactory,
    fill_dossier,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The accessible name of the focused element, roughly as a screen reader says it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: '', outline: 'none', width: 0, id: ''};
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  const name = (label || el.getAttribute('aria-label') || el.innerText || el.value || '')
    .replace(/[\\s*]+/g, ' ').trim();
  const style = getComputedStyle(el);
  return {name, outline: style.outlineStyle, width: parseFloat(style.outlineWidth), id: el.id};
}"""


def tab_to(page, name: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Tab (or Shift+Tab) until the focused element's name starts with ``name``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused["name"].replace("\u00a0", " ").replace("\u202f", " ").startswith(name):
            assert focused["outline"] != "none", f"focus invisible sur « {name} » : {focused}"
            assert focused["width"] >= 2, f"focus trop fin sur « {name} » : {focused}"
            return
    raise AssertionError(f"« {name} » n'est pas atteint au clavier ({key} × {limit})")


def press(page, key: str) -> None:
    """A key that follows a link or sends a form: wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_file(page, path) -> None:
    """Space on the focused file input opens the chooser (Enter too, if a busy machine lost it)."""
    for key in ("Space", "Enter"):
        try:
            with page.expect_file_chooser(timeout=8_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError("le sélecteur de fichier ne s'ouvre pas au clavier")


def log_in_by_keyboard(page, email: str) -> None:
    page.goto("/compte/login/")
    tab_to(page, "Courriel")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    press(page, "Enter")


@pytest.fixture
def dossier(tmp_path):
    """A dossier complete but for its budget, whose editor is Nadia."""
    campaign = CampaignFactory(title="Appel à candidatures CCR 2011")
    editor = UserFactory(applicant=True, email="nadia@epicerie.example", first_name="Nadia")
    membership = MembershipFactory(user=editor, structure__name="Épicerie Solidaire du Panier")
    dossier = DossierFactory(structure=membership.structure, campaign=campaign)
    fill_dossier(dossier)
    campaign.required_document_types.add(
        DocumentTypeFactory(code="budget", name="Budget prévisionnel")
    )
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(files.pdf("Budget prévisionnel"))
    return dossier, budget


def test_an_applicant_fills_and_submits_a_dossier_with_a_document(page, dossier):
    dossier, budget = dossier
    log_in_by_keyboard(page, "nadia@epicerie.example")

    tab_to(page, "Épicerie Solidaire du Panier · Appel à candidatures CCR 2011")
    press(page, "Enter")
    # A section: the surface typed, the type of activity chosen with the arrows.
    tab_to(page, "Modifier le projet d'installation")
    press(page, "Enter")
    tab_to(page, "Surface souhaitée (m²)")
    page.keyboard.press("Control+A")
    page.keyboard.type("75")
    tab_to(page, "Type d'activité")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Enregistrer")
    # One step back and forth: Shift+Tab leaves the button, Tab comes back to it.
    page.keyboard.press("Shift+Tab")
    tab_to(page, "Enregistrer")
    press(page, "Enter")
    assert page.get_by_role("status").get_by_text("enregistrée").is_visible()

    # The missing document: its type with the arrows, its file through the chooser.
    tab_to(page, "Type de pièce")
    for _ in range(5):
        if page.evaluate("document.activeElement.selectedOptions[0].text") == (
            "Budget prévisionnel"
        ):
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "Fichier")
    choose_file(page, budget)
    tab_to(page, "Ajouter la pièce")
    press(page, "Enter")

    tab_to(page, "Déposer le dossier")
    press(page, "Enter")
    tab_to(page, "Déposer le dossier")
    press(page, "Space")
    assert (
        page.get_by_role("status")
        .get_by_text("Le dossier a été déposé auprès de la coordination.")
        .is_visible()
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.wished_surface_m2 == 75
    assert dossier.attachments.filter(document_type__code="budget").count() == 1


def test_a_coordinator_requests_changes_and_the_errors_take_the_focus(page):
    UserFactory(coordinator=True, email="myriam@regain.example")
    dossier = DossierFactory(
        structure__name="Épicerie Solidaire du Panier", status=DossierStatus.SUBMITTED
    )
    fill_dossier(dossier)
    log_in_by_keyboard(page, "myriam@regain.example")

    tab_to(page, "Dossiers")
    press(page, "Enter")
    tab_to(page, "Épicerie Solidaire du Panier")
    press(page, "Enter")
    tab_to(page, "Demander des compléments")
    press(page, "Enter")

    # Sent empty: refused, and the focus goes to the error summary.
    tab_to(page, "Demander des compléments")
    press(page, "Enter")
    assert page.evaluate(FOCUSED)["id"] == "erreurs-formulaire"
    assert Dossier.objects.get().status == DossierStatus.SUBMITTED
    # Its first entry leads to the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["name"].startswith("Motif")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Message à la structure")
    page.keyboard.type("Le budget prévisionnel date de 2009 : merci de l'actualiser.")
    tab_to(page, "Demander des compléments")
    press(page, "Enter")

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CHANGES_REQUESTED
    assert dossier.transitions.get(to_status=DossierStatus.CHANGES_REQUESTED).reason


def test_the_focus_stays_in_a_region_that_htmx_replaces(page):
    membership = MembershipFactory(
        user=UserFactory(applicant=True, email="nadia@epicerie.example"),
        structure__name="Épicerie Solidaire du Panier",
    )
    log_in_by_keyboard(page, "nadia@epicerie.example")
    page.goto(membership.structure.get_absolute_url())

    tab_to(page, "Générer la fiche structure")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Télécharger la fiche structure").wait_for()
    # The region was replaced without a page load: the focus is on its new first control.
    assert page.evaluate(FOCUSED)["name"] == "Télécharger la fiche structure"


def test_a_committee_member_gives_an_opinion(page):
    coordinator = UserFactory(coordinator=True)
    member = committee_member(email="claire@region.example", first_name="Claire")
    campaign = campaign_with_sites()
    dossier = reviewed_dossier(campaign, "Épicerie Solidaire du Panier")
    scheduled_meeting(coordinator, campaign, [member], dossiers=[dossier], quorum=1)
    log_in_by_keyboard(page, "claire@region.example")

    tab_to(page, "donner mes avis")
    press(page, "Enter")
    # The radio group takes the focus on its checked choice; the arrows move the choice.
    tab_to(page, "Pas encore d'avis")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(FOCUSED)["name"] == "Favorable"
    tab_to(page, "Commentaire sur « Épicerie Solidaire du Panier »")
    page.keyboard.type("Projet solide, ancré dans le quartier.")
    tab_to(page, "Enregistrer mes avis")
    press(page, "Enter")

    opinion = Opinion.objects.get()
    assert (opinion.member, opinion.value) == (member, OpinionValue.FAVOURABLE)
    assert opinion.comment == "Projet solide, ancré dans le quartier."
