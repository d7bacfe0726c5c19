"""The financial accompaniment (axis F): products of the funds, needs, one response per
resident, requests to the funds, disbursements and the dedicated credit line.

The funds themselves are ``ccr_portal.users.models.Funder`` (ESIA, URSCOP PACA): their
officers are its members holding the funder role, the rule the permissions use.
The five need categories are the dossier's (``applicants.models.FinancingCategory``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from applicants.models import Campaign, DocumentType, FinancingCategory, Membership, Structure
from ccr_portal.antivirus.models import ScannedFile
from ccr_portal.history import TransitionRecord
from ccr_portal.uploads import private_name
from ccr_portal.users.models import Funder, Role

POSITIVE = [MinValueValidator(0)]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def _amount(label: str, **kwargs) -> models.DecimalField:
    kwargs.setdefault("validators", POSITIVE)
    return models.DecimalField(label, max_digits=12, decimal_places=2, **kwargs)


def _percent(label: str, **kwargs) -> models.DecimalField:
    kwargs.setdefault("validators", PERCENT)
    return models.DecimalField(label, max_digits=5, decimal_places=2, **kwargs)


# --- Products -------------------------------------------------------------------------


class ProductKind(models.TextChoices):
    SEED_FUND = "seed_fund", "Fonds d'amorçage"
    CONTRIBUTION = "contribution", "Apport associatif (avec droit de reprise)"
    PARTICIPATORY_LOAN = "participatory_loan", "Prêt participatif"
    GUARANTEE = "guarantee", "Garantie d'un prêt bancaire"
    BRIDGING_GUARANTEE = "bridging_guarantee", "Garantie court terme (relais)"
    EQUITY = "equity", "Fonds propres (coopératives)"


# The kinds that lend money repaid by instalments: they have a repayment schedule.
REPAID_KINDS = (ProductKind.SEED_FUND, ProductKind.CONTRIBUTION, ProductKind.PARTICIPATORY_LOAN)
GUARANTEE_KINDS = (ProductKind.GUARANTEE, ProductKind.BRIDGING_GUARANTEE)


class FundingProduct(models.Model):
    """A product of a fund, with the rules a request must respect."""

    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="products", verbose_name="financeur"
    )
    code = models.SlugField("code", max_length=50, unique=True)
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("nature", max_length=30, choices=ProductKind.choices)
    description = models.TextField("présentation", blank=True)
    legal_forms = models.JSONField(
        "formes juridiques éligibles",
        default=list,
        blank=True,
        help_text="Vide : toutes les formes juridiques.",
    )
    min_age_years = models.PositiveSmallIntegerField(
        "âge minimal de la structure (années)", null=True, blank=True
    )
    max_age_years = models.PositiveSmallIntegerField(
        "âge maximal de la structure (années)", null=True, blank=True
    )
    min_amount = _amount("montant minimal (€)", default=0)
    max_amount = _amount("montant maximal (€)", null=True, blank=True)
    min_months = models.PositiveSmallIntegerField("durée minimale (mois)", null=True, blank=True)
    max_months = models.PositiveSmallIntegerField("durée maximale (mois)", null=True, blank=True)
    interest_rate = _percent("taux d'intérêt annuel (%)", default=0)
    fee_rate = _percent("commission (%)", default=0)
    guaranteed_share = _percent("quotité garantie (%)", null=True, blank=True)
    young_guaranteed_share = _percent(
        "quotité garantie pour une jeune structure (%)", null=True, blank=True
    )
    young_age_years = models.PositiveSmallIntegerField(
        "âge en deçà duquel une structure est jeune (années)", default=3
    )
    matching_ratio = models.DecimalField(
        "effet de levier minimal (ressources apportées par ailleurs pour 1 €)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POSITIVE,
    )
    allowed_uses = models.JSONField(
        "usages autorisés", default=list, blank=True, help_text="Vide : tous les besoins."
    )
    renewable_times = models.PositiveSmallIntegerField("renouvelable (fois)", default=0)
    conditions = models.TextField("conditions particulières", blank=True)
    required_documents = models.ManyToManyField(
        DocumentType, blank=True, related_name="funding_products", verbose_name="pièces exigées"
    )
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "produit financier"
        verbose_name_plural = "produits financiers"
        ordering = ["funder__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=models.F("min_amount")),
                name="product_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(max_months__isnull=True)
                | Q(min_months__isnull=True)
                | Q(max_months__gte=models.F("min_months")),
                name="product_duration_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.funder})"

    def clean(self):
        unknown = set(self.legal_forms) - set(Structure.LegalForm.values)
        if unknown:
            raise ValidationError({"legal_forms": "Forme juridique inconnue."})
        if set(self.allowed_uses) - set(FinancingCategory.values):
            raise ValidationError({"allowed_uses": "Usage inconnu."})

    @property
    def is_repaid(self) -> bool:
        return self.kind in REPAID_KINDS

    @property
    def is_guarantee(self) -> bool:
        return self.kind in GUARANTEE_KINDS


# --- Needs and the response ---------------------------------------------------------


class NeedSource(models.TextChoices):
    DOSSIER = "dossier", "Dossier de candidature"
    PLAN = "plan", "Plan de financement du plan de développement"
    BFR = "bfr", "Calcul du BFR"
    MANUAL = "manual", "Saisi"


class FinancingNeed(models.Model):
    """A financing need of a resident for a campaign: category, amount, month needed."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="financing_need_lines"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="financing_need_lines"
    )
    category = models.CharField("catégorie", max_length=30, choices=FinancingCategory.choices)
    amount = _amount("montant (€)")
    needed_on = models.DateField("mois du besoin", help_text="Le premier jour du mois.")
    source = models.CharField(
        "origine", max_length=10, choices=NeedSource.choices, default=NeedSource.MANUAL
    )
    note = models.CharField("précision", max_length=300, blank=True)
    # The working-capital helper: BFR = stock + short-term receivables − short-term debts.
    bfr_stock = _amount("stock (€)", null=True, blank=True)
    bfr_receivables = _amount("créances à court terme (€)", null=True, blank=True)
    bfr_debts = _amount("dettes à court terme (€)", null=True, blank=True)
    # Indexed: with the count, the data version of the cached global response.
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "besoin de financement"
        verbose_name_plural = "besoins de financement"
        ordering = ["structure", "campaign", "needed_on", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "campaign", "category"], name="one_need_per_category"
            ),
            models.CheckConstraint(condition=Q(needed_on__day=1), name="need_month_first_day"),
        ]

    def __str__(self):
        return self.get_category_display()


