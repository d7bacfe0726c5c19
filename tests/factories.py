from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from applicants.models import Campaign, Membership, Site, Structure
from ccr_portal.users.models import Funder, Provider, Role, RoleAssignment, User

PASSWORD = "mot-de-passe-solide-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    roles = factory.LazyAttribute(lambda o: [role for role in Role if getattr(o, role.value)])

    class Params:
        applicant = False
        coordinator = False
        provider = False
        committee = False
        funder = False

    @classmethod
    def _create(cls, model_class, *args, roles=(), verified=True, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        for role in roles:
            RoleAssignment.objects.create(user=user, role=role)
        if verified:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Structure d'accompagnement {n}")
    short_name = factory.Sequence(lambda n: f"SA{n}")


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    name = factory.Sequence(lambda n: f"Fonds solidaire {n}")
    short_name = factory.Sequence(lambda n: f"FS{n}")


def _valid_siret(n: int) -> str:
    base = f"{732829320 + n:09d}0001"
    for check in range(10):
        candidate = f"{base}{check}"
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure solidaire {n}")
    legal_form = Structure.LegalForm.ASSOCIATION
    siret = factory.Sequence(_valid_siret)
    address = "1 rue de la République"
    postal_code = "13001"
    city = "Marseille"
    sector = Structure.Sector.FOOD
    year_founded = 2005
    staff_fte = Decimal("2.5")
    volunteers = 12
    last_budget = Decimal("125000")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    structure = factory.SubFactory(StructureFactory)
    user = factory.SubFactory(UserFactory, applicant=True)
    role = Membership.Role.EDITOR


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    code = "mk2"
    name = "mk2"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Appel à candidatures {n}")
    opens_on = factory.Faker("date_between", start_date="-30d", end_date="-1d")
    closes_on = factory.Faker("date_between", start_date="+1d", end_date="+60d")
