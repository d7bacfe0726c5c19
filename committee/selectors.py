"""Reads of the committee, shared by its pages, its PDFs, its rules and its reminders.

The per-person sets the rules ask for (invited meetings, conflicts, opinions given) are
read once per request and kept on the user object, like ``provider_ids``.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects

from accompaniment.models import DevelopmentPlan, PlanAction, PlanStatus
from applicants.models import (
    Attachment,
    Dossier,
    DossierStatus,
    SitePreference,
    Structure,
)
from ccr_portal.users.models import Role, User
from diagnostics.models import (
    Diagnostic,
    DiagnosticStatus,
)
from diagnostics.selectors import assessment_warning, unfinished_assessments
from financing.models import FinancingRequest, RequestStatus

from .models import (
    ACCEPTING_OUTCOMES,
    AgendaItem,
    ConflictKind,
    ConflictOfInterest,
    Decision,
    DecisionStatus,
    InstructionNote,
    Meeting,
    MeetingMember,
    MeetingStatus,
    Opinion,
    OpinionScore,
    OpinionValue,
    Outcome,
    SiteCapacity,
)

# --- The per-person sets the rules read ------------------------------------------------


def _state(user) -> dict:
    """Where the sets are kept: the user's own ``__dict__``, also when the caller holds
    ``request.user`` (a lazy wrapper whose ``__dict__`` is its own, not the user's), so
    that a page's selectors and the rules it asks share one read."""
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is not None:
        user.pk  # noqa: B018 (sets the lazy object up)
        user = user._wrapped
    return user.__dict__


def _cached(user, key: str, compute):
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    state = _state(user)
    if key not in state:
        state[key] = compute()
    return state[key]


def conflicted_structure_ids(user) -> frozenset[int]:
    """The structures this person has an active conflict of interest with."""
    return _cached(
        user,
        "_committee_conflicts",
        lambda: frozenset(
            ConflictOfInterest.objects.filter(member=user, withdrawn_at__isnull=True)
            .order_by()  # a set: no join for the model's ordering
            .values_list("structure_id", flat=True)
        ),
    )


def invited_meeting_ids(user) -> frozenset[int]:
    """The meetings this person is invited to (whatever their role: the rules add it)."""
    return _cached(
        user,
        "_committee_meetings",
        lambda: frozenset(
            MeetingMember.objects.filter(user=user).order_by().values_list("meeting_id", flat=True)
        ),
    )


def opinion_given_item_ids(user, meeting_id: int) -> frozenset[int]:
    """The files of a meeting on which this person gave their opinion."""
    if not (user and user.is_authenticated):
        return frozenset()
    cache = _state(user).setdefault("_committee_opinions", {})
    if meeting_id not in cache:
        cache[meeting_id] = frozenset(
            Opinion.objects.filter(member=user, item__meeting_id=meeting_id)
            .order_by()
            .values_list("item_id", flat=True)
        )
    return cache[meeting_id]


def forget_committee_cache(user) -> None:
    """After a write that changes what the person may read (a conflict, an opinion)."""
    # The user's own sets, and whatever a reader kept on a lazy wrapper's ``__dict__``
    # (``ccr_portal.permissions`` keeps its exclusions on the object it is given).
    for state in (_state(user), user.__dict__):
        for key in (
            "_committee_conflicts",
            "_committee_meetings",
            "_committee_opinions",
            "_committee_excluded",
        ):
            state.pop(key, None)


# --- Members and their organisations' links ---------------------------------------------


def committee_people() -> QuerySet:
    """Every active committee member, with their profile."""
    return (
        User.objects.filter(role_assignments__role=Role.COMMITTEE, is_active=True)
        .select_related("committee_profile")
        .prefetch_related("provider_organisations", "funder_organisations")
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def organisation_of(user) -> str:
    """What a member sits for: their profile, else their provider's or fund's name."""
    profile = getattr(user, "committee_profile", None)
    if profile is not None:
        return profile.organisation
    names = [str(org) for org in user.provider_organisations.all()]
    names += [str(org) for org in user.funder_organisations.all()]
    return ", ".join(names)


@dataclass(frozen=True)
class SuggestedLink:
    structure: Structure
    kind: str
    details: str


def organisation_links(user, structure_ids) -> dict[int, SuggestedLink]:
    """The links of a provider's or funder's member with these structures, from what their
    organisation does for them: diagnostics assigned, plan actions, and the financing
    requests sent to their fund. Prefills the member's declaration (at most five queries,
    whatever the number of structures)."""
    links: dict[int, SuggestedLink] = {}
    providers = list(user.provider_organisations.all())
    funders = list(user.funder_organisations.all())
    if providers:
        _accompanied(links, providers, structure_ids)
    if funders:
        _financed(links, funders, structure_ids)
    return links


def _accompanied(links, providers, structure_ids) -> None:
    names = {provider.pk: str(provider) for provider in providers}
    diagnostics = (
        Diagnostic.objects.filter(structure_id__in=structure_ids, provider__in=providers)
        .exclude(status=DiagnosticStatus.DECLINED)
        .select_related("structure")
        .order_by("structure_id", "pk")
    )
    for diagnostic in diagnostics:
        links.setdefault(
            diagnostic.structure_id,
            SuggestedLink(
                diagnostic.structure,
                ConflictKind.ACCOMPANIES,
                f"{names[diagnostic.provider_id]} : {diagnostic.get_kind_display().lower()} "
                f"({diagnostic.get_status_display().lower()})",
            ),
        )
    actions = (
        PlanAction.objects.filter(plan__structure_id__in=structure_ids, provider__in=providers)
        .select_related("plan__structure")
        .order_by("plan__structure_id", "pk")
    )
    for action in actions:
        links.setdefault(
            action.plan.structure_id,
            SuggestedLink(
                action.plan.structure,
                ConflictKind.ACCOMPANIES,
                f"{names[action.provider_id]} : action « {action.title} » du plan",
            ),
        )


def _financed(links, funders, structure_ids) -> None:
    """The structures that sent a request to one of the funds: neither a draft nor one
    withdrawn before it was sent."""
    names = {funder.pk: str(funder) for funder in funders}
    requests = (
        FinancingRequest.objects.filter(structure_id__in=structure_ids, product__funder__in=funders)
        .exclude(status=RequestStatus.DRAFT)
        .exclude(status=RequestStatus.WITHDRAWN, submitted_at__isnull=True)
        .select_related("structure", "product")
        .order_by("structure_id", "pk")
    )
    for request in requests:
        status = request.get_status_display()
        links.setdefault(
            request.structure_id,
            SuggestedLink(
                request.structure,
                ConflictKind.FINANCES,
                f"{names[request.product.funder_id]} : demande « {request.product.name} », "
                f"{status[:1].lower()}{status[1:]}",
            ),
        )


# --- Agendas ---------------------------------------------------------------------------


def agenda_candidates(meeting: Meeting) -> QuerySet:
    """The campaign's dossiers that may join this agenda: in instruction, or already sent to
    the committee but on no live agenda (a cancelled meeting's, say)."""
    live = AgendaItem.objects.filter(
        meeting__status__in=(MeetingStatus.SCHEDULED, MeetingStatus.HELD)
    ).values("dossier_id")
    return (
        Dossier.objects.filter(campaign_id=meeting.campaign_id)
        .filter(
            Q(status=DossierStatus.UNDER_REVIEW)
            | (Q(status=DossierStatus.IN_COMMITTEE) & ~Q(pk__in=live))
        )
        .select_related("structure")
        .order_by("structure__name")
    )


@dataclass
class AgendaLine:
    item: AgendaItem
    expected: int
    given: int
    conflicted: bool = False
    own_opinion: Opinion | None = None
    decision: Decision | None = None
    warning: str = ""

    @property
    def counts(self) -> str:
        return f"{self.given} / {self.expected}"


def agenda_lines(
    meeting: Meeting, viewer, *, warnings: bool = True, invited: set[int] | None = None
) -> list[AgendaLine]:
    """The agenda as a person reads it: for each file, « opinions données / attendues », the
    viewer's own opinion and conflict, the decision, and (``warnings``) whether its
    assessment diagnostic is still unfinished. A bounded number of queries; ``invited``,
    the ids of the meeting's invited people, when the page read the invitations already."""
    items = list(
        meeting.agenda.select_related(
            "meeting", "dossier__structure", "dossier__campaign", "decision"
        )
        .prefetch_related(
            Prefetch("opinions", Opinion.objects.only("pk", "item_id", "member_id", "value"))
        )
        .order_by("position", "pk")
    )
    if invited is None:
        invited = set(meeting.invitations.order_by().values_list("user_id", flat=True))
    conflicts = defaultdict(set)
    for member_id, structure_id in (
        ConflictOfInterest.objects.filter(
            member_id__in=invited,
            structure_id__in=[item.dossier.structure_id for item in items],
            withdrawn_at__isnull=True,
        )
        .order_by()
        .values_list("member_id", "structure_id")
    ):
        conflicts[structure_id].add(member_id)
    mine = conflicted_structure_ids(viewer)
    pending = unfinished_assessments([item.dossier for item in items]) if warnings else {}
    if viewer.is_authenticated:
        # Every opinion on the agenda is at hand: the files the viewer gave theirs on (the
        # ``gave_own_opinion`` rule's set, otherwise a query of its own) are among them.
        _state(viewer).setdefault("_committee_opinions", {}).setdefault(
            meeting.pk,
            frozenset(
                opinion.item_id
                for item in items
                for opinion in item.opinions.all()
                if opinion.member_id == viewer.pk
            ),
        )
    lines = []
    for item in items:
        voters = invited - conflicts[item.dossier.structure_id]
        opinions = [opinion for opinion in item.opinions.all() if opinion.member_id in voters]
        lines.append(
            AgendaLine(
                item=item,
                expected=len(voters),
                given=len(opinions),
                conflicted=item.dossier.structure_id in mine,
                own_opinion=next((o for o in opinions if o.member_id == viewer.pk), None),
                decision=getattr(item, "decision", None),
                warning=assessment_warning(pending[item.dossier_id])
                if item.dossier_id in pending
                else "",
            )
        )
    return lines


def opinions_by_item(items) -> dict[int, list[Opinion]]:
    """Every opinion on these files with its scores: for the secretary, side by side."""
    found = defaultdict(list)
    opinions = (
        Opinion.objects.filter(item__in=items)
        .select_related("member__committee_profile")
        .prefetch_related(Prefetch("scores", OpinionScore.objects.select_related("commitment")))
        .order_by("member__last_name", "member__first_name", "pk")
    )
    for opinion in opinions:
        found[opinion.item_id].append(opinion)
    return found


def opinion_tally(opinions) -> list[tuple[str, int]]:
    counts = Counter(opinion.value for opinion in opinions)
    return [(label, counts.get(code, 0)) for code, label in OpinionValue.choices]


def member_conflicts(meeting: Meeting) -> dict[int, set[int]]:
    """For each structure on the agenda, the invited members with a conflict."""
    found = defaultdict(set)
    rows = ConflictOfInterest.objects.filter(
        member__committee_invitations__meeting=meeting,
        structure__dossiers__agenda_items__meeting=meeting,
        withdrawn_at__isnull=True,
    ).values_list("structure_id", "member_id")
    for structure_id, member_id in rows:
        found[structure_id].add(member_id)
    return found


# --- The assessment file ------------------------------------------------------------


@dataclass
class AssessmentFile:
    item: AgendaItem
    dossier: Dossier
    diagnostics: list[Diagnostic] = field(default_factory=list)
    plan: DevelopmentPlan | None = None
    note: InstructionNote | None = None
    warning: str = ""

    @property
    def structure(self) -> Structure:
        return self.dossier.structure


def _files_queryset() -> QuerySet:
    return Dossier.objects.select_related("structure", "campaign").prefetch_related(
        Prefetch("site_preferences", SitePreference.objects.select_related("site")),
        "charter_commitments",
        "campaign__charter_commitments",
        "economic_years",
        "axis_wishes",
        "financing_needs",
        Prefetch("attachments", Attachment.objects.select_related("document_type")),
    )


def assessment_files(items) -> list[AssessmentFile]:
    """The files of these agenda items as a committee member reads them, in a fixed number
    of queries whatever their number: the dossier's sections and documents, the validated
    or covered assessment diagnostics and the support ones the structure shared, the plan
    if the structure has one beyond a draft, the instruction note, the financing needs and
    the warning about an unfinished assessment. Never the coordination's private notes."""
    items = list(items)
    if not items:
        return []
    dossiers = {d.pk: d for d in _files_queryset().filter(pk__in=[i.dossier_id for i in items])}
    structure_ids = {dossier.structure_id for dossier in dossiers.values()}
    diagnostics = defaultdict(list)
    readable = (
        Diagnostic.objects.filter(structure_id__in=structure_ids)
        .filter(Diagnostic.objects.committee_readable_condition())
        .select_related("provider")
        .prefetch_related("scores", "axis_recommendations")
        .order_by("requested_at", "pk")
    )
    for diagnostic in readable:
        diagnostics[diagnostic.structure_id].append(diagnostic)
    plans = {}
    for plan in (
        DevelopmentPlan.objects.filter(structure_id__in=structure_ids)
        .exclude(status=PlanStatus.DRAFT)
        .prefetch_related(Prefetch("actions", PlanAction.objects.select_related("provider")))
    ):
        plans[(plan.structure_id, plan.campaign_id)] = plan
    notes = {
        note.dossier_id: note
        for note in InstructionNote.objects.filter(dossier_id__in=dossiers).select_related(
            "proposed_site"
        )
    }
    pending = unfinished_assessments(list(dossiers))
    files = []
    for item in items:
        dossier = dossiers[item.dossier_id]
        files.append(
            AssessmentFile(
                item=item,
                dossier=dossier,
                diagnostics=diagnostics[dossier.structure_id],
                plan=plans.get((dossier.structure_id, dossier.campaign_id)),
                note=notes.get(dossier.pk),
                warning=assessment_warning(pending[dossier.pk]) if dossier.pk in pending else "",
            )
        )
    return files


def readable_items(meeting: Meeting, member) -> QuerySet:
    """The files of a meeting this member may read: all but their conflicts."""
    return (
        meeting.agenda.exclude(dossier__structure_id__in=conflicted_structure_ids(member))
        .select_related("dossier__structure", "meeting")
        .order_by("position", "pk")
    )


# --- Summaries ------------------------------------------------------------------------


def outcome_counts(decisions) -> list[tuple[str, str, int]]:
    counts = Counter(decision.outcome for decision in decisions)
    return [(code, label, counts.get(code, 0)) for code, label in Outcome.choices]


@dataclass
class SiteLine:
    site: object
    allocated: int
    places: int | None

    @property
    def over(self) -> bool:
        return self.places is not None and self.allocated > self.places


def campaign_summary(campaign) -> dict:
    """The outcomes of a campaign's decisions, and each site's allocations against its
    capacity."""
    return campaign_summaries([campaign])[0]


def campaign_summaries(campaigns) -> list[dict]:
    """``campaign_summary`` of each of these campaigns, in three queries whatever their
    number (their recorded decisions, the sites' capacities and the campaigns' sites)."""
    campaigns = list(campaigns)
    ids = [campaign.pk for campaign in campaigns]
    decisions = defaultdict(list)  # campaign id -> [(outcome, site id)]
    for campaign_id, outcome, site_id in Decision.objects.filter(
        item__meeting__campaign_id__in=ids,
        status__in=(DecisionStatus.RECORDED, DecisionStatus.NOTIFIED),
    ).values_list("item__meeting__campaign_id", "outcome", "site_id"):
        decisions[campaign_id].append((outcome, site_id))
    capacities = {
        (campaign_id, site_id): places
        for campaign_id, site_id, places in SiteCapacity.objects.filter(
            campaign_id__in=ids
        ).values_list("campaign_id", "site_id", "places")
    }
    prefetch_related_objects(campaigns, "sites")
    summaries = []
    for campaign in campaigns:
        taken = decisions[campaign.pk]
        outcomes = Counter(outcome for outcome, _site_id in taken)
        allocated = Counter(
            site_id for outcome, site_id in taken if outcome in ACCEPTING_OUTCOMES and site_id
        )
        summaries.append(
            {
                "campaign": campaign,
                "outcomes": [
                    (code, label, outcomes.get(code, 0)) for code, label in Outcome.choices
                ],
                "sites": [
                    SiteLine(
                        site, allocated.get(site.pk, 0), capacities.get((campaign.pk, site.pk))
                    )
                    for site in campaign.sites.all()
                ],
                "total": len(taken),
            }
        )
    return summaries


def meetings_with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("campaign").annotate(
        agenda_count=Count("agenda", distinct=True),
        decided_count=Count(
            "agenda__decision",
            filter=Q(
                agenda__decision__status__in=(DecisionStatus.RECORDED, DecisionStatus.NOTIFIED)
            ),
            distinct=True,
        ),
    )


def minutes_overview(meeting: Meeting) -> dict:
    """What the minutes say: attendance, quorum, abstentions for conflicts, decisions."""
    invitations = list(
        meeting.invitations.select_related("user__committee_profile").prefetch_related(
            "user__provider_organisations", "user__funder_organisations"
        )
    )
    present = [(i.user, organisation_of(i.user)) for i in invitations if i.present]
    absent = [(i.user, organisation_of(i.user)) for i in invitations if not i.present]
    decisions = list(
        Decision.objects.filter(
            item__meeting=meeting,
            status__in=(DecisionStatus.RECORDED, DecisionStatus.NOTIFIED),
        )
        .select_related("item__dossier__structure", "site")
        .prefetch_related("abstaining_members", "recommendations")
        .order_by("item__position", "item__pk")
    )
    decided = {decision.item_id for decision in decisions}
    undecided = [
        item
        for item in meeting.agenda.select_related("dossier__structure").order_by("position")
        if item.pk not in decided
    ]
    return {
        "present": present,
        "absent": absent,
        "quorum_reached": len(present) >= meeting.quorum,
        "decisions": decisions,
        "outcomes": outcome_counts(decisions),
        "undecided": undecided,
    }