class FinancingResponse(models.Model):
    """The one financing response of a resident: which product finances which need."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="financing_responses"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="financing_responses"
    )
    other_resources = _amount(
        "autres ressources acquises (€)",
        default=0,
        help_text="Fonds propres, subventions, prêt bancaire… : ce qui compte pour l'effet "
        "de levier.",
    )
    note = models.TextField("commentaire", blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "réponse financière"
        verbose_name_plural = "réponses financières"
        ordering = ["structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "campaign"], name="one_response_per_structure_campaign"
            ),
        ]

    def __str__(self):
        return f"Réponse financière : {self.structure}"

    def get_absolute_url(self):
        return reverse("financing:response", kwargs={"pk": self.pk})


class ResponseLine(models.Model):
    """One line of a response: a product financing one need category, for an amount."""

    response = models.ForeignKey(FinancingResponse, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        FundingProduct, on_delete=models.PROTECT, related_name="+", verbose_name="produit"
    )
    category = models.CharField("besoin financé", max_length=30, choices=FinancingCategory.choices)
    amount = _amount("montant (€)", validators=[MinValueValidator(Decimal("0.01"))])
    duration_months = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    guaranteed_share = _percent("quotité garantie demandée (%)", null=True, blank=True)

    class Meta:
        verbose_name = "ligne de la réponse financière"
        verbose_name_plural = "lignes de la réponse financière"
        ordering = ["response", "pk"]

    def __str__(self):
        return f"{self.product.name} : {self.get_category_display()}"


# --- Requests -----------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposée (pré-instruction par Regain)"
    CHANGES_REQUESTED = "changes_requested", "À compléter"
    FORWARDED = "forwarded", "Transmise au financeur"
    GRANTED = "granted", "Accordée"
    DECLINED = "declined", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée"


# What a fund's officers see: the requests forwarded to them, never the earlier states.
FUNDER_STATUSES = (RequestStatus.FORWARDED, RequestStatus.GRANTED, RequestStatus.DECLINED)
DECIDED_STATUSES = (RequestStatus.GRANTED, RequestStatus.DECLINED)


def funder_ids(user) -> frozenset[int]:
    """The funds whose officer the person is (a member holding the funder role), cached
    on the request's user: one query."""
    if not (user and user.is_authenticated and user.is_active and user.has_role(Role.FUNDER)):
        return frozenset()
    if "_funder_ids" not in user.__dict__:
        user.__dict__["_funder_ids"] = frozenset(
            user.funder_organisations.values_list("pk", flat=True)
        )
    return user.__dict__["_funder_ids"]


