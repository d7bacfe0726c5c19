from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ccr_portal.users.models import Role
from ccr_portal.validators import validate_rna, validate_siret


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StructureQuerySet":
        """The structures a person may read: their own, or all for the coordination."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        return self.filter(memberships__user=user).distinct()


class Structure(models.Model):
    """A candidate structure, future resident of the CCR."""

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", "Association loi 1901"
        SCOP = "scop", "SCOP"
        SCIC = "scic", "SCIC"
        ESS_COMPANY = "ess_company", "SARL / SAS de l'ESS"
        SOLE_TRADER = "sole_trader", "Entreprise individuelle"
        OTHER = "other", "Autre"

    class Sector(models.TextChoices):
        FOOD = "food", "Alimentation"
        TEXTILE = "textile", "Textile"
        HOME = "home", "Maison"
        RESTAURANT = "restaurant", "Restauration"
        SOLIDARITY_TOURISM = "solidarity_tourism", "Tourisme solidaire"
        SERVICES = "services", "Services"
        OTHER = "other", "Autre"

    name = models.CharField("nom de la structure", max_length=200)
    legal_form = models.CharField("forme juridique", max_length=20, choices=LegalForm.choices)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres, sans espaces.",
    )
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text="Pour une association sans SIRET : W suivi de 9 chiffres.",
    )
    address = models.CharField("adresse", max_length=250)
    postal_code = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=100)
    sector = models.CharField("secteur d'activité", max_length=30, choices=Sector.choices)
    year_founded = models.PositiveSmallIntegerField(
        "année de création",
        null=True,
        blank=True,
        validators=[MinValueValidator(1850), MaxValueValidator(2100)],
    )
    staff_fte = models.DecimalField(
        "salariés (ETP)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    volunteers = models.PositiveIntegerField("bénévoles", null=True, blank=True)
    last_budget = models.DecimalField(
        "dernier budget annuel ou chiffre d'affaires (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    website = models.URLField("site web", blank=True)
    description = models.TextField("présentation de l'activité", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(siret="") | ~Q(rna=""),
                name="structure_has_siret_or_rna",
                violation_error_message=(
                    "Indiquez le SIRET ou, pour une association, le numéro RNA."
                ),
            ),
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="unique_structure_siret",
                violation_error_message="Une structure avec ce SIRET existe déjà sur le portail.",
            ),
            models.UniqueConstraint(
                fields=["rna"],
                condition=~Q(rna=""),
                name="unique_structure_rna",
                violation_error_message="Une structure avec ce numéro RNA existe déjà.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("applicants:structure-detail", kwargs={"pk": self.pk})

    @property
    def identifier(self) -> str:
        return f"SIRET {self.siret}" if self.siret else f"RNA {self.rna}"


class Membership(models.Model):
    """A person's place in a structure: an editor fills the dossier, a reader follows it."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Éditeur"
        READER = "reader", "Lecteur"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField("depuis le", default=timezone.now)

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"
        ordering = ["structure", "user__last_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "user"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.structure})"


class Site(models.Model):
    """A candidate site of the CCR, with the risk it carries for residents."""

    code = models.SlugField("code", max_length=30, unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("présentation", blank=True)
    risk = models.TextField("enjeu pour les résidents", blank=True)

    class Meta:
        verbose_name = "site"
        verbose_name_plural = "sites"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def open_on(self, day) -> "CampaignQuerySet":
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Campaign(models.Model):
    """An call for applications (appel à candidatures)."""

    title = models.CharField("titre", max_length=200, unique=True)
    opens_on = models.DateField("ouverture des candidatures")
    closes_on = models.DateField("clôture des candidatures")
    sites = models.ManyToManyField(Site, related_name="campaigns", verbose_name="sites proposés")
    description = models.TextField("présentation", blank=True)
    information_day = models.DateField("journée d'information", null=True, blank=True)
    information_day_place = models.CharField(
        "lieu de la journée d'information", max_length=200, blank=True
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "appel à candidatures"
        verbose_name_plural = "appels à candidatures"
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_opening",
                violation_error_message="La clôture doit suivre l'ouverture.",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on
