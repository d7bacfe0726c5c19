import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ccr_portal.antivirus.models import ScannedFile
from ccr_portal.axes import Axis
from ccr_portal.choices import in_declared_order
from ccr_portal.formatting import with_preposition
from ccr_portal.history import TransitionRecord
from ccr_portal.uploads import private_name
from ccr_portal.users.models import Role
from ccr_portal.validators import validate_rna, validate_siret

from .access import worked_structures_condition


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StructureQuerySet":
        """The structures a person may read: their own, or all for the coordination."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        # Subqueries, not joins through the memberships: no row repeated, no DISTINCT.
        mine = Q(pk__in=[])
        if user.has_role(Role.APPLICANT):
            mine |= Q(pk__in=user.memberships.values("structure_id"))
        if user.has_role(Role.PROVIDER):
            mine |= worked_structures_condition(user)
        return self.filter(mine)


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
        # The structure list and the dossier list sorted by name read it in order.
        indexes = [
            models.Index(fields=["name", "id"], name="structure_name_idx"),
            # The coordination's counts per sector, and the dossier list's sector filter.
            models.Index(fields=["sector"], name="structure_sector_idx"),
        ]
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


class DocumentType(models.Model):
    """A kind of supporting document (pièce justificative) a campaign may require."""

    code = models.SlugField("code", max_length=50, unique=True)
    name = models.CharField("nom", max_length=150, unique=True)
    description = models.CharField("précision", max_length=300, blank=True)

    class Meta:
        verbose_name = "type de pièce justificative"
        verbose_name_plural = "types de pièces justificatives"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def open_on(self, day) -> "CampaignQuerySet":
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Campaign(models.Model):
    """A call for applications (appel à candidatures)."""

    class SecuringTiming(models.TextChoices):
        # The question the GT5 minutes leave open, answered per campaign.
        BEFORE_SELECTION = "before_selection", "Avant la sélection"
        AFTER_SELECTION = "after_selection", "Après la sélection, sur recommandation du comité"
        BOTH = "both", "Avant et après la sélection"

    title = models.CharField("titre", max_length=200, unique=True)
    opens_on = models.DateField("ouverture des candidatures")
    closes_on = models.DateField("clôture des candidatures")
    sites = models.ManyToManyField(Site, related_name="campaigns", verbose_name="sites proposés")
    description = models.TextField("présentation", blank=True)
    calendar = models.TextField(
        "calendrier",
        blank=True,
        help_text="Une étape par ligne (ex. : « 15 septembre : comité de sélection »).",
    )
    information_day = models.DateField("journée d'information", null=True, blank=True)
    information_day_place = models.CharField(
        "lieu de la journée d'information", max_length=200, blank=True
    )
    required_document_types = models.ManyToManyField(
        DocumentType,
        blank=True,
        related_name="campaigns",
        verbose_name="pièces justificatives demandées",
    )
    securing_timing = models.CharField(
        "accompagnement de sécurisation",
        max_length=20,
        choices=SecuringTiming.choices,
        default=SecuringTiming.BOTH,
        help_text="Quand l'accompagnement court de sécurisation (axe B) peut avoir lieu.",
    )
    securing_days_threshold = models.DecimalField(
        "plafond indicatif de la sécurisation (jours)",
        max_digits=4,
        decimal_places=1,
        default=Decimal("5"),
        validators=[MinValueValidator(0)],
        help_text="Au-delà, le plan affiche une alerte (le GT5 veut « quelques jours »).",
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

    def get_absolute_url(self):
        return reverse("applicants:campaign-public", kwargs={"pk": self.pk})

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    @property
    def calendar_lines(self) -> list[str]:
        return [line.strip() for line in self.calendar.splitlines() if line.strip()]


class CharterCommitment(models.Model):
    """A commitment of the charter (selection criteria of GT4) that a dossier ticks."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="charter_commitments"
    )
    text = models.CharField("engagement", max_length=300)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "engagement de la charte"
        verbose_name_plural = "engagements de la charte"
        ordering = ["campaign", "position", "pk"]

    def __str__(self):
        return self.text


def campaign_document_path(instance, filename):
    return private_name("campaigns", filename)