def request_visibility(user, prefix: str = "") -> Q | None:
    """The requests a person may read, as a condition on the request reached through
    ``prefix`` (``"request__"`` from a use or a disbursement), so that sums can state it
    on the rows they add up; None: every request (the coordination). Written without a
    join that could repeat a row: a structure's members through a subquery."""
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{prefix}pk__in": []})
    if user.has_role(Role.COORDINATOR):
        return None
    scope = Q(**{f"{prefix}pk__in": []})
    if user.has_role(Role.APPLICANT):
        mine = Membership.objects.filter(user=user).values("structure")
        scope |= Q(**{f"{prefix}structure__in": mine})
    funds = funder_ids(user)
    if funds:
        scope |= Q(
            **{f"{prefix}product__funder_id__in": funds, f"{prefix}status__in": FUNDER_STATUSES}
        )
    return scope


class FinancingRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FinancingRequestQuerySet":
        """Coordinators: every request; a structure's members: theirs; a fund's officers:
        the requests forwarded to their fund (and decided), never a draft."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = request_visibility(user)
        return self if condition is None else self.filter(condition)


class FinancingRequest(models.Model):
    """A request to one product of a fund, from one resident."""

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="financing_requests"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="financing_requests"
    )
    product = models.ForeignKey(
        FundingProduct, on_delete=models.PROTECT, related_name="requests", verbose_name="produit"
    )
    response_line = models.OneToOneField(
        ResponseLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )
    status = models.CharField(
        "état", max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    amount = _amount("montant demandé (€)", validators=[MinValueValidator(Decimal("0.01"))])
    duration_months = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    deferral_months = models.PositiveSmallIntegerField("différé (mois)", default=0)
    guaranteed_share = _percent("quotité garantie demandée (%)", null=True, blank=True)
    project = models.TextField("projet financé", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    forwarded_at = models.DateTimeField("transmise le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    changes_requested_at = models.DateTimeField("à compléter depuis", null=True, blank=True)
    # Forwarding beyond what remains of the credit line: flagged, and justified.
    over_envelope = models.BooleanField("au-delà de l'enveloppe", default=False)
    envelope_override = models.TextField("justification du dépassement", blank=True)
    # The grant (the funder's decision).
    granted_amount = _amount("montant accordé (€)", null=True, blank=True)
    granted_rate = _percent("taux accordé (%)", null=True, blank=True)
    granted_months = models.PositiveSmallIntegerField(
        "durée accordée (mois)", null=True, blank=True
    )
    granted_deferral_months = models.PositiveSmallIntegerField(
        "différé accordé (mois)", null=True, blank=True
    )
    granted_share = _percent("quotité garantie accordée (%)", null=True, blank=True)
    grant_conditions = models.TextField("conditions", blank=True)
    first_due_on = models.DateField("première échéance", null=True, blank=True)
    committee_date = models.DateField("date du comité d'engagement", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)

    objects = FinancingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de financement"
        verbose_name_plural = "demandes de financement"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status"]),
            # The lists' default order, and the funder's oldest forwarded requests first.
            models.Index(fields=["-created_at", "-id"], name="request_created_idx"),
            models.Index(fields=["forwarded_at", "id"], name="request_forwarded_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(granted_amount__isnull=False),
                name="granted_request_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.product.name} : {self.structure}"

    def get_absolute_url(self):
        return reverse("financing:request-detail", kwargs={"pk": self.pk})

    @property
    def funder_id(self) -> int:
        return self.product.funder_id

    @property
    def is_editable(self) -> bool:
        return self.status in (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)


class RequestTransition(TransitionRecord):
    subject_field = "request"

    request = models.ForeignKey(
        FinancingRequest, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField("de", max_length=20, choices=RequestStatus.choices)
    to_status = models.CharField("vers", max_length=20, choices=RequestStatus.choices)

    class Meta:
        verbose_name = "étape de la demande"
        verbose_name_plural = "historique des demandes"
        ordering = ["request", "created_at", "pk"]


class RequestUse(models.Model):
    """What the money is for: the use lines add up to the request's amount."""

    request = models.ForeignKey(FinancingRequest, on_delete=models.CASCADE, related_name="uses")
    category = models.CharField("usage", max_length=30, choices=FinancingCategory.choices)
    amount = _amount("montant (€)", validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField("précision", max_length=300, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "usage des fonds"
        verbose_name_plural = "usages des fonds"
        ordering = ["request", "pk"]

    def __str__(self):
        return self.get_category_display()


def request_document_path(instance, filename):
    return private_name(f"financing/{instance.request_id}", filename)


class RequestDocument(ScannedFile):
    """A document of a request (the dossier's upload rules)."""

    request = models.ForeignKey(
        FinancingRequest, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="type",
    )
    file = models.FileField("fichier", upload_to=request_document_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    file_kind = models.CharField("format", max_length=10)
    size = models.PositiveBigIntegerField("taille")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "pièce de la demande"
        verbose_name_plural = "pièces des demandes"
        ordering = ["request", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def scan_place(self) -> tuple[str, str]:
        return (f"la demande {self.request}", self.request.get_absolute_url())


class RequestMessage(models.Model):
    """A message on a request, between the structure, Regain and the fund."""

    request = models.ForeignKey(FinancingRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    speaker = models.CharField("au nom de", max_length=20)
    is_automatic = models.BooleanField("message automatique", default=False)
    body = models.TextField("message")
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message sur une demande"
        verbose_name_plural = "messages sur les demandes"
        ordering = ["request", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class Disbursement(models.Model):
    """A payment of the granted money to the structure (several allowed)."""

    request = models.ForeignKey(
        FinancingRequest, on_delete=models.CASCADE, related_name="disbursements"
    )
    day = models.DateField("date du versement")
    amount = _amount("montant (€)", validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField("précision", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True, db_index=True)

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["request", "day", "pk"]

    def __str__(self):
        return f"{self.day} : {self.amount}"


# --- The dedicated credit line ------------------------------------------------------


class CreditLine(models.Model):
    """The envelope a fund dedicates to the CCR's residents (ligne de crédit dédiée)."""

    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="credit_lines", verbose_name="financeur"
    )
    name = models.CharField("intitulé", max_length=150)
    amount = _amount("montant de l'enveloppe (€)")
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    products = models.ManyToManyField(
        FundingProduct, related_name="credit_lines", verbose_name="produits couverts"
    )
    cap_per_resident = _amount("plafond par résident (€)", null=True, blank=True)

    class Meta:
        verbose_name = "ligne de crédit dédiée"
        verbose_name_plural = "lignes de crédit dédiées"
        ordering = ["funder__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="credit_line_period"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("financing:credit-line", kwargs={"pk": self.pk})
