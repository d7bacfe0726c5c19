"""Accompaniment along the six axes: plans, actions, sessions, events, GPEC, QADES.

Amounts and days are ``Decimal`` everywhere; the arithmetic on them (costs,
hours to days, balances) lives in ``accompaniment.arithmetic``.
"""

from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from applicants.models import Campaign, Dossier, Structure
from ccr_portal.antivirus.models import ScannedFile
from ccr_portal.axes import Axis
from ccr_portal.formatting import with_preposition
from ccr_portal.history import TransitionRecord
from ccr_portal.uploads import private_name
from ccr_portal.users.models import Provider, Role
from diagnostics.models import AxisRecommendation, Diagnostic

from .arithmetic import (
    YEAR_OFFSETS,
    action_cost,
    hours_to_days,
    validate_half_days,
)

# --- Vocabulary ---------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PROPOSED = "proposed", "Proposé à la structure"
    AGREED = "agreed", "Validé par la structure"
    IN_PROGRESS = "in_progress", "En cours"
    COMPLETED = "completed", "Terminé"


class SecuringTheme(models.TextChoices):
    # The five themes of the securing accompaniment (GT5 minutes, axis B).
    ECONOMIC_MODEL = "economic_model", "Adaptation du modèle économique"
    PRODUCTION = "production", "Adaptation de l'organisation de la production"
    MARKETING = "marketing", "Adaptation de la stratégie marketing"
    HUMAN_RESOURCES = "human_resources", "Réorganisation des ressources humaines"
    OTHER = "other", "Autre (révision du projet associatif…)"


class Format(models.TextChoices):
    INDIVIDUAL = "individual", "Individuel"
    COLLECTIVE = "collective", "Collectif"


class BudgetItem(models.TextChoices):
    SALES = "sales", "Ventes de marchandises et prestations"
    OPERATING_GRANTS = "operating_grants", "Subventions d'exploitation"
    OTHER_INCOME = "other_income", "Autres produits (cotisations, dons, produits financiers)"
    PURCHASES = "purchases", "Achats de marchandises et de matières"
    RENT = "rent", "Loyer et charges locatives"
    EXTERNAL = "external", "Autres charges externes"
    STAFF = "staff", "Charges de personnel"
    TAXES = "taxes", "Impôts et taxes"
    DEPRECIATION = "depreciation", "Dotations aux amortissements"
    OTHER_EXPENSES = "other_expenses", "Autres charges (dont charges financières)"


INCOME_ITEMS = (BudgetItem.SALES, BudgetItem.OPERATING_GRANTS, BudgetItem.OTHER_INCOME)


class FinancingItem(models.TextChoices):
    INVESTMENT = "investment", "Investissements (matériel, travaux)"
    MOVING = "moving", "Déménagement"
    SHOP_FITOUT = "shop_fitout", "Aménagement de la boutique"
    INITIAL_STOCK = "initial_stock", "Stock initial"
    WORKING_CAPITAL = "working_capital", "Augmentation du besoin en fonds de roulement (BFR)"
    LOAN_REPAYMENTS = "loan_repayments", "Remboursement d'emprunts"
    EQUITY = "equity", "Apports en fonds propres"
    GRANTS = "grants", "Subventions d'investissement"
    LOANS = "loans", "Emprunts et prêts (dont prêts solidaires)"
    SELF_FINANCING = "self_financing", "Autofinancement"


NEED_ITEMS = (
    FinancingItem.INVESTMENT,
    FinancingItem.MOVING,
    FinancingItem.SHOP_FITOUT,
    FinancingItem.INITIAL_STOCK,
    FinancingItem.WORKING_CAPITAL,
    FinancingItem.LOAN_REPAYMENTS,
)


# --- The committee's recommendation ---------------------------------------------


