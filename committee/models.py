"""The selection committee: members, meetings, agendas, conflicts, opinions, decisions.

A meeting (``Meeting``) invites members (``MeetingMember``) and has an agenda of dossiers
(``AgendaItem``). Members declare their links with structures (``ConflictOfInterest``),
give an opinion on each file (``Opinion``), and the meeting decides (``Decision``): the
dossier moves through its workflow and the recommended axes become the accompaniment's
``CommitteeRecommendation`` rows, the lower-level record the accompaniment reads.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from applicants.models import Campaign, CharterCommitment, Dossier, Site, Structure
from ccr_portal.formatting import format_date
from ccr_portal.history import TransitionRecord
from ccr_portal.users.models import Role

# --- Members ----------------------------------------------------------------------


class CommitteeMember(models.Model):
    """What the portal knows of a committee member besides the role: who they sit for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_profile"
    )
    organisation = models.CharField(
        "organisation représentée",
        max_length=200,
        help_text="Région PACA, Fondation MACIF, un réseau, un prestataire, un financeur…",
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "membre du comité"
        verbose_name_plural = "membres du comité"
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return f"{self.user} ({self.organisation})"


# --- Meetings ---------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Programmée"
    HELD = "held", "Tenue"
    CLOSED = "closed", "Close, procès-verbal publié"
    CANCELLED = "cancelled", "Annulée"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingQuerySet":
        """Coordinators: every meeting; a committee member: the meetings they are invited to.
        The same rule as ``committee.view_meeting``."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_role(Role.COORDINATOR):
            return self
        if user.has_role(Role.COMMITTEE):
            return self.filter(invitations__user=user)
        return self.none()


class Meeting(models.Model):
    """A meeting of the selection committee (séance du comité de sélection)."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="committee_meetings",
        verbose_name="appel à candidatures",
    )
    starts_at = models.DateTimeField("date et heure")
    duration_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)",
        default=180,
        validators=[MinValueValidator(15), MaxValueValidator(720)],
    )
    place = models.CharField("lieu", max_length=250, blank=True)
    video_link = models.URLField("lien de visioconférence", blank=True)
    quorum = models.PositiveSmallIntegerField(
        "quorum (membres présents)",
        validators=[MinValueValidator(1)],
        help_text="Nombre de membres présents nécessaire pour décider.",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="présidence de séance",
    )
    status = models.CharField(
        "état", max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MeetingMember",
        related_name="committee_meetings",
        verbose_name="membres invités",
    )
    # The calendar identity of the meeting: one UID, a sequence raised at each change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("programmée le", default=timezone.now)
    held_at = models.DateTimeField("tenue le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "séance du comité"
        verbose_name_plural = "séances du comité"
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""),
                name="meeting_has_place_or_link",
                violation_error_message="Indiquez le lieu ou le lien de visioconférence.",
            ),
            models.CheckConstraint(condition=Q(quorum__gte=1), name="meeting_quorum_positive"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"Comité de sélection du {format_date(timezone.localtime(self.starts_at))}"

    def get_absolute_url(self):
        return reverse("committee:meeting-detail", kwargs={"pk": self.pk})

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def is_scheduled(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def has_taken_place(self) -> bool:
        return self.status in (MeetingStatus.HELD, MeetingStatus.CLOSED)


class MeetingMember(models.Model):
    """A member invited to a meeting: present or not, and whether they answered about links."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="committee_invitations",
        verbose_name="membre",
    )
    present = models.BooleanField("présent", default=False)
    links_declared_at = models.DateTimeField("liens d'intérêts déclarés le", null=True, blank=True)
    invited_at = models.DateTimeField("invité le", default=timezone.now)

    class Meta:
        verbose_name = "membre invité"
        verbose_name_plural = "membres invités"
        ordering = ["meeting", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="unique_member_per_meeting"),
        ]

    def __str__(self):
        return f"{self.user} · {self.meeting}"

    def get_absolute_url(self):
        return reverse("committee:pack", kwargs={"pk": self.pk})


class MeetingTransition(TransitionRecord):
    subject_field = "meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=12, choices=MeetingStatus.choices)
    to_status = models.CharField("vers", max_length=12, choices=MeetingStatus.choices)

    class Meta:
        verbose_name = "étape de la séance"
        verbose_name_plural = "historique des séances"
        ordering = ["meeting", "created_at", "pk"]


class AgendaItem(models.Model):
    """A dossier on a meeting's agenda, in order: the file the members read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    # Put on the agenda although an ordered assessment diagnostic is not validated yet.
    assessment_override = models.TextField(
        "motif de l'inscription sans diagnostic d'instruction validé", blank=True
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField("inscrit le", default=timezone.now)

    class Meta:
        verbose_name = "dossier à l'ordre du jour"
        verbose_name_plural = "ordre du jour"
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "dossier"], name="unique_dossier_per_agenda"
            ),
        ]

    def __str__(self):
        return f"{self.dossier.structure} · {self.meeting}"

    def get_absolute_url(self):
        return reverse("committee:file", kwargs={"pk": self.pk})


