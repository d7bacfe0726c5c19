"""Diagnostics (axis A): light or full, support or assessment, and the providers' capacity."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from applicants.models import Dossier, Membership, Structure
from ccr_portal.antivirus.models import ScannedFile
from ccr_portal.axes import Axis
from ccr_portal.history import TransitionRecord
from ccr_portal.permissions import committee_excluded_structure_ids
from ccr_portal.uploads import private_name
from ccr_portal.users.models import Provider, Role


class DiagnosticKind(models.TextChoices):
    LIGHT = "light", "Diagnostic léger"
    FULL = "full", "Diagnostic complet"


class DiagnosticPurpose(models.TextChoices):
    # The minutes insist: support is asked by the structure and belongs to it;
    # assessment is asked by the instructor for the selection.
    SUPPORT = "support", "Appui (à la demande de la structure)"
    ASSESSMENT = "assessment", "Instruction (à la demande du comité)"


class DiagnosticStatus(models.TextChoices):
    REQUESTED = "requested", "Demandé"
    ACCEPTED = "accepted", "Accepté, à affecter"
    DECLINED = "declined", "Refusé"
    COVERED = "covered", "Couvert par un diagnostic existant"
    ASSIGNED = "assigned", "Affecté à un prestataire"
    IN_PROGRESS = "in_progress", "En cours"
    DELIVERED = "delivered", "Remis"
    VALIDATED = "validated", "Validé"


class Theme(models.TextChoices):
    PROJECT = "project", "Projet et gouvernance"
    ECONOMIC_MODEL = "economic_model", "Modèle économique"
    FINANCES = "finances", "Situation financière (fonds propres, trésorerie, BFR)"
    PRODUCTION = "production", "Organisation de la production"
    MARKETING = "marketing", "Commercial et marketing"
    HUMAN_RESOURCES = "human_resources", "Ressources humaines et GPEC"
    PARTNERSHIPS = "partnerships", "Partenariats et coopération"
    RESPONSIBILITY = "responsibility", "Responsabilité (préparation à la démarche QADES)"
    SITE_RISK = "site_risk", "Risque lié au site choisi"


# The grid of each kind, in order.
THEMES_BY_KIND = {
    DiagnosticKind.FULL: list(Theme),
    DiagnosticKind.LIGHT: [
        Theme.PROJECT,
        Theme.ECONOMIC_MODEL,
        Theme.FINANCES,
        Theme.SITE_RISK,
    ],
}


class Score(models.IntegerChoices):
    FRAGILE = 1, "Fragile"
    TO_CONSOLIDATE = 2, "À consolider"
    CORRECT = 3, "Correct"
    SOLID = 4, "Solide"


class OverallRisk(models.TextChoices):
    LOW = "low", "Faible"
    MEDIUM = "medium", "Moyen"
    HIGH = "high", "Élevé"


class IntegrationRecommendation(models.TextChoices):
    READY = "ready", "Prête à intégrer la CCR"
    READY_WITH_SECURING = "ready_with_securing", "Prête avec un accompagnement de sécurisation"
    NOT_NOW = "not_now", "Pas maintenant"


# Conclusions a provider fills, besides the themes and the axes.
CONCLUSION_FIELDS = ("strengths", "weaknesses", "overall_risk", "recommendation")


class CoverSource(models.TextChoices):
    RAMSESS = "ramsess", "RAMSESS"
    DLA = "dla", "DLA (dispositif local d'accompagnement)"
    OTHER = "other", "Autre organisme"


# Statuses by stage, used by the rules, the selectors and the reminders.
WAITING_STATUSES = (DiagnosticStatus.REQUESTED, DiagnosticStatus.ACCEPTED)
COMMITTED_STATUSES = (DiagnosticStatus.ASSIGNED, DiagnosticStatus.IN_PROGRESS)
FINISHED_STATUSES = (DiagnosticStatus.DELIVERED, DiagnosticStatus.VALIDATED)
CLOSED_STATUSES = (DiagnosticStatus.DECLINED, DiagnosticStatus.COVERED)
# A request covered by an existing diagnostic (RAMSESS, a DLA…) stands for a finished
# one when it comes to reading: an assessment one is published to the structure and the
# committee like a validated one; a support one may be shared with the committee.
# A diagnostic whose conclusions count: validated, or covered by an existing one (RAMSESS,
# a DLA) linked with its document. It opens axis B and feeds the plan.
CONCLUDED_STATUSES = (DiagnosticStatus.VALIDATED, DiagnosticStatus.COVERED)
ASSESSMENT_PUBLISHED_STATUSES = CONCLUDED_STATUSES
SHAREABLE_STATUSES = (*FINISHED_STATUSES, DiagnosticStatus.COVERED)


class DiagnosticQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DiagnosticQuerySet":
        """The diagnostics a person may read; the same rule as ``diagnostics.view_diagnostic``.

        A person holding several roles sees the union of what each role sees.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        visible = Q(pk__in=[])
        if user.has_role(Role.APPLICANT):
            member = Exists(
                Membership.objects.filter(structure_id=OuterRef("structure_id"), user=user)
            )
            visible |= member & (
                Q(purpose=DiagnosticPurpose.SUPPORT)
                | Q(purpose=DiagnosticPurpose.ASSESSMENT, status__in=ASSESSMENT_PUBLISHED_STATUSES)
            )
        if user.has_role(Role.PROVIDER):
            visible |= Q(provider__in=user.provider_organisations.values("pk"))
        if user.has_role(Role.COMMITTEE):
            visible |= self.committee_readable_condition() & ~Q(
                structure_id__in=committee_excluded_structure_ids(user)
            )
        return self.filter(visible)

    def overdue(self) -> "DiagnosticQuerySet":
        """Assigned or in progress past its due date, like ``Diagnostic.is_overdue``."""
        return self.filter(status__in=COMMITTED_STATUSES, due_date__lt=timezone.localdate())

    @staticmethod
    def committee_readable_condition() -> Q:
        shared = Exists(
            CommitteeConsent.objects.filter(diagnostic_id=OuterRef("pk"), revoked_at__isnull=True)
        )
        return Q(purpose=DiagnosticPurpose.ASSESSMENT, status__in=ASSESSMENT_PUBLISHED_STATUSES) | (
            Q(purpose=DiagnosticPurpose.SUPPORT, status__in=SHAREABLE_STATUSES) & shared
        )


