"""The scheme's own data: existing offer recorded by hand, saved scenarios, report requests.

Everything else the scheme shows is read from the other apps (see ``figures.py``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ccr_portal.axes import Axis
from ccr_portal.users.models import Provider

Payer = Provider.FundingScheme


class OfferScheme(models.Model):
    """An existing scheme counted as offer: a DLA, RAMSESS, a collective DLA's places."""

    class Kind(models.TextChoices):
        DLA = "dla", "DLA (dispositif local d'accompagnement)"
        RAMSESS = "ramsess", "RAMSESS"
        COLLECTIVE_DLA = "collective_dla", "DLA collectif (places)"
        OTHER = "other", "Autre dispositif"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    axis = models.CharField("axe", max_length=30, choices=Axis.choices)
    payer = models.CharField("financé par", max_length=20, choices=Payer.choices)
    places = models.PositiveSmallIntegerField(
        "places", default=1, validators=[MinValueValidator(1)]
    )
    days_per_place = models.DecimalField(
        "jours par place",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    note = models.TextField("précisions", blank=True)

    class Meta:
        verbose_name = "dispositif existant"
        verbose_name_plural = "dispositifs existants"
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="offer_scheme_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def total_days(self) -> Decimal:
        return self.places * self.days_per_place


class Scenario(models.Model):
    """Saved scenario parameters (``figures.ScenarioParameters``), with a name and a note."""

    name = models.CharField("nom", max_length=150, unique=True)
    note = models.TextField("note", blank=True)
    # The parameters as ``ScenarioParameters.as_dict()``: one row, however many overrides.
    parameters = models.JSONField("paramètres")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        verbose_name = "scénario"
        verbose_name_plural = "scénarios"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("scheme:scenario-detail", kwargs={"pk": self.pk})


class SchemeReport(models.Model):
    """What a PDF of the scheme was asked for: the subject the documents pipeline renders."""

    class Kind(models.TextChoices):
        BRIEF = "brief", "Note de calibrage"
        ACTIVITY = "activity", "Bilan d'activité"

    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    payer = models.CharField("financeur", max_length=20, choices=Payer.choices, blank=True)
    scenarios = models.ManyToManyField(Scenario, blank=True, related_name="+")
    months = models.PositiveSmallIntegerField(
        "mois", default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField("demandé le", default=timezone.now)

    class Meta:
        verbose_name = "document du dispositif"
        verbose_name_plural = "documents du dispositif"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="scheme_report_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.period_start} au {self.period_end}"

    def get_absolute_url(self):
        return reverse("scheme:report-document", kwargs={"pk": self.pk})


class DataChange(models.Model):
    """One statement that wrote to a table the cached figures read (``scheme/cache.py``).

    Written only by a database trigger on those tables (migration 0002), never by the
    code: an insert, update, delete or truncate there, by a service, a bulk update or a
    console, adds a row in the same transaction, so the figures' data version changes
    exactly when the data a reader can see does.
    """

    table = models.CharField("table", max_length=63)

    class Meta:
        verbose_name = "modification des données du dispositif"
        verbose_name_plural = "modifications des données du dispositif"

    def __str__(self):
        return f"{self.table} n° {self.pk}"