class OpinionValue(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    RESERVED = "reserved", "Réservé"
    UNFAVOURABLE = "unfavourable", "Défavorable"


class InstructionNote(models.Model):
    """The coordination's instruction note for the committee (never the private notes)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="instruction_note"
    )
    opinion = models.CharField("avis de l'instruction", max_length=15, choices=OpinionValue.choices)
    reasons = models.TextField("motifs")
    proposed_conditions = models.TextField("conditions proposées", blank=True)
    proposed_site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="site proposé",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "note d'instruction"
        verbose_name_plural = "notes d'instruction"

    def __str__(self):
        return f"Note d'instruction : {self.dossier}"


# --- Conflicts of interest ----------------------------------------------------------


class ConflictKind(models.TextChoices):
    MEMBER = "member", "Membre de la structure"
    ACCOMPANIES = "accompanies", "Mon organisation accompagne la structure"
    FINANCES = "finances", "Mon organisation finance la structure"
    PERSONAL = "personal", "Lien personnel"


class ConflictSource(models.TextChoices):
    DECLARED = "declared", "Déclaré par le membre"
    RECORDED = "recorded", "Enregistré par la coordination"
    # A provider's or funder's member: what their organisation does for the structure.
    PREFILLED = "prefilled", "D'après les missions de son organisation"


class ConflictOfInterest(models.Model):
    """A member's link with a structure: they neither read its file nor give an opinion,
    and abstain on its decision."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts_of_interest",
        verbose_name="membre",
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="committee_conflicts"
    )
    kind = models.CharField("nature du lien", max_length=15, choices=ConflictKind.choices)
    details = models.TextField("précisions", blank=True)
    source = models.CharField("origine", max_length=10, choices=ConflictSource.choices)
    declared_on = models.DateField("date", default=timezone.localdate)
    # The meeting whose agenda brought the question, if any.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="conflicts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("saisi le", default=timezone.now)
    withdrawn_at = models.DateTimeField("levé le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.TextField("motif de la levée", blank=True)

    class Meta:
        verbose_name = "lien d'intérêts"
        verbose_name_plural = "liens d'intérêts"
        ordering = ["structure__name", "member__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "structure"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_conflict_per_member_and_structure",
                violation_error_message="Ce lien d'intérêts est déjà enregistré.",
            ),
        ]

    def __str__(self):
        return f"{self.member} ↔ {self.structure} ({self.get_kind_display()})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- Opinions -----------------------------------------------------------------------


class Opinion(models.Model):
    """A member's confidential opinion on one file of the agenda."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="opinions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="membre"
    )
    value = models.CharField("avis", max_length=15, choices=OpinionValue.choices)
    comment = models.TextField("commentaire", blank=True)
    given_at = models.DateTimeField("donné le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["item", "given_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="one_opinion_per_member"),
        ]

    def __str__(self):
        return f"{self.member} : {self.get_value_display()} ({self.item})"


class CharterScore(models.IntegerChoices):
    WEAK = 1, "Insuffisant"
    PARTIAL = 2, "Partiel"
    GOOD = 3, "Satisfaisant"
    STRONG = 4, "Très satisfaisant"


class OpinionScore(models.Model):
    """An optional score of the file on one charter commitment of the campaign."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="scores")
    commitment = models.ForeignKey(CharterCommitment, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField("note", choices=CharterScore.choices)

    class Meta:
        verbose_name = "note sur un engagement de la charte"
        verbose_name_plural = "notes sur la charte"
        ordering = ["opinion", "commitment__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "commitment"], name="one_score_per_commitment"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="charter_score_between_1_and_4"
            ),
        ]

    def __str__(self):
        return f"{self.commitment} : {self.score}"


