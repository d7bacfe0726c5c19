"""Data for the benchmark: structures with members, staff accounts."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse

from applicants.models import Membership, Structure
from ccr_portal.users.models import Role, RoleAssignment, User


@dataclass
class BenchData:
    pages: list = field(default_factory=list)
    sheets: list = field(default_factory=list)


def _siret(n: int) -> str:
    base = f"{100000000 + n:09d}0001"
    for check in range(10):
        candidate = f"{base}{check}"
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError


def generate(*, structures: int) -> BenchData:
    coordinator = User.objects.create_user("coordination@bench.example", "bench")
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR)
    applicant = User.objects.create_user("candidat@bench.example", "bench")
    RoleAssignment.objects.create(user=applicant, role=Role.APPLICANT)

    members = User.objects.bulk_create(
        User(email=f"membre{n}@bench.example") for n in range(structures)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.APPLICANT) for user in members
    )
    created = Structure.objects.bulk_create(
        Structure(
            name=f"Structure {n:04d}",
            legal_form=Structure.LegalForm.ASSOCIATION,
            siret=_siret(n),
            address="1 rue de la République",
            postal_code="13001",
            city="Marseille",
            sector=list(Structure.Sector.values)[n % 7],
            last_budget=Decimal(50000 + n),
        )
        for n in range(structures)
    )
    Membership.objects.bulk_create(
        Membership(structure=structure, user=user)
        for structure, user in zip(created, members, strict=True)
    )
    Membership.objects.create(structure=created[0], user=applicant)

    data = BenchData()
    data.pages = [
        ("liste des structures (coordination)", coordinator, reverse("applicants:structure-list")),
        (
            "tableau de bord coordination",
            coordinator,
            reverse("dashboard", kwargs={"role": "coordinator"}),
        ),
        ("équipe et rôles", coordinator, reverse("users:user-list")),
        ("tableau de bord candidat", applicant, reverse("dashboard", kwargs={"role": "applicant"})),
        ("fiche d'une structure", applicant, created[0].get_absolute_url()),
    ]
    data.sheets = [(structure, coordinator) for structure in created[:10]]
    return data
