"""Demo campaign, sites, structures and dossiers in several states, with their exchanges."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.axes import Axis
from ccr_portal.users.models import User

from .models import (
    Attachment,
    AxisWish,
    Campaign,
    CharterCommitment,
    DocumentType,
    Dossier,
    DossierStatus,
    DossierTransition,
    EconomicYear,
    FinancingNeed,
    Membership,
    Message,
    PrivateNote,
    Site,
    SitePreference,
    Structure,
)

SITES = [
    (
        "mk2",
        "mk2",
        "Site à fort passage : la CCR y accueillerait un public nombreux.",
        "Apprendre à gérer des flux importants de visiteurs.",
    ),
    (
        "friche",
        "la Friche Belle de Mai",
        "Friche culturelle du quartier de la Belle de Mai.",
        "Gérer une montée en charge plus lente : tenir plus longtemps.",
    ),
]

DOCUMENT_TYPES = [
    ("statuts", "Statuts", "Statuts à jour, signés."),
    (
        "derniers-comptes",
        "Derniers comptes",
        "Bilan et compte de résultat du dernier exercice clos.",
    ),
    ("budget-previsionnel", "Budget prévisionnel", "Budget de l'année d'installation."),
    (
        "recepisse-kbis",
        "Récépissé de déclaration ou extrait Kbis",
        "Récépissé de préfecture pour une association, Kbis pour une société.",
    ),
]

CHARTER = [
    "Proposer des produits ou services issus du commerce équitable, de l'agriculture "
    "biologique, du réemploi ou de circuits courts.",
    "Pratiquer une gouvernance démocratique ou participative.",
    "Mener une politique salariale et sociale responsable.",
    "Participer à la vie collective de la CCR : association des résidents, temps partagés.",
    "S'engager dans une démarche de progrès sur la responsabilité de sa filière.",
]

CALENDAR = """Journée d'information animée par Regain (voir ci-contre)
Diagnostics légers sur demande, avant le dépôt
Instruction des dossiers après la clôture
Comité de sélection un mois après la clôture"""

# (name, legal form, siret, rna, address, postal code, city, sector, year, fte,
#  volunteers, budget, members: [(email, role)])
STRUCTURES = [
    (
        "Épicerie Solidaire du Panier",
        Structure.LegalForm.ASSOCIATION,
        "",
        "W131000123",
        "12 rue du Panier",
        "13002",
        "Marseille",
        Structure.Sector.FOOD,
        2004,
        Decimal("3.5"),
        25,
        Decimal("185000"),
        [("applicant@example.org", Membership.Role.EDITOR)],
    ),
    (
        "Fil Rouge Textile",
        Structure.LegalForm.SCOP,
        "73282932000074",
        "",
        "45 boulevard National",
        "13003",
        "Marseille",
        Structure.Sector.TEXTILE,
        2008,
        Decimal("6"),
        0,
        Decimal("420000"),
        [("applicant@example.org", Membership.Role.READER)],
    ),
    (
        "Voyages Équitables Méditerranée",
        Structure.LegalForm.SCIC,
        "44306184100047",
        "",
        "8 cours Julien",
        "13006",
        "Marseille",
        Structure.Sector.SOLIDARITY_TOURISM,
        2010,
        Decimal("2"),
        8,
        Decimal("96000"),
        [("applicant2@example.org", Membership.Role.EDITOR)],
    ),
    (
        "Le Passe-Plat",
        Structure.LegalForm.ESS_COMPANY,
        "55210055400005",
        "",
        "3 rue Thubaneau",
        "13001",
        "Marseille",
        Structure.Sector.RESTAURANT,
        2006,
        Decimal("9"),
        0,
        Decimal("610000"),
        [("applicant2@example.org", Membership.Role.EDITOR)],
    ),
    (
        "Atelier Vélo Solidaire",
        Structure.LegalForm.ASSOCIATION,
        "",
        "W132004567",
        "20 rue d'Aubagne",
        "13001",
        "Marseille",
        Structure.Sector.SERVICES,
        2009,
        Decimal("1.5"),
        40,
        Decimal("64000"),
        [("applicant2@example.org", Membership.Role.EDITOR)],
    ),
    # Decided by the past committee or withdrawn: seen by the coordination only.
    (
        "Les Petites Mains du Cours Julien",
        Structure.LegalForm.ASSOCIATION,
        "",
        "W132005678",
        "31 cours Julien",
        "13006",
        "Marseille",
        Structure.Sector.TEXTILE,
        2012,
        Decimal("2"),
        12,
        Decimal("78000"),
        [],
    ),
    (
        "Torréfaction Paysanne de Noailles",
        Structure.LegalForm.SCOP,
        "81234567800019",
        "",
        "7 rue Longue des Capucins",
        "13001",
        "Marseille",
        Structure.Sector.FOOD,
        2015,
        Decimal("3"),
        0,
        Decimal("230000"),
        [],
    ),
    (
        "Savonnerie du Vieux Moulin",
        Structure.LegalForm.ESS_COMPANY,
        "79876543200027",
        "",
        "14 rue Sainte",
        "13001",
        "Marseille",
        Structure.Sector.HOME,
        2013,
        Decimal("4"),
        0,
        Decimal("310000"),
        [],
    ),
]

# The usual path of a dossier through the workflow (see workflows.py).
USUAL_PATH = [
    ("submit", DossierStatus.SUBMITTED),
    ("start_review", DossierStatus.UNDER_REVIEW),
    ("send_to_committee", DossierStatus.IN_COMMITTEE),
    ("accept", DossierStatus.ACCEPTED),
    ("mark_installed", DossierStatus.INSTALLED),
]
CHANGES_MESSAGE = "Le budget prévisionnel manque : pouvez-vous l'ajouter ?"
WITHDRAW_MESSAGE = "Nous préférons attendre d'avoir stabilisé notre modèle économique."

# The demo's calendar, in days before today. The call opened ten months ago and stays
# open; a first committee met eight months ago and decided on the residents (they moved
# in five months ago); the other dossiers came in lately and are on their way.
CALL_OPENED_DAYS_AGO = 300
DECIDED_DAYS_AGO = 255
DECIDED = (
    DossierStatus.ACCEPTED,
    DossierStatus.WAITLISTED,
    DossierStatus.REJECTED,
    DossierStatus.INSTALLED,
)
# When each step happened (days ago): for a dossier the past committee decided on, and
# for one still on its way.
DECIDED_STEPS = {
    "submit": 285,
    "start_review": 280,
    "send_to_committee": 265,
    "accept": DECIDED_DAYS_AGO,
    "waitlist": DECIDED_DAYS_AGO,
    "reject": DECIDED_DAYS_AGO,
    "mark_installed": 150,
}
RECENT_STEPS = {
    "submit": 20,
    "request_changes": 15,
    "start_review": 17,
    "send_to_committee": 12,
    "withdraw": 4,
}

# Where each demo dossier of this app stands.
DOSSIER_TARGETS = {
    "Épicerie Solidaire du Panier": DossierStatus.DRAFT,
    "Fil Rouge Textile": DossierStatus.ACCEPTED,
    "Voyages Équitables Méditerranée": DossierStatus.CHANGES_REQUESTED,
    "Le Passe-Plat": DossierStatus.IN_COMMITTEE,
    "Atelier Vélo Solidaire": DossierStatus.ACCEPTED,
    "Les Petites Mains du Cours Julien": DossierStatus.WAITLISTED,
    "Torréfaction Paysanne de Noailles": DossierStatus.REJECTED,
    "Savonnerie du Vieux Moulin": DossierStatus.WITHDRAWN,
}


def load(stdout) -> None:
    sites = [
        Site.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "risk": risk}
        )[0]
        for code, name, description, risk in SITES
    ]
    document_types = [
        DocumentType.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )[0]
        for code, name, description in DOCUMENT_TYPES
    ]

    # The demo call is open around today so that every screen has something to show.
    today = timezone.localdate()
    campaign, _ = Campaign.objects.update_or_create(
        title="Appel à candidatures CCR 2011",
        defaults={
            "opens_on": today - datetime.timedelta(days=CALL_OPENED_DAYS_AGO),
            "closes_on": today + datetime.timedelta(days=60),
            "description": (
                "Appel à candidatures des futurs résidents de la Cité de la Consommation "
                "Responsable : boutiques, ateliers et bureaux de l'économie sociale et solidaire."
            ),
            "calendar": CALENDAR,
            "information_day": today + datetime.timedelta(days=14),
            "information_day_place": "Cité des Associations, 93 La Canebière, Marseille",
            "securing_timing": Campaign.SecuringTiming.BOTH,
        },
    )
    campaign.sites.set(sites)
    campaign.required_document_types.set(document_types)
    for position, text in enumerate(CHARTER, start=1):
        CharterCommitment.objects.update_or_create(
            campaign=campaign, text=text, defaults={"position": position}
        )

    for row in STRUCTURES:
        structure = _structure(row)
        demo_dossier(structure, campaign, DOSSIER_TARGETS[structure.name])
    stdout.write(f"Appel « {campaign.title} » : {len(STRUCTURES)} structures et leurs dossiers.")


def _structure(row) -> Structure:
    (name, legal_form, siret, rna, address, postal_code, city, sector, year, fte, volunteers,
     budget, members) = row  # fmt: skip
    structure, _ = Structure.objects.update_or_create(
        name=name,
        defaults={
            "legal_form": legal_form,
            "siret": siret,
            "rna": rna,
            "address": address,
            "postal_code": postal_code,
            "city": city,
            "sector": sector,
            "year_founded": year,
            "staff_fte": fte,
            "volunteers": volunteers,
            "last_budget": budget,
        },
    )
    for email, role in members:
        Membership.objects.update_or_create(
            structure=structure, user=User.objects.get(email=email), defaults={"role": role}
        )
    return structure


def demo_dossier(structure: Structure, campaign: Campaign, status: str) -> Dossier:
    """A demo dossier brought to ``status`` along the workflow, with its history.

    Idempotent, and meant for the other apps' demos too: a dossier is filled in
    once (completely, unless it stays a draft), then only moves forward.
    """
    editor = (
        structure.memberships.filter(role=Membership.Role.EDITOR).select_related("user").first()
    )
    author = editor.user if editor else None
    dossier, created = Dossier.objects.get_or_create(
        structure=structure,
        campaign=campaign,
        # Started a few days ago; a dossier with a history is dated before its first step.
        defaults={"created_by": author, "created_at": timezone.now() - datetime.timedelta(days=6)},
    )
    if created:
        _fill(dossier, complete=status != DossierStatus.DRAFT)
    _walk(dossier, status, author)
    return dossier


def _fill(dossier: Dossier, *, complete: bool) -> None:
    structure, campaign = dossier.structure, dossier.campaign
    sites = list(campaign.sites.all())
    document_types = list(campaign.required_document_types.order_by("code"))
    author = dossier.created_by
    dossier.wished_surface_m2 = 40 + 10 * len(structure.name) % 60
    dossier.activity_type = {
        Structure.Sector.RESTAURANT: Dossier.ActivityType.RESTAURANT,
        Structure.Sector.SERVICES: Dossier.ActivityType.WORKSHOP,
        Structure.Sector.SOLIDARITY_TOURISM: Dossier.ActivityType.OFFICE,
    }.get(structure.sector, Dossier.ActivityType.SHOP)
    dossier.expected_move_in = timezone.localdate() + datetime.timedelta(days=240)
    dossier.current_premises = f"Local de {dossier.wished_surface_m2 - 15} m² à {structure.city}."
    if complete:
        dossier.expected_effect = (
            "Plus de passage et de visibilité : hausse attendue du chiffre d'affaires, "
            "loyer plus élevé à couvrir la première année."
        )
    dossier.save()
    for rank, site in enumerate(sites if complete else sites[:1], start=1):
        SitePreference.objects.create(dossier=dossier, site=site, rank=rank)
    dossier.charter_commitments.set(
        campaign.charter_commitments.all() if complete else campaign.charter_commitments.all()[:2]
    )
    this_year = timezone.localdate().year
    for offset in (1, 2) if complete else (1,):
        EconomicYear.objects.create(
            dossier=dossier,
            year=this_year - offset,
            turnover=(structure.last_budget or Decimal("80000")) - 10000 * offset,
            result=Decimal("3500") - 1000 * offset,
            equity=Decimal("22000") + 2000 * offset,
            staff_fte=structure.staff_fte or Decimal("1"),
        )
    AxisWish.objects.create(
        dossier=dossier,
        axis=Axis.DIAGNOSTIC,
        reason="Faire le point avant de s'engager dans la CCR.",
    )
    AxisWish.objects.create(
        dossier=dossier,
        axis=Axis.FINANCING,
        reason="Financer l'aménagement et le stock de départ." if complete else "",
    )
    FinancingNeed.objects.create(
        dossier=dossier, category="shop_fitout", amount=Decimal("18000"), note="Mobilier, vitrine"
    )
    FinancingNeed.objects.create(
        dossier=dossier, category="working_capital", amount=Decimal("12500")
    )
    provided = document_types if complete else document_types[:1]
    for document_type in provided:
        _demo_attachment(dossier, document_type, author)


def _path_to(status: str) -> list[tuple[str, str]]:
    if status == DossierStatus.CHANGES_REQUESTED:
        return [USUAL_PATH[0], ("request_changes", DossierStatus.CHANGES_REQUESTED)]
    if status == DossierStatus.WAITLISTED:
        return [*USUAL_PATH[:3], ("waitlist", DossierStatus.WAITLISTED)]
    if status == DossierStatus.REJECTED:
        return [*USUAL_PATH[:3], ("reject", DossierStatus.REJECTED)]
    if status == DossierStatus.WITHDRAWN:
        return [*USUAL_PATH[:2], ("withdraw", DossierStatus.WITHDRAWN)]
    return USUAL_PATH


def _walk(dossier: Dossier, status: str, author) -> None:
    """Record the transitions from where the dossier stands to ``status``, dated in order.

    A dossier the past committee decided on went through the committee eight months ago;
    any other came in lately. A later step never predates the one before it.
    """
    if dossier.status == status:
        return
    coordinator = User.objects.get(email="coordinator@example.org")
    steps = _path_to(status)
    targets = [target for _action, target in steps]
    if status not in targets:
        raise ValueError(f"No demo path to {status}")
    done = targets.index(dossier.status) + 1 if dossier.status in targets else 0
    first_steps = not dossier.transitions.exists()
    calendar = DECIDED_STEPS if status in DECIDED else RECENT_STEPS
    now = timezone.now()
    last = dossier.transitions.order_by("-created_at").values_list("created_at", flat=True).first()
    for action, target in steps[done : targets.index(status) + 1]:
        actor = author if action in ("submit", "withdraw") else coordinator
        at = now - datetime.timedelta(days=calendar[action])
        if last is not None:
            at = min(max(at, last + datetime.timedelta(hours=2)), now)
        last = at
        message = {"request_changes": CHANGES_MESSAGE, "withdraw": WITHDRAW_MESSAGE}.get(action, "")
        DossierTransition.objects.create(
            dossier=dossier,
            action=action,
            from_status=dossier.status,
            to_status=target,
            actor=actor,
            reason="incomplete" if action == "request_changes" else "",
            comment=message,
            created_at=at,
        )
        Message.objects.create(
            dossier=dossier,
            author=actor,
            from_coordination=actor == coordinator,
            is_automatic=True,
            body=(
                f"« {DossierStatus(dossier.status).label} » → « {DossierStatus(target).label} »."
                f"\n{message}"
            ).strip(),
            created_at=at,
        )
        if action == "submit":
            dossier.submitted_at = at
            # Filled in over the days before it was submitted.
            dossier.created_at = min(dossier.created_at, at - datetime.timedelta(days=5))
        dossier.status = target
    dossier.instructor = coordinator
    dossier.save()
    if first_steps:
        Message.objects.create(
            dossier=dossier,
            author=author,
            body="Bonjour, nous restons disponibles pour toute précision sur notre projet.",
            created_at=dossier.submitted_at + datetime.timedelta(hours=1),
        )
        PrivateNote.objects.create(
            dossier=dossier,
            author=coordinator,
            body="Structure solide ; vérifier la trésorerie au moment du déménagement.",
        )


def _demo_attachment(dossier, document_type, author) -> None:
    from weasyprint import HTML

    pdf = HTML(
        string=(
            f"<h1>{document_type.name}</h1><p>{dossier.structure.name}</p>"
            "<p>Document de démonstration.</p>"
        )
    ).write_pdf()
    attachment = Attachment(
        dossier=dossier,
        document_type=document_type,
        original_name=f"{document_type.code}.pdf",
        file_kind="pdf",
        size=len(pdf),
        uploaded_by=author,
    )
    attachment.file.save("demo.pdf", ContentFile(pdf))
    scanned_file_schedule(scanned=attachment)