# --- Decisions ----------------------------------------------------------------------


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Retenue"
    ACCEPTED_WITH_CONDITIONS = "accepted_with_conditions", "Retenue sous conditions"
    WAITLISTED = "waitlisted", "Sur liste d'attente"
    REJECTED = "rejected", "Non retenue"


ACCEPTING_OUTCOMES = (Outcome.ACCEPTED, Outcome.ACCEPTED_WITH_CONDITIONS)
# The dossier workflow's action for each outcome: a conditional acceptance is an acceptance.
DOSSIER_ACTION = {
    Outcome.ACCEPTED: "accept",
    Outcome.ACCEPTED_WITH_CONDITIONS: "accept",
    Outcome.WAITLISTED: "waitlist",
    Outcome.REJECTED: "reject",
}


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    RECORDED = "recorded", "Enregistrée"
    NOTIFIED = "notified", "Lettre envoyée"


class Decision(models.Model):
    """The committee's decision on one file of the agenda."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField("décision", max_length=25, choices=Outcome.choices)
    motivation = models.TextField("motivation (transmise à la structure)")
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_decisions",
        verbose_name="site attribué",
    )
    conditions = models.TextField("conditions", blank=True)
    financing_referral = models.BooleanField(
        "orientation vers l'accompagnement financier", default=False
    )
    financing_note = models.TextField("précisions sur le financement", blank=True)
    # What the meeting looked like when it decided.
    quorum = models.PositiveSmallIntegerField("quorum requis", default=1)
    present_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="membres présents"
    )
    abstaining_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="membres ne prenant pas part (lien d'intérêts)",
    )
    # Decided although an ordered assessment diagnostic was not validated: the reason.
    assessment_override = models.TextField(
        "motif de la décision sans diagnostic d'instruction validé", blank=True
    )
    # The accompaniment's records this decision wrote (axes recommended, conditions).
    recommendations = models.ManyToManyField(
        "accompaniment.CommitteeRecommendation", blank=True, related_name="+"
    )
    status = models.CharField(
        "état", max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("enregistrée le", null=True, blank=True)
    letter_sent_at = models.DateTimeField("lettre envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "décision du comité"
        verbose_name_plural = "décisions du comité"
        ordering = ["item__meeting", "item__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=["accepted", "accepted_with_conditions"])
                | Q(site__isnull=False),
                name="accepted_decision_has_site",
                violation_error_message="Attribuez un site à une candidature retenue.",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="accepted_with_conditions") | ~Q(conditions=""),
                name="conditional_decision_has_conditions",
                violation_error_message="Écrivez les conditions de la décision.",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} : {self.item.dossier.structure}"

    def get_absolute_url(self):
        return reverse("committee:decision-detail", kwargs={"pk": self.pk})

    # The attributes every audience selector reads (``applicants.people``).
    @property
    def dossier(self) -> Dossier:
        return self.item.dossier

    @property
    def structure_id(self) -> int:
        return self.item.dossier.structure_id

    @property
    def meeting(self) -> Meeting:
        return self.item.meeting

    @property
    def is_accepting(self) -> bool:
        return self.outcome in ACCEPTING_OUTCOMES

    @property
    def is_recorded(self) -> bool:
        return self.status in (DecisionStatus.RECORDED, DecisionStatus.NOTIFIED)

    @property
    def condition_lines(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]


class DecisionTransition(TransitionRecord):
    subject_field = "decision"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=10, choices=DecisionStatus.choices)
    to_status = models.CharField("vers", max_length=10, choices=DecisionStatus.choices)

    class Meta:
        verbose_name = "étape de la décision"
        verbose_name_plural = "historique des décisions"
        ordering = ["decision", "created_at", "pk"]


# --- Letters and sites ----------------------------------------------------------------


class LetterTemplate(models.Model):
    """The text of the decision letter for one outcome, edited by the coordination."""

    outcome = models.CharField("décision", max_length=25, choices=Outcome.choices, unique=True)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "modèle de lettre de décision"
        verbose_name_plural = "modèles de lettre de décision"
        ordering = ["outcome"]

    def __str__(self):
        return f"Lettre : {self.get_outcome_display()}"


class SiteCapacity(models.Model):
    """How many residents a campaign offers on a site: the allocations are read against it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    places = models.PositiveSmallIntegerField("places")

    class Meta:
        verbose_name = "capacité d'un site"
        verbose_name_plural = "capacités des sites"
        ordering = ["campaign", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "site"], name="one_capacity_per_site"),
        ]

    def __str__(self):
        return f"{self.site} : {self.places} places ({self.campaign})"