# The queue's order of the statuses: what waits for the coordination first.
QUEUE_ORDER = (
    DiagnosticStatus.REQUESTED,
    DiagnosticStatus.ACCEPTED,
    DiagnosticStatus.ASSIGNED,
    DiagnosticStatus.IN_PROGRESS,
    DiagnosticStatus.DELIVERED,
    DiagnosticStatus.VALIDATED,
    DiagnosticStatus.COVERED,
    DiagnosticStatus.DECLINED,
)


def queue_rank() -> models.Case:
    """The rank of a diagnostic's status in the queue (the queue's index sorts on it)."""
    return models.Case(
        *[
            models.When(status=code, then=models.Value(rank))
            for rank, code in enumerate(QUEUE_ORDER)
        ],
        output_field=models.IntegerField(),
    )


def covered_document_path(instance, filename):
    return private_name(f"diagnostics/covered/{instance.pk}", filename)


class Diagnostic(ScannedFile):
    # The antivirus scans the covered document (an existing diagnostic, uploaded).
    scanned_file_field = "covered_document"
    scanned_name_field = "covered_document_name"

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="diagnostics")
    # Possible before any dossier (a light diagnostic helps a structure decide).
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="diagnostics"
    )
    kind = models.CharField("type", max_length=10, choices=DiagnosticKind.choices)
    purpose = models.CharField("finalité", max_length=12, choices=DiagnosticPurpose.choices)
    status = models.CharField(
        "état", max_length=12, choices=DiagnosticStatus.choices, default=DiagnosticStatus.REQUESTED
    )
    request_note = models.TextField("motif de la demande", blank=True)
    # Blank too: the requester's account may be deleted (SET_NULL) and the row stay valid.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandé le", default=timezone.now)

    # Triage.
    decline_reason = models.TextField("motif du refus", blank=True)
    covered_source = models.CharField(
        "diagnostic existant réalisé par", max_length=10, choices=CoverSource.choices, blank=True
    )
    covered_source_name = models.CharField("organisme", max_length=200, blank=True)
    covered_on = models.DateField("date du diagnostic existant", null=True, blank=True)
    covered_document = models.FileField(
        "document du diagnostic existant",
        upload_to=covered_document_path,
        blank=True,
        max_length=200,
    )
    covered_document_name = models.CharField(max_length=200, blank=True)

    # Assignment.
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="diagnostics",
        verbose_name="prestataire",
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_diagnostics",
        verbose_name="consultant",
    )
    due_date = models.DateField("échéance", null=True, blank=True)
    assigned_at = models.DateTimeField("affecté le", null=True, blank=True)

    # Conclusions, filled by the provider.
    strengths = models.TextField("points forts", blank=True)
    weaknesses = models.TextField("points de vigilance", blank=True)
    overall_risk = models.CharField(
        "risque global", max_length=10, choices=OverallRisk.choices, blank=True
    )
    recommendation = models.CharField(
        "recommandation sur l'intégration",
        max_length=25,
        choices=IntegrationRecommendation.choices,
        blank=True,
    )
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)

    # The shared sign-off ("diagnostic partagé") by the structure's leaders.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="conclusions confirmées par",
    )
    signed_off_at = models.DateTimeField("conclusions confirmées le", null=True, blank=True)
    structure_comment = models.TextField("commentaire de la structure", blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    objects = DiagnosticQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic"
        verbose_name_plural = "diagnostics"
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["provider", "status"]),
            # The coordination's queue, in its order: what waits first, then by due date.
            models.Index(
                queue_rank(), "due_date", "requested_at", "id", name="diagnostic_queue_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="covered") | ~Q(covered_source=""),
                name="covered_diagnostic_names_its_source",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "in_progress", "delivered", "validated"])
                | Q(provider__isnull=False),
                name="assigned_diagnostic_has_provider",
            ),
            # One request of a kind waits for the coordination at a time, per structure,
            # however many times the form is sent at once.
            models.UniqueConstraint(
                fields=["structure", "kind"],
                condition=Q(purpose="support", status="requested"),
                name="one_pending_support_request_per_kind",
                violation_error_message=(
                    "Une demande de ce type attend déjà l'examen de la coordination pour cette "
                    "structure."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.structure}"

    def get_absolute_url(self):
        return reverse("diagnostics:diagnostic-detail", kwargs={"pk": self.pk})

    def scan_place(self) -> tuple[str, str]:
        return f"le diagnostic de {self.structure}", self.get_absolute_url()

    def scan_uploader(self):
        cover = self.transitions.filter(action="cover").select_related("actor").last()
        return cover.actor if cover else None

    @property
    def themes(self) -> list[Theme]:
        return THEMES_BY_KIND[self.kind]

    @property
    def is_full(self) -> bool:
        return self.kind == DiagnosticKind.FULL

    @property
    def is_support(self) -> bool:
        return self.purpose == DiagnosticPurpose.SUPPORT

    @property
    def is_finished(self) -> bool:
        """Delivered or validated: the conclusions are there to read and sign off."""
        return self.status in FINISHED_STATUSES

    @property
    def is_shareable(self) -> bool:
        """Something the structure may share with the committee (support only)."""
        return self.status in SHAREABLE_STATUSES

    @property
    def is_published(self) -> bool:
        """An assessment diagnostic the structure and the committee may read."""
        return self.status in ASSESSMENT_PUBLISHED_STATUSES

    @property
    def is_committed(self) -> bool:
        """Work the capacity plan counts: assigned or in progress, with a provider and a
        due date (the row-side twin of ``selectors._COMMITTED``)."""
        return (
            self.status in COMMITTED_STATUSES
            and self.provider_id is not None
            and self.due_date is not None
        )

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in COMMITTED_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def is_covered(self) -> bool:
        return self.status == DiagnosticStatus.COVERED

    @property
    def covered_by(self) -> str:
        """Who made the existing diagnostic that covers this one (« RAMSESS », « DLA 13 »)."""
        return self.covered_source_name or self.get_covered_source_display()

    @property
    def concluded_on(self):
        """The day its conclusions count from: validated, or the existing diagnostic's date."""
        if self.is_covered:
            return self.covered_on
        return timezone.localdate(self.validated_at) if self.validated_at else None


class ThemeScore(models.Model):
    """One line of the grid: a theme scored 1 to 4 with observations."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="scores")
    theme = models.CharField("thème", max_length=20, choices=Theme.choices)
    score = models.PositiveSmallIntegerField(
        "appréciation", choices=Score.choices, null=True, blank=True
    )
    observations = models.TextField("observations", blank=True)

    class Meta:
        verbose_name = "appréciation d'un thème"
        verbose_name_plural = "grille du diagnostic"
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "theme"], name="unique_theme_score"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=4),
                name="theme_score_between_1_and_4",
            ),
        ]

    def __str__(self):
        return f"{self.get_theme_display()} : {self.score}"


class AxisRecommendation(models.Model):
    """The accompaniment a full diagnostic recommends on one axis, with days and why."""

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="axis_recommendations"
    )
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    days = models.DecimalField(
        "jours estimés",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("100"))],
    )
    reason = models.CharField("pourquoi", max_length=300)

    class Meta:
        verbose_name = "accompagnement recommandé"
        verbose_name_plural = "accompagnements recommandés"
        ordering = ["diagnostic", "axis"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "axis"], name="unique_axis_recommendation"
            ),
        ]

    def __str__(self):
        return f"{self.get_axis_display()} : {self.days} j"


class DiagnosticTransition(TransitionRecord):
    """The history of a diagnostic: who, when, from, to, why."""

    subject_field = "diagnostic"

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=12, choices=DiagnosticStatus.choices)
    to_status = models.CharField("vers", max_length=12, choices=DiagnosticStatus.choices)

    class Meta:
        verbose_name = "étape du diagnostic"
        verbose_name_plural = "historique des diagnostics"
        ordering = ["diagnostic", "created_at", "pk"]


class DiagnosticMessage(models.Model):
    """A message of the diagnostic's thread: the structure, the consultant, the coordination."""

    class Speaker(models.TextChoices):
        STRUCTURE = "structure", "La structure"
        PROVIDER = "provider", "Le prestataire"
        COORDINATION = "coordination", "La coordination"

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    speaker = models.CharField("au nom de", max_length=12, choices=Speaker.choices)
    body = models.TextField("message")
    created_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "message sur un diagnostic"
        verbose_name_plural = "messages sur les diagnostics"
        ordering = ["diagnostic", "created_at", "pk"]

    def __str__(self):
        return f"{self.get_speaker_display()}, {self.created_at:%d/%m/%Y}"


class CommitteeConsent(models.Model):
    """The structure's consent that the committee reads a support diagnostic; revocable."""

    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="consents")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField("accordé le", default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField("retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "accord de partage avec le comité"
        verbose_name_plural = "accords de partage avec le comité"
        ordering = ["diagnostic", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_consent_per_diagnostic",
            ),
        ]

    def __str__(self):
        return f"Partage de {self.diagnostic} ({'retiré' if self.revoked_at else 'actif'})"


class ProviderCapacity(models.Model):
    """Consultant days a provider can give in one month (first day of the month)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="capacities")
    month = models.DateField("mois")
    consultant_days = models.DecimalField(
        "jours consultant disponibles",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = "capacité mensuelle"
        verbose_name_plural = "capacités mensuelles"
        ordering = ["provider", "month"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="unique_capacity_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="capacity_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.provider} · {self.month:%m/%Y} : {self.consultant_days} j"