class CampaignDocument(ScannedFile):
    """A working-group document of the porte-documents (public PDF)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier PDF", upload_to=campaign_document_path)
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "document du porte-documents"
        verbose_name_plural = "documents du porte-documents"
        ordering = ["campaign", "title"]

    def __str__(self):
        return self.title

    def scan_place(self) -> tuple[str, str]:
        return (
            f"le porte-documents de l'appel « {self.campaign.title} »",
            reverse("applicants:campaign-update", kwargs={"pk": self.campaign_id}),
        )


class DossierStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposé"
    CHANGES_REQUESTED = "changes_requested", "Compléments demandés"
    UNDER_REVIEW = "under_review", "En instruction"
    IN_COMMITTEE = "in_committee", "En comité de sélection"
    ACCEPTED = "accepted", "Retenu"
    WAITLISTED = "waitlisted", "Sur liste d'attente"
    REJECTED = "rejected", "Non retenu"
    INSTALLED = "installed", "Installé dans la CCR"
    WITHDRAWN = "withdrawn", "Retiré par la structure"


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DossierQuerySet":
        """The dossiers a person may read: their structures', or all for the coordination."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        mine = Q(pk__in=[])
        if user.has_role(Role.APPLICANT):
            mine |= Q(structure__in=user.memberships.values("structure_id"))
        if user.has_role(Role.PROVIDER):
            mine |= worked_structures_condition(user, "structure")
        return self.filter(mine)


class Dossier(models.Model):
    """The application of one structure to one campaign (dossier de candidature)."""

    class ActivityType(models.TextChoices):
        SHOP = "shop", "Boutique"
        WORKSHOP = "workshop", "Atelier"
        OFFICE = "office", "Bureau"
        RESTAURANT = "restaurant", "Restauration"

    EDITABLE_STATUSES = (DossierStatus.DRAFT, DossierStatus.CHANGES_REQUESTED)
    DECIDED_STATUSES = (
        DossierStatus.ACCEPTED,
        DossierStatus.WAITLISTED,
        DossierStatus.REJECTED,
        DossierStatus.INSTALLED,
    )

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="dossiers")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="dossiers")
    status = models.CharField(
        "état", max_length=20, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructed_dossiers",
        verbose_name="chargé(e) d'instruction",
    )
    # The installation project.
    wished_surface_m2 = models.PositiveIntegerField(
        "surface souhaitée (m²)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    activity_type = models.CharField(
        "type d'activité", max_length=20, choices=ActivityType.choices, blank=True
    )
    expected_move_in = models.DateField("date d'installation souhaitée", null=True, blank=True)
    current_premises = models.TextField("locaux actuels", blank=True)
    expected_effect = models.TextField(
        "effet attendu de l'installation sur le modèle économique", blank=True
    )
    charter_commitments = models.ManyToManyField(
        CharterCommitment, blank=True, related_name="dossiers", verbose_name="engagements"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    # Retention (RGPD): a rejected or withdrawn dossier is emptied of its personal data and
    # documents a set time after its campaign closed; the dossier and its history stay.
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)
    # Given at the first submission, kept afterwards: « CCR-2026-0042 ».
    number = models.CharField("numéro de dossier", max_length=20, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de candidature"
        verbose_name_plural = "dossiers de candidature"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "campaign"],
                name="one_dossier_per_structure_and_campaign",
                violation_error_message="Cette structure a déjà un dossier pour cet appel.",
            ),
            models.UniqueConstraint(
                fields=["campaign", "number"],
                condition=~Q(number=""),
                name="one_number_per_dossier_of_a_campaign",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # The dossier list's default order (most recently updated first) and its sort.
            models.Index(fields=["updated_at", "id"], name="dossier_updated_idx"),
            models.Index(fields=["submitted_at", "id"], name="dossier_submitted_idx"),
            # The counts per status (lists, dashboards) and the status filter.
            models.Index(fields=["status"], name="dossier_status_idx"),
        ]

    def __str__(self):
        return f"{self.structure} · {self.campaign}"

    def get_absolute_url(self):
        return reverse("applicants:dossier-detail", kwargs={"pk": self.pk})

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED_STATUSES

    @property
    def is_selected(self) -> bool:
        """Accepted by the selection committee (and possibly moved in since)."""
        return self.status in (DossierStatus.ACCEPTED, DossierStatus.INSTALLED)