class CommitteeRecommendation(models.Model):
    """An axis the selection committee recommends for a dossier, and the action it became.

    The accompaniment's own record of the committee's word, so that the start rules and
    the plans read it without importing the committee: the committee's decisions write
    these rows (``services.committee.committee_recommendation_apply``). The action is
    created once, in the structure's plan if it has one, else when the plan is drafted;
    ``pending_reason`` says why it is not in the plan yet.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="committee_recommendations"
    )
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    note = models.TextField("précisions du comité", blank=True)
    # A condition of the decision (securing before moving in, say), not only advice.
    is_condition = models.BooleanField("condition de la décision", default=False)
    planned_days = models.DecimalField(
        "jours recommandés",
        max_digits=5,
        decimal_places=1,
        default=Decimal("2"),
        validators=[validate_half_days, MaxValueValidator(Decimal("100"))],
    )
    # Where it comes from, in French: « Comité de sélection du 12 mars 2026 ».
    origin = models.CharField("origine", max_length=200, blank=True)
    action = models.OneToOneField(
        "PlanAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committee_recommendation",
        verbose_name="action du plan",
    )
    pending_reason = models.TextField("en attente parce que", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisie par",
    )
    recorded_at = models.DateTimeField("saisie le", default=timezone.now)

    class Meta:
        verbose_name = "recommandation du comité"
        verbose_name_plural = "recommandations du comité"
        ordering = ["dossier", "axis"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "axis"], name="unique_committee_recommendation"
            ),
        ]

    def __str__(self):
        return f"{self.dossier} : {self.get_axis_display()}"

    @property
    def is_pending(self) -> bool:
        return self.action_id is None


# --- The strategic development plan ---------------------------------------------


class DevelopmentPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DevelopmentPlanQuerySet":
        """Coordinators see every plan; a structure's members see theirs once proposed."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        if user.has_role(Role.APPLICANT):
            return self.filter(structure__memberships__user=user).exclude(status=PlanStatus.DRAFT)
        return self.none()


