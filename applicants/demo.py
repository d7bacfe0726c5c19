"""Demo campaign, sites and structures."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ccr_portal.users.models import User

from .models import Campaign, Membership, Site, Structure

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
]


def load(stdout) -> None:
    sites = []
    for code, name, description, risk in SITES:
        site, _ = Site.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "risk": risk}
        )
        sites.append(site)

    # The demo call is open around today so that every screen has something to show.
    today = timezone.localdate()
    campaign, _ = Campaign.objects.update_or_create(
        title="Appel à candidatures CCR 2011",
        defaults={
            "opens_on": today - datetime.timedelta(days=30),
            "closes_on": today + datetime.timedelta(days=60),
            "description": (
                "Appel à candidatures des futurs résidents de la Cité de la Consommation "
                "Responsable : boutiques, ateliers et bureaux de l'économie sociale et solidaire."
            ),
            "information_day": today + datetime.timedelta(days=14),
            "information_day_place": "Cité des Associations, 93 La Canebière, Marseille",
        },
    )
    campaign.sites.set(sites)

    for (
        name,
        legal_form,
        siret,
        rna,
        address,
        postal_code,
        city,
        sector,
        year,
        fte,
        volunteers,
        budget,
        members,
    ) in STRUCTURES:
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
    stdout.write(f"Appel « {campaign.title} », {len(STRUCTURES)} structures de démonstration.")