class SitePreference(models.Model):
    """A preferred site of the dossier, in order (1 = first choice)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="site_preferences")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("rang", validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = "site souhaité"
        verbose_name_plural = "sites souhaités"
        ordering = ["dossier", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "site"], name="unique_site_per_dossier"),
            models.UniqueConstraint(fields=["dossier", "rank"], name="unique_rank_per_dossier"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.site}"


class EconomicYear(models.Model):
    """The economic data of one of the last two years."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="economic_years")
    year = models.PositiveSmallIntegerField(
        "exercice", validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    turnover = models.DecimalField(
        "chiffre d'affaires ou produits (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    result = models.DecimalField(
        "résultat (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    equity = models.DecimalField(
        "fonds propres (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    staff_fte = models.DecimalField(
        "effectif (ETP)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = "données économiques d'un exercice"
        verbose_name_plural = "données économiques"
        ordering = ["dossier", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "year"], name="unique_year_per_dossier"),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_complete(self) -> bool:
        return None not in (self.turnover, self.result, self.equity, self.staff_fte)


class AxisWish(models.Model):
    """An accompaniment axis the structure wishes, with a line why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="axis_wishes")
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    reason = models.CharField("pourquoi", max_length=300, blank=True)

    class Meta:
        verbose_name = "axe d'accompagnement souhaité"
        verbose_name_plural = "axes d'accompagnement souhaités"
        ordering = ["dossier", in_declared_order("axis", Axis)]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "axis"], name="unique_axis_per_dossier"),
        ]

    def __str__(self):
        return self.get_axis_display()


class FinancingCategory(models.TextChoices):
    MOVING = "moving", "Déménagement"
    SHOP_FITOUT = "shop_fitout", "Aménagement de la boutique"
    INITIAL_STOCK = "initial_stock", "Stock initial"
    WORKING_CAPITAL = "working_capital", "Besoin en fonds de roulement (BFR)"
    PRODUCTIVE_INVESTMENT = "productive_investment", "Investissement productif"


class FinancingNeed(models.Model):
    """A financing need foreseen in the dossier, by category."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="financing_needs")
    category = models.CharField("catégorie", max_length=30, choices=FinancingCategory.choices)
    amount = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField("précision", max_length=300, blank=True)

    class Meta:
        verbose_name = "besoin de financement"
        verbose_name_plural = "besoins de financement"
        ordering = ["dossier", in_declared_order("category", FinancingCategory)]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "category"], name="unique_financing_category_per_dossier"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="financing_need_positive"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} : {self.amount}"


def attachment_path(instance, filename):
    return private_name(f"dossiers/{instance.dossier_id}", filename)


class Attachment(ScannedFile):
    """A supporting document (pièce justificative) of a dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="attachments", verbose_name="type"
    )
    file = models.FileField("fichier", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    file_kind = models.CharField("format", max_length=10)
    size = models.PositiveBigIntegerField("taille")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["document_type__name", "uploaded_at"]

    def __str__(self):
        return f"{self.document_type} : {self.original_name}"

    def scan_place(self) -> tuple[str, str]:
        return (
            f"le dossier {with_preposition('de', self.dossier.structure)}",
            f"{self.dossier.get_absolute_url()}#rubrique-documents",
        )

    def scan_coordinators(self) -> list:
        from .people import instructors

        return instructors(self.dossier)


class DossierTransition(TransitionRecord):
    """The history of a dossier: who, when, from, to, why (with a coded motive)."""

    class Reason(models.TextChoices):
        INCOMPLETE = "incomplete", "Dossier incomplet"
        INCORRECT = "incorrect", "Informations incorrectes"
        OUTDATED = "outdated", "Informations périmées"

    subject_field = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=20, choices=DossierStatus.choices)
    to_status = models.CharField("vers", max_length=20, choices=DossierStatus.choices)
    reason = models.CharField("motif", max_length=20, choices=Reason.choices, blank=True)

    class Meta:
        verbose_name = "étape du dossier"
        verbose_name_plural = "historique des dossiers"
        ordering = ["dossier", "created_at", "pk"]


class Message(models.Model):
    """A message of the dossier's thread between the structure and Regain."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_coordination = models.BooleanField("envoyé par la coordination", default=False)
    is_automatic = models.BooleanField("message automatique", default=False)
    body = models.TextField("message")
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["dossier", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]


def message_attachment_path(instance, filename):
    return private_name(f"messages/{instance.message.dossier_id}", filename)


class MessageAttachment(ScannedFile):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to=message_attachment_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    file_kind = models.CharField("format", max_length=10)
    size = models.PositiveBigIntegerField("taille")

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["message", "pk"]

    def __str__(self):
        return self.original_name

    def scan_place(self) -> tuple[str, str]:
        dossier = self.message.dossier
        return (
            f"les échanges du dossier de {dossier.structure}",
            reverse("applicants:dossier-messages", kwargs={"pk": dossier.pk}),
        )

    def scan_uploader(self):
        return self.message.author

    def scan_coordinators(self) -> list:
        from .people import instructors

        return instructors(self.message.dossier)


class ThreadRead(models.Model):
    """Up to when a person has read a dossier's thread."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "user"], name="unique_thread_read"),
        ]

    def __str__(self):
        return f"{self.user} a lu {self.dossier} le {self.read_at}"


class PrivateNote(models.Model):
    """A coordinator's note on a dossier: never shown to the structure."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField("note")
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "note interne"
        verbose_name_plural = "notes internes"
        ordering = ["dossier", "-created_at"]

    def __str__(self):
        return self.body[:60]


class Invitation(models.Model):
    """An invitation to join a structure, sent by e-mail to a colleague."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse e-mail")
    role = models.CharField(
        "rôle", max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "email"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="one_pending_invitation_per_email",
                violation_error_message="Une invitation est déjà en attente pour cette adresse.",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.structure}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None
