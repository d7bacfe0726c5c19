from functools import cached_property

import rules
from django.conf import settings
from django.contrib.auth import get_backends
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from rules.permissions import ObjectPermissionBackend

from ccr_portal.permission_scope import in_admin


class Role(models.TextChoices):
    APPLICANT = "applicant", "Structure candidate"
    COORDINATOR = "coordinator", "Coordination (Regain)"
    PROVIDER = "provider", "Prestataire d'accompagnement"
    COMMITTEE = "committee", "Comité de sélection"
    FUNDER = "funder", "Financeur"


# Roles that only a coordinator or the administrator may grant.
STAFF_ROLES = (Role.COORDINATOR, Role.PROVIDER, Role.COMMITTEE, Role.FUNDER)
# The order in which a person's dashboards are offered by default.
ROLE_PRIORITY = (Role.COORDINATOR, Role.COMMITTEE, Role.FUNDER, Role.PROVIDER, Role.APPLICANT)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the portal; the e-mail address is the login."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        """The codes of the roles this person holds (one query per request)."""
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def forget_roles(self) -> None:
        """Drop the cached roles after a grant or a revocation."""
        self.__dict__.pop("roles", None)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_perm(self, perm: str, obj=None) -> bool:
        """The portal's permissions are its rules alone, superuser or not.

        Django would grant a superuser everything, and a model permission given
        in the admin (``applicants.change_dossier``) shares its name with the
        portal's rule: a superuser without a role would agree a plan as the
        structure. So a name declared with ``rules.add_perm`` is answered by the
        rules only; inside the admin (``PortalAdminSite``), names are Django's
        model permissions, the superuser's included.
        """
        if rules.perm_exists(perm) and not in_admin():
            return self.is_active and rules.has_perm(perm, self, obj)
        return self.has_model_perm(perm, obj)

    def has_model_perm(self, perm: str, obj=None) -> bool:
        """Django's own answer: the superuser, then groups and user permissions."""
        if self.is_active and self.is_superuser:
            return True
        return any(
            backend.has_perm(self, perm, obj)
            for backend in get_backends()
            # django-axes' backend only authenticates: it answers no permission.
            if hasattr(backend, "has_perm") and not isinstance(backend, ObjectPermissionBackend)
        )

    @property
    def ordered_roles(self) -> list[Role]:
        return [role for role in ROLE_PRIORITY if role in self.roles]


class RoleAssignment(models.Model):
    """A role held by a person. Staff roles are granted, never self-assigned."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accordé par",
    )
    granted_at = models.DateTimeField("accordé le", default=timezone.now)

    class Meta:
        verbose_name = "rôle attribué"
        verbose_name_plural = "rôles attribués"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]
        # Who holds a role: the team's counts and filter, every audience of a role.
        indexes = [models.Index(fields=["role", "user"], name="roleassignment_role_idx")]

    def __str__(self):
        return f"{self.user} : {self.get_role_display()}"


class RoleChange(models.Model):
    """The history of grants and revocations: who, when, what."""

    class Action(models.TextChoices):
        GRANTED = "granted", "Attribué"
        REVOKED = "revoked", "Retiré"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_changes"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    action = models.CharField("action", max_length=10, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    changed_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "changement de rôle"
        verbose_name_plural = "changements de rôle"
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.user} : {self.get_role_display()} {self.get_action_display().lower()}"


class Organisation(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    short_name = models.CharField("sigle", max_length=50, blank=True)
    website = models.URLField("site web", blank=True)
    description = models.TextField("présentation", blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class Provider(Organisation):
    """An accompaniment organisation (RAMSESS, APEAS, Inter-Made, ESIA, Hom&Ter, Regain…)."""

    class FundingScheme(models.TextChoices):
        DLA = "dla", "DLA"
        REGION = "region", "Région PACA"
        MACIF = "macif", "Fondation MACIF"
        OWN_FUNDS = "own_funds", "Fonds propres"
        OTHER = "other", "Autre"

    axes = models.JSONField(
        "axes couverts",
        default=list,
        blank=True,
        help_text="Codes des axes d'accompagnement (diagnostic, securing, …).",
    )
    daily_rate = models.DecimalField(
        "tarif journalier (€)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_scheme = models.CharField(
        "financement", max_length=20, choices=FundingScheme.choices, blank=True
    )
    monthly_capacity_days = models.DecimalField(
        "capacité habituelle (jours consultant par mois)",
        max_digits=5,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="provider_organisations",
        verbose_name="consultants",
    )

    class Meta(Organisation.Meta):
        verbose_name = "prestataire d'accompagnement"
        verbose_name_plural = "prestataires d'accompagnement"

    @staticmethod
    def is_consultant(prefix: str = "") -> models.Q:
        """Who counts as a provider's consultant: an active member of the organisation
        holding the provider role. The one rule of the portal (``prefix`` reaches the
        person from another model): the permission layer and every audience use it."""
        return models.Q(
            **{f"{prefix}is_active": True, f"{prefix}role_assignments__role": Role.PROVIDER}
        )

    def consultants(self):
        """The organisation's consultants (``is_consultant``)."""
        return self.members.filter(Provider.is_consultant()).distinct().order_by("pk")


class Funder(Organisation):
    """A fund operator (ESIA for France Active PACA, URSCOP PACA for PARGEST)."""

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="funder_organisations",
        verbose_name="chargés de financement",
    )

    class Meta(Organisation.Meta):
        verbose_name = "financeur"
        verbose_name_plural = "financeurs"

    def officers(self):
        """The fund's officers: its active members holding the funder role."""
        return (
            self.members.filter(is_active=True, role_assignments__role=Role.FUNDER)
            .distinct()
            .order_by("pk")
        )