class DevelopmentPlan(models.Model):
    """The plan stratégique de développement of one structure for one campaign."""

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="development_plans"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="development_plans"
    )
    status = models.CharField(
        "état", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    first_year = models.PositiveSmallIntegerField(
        "première année du plan (N)",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    diagnostic_summary = models.TextField("synthèse du diagnostic", blank=True)
    objectives = models.TextField("objectifs", blank=True)
    diagnostics = models.ManyToManyField(
        Diagnostic, blank=True, related_name="development_plans", verbose_name="diagnostics"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    proposed_at = models.DateTimeField("proposé le", null=True, blank=True)
    agreed_at = models.DateTimeField("validé le", null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="validé par",
    )
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    completed_at = models.DateTimeField("terminé le", null=True, blank=True)

    objects = DevelopmentPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "plan stratégique de développement"
        verbose_name_plural = "plans stratégiques de développement"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "campaign"],
                name="one_plan_per_structure_and_campaign",
                violation_error_message="Cette structure a déjà un plan pour cet appel.",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"Plan {with_preposition('de', self.structure)} ({self.campaign})"

    def get_absolute_url(self):
        return reverse("accompaniment:plan-detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def years(self) -> list[int]:
        return [self.first_year + offset for offset in YEAR_OFFSETS]

    @cached_property
    def dossier(self) -> Dossier | None:
        return Dossier.objects.filter(
            structure_id=self.structure_id, campaign_id=self.campaign_id
        ).first()


class PlanTransition(TransitionRecord):
    """The history of a plan: who, when, from, to, why."""

    subject_field = "plan"

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField("vers", max_length=20, choices=PlanStatus.choices)

    class Meta:
        verbose_name = "étape du plan"
        verbose_name_plural = "historique des plans"
        ordering = ["plan", "created_at", "pk"]


class PlanTheme(models.Model):
    """One of the five securing themes of the plan: findings and intended changes."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField("thème", max_length=20, choices=SecuringTheme.choices)
    findings = models.TextField("constats", blank=True)
    intended_changes = models.TextField("évolutions prévues", blank=True)

    class Meta:
        verbose_name = "thème de sécurisation"
        verbose_name_plural = "thèmes de sécurisation"
        constraints = [
            models.UniqueConstraint(fields=["plan", "theme"], name="unique_theme_per_plan"),
        ]

    def __str__(self):
        return self.get_theme_display()


class ThreeYearAmounts(models.Model):
    """Amounts in euros for the plan's years N, N+1 and N+2."""

    year_n = models.DecimalField(
        "année N", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    year_n1 = models.DecimalField(
        "année N+1", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    year_n2 = models.DecimalField(
        "année N+2", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        abstract = True

    @property
    def amounts(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.year_n, self.year_n1, self.year_n2)


class BudgetLine(ThreeYearAmounts):
    """A main line of the 3-year budget (income or expense)."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="budget_lines")
    item = models.CharField("poste", max_length=20, choices=BudgetItem.choices)

    class Meta:
        verbose_name = "ligne du budget prévisionnel"
        verbose_name_plural = "budget prévisionnel"
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="unique_budget_item_per_plan"),
        ]

    def __str__(self):
        return self.get_item_display()


class FinancingLine(ThreeYearAmounts):
    """A line of the 3-year financing plan: a need or a resource."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="financing_lines"
    )
    item = models.CharField("poste", max_length=20, choices=FinancingItem.choices)

    class Meta:
        verbose_name = "ligne du plan de financement"
        verbose_name_plural = "plan de financement"
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="unique_financing_item_per_plan"),
        ]

    def __str__(self):
        return self.get_item_display()


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    COMPLETED = "completed", "Réalisée"


class PlanActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlanActionQuerySet":
        """Coordinators: all; a provider: its own actions; a structure: its shared plan's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        # Subqueries, not joins: a join through a many-to-many multiplies the rows
        # and would need a DISTINCT over every column of the list.
        scope = Q(pk__in=[])
        if user.has_role(Role.PROVIDER):
            scope |= Q(provider__in=user.provider_organisations.values("pk"))
        if user.has_role(Role.APPLICANT):
            scope |= Q(plan__structure__in=user.memberships.values("structure_id"))
        return self.filter(scope).exclude(plan__status=PlanStatus.DRAFT)


class PlanAction(models.Model):
    """A planned accompaniment action on one axis, with its provider, days and cost."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="actions")
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("contenu", blank=True)
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name="prestataire",
    )
    format = models.CharField(
        "format", max_length=12, choices=Format.choices, default=Format.INDIVIDUAL
    )
    planned_days = models.DecimalField(
        "jours prévus",
        max_digits=5,
        decimal_places=1,
        validators=[validate_half_days, MaxValueValidator(Decimal("100"))],
        help_text="Par demi-journées : 0,5 ; 1 ; 1,5…",
    )
    # The provider's rate when the action was planned: an agreed plan keeps its
    # cost even if the provider changes its rate later.
    daily_rate = models.DecimalField(
        "tarif journalier retenu (€)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        "état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_at = models.DateTimeField("réalisée le", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_recommendation = models.ForeignKey(
        AxisRecommendation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name="recommandation du diagnostic",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action du plan"
        verbose_name_plural = "actions du plan"
        ordering = ["plan", "axis", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_days__gt=0), name="action_planned_days_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_axis_display()} : {self.title}"

    def get_absolute_url(self):
        return reverse("accompaniment:action-detail", kwargs={"pk": self.pk})

    @property
    def cost(self) -> Decimal | None:
        if self.daily_rate is None:
            return None
        return action_cost(self.planned_days, self.daily_rate)

    @property
    def is_completed(self) -> bool:
        return self.status == ActionStatus.COMPLETED

    # Both need the ``consumed_hours`` annotation of ``selectors.with_consumed_hours``.
    @property
    def consumed_days(self) -> Decimal:
        return hours_to_days(self.consumed_hours)

    @property
    def remaining_days(self) -> Decimal:
        return self.planned_days - self.consumed_days


class FollowUp(models.Model):
    """The follow-up point six months after the plan's completion (DLA practice)."""

    class Trend(models.TextChoices):
        UP = "up", "En hausse"
        STABLE = "stable", "Stable"
        DOWN = "down", "En baisse"

    plan = models.OneToOneField(DevelopmentPlan, on_delete=models.CASCADE, related_name="follow_up")
    due_on = models.DateField("point de suivi prévu le")
    what_changed = models.TextField("ce qui a changé", blank=True)
    jobs_fte = models.DecimalField(
        "emplois aujourd'hui (ETP)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    turnover_trend = models.CharField(
        "évolution du chiffre d'affaires", max_length=10, choices=Trend.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField("réalisé le", null=True, blank=True)

    class Meta:
        verbose_name = "point de suivi"
        verbose_name_plural = "points de suivi"
        ordering = ["due_on"]

    def __str__(self):
        return f"Suivi de {self.plan} ({self.due_on})"

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None


class SatisfactionAnswer(models.Model):
    """The structure's rating of a completed action: never shown one by one to providers."""

    action = models.OneToOneField(PlanAction, on_delete=models.CASCADE, related_name="satisfaction")
    usefulness = models.PositiveSmallIntegerField(
        "utilité de l'accompagnement (1 à 5)",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    would_recommend = models.PositiveSmallIntegerField(
        "recommanderiez-vous ce prestataire ? (1 à 5)",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField("commentaire", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("répondu le", default=timezone.now)

    class Meta:
        verbose_name = "avis de satisfaction"
        verbose_name_plural = "avis de satisfaction"
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5)
                & Q(would_recommend__gte=1, would_recommend__lte=5),
                name="satisfaction_scores_between_1_and_5",
            ),
        ]

    def __str__(self):
        return f"Avis sur {self.action}"


# --- Sessions -------------------------------------------------------------------


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Programmée"
    HELD = "held", "Réalisée"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SessionQuerySet":
        """Coordinators: all; a provider: its own; a structure: those it attends."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        scope = Q(pk__in=[])
        if user.has_role(Role.PROVIDER):
            scope |= Q(provider__in=user.provider_organisations.values("pk"))
        if user.has_role(Role.APPLICANT):
            scope |= Q(
                pk__in=SessionAttendance.objects.filter(
                    structure__in=user.memberships.values("structure_id")
                ).values("session_id")
            )
        return self.filter(scope)


class Session(models.Model):
    """A session a provider runs: individual meeting or collective time."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="sessions", verbose_name="prestataire"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompaniment_sessions",
        verbose_name="consultant",
    )
    date = models.DateField("date")
    duration_hours = models.DecimalField(
        "durée (heures)",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    theme = models.CharField("thème", max_length=200)
    format = models.CharField(
        "format", max_length=12, choices=Format.choices, default=Format.INDIVIDUAL
    )
    status = models.CharField(
        "état", max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    participants = models.TextField("participants", blank=True)
    summary = models.TextField("compte rendu", blank=True)
    next_steps = models.TextField("suites à donner", blank=True)
    event = models.OneToOneField(
        "Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session",
        verbose_name="événement",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("saisie le", default=timezone.now)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["provider", "date"]),
            models.Index(fields=["status", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_hours__gt=0), name="session_duration_positive"
            ),
        ]

    def __str__(self):
        return f"{self.theme} ({self.date})"

    def get_absolute_url(self):
        return reverse("accompaniment:session-detail", kwargs={"pk": self.pk})

    @property
    def days(self) -> Decimal:
        return hours_to_days(self.duration_hours)

    @property
    def is_held(self) -> bool:
        return self.status == SessionStatus.HELD


class SessionAttendance(models.Model):
    """A structure at a session, and the plan action the session serves for it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="session_attendances"
    )
    action = models.ForeignKey(
        PlanAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name="action du plan",
    )
    attended = models.BooleanField("présente", default=True)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["session", "structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "structure"], name="unique_attendance_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.structure} à {self.session}"


def session_document_path(instance, filename):
    return private_name(f"sessions/{instance.session_id}", filename)


class SessionDocument(ScannedFile):
    """A document of a session (support, deliverable), served by a permission-checked view."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("fichier", upload_to=session_document_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    file_kind = models.CharField("format", max_length=10)
    size = models.PositiveBigIntegerField("taille")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "document de séance"
        verbose_name_plural = "documents de séance"
        ordering = ["session", "uploaded_at"]

    def __str__(self):
        return self.original_name

    def scan_place(self) -> tuple[str, str]:
        return f"la séance « {self.session} »", self.session.get_absolute_url()


# --- Events ---------------------------------------------------------------------


class EventKind(models.TextChoices):
    INFORMATION_DAY = "information_day", "Journée d'information"
    COLLECTIVE_TRAINING = "collective_training", "Formation collective (DLA collectif)"


class Audience(models.TextChoices):
    ANY = "any", "Toute structure"
    SELECTED = "selected", "Structures retenues uniquement"


class Event(models.Model):
    """An information day or a collective training; structures register, up to capacity."""

    kind = models.CharField("type", max_length=25, choices=EventKind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="appel à candidatures",
    )
    date = models.DateField("date")
    start_time = models.TimeField("heure de début", null=True, blank=True)
    duration_hours = models.DecimalField(
        "durée (heures)",
        max_digits=4,
        decimal_places=2,
        default=Decimal("3.5"),
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    place = models.CharField("lieu", max_length=200)
    # Places are persons: a structure may register several people.
    capacity = models.PositiveSmallIntegerField(
        "places (personnes)", validators=[MinValueValidator(1)]
    )
    audience = models.CharField("public", max_length=10, choices=Audience.choices)
    axis = models.CharField("axe", max_length=30, choices=Axis.choices, default=Axis.SECURING)
    organiser = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="organisateur",
    )
    attendance_recorded_at = models.DateTimeField("présences relevées le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("accompaniment:event-detail", kwargs={"pk": self.pk})


class RegistrationStatus(models.TextChoices):
    # A visitor without an account has not confirmed their e-mail yet: no place taken.
    PENDING = "pending", "À confirmer"
    REGISTERED = "registered", "Inscrite"
    WAITLISTED = "waitlisted", "Sur liste d'attente"
    CANCELLED = "cancelled", "Annulée"


MAX_PERSONS_PER_REGISTRATION = 10


class EventRegistration(models.Model):
    """A structure's registration, or a visitor's who has no account yet (a guest).

    A guest names themselves, their e-mail and their structure; the registration
    takes a place (or a rank on the waitlist) only once the e-mail link is opened.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    structure = models.ForeignKey(
        Structure,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    guest_name = models.CharField("nom", max_length=150, blank=True)
    guest_email = models.EmailField("adresse e-mail", blank=True)
    guest_structure_name = models.CharField("structure", max_length=200, blank=True)
    persons = models.PositiveSmallIntegerField(
        "personnes",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PERSONS_PER_REGISTRATION)],
    )
    status = models.CharField("état", max_length=12, choices=RegistrationStatus.choices)
    attended = models.BooleanField("présente", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A guest's is the moment of the confirmation: the waitlist ranks places as claimed.
    created_at = models.DateTimeField("inscrite le", default=timezone.now)
    requested_at = models.DateTimeField("demandée le", null=True, blank=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    promoted_at = models.DateTimeField("sortie de liste d'attente le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        # The waitlist's order: first come, first served.
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "structure"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_structure",
                violation_error_message="Cette structure est déjà inscrite à cet événement.",
            ),
            models.UniqueConstraint(
                Lower("guest_email"),
                "event",
                condition=Q(structure__isnull=True) & ~Q(status="cancelled"),
                name="one_active_registration_per_guest_email",
                violation_error_message="Cette adresse est déjà inscrite à cet événement.",
            ),
            models.CheckConstraint(
                condition=Q(structure__isnull=False)
                | (~Q(guest_name="") & ~Q(guest_email="") & ~Q(guest_structure_name="")),
                name="registration_of_a_structure_or_a_named_guest",
            ),
            models.CheckConstraint(
                condition=Q(persons__gte=1), name="registration_persons_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(structure__isnull=True),
                name="only_a_guest_registration_awaits_confirmation",
            ),
        ]

    def __str__(self):
        return f"{self.structure_name} : {self.event} ({self.get_status_display()})"

    @property
    def is_guest(self) -> bool:
        return self.structure_id is None

    @property
    def structure_name(self) -> str:
        return self.guest_structure_name if self.is_guest else self.structure.name


# --- Professionalisation (axis D) -------------------------------------------------


class GpecSheet(models.Model):
    """The structure's workforce and skills planning (GPEC)."""

    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="gpec_sheet")
    skills_to_build = models.TextField("compétences à développer", blank=True)
    recruitment_plan = models.TextField("plan de recrutement", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "fiche GPEC"
        verbose_name_plural = "fiches GPEC"

    def __str__(self):
        return f"GPEC {with_preposition('de', self.structure)}"


class GpecJob(models.Model):
    """A job of the structure, today and in three years."""

    sheet = models.ForeignKey(GpecSheet, on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField("emploi", max_length=150)
    fte_today = models.DecimalField(
        "ETP aujourd'hui",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    fte_in_3_years = models.DecimalField(
        "ETP dans 3 ans",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField("précision", max_length=300, blank=True)

    class Meta:
        verbose_name = "emploi"
        verbose_name_plural = "emplois"
        ordering = ["sheet", "pk"]

    def __str__(self):
        return self.title


class QualifyingTraining(models.Model):
    """A qualifying training of a permanent staff member."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Prévue"
        IN_PROGRESS = "in_progress", "En cours"
        DONE = "done", "Terminée"

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="qualifying_trainings"
    )
    person_or_post = models.CharField("personne ou poste", max_length=150)
    training = models.CharField("formation", max_length=200)
    organisation = models.CharField("organisme de formation", max_length=200)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PLANNED)
    funding = models.CharField("financement", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "formation qualifiante"
        verbose_name_plural = "formations qualifiantes"
        ordering = ["structure", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
                violation_error_message="La fin de la formation doit suivre son début.",
            ),
        ]

    def __str__(self):
        return f"{self.training} ({self.person_or_post})"


# --- Responsibility (axis E): the QADES grid ----------------------------------------


class QadesDimension(models.TextChoices):
    QUALITY = "quality", "Qualité"
    AGRICULTURE = "agriculture", "Agriculture & Transformation"
    DIVERSITY = "diversity", "Diversité"
    ENERGY = "energy", "Énergies & Ressources"
    SOCIAL = "social", "Social"


class QadesReview(models.TextChoices):
    MET = "met", "Atteint"
    PARTLY = "partly", "Partiellement atteint"
    NOT_MET = "not_met", "Non atteint"


class QadesGrid(models.Model):
    """The QADES grid of one resident for one year (objectives revised every year)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="qades_grids")
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "grille QADES"
        verbose_name_plural = "grilles QADES"
        ordering = ["structure", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "year"], name="unique_qades_grid_year"),
        ]

    def __str__(self):
        return f"QADES {self.year} {with_preposition('de', self.structure)}"


class QadesLine(models.Model):
    """One dimension of a QADES grid: objectives, indicators and the yearly review."""

    grid = models.ForeignKey(QadesGrid, on_delete=models.CASCADE, related_name="lines")
    dimension = models.CharField("dimension", max_length=15, choices=QadesDimension.choices)
    objectives = models.TextField("objectifs", blank=True)
    indicators = models.TextField("indicateurs", blank=True)
    review = models.CharField("bilan", max_length=10, choices=QadesReview.choices, blank=True)
    review_comment = models.TextField("commentaire du bilan", blank=True)
    # The resident's consent: only published lines reach the common summary.
    publish = models.BooleanField("publier dans la synthèse commune", default=False)

    class Meta:
        verbose_name = "dimension QADES"
        verbose_name_plural = "dimensions QADES"
        ordering = ["grid", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "dimension"], name="unique_qades_dimension_per_grid"
            ),
        ]

    def __str__(self):
        return self.get_dimension_display()
