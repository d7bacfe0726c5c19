import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from applicants.completeness import required_economic_years
from applicants.models import (
    Attachment,
    AxisWish,
    Campaign,
    CharterCommitment,
    DocumentType,
    Dossier,
    DossierStatus,
    EconomicYear,
    Membership,
    Site,
    SitePreference,
    Structure,
)
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.users.models import Funder, Provider, Role, RoleAssignment, User
from ccr_portal.validators import luhn_completed

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
    return luhn_completed(f"{732829320 + n:09d}0001")


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
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"piece-{n}")
    name = factory.Sequence(lambda n: f"Pièce {n}")


def _pdf_bytes(text: str = "Document") -> bytes:
    """A small but real PDF (WeasyPrint, rendered once per text), as a supporting document."""
    from tests.files import pdf

    return pdf(text)


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier; ``complete=True`` fills every section and provides every document.

    Status traits record the path that led there, like the services would.
    """

    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    campaign = factory.SubFactory(CampaignFactory)

    @factory.post_generation
    def editor(self, create, extracted, **kwargs):
        if extracted:
            Membership.objects.get_or_create(
                structure=self.structure, user=extracted, defaults={"role": Membership.Role.EDITOR}
            )

    @classmethod
    def _create(cls, model_class, *args, complete=False, status=None, **kwargs):
        dossier = super()._create(model_class, *args, **kwargs)
        if complete:
            fill_dossier(dossier)
        if status:
            dossier.status = status
            if status != DossierStatus.DRAFT:
                dossier.submitted_at = timezone.now()
            dossier.save()
        return dossier


def fill_dossier(dossier) -> None:
    """Every section complete and every required document provided."""
    campaign = dossier.campaign
    if not campaign.sites.exists():
        campaign.sites.add(SiteFactory())
    if not campaign.charter_commitments.exists():
        CharterCommitment.objects.create(campaign=campaign, text="Commerce équitable", position=1)
    if not campaign.required_document_types.exists():
        campaign.required_document_types.add(DocumentTypeFactory(code="statuts", name="Statuts"))
    dossier.wished_surface_m2 = 60
    dossier.activity_type = Dossier.ActivityType.SHOP
    dossier.expected_move_in = timezone.localdate() + datetime.timedelta(days=200)
    dossier.current_premises = "Local de 40 m²"
    dossier.expected_effect = "Plus de clients"
    dossier.save()
    for rank, site in enumerate(campaign.sites.all(), start=1):
        SitePreference.objects.get_or_create(dossier=dossier, site=site, defaults={"rank": rank})
    dossier.charter_commitments.set(campaign.charter_commitments.all())
    for year in required_economic_years(dossier):
        EconomicYear.objects.update_or_create(
            dossier=dossier,
            year=year,
            defaults={
                "turnover": Decimal("150000"),
                "result": Decimal("2500"),
                "equity": Decimal("20000"),
                "staff_fte": Decimal("3"),
            },
        )
    AxisWish.objects.get_or_create(
        dossier=dossier, axis="diagnostic", defaults={"reason": "Faire le point"}
    )
    for document_type in campaign.required_document_types.all():
        attachment = Attachment(
            dossier=dossier,
            document_type=document_type,
            original_name=f"{document_type.code}.pdf",
            file_kind="pdf",
            size=0,
        )
        data = _pdf_bytes(document_type.name)
        attachment.size = len(data)
        attachment.file.save("piece.pdf", ContentFile(data), save=False)
        attachment.save()
        scanned_file_schedule(scanned=attachment)
