"""Data for the benchmark: a portal with ``structures`` candidate structures, every app filled.

Per structure: a member (editor), a dossier for the one campaign (statuses spread
along the workflow, every section filled except for drafts, attachments, its
history and messages), one or two diagnostics (statuses spread, providers and
consultants), and for the accepted or installed dossiers a development plan with
actions and sessions (individual ones, and collective ones shared by four
structures). Everything is written with ``bulk_create``: the services' checks,
notifications and PDFs are skipped, the rows are those the services would leave.
All the attachments share ONE small stored PDF.

Nothing here is random: the same ``structures`` gives the same data, so the
query counts of two sizes can be compared page by page.
"""

import datetime
import itertools
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accompaniment.demo import FINANCING, PROVIDER_OFFER, _budget
from accompaniment.models import (
    ActionStatus,
    Audience,
    BudgetLine,
    CommitteeRecommendation,
    DevelopmentPlan,
    Event,
    EventKind,
    EventRegistration,
    FinancingLine,
    FollowUp,
    Format,
    PlanAction,
    PlanStatus,
    PlanTheme,
    PlanTransition,
    RegistrationStatus,
    SatisfactionAnswer,
    SecuringTheme,
    Session,
    SessionAttendance,
    SessionStatus,
)
from applicants.demo import CALENDAR, CHANGES_MESSAGE, CHARTER, DOCUMENT_TYPES, SITES
from applicants.models import (
    Attachment,
    AxisWish,
    Campaign,
    CharterCommitment,
    DocumentType,
    Dossier,
    DossierStatus,
    DossierTransition,
    EconomicYear,
    FinancingNeed,
    Membership,
    Message,
    PrivateNote,
    Site,
    SitePreference,
    Structure,
)
from ccr_portal.antivirus.models import ScanStatus
from ccr_portal.axes import Axis
from ccr_portal.users.demo import FUNDERS, PROVIDERS
from ccr_portal.users.models import Funder, Provider, Role, RoleAssignment, User
from ccr_portal.validators import luhn_completed
from committee.models import (
    AgendaItem,
    CommitteeMember,
    Decision,
    DecisionStatus,
    InstructionNote,
    Meeting,
    MeetingMember,
    MeetingStatus,
    Opinion,
    OpinionValue,
    Outcome,
)
from diagnostics.demo import GRID_NOTES, STEPS
from diagnostics.models import (
    THEMES_BY_KIND,
    AxisRecommendation,
    CommitteeConsent,
    CoverSource,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    DiagnosticTransition,
    IntegrationRecommendation,
    OverallRisk,
    ProviderCapacity,
    ThemeScore,
)

S = DossierStatus
D = Decimal

# The dossiers' statuses, in a cycle of 20 structures: 3 drafts, 3 submitted,
# 2 changes requested, 3 under review, 2 in committee, 3 accepted, 1 waitlisted,
# 1 rejected, 1 installed, 1 withdrawn. Structure 0 (the bench applicant's) is installed.
STATUS_CYCLE = [
    S.INSTALLED,
    S.SUBMITTED,
    S.UNDER_REVIEW,
    S.DRAFT,
    S.ACCEPTED,
    S.IN_COMMITTEE,
    S.CHANGES_REQUESTED,
    S.SUBMITTED,
    S.DRAFT,
    S.UNDER_REVIEW,
    S.ACCEPTED,
    S.REJECTED,
    S.IN_COMMITTEE,
    S.DRAFT,
    S.SUBMITTED,
    S.WAITLISTED,
    S.UNDER_REVIEW,
    S.ACCEPTED,
    S.WITHDRAWN,
    S.CHANGES_REQUESTED,
]

# The path of each status through the workflow (applicants/workflows.py).
_TO_COMMITTEE = [
    ("submit", S.SUBMITTED),
    ("start_review", S.UNDER_REVIEW),
    ("send_to_committee", S.IN_COMMITTEE),
]
DOSSIER_PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: _TO_COMMITTEE[:1],
    S.UNDER_REVIEW: _TO_COMMITTEE[:2],
    S.CHANGES_REQUESTED: [*_TO_COMMITTEE[:2], ("request_changes", S.CHANGES_REQUESTED)],
    S.IN_COMMITTEE: _TO_COMMITTEE,
    S.ACCEPTED: [*_TO_COMMITTEE, ("accept", S.ACCEPTED)],
    S.WAITLISTED: [*_TO_COMMITTEE, ("waitlist", S.WAITLISTED)],
    S.REJECTED: [*_TO_COMMITTEE, ("reject", S.REJECTED)],
    S.INSTALLED: [*_TO_COMMITTEE, ("accept", S.ACCEPTED), ("mark_installed", S.INSTALLED)],
    S.WITHDRAWN: [*_TO_COMMITTEE[:1], ("withdraw", S.WITHDRAWN)],
}
SELECTED = (S.ACCEPTED, S.INSTALLED)

# The first diagnostic of a structure that was not selected, by structure (cycle of 8).
DIAGNOSTIC_CYCLE = [
    DiagnosticStatus.REQUESTED,
    DiagnosticStatus.ASSIGNED,
    DiagnosticStatus.VALIDATED,
    DiagnosticStatus.IN_PROGRESS,
    DiagnosticStatus.ACCEPTED,
    DiagnosticStatus.DELIVERED,
    DiagnosticStatus.COVERED,
    DiagnosticStatus.DECLINED,
]
FINISHED = (DiagnosticStatus.DELIVERED, DiagnosticStatus.VALIDATED)
# Who carries out diagnostics, and who runs each axis of the plans.
DIAGNOSTIC_PROVIDERS = ["RAMSESS", "APEAS", "Inter-Made", "Regain"]
RECOMMENDED_AXES = [
    (Axis.SECURING, D("4"), "Plan de financement à trois ans et plan de trésorerie."),
    (Axis.COOPERATION, D("1.5"), "Mutualiser la logistique avec d'autres résidents."),
    (Axis.FINANCING, D("1"), "Préparer une demande au fonds d'amorçage associatif."),
]
ACTION_PROVIDERS = {Axis.COOPERATION: "APEAS", Axis.FINANCING: "ESIA"}
ACTION_FORMATS = {Axis.COOPERATION: Format.COLLECTIVE}
# A plan per selected dossier: installed ones are under way or done.
PLAN_CYCLES = {
    S.INSTALLED: [PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED],
    S.ACCEPTED: [PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.AGREED, PlanStatus.IN_PROGRESS],
}
PLAN_PATH = [
    ("propose", PlanStatus.PROPOSED),
    ("agree", PlanStatus.AGREED),
    ("start", PlanStatus.IN_PROGRESS),
    ("complete", PlanStatus.COMPLETED),
]
SESSIONS_RUNNING = (PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED)
COLLECTIVE_GROUP = 4
# The pages are reached with ``force_login``: the bulk-created accounts have no password.
UNUSABLE_PASSWORD = "!bench"
CONSULTANTS_PER_PROVIDER = 2


@dataclass
class BenchData:
    """What was generated: the volumes, by kind of row (the pages are in ``pages.py``)."""

    volumes: Counter = field(default_factory=Counter)


def _siret(n: int) -> str:
    return luhn_completed(f"{100000000 + n:09d}0001")


def _plan_steps(status: str) -> list[tuple[str, str, str]]:
    """(action, from, to) of a plan's history up to ``status``, from its creation."""
    steps = [("create", PlanStatus.DRAFT, PlanStatus.DRAFT)]
    source = PlanStatus.DRAFT
    for action, target in PLAN_PATH:
        if source == status:
            break
        steps.append((action, source, target))
        source = target
    return steps


def _small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Pièce justificative</h1><p>Banc d'essai.</p>").write_pdf()


def generate(*, structures: int) -> BenchData:
    now = timezone.now()
    today = timezone.localdate()
    ago = lambda days: now - datetime.timedelta(days=days)  # noqa: E731

    # --- Accounts and organisations ---------------------------------------------------
    coordinator = User.objects.create_user(
        "coordination@bench.example", "bench", first_name="Claire", last_name="Coordination"
    )
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR)
    applicant = User.objects.create_user("candidat@bench.example", "bench")
    RoleAssignment.objects.create(user=applicant, role=Role.APPLICANT)
    committee = User.objects.create_user("comite@bench.example", "bench", last_name="Comité")
    RoleAssignment.objects.create(user=committee, role=Role.COMMITTEE)
    funder_user = User.objects.create_user("financeur@bench.example", "bench", last_name="ESIA")
    RoleAssignment.objects.create(user=funder_user, role=Role.FUNDER)
    for name, short_name, description in FUNDERS:
        funder = Funder.objects.create(name=name, short_name=short_name, description=description)
        if short_name == "ESIA":
            funder.members.add(funder_user)
    # The Django admin's changelist is one of the benchmark's two references.
    User.objects.create_superuser("admin@bench.example", "bench")

    providers = {}
    for name, short_name, description in PROVIDERS:
        axes, rate, scheme, capacity = PROVIDER_OFFER[short_name]
        axes = list(axes)
        if short_name in DIAGNOSTIC_PROVIDERS and Axis.DIAGNOSTIC not in axes:
            axes.insert(0, Axis.DIAGNOSTIC)
        providers[short_name] = Provider(
            name=name,
            short_name=short_name,
            description=description,
            axes=[str(axis) for axis in axes],
            daily_rate=rate,
            funding_scheme=scheme,
            monthly_capacity_days=capacity,
        )
    Provider.objects.bulk_create(providers.values())
    consultants = {}
    for short_name in providers:
        slug = short_name.lower().replace("&", "").replace("-", "")
        consultants[short_name] = User.objects.bulk_create(
            User(
                email=f"{slug}{i}@bench.example",
                password=UNUSABLE_PASSWORD,
                first_name="Consultant",
                last_name=f"{slug} {i}",
            )
            for i in range(1, CONSULTANTS_PER_PROVIDER + 1)
        )
        providers[short_name].members.add(*consultants[short_name])
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.PROVIDER)
        for user in itertools.chain.from_iterable(consultants.values())
    )
    first_month = today.replace(day=1)
    ProviderCapacity.objects.bulk_create(
        ProviderCapacity(
            provider=providers[name],
            month=(first_month + datetime.timedelta(days=32 * offset)).replace(day=1),
            consultant_days=providers[name].monthly_capacity_days + offset,
        )
        for name in DIAGNOSTIC_PROVIDERS
        for offset in range(2)
    )

    # --- The campaign -----------------------------------------------------------------
    sites = Site.objects.bulk_create(
        Site(code=code, name=name, description=description, risk=risk)
        for code, name, description, risk in SITES
    )
    document_types = DocumentType.objects.bulk_create(
        DocumentType(code=code, name=name, description=description)
        for code, name, description in DOCUMENT_TYPES
    )
    campaign = Campaign.objects.create(
        title="Appel à candidatures CCR (banc d'essai)",
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today + datetime.timedelta(days=30),
        description="Appel du banc d'essai.",
        calendar=CALENDAR,
        information_day=today + datetime.timedelta(days=14),
        information_day_place="Cité des Associations, 93 La Canebière, Marseille",
    )
    campaign.sites.set(sites)
    campaign.required_document_types.set(document_types)
    commitments = CharterCommitment.objects.bulk_create(
        CharterCommitment(campaign=campaign, text=text, position=position)
        for position, text in enumerate(CHARTER, start=1)
    )

    # --- Structures and their members -------------------------------------------------
    members = User.objects.bulk_create(
        User(
            email=f"membre{n}@bench.example",
            password=UNUSABLE_PASSWORD,
            first_name="Membre",
            last_name=f"{n:04d}",
        )
        for n in range(structures)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.APPLICANT) for user in members
    )
    legal_forms = [
        Structure.LegalForm.ASSOCIATION,
        Structure.LegalForm.SCOP,
        Structure.LegalForm.SCIC,
        Structure.LegalForm.ESS_COMPANY,
    ]
    created = Structure.objects.bulk_create(
        Structure(
            name=f"Structure {n:04d}",
            legal_form=legal_forms[n % len(legal_forms)],
            siret=_siret(n),
            address="1 rue de la République",
            postal_code="13001",
            city="Marseille",
            sector=list(Structure.Sector.values)[n % 7],
            year_founded=1990 + n % 30,
            staff_fte=D(1 + n % 9),
            volunteers=n % 25,
            last_budget=D(50000 + 1000 * (n % 200)),
            description="Structure de l'économie sociale et solidaire (banc d'essai).",
            created_by=members[n],
        )
        for n in range(structures)
    )
    Membership.objects.bulk_create(
        Membership(structure=structure, user=user)
        for structure, user in zip(created, members, strict=True)
    )
    Membership.objects.create(structure=created[0], user=applicant)
    if structures > 1:
        Membership.objects.create(structure=created[1], user=applicant, role=Membership.Role.READER)

    # --- Dossiers ---------------------------------------------------------------------
    statuses = [STATUS_CYCLE[n % len(STATUS_CYCLE)] for n in range(structures)]
    complete = [status != S.DRAFT for status in statuses]
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            structure=structure,
            campaign=campaign,
            status=status,
            instructor=coordinator if len(DOSSIER_PATHS[status]) > 1 else None,
            wished_surface_m2=40 + 5 * (n % 12),
            activity_type=list(Dossier.ActivityType.values)[n % 4],
            expected_move_in=today + datetime.timedelta(days=120 + n % 90),
            current_premises=f"Local de {25 + n % 40} m² à Marseille.",
            expected_effect=(
                "Plus de passage et de visibilité : hausse attendue du chiffre d'affaires, "
                "loyer plus élevé à couvrir la première année."
            )
            if complete[n]
            else "",
            created_by=members[n],
            created_at=ago(60),
            submitted_at=ago(50 - n % 30) if DOSSIER_PATHS[status] else None,
        )
        for n, (structure, status) in enumerate(zip(created, statuses, strict=True))
    )
    SitePreference.objects.bulk_create(
        SitePreference(dossier=dossier, site=site, rank=rank)
        for n, dossier in enumerate(dossiers)
        for rank, site in enumerate(sites if complete[n] else sites[:1], start=1)
    )
    Dossier.charter_commitments.through.objects.bulk_create(
        Dossier.charter_commitments.through(dossier_id=dossier.pk, chartercommitment_id=c.pk)
        for n, dossier in enumerate(dossiers)
        for c in (commitments if complete[n] else commitments[:2])
    )
    this_year = today.year
    EconomicYear.objects.bulk_create(
        EconomicYear(
            dossier=dossier,
            year=this_year - offset,
            turnover=created[n].last_budget - 5000 * offset,
            result=D("3500") - 1000 * offset,
            equity=D("22000") + 2000 * offset,
            staff_fte=created[n].staff_fte,
        )
        for n, dossier in enumerate(dossiers)
        for offset in ((1, 2) if complete[n] else (1,))
    )
    AxisWish.objects.bulk_create(
        AxisWish(dossier=dossier, axis=axis, reason=reason if complete[n] else "")
        for n, dossier in enumerate(dossiers)
        for axis, reason in [
            (Axis.DIAGNOSTIC, "Faire le point avant de s'engager dans la CCR."),
            (Axis.FINANCING, "Financer l'aménagement et le stock de départ."),
        ]
    )
    FinancingNeed.objects.bulk_create(
        FinancingNeed(dossier=dossier, category=category, amount=amount, note=note)
        for dossier in dossiers
        for category, amount, note in [
            ("shop_fitout", D("18000"), "Mobilier, vitrine"),
            ("working_capital", D("12500"), ""),
        ]
    )
    # One small PDF for every attachment row (the pages only read the rows).
    pdf = _small_pdf()
    stored = default_storage.save("bench/piece.pdf", ContentFile(pdf))
    Attachment.objects.bulk_create(
        Attachment(
            dossier=dossier,
            document_type=document_type,
            file=stored,
            original_name=f"{document_type.code}.pdf",
            file_kind="pdf",
            size=len(pdf),
            uploaded_by=members[n],
            uploaded_at=ago(55),
            scan_status=ScanStatus.NOT_SCANNED,
        )
        for n, dossier in enumerate(dossiers)
        # A draft has one document; a dossier sent back misses its budget.
        for document_type in (
            document_types[:1]
            if not complete[n]
            else document_types[:3]
            if statuses[n] == S.CHANGES_REQUESTED
            else document_types
        )
    )
    transitions, messages = [], []
    for n, dossier in enumerate(dossiers):
        current = S.DRAFT
        for step, (action, target) in enumerate(DOSSIER_PATHS[dossier.status]):
            actor = members[n] if action in ("submit", "withdraw") else coordinator
            at = ago(50 - 3 * step)
            changes = action == "request_changes"
            transitions.append(
                DossierTransition(
                    dossier=dossier,
                    action=action,
                    from_status=current,
                    to_status=target,
                    actor=actor,
                    reason="incomplete" if changes else "",
                    comment=CHANGES_MESSAGE if changes else "",
                    created_at=at,
                )
            )
            messages.append(
                Message(
                    dossier=dossier,
                    author=actor,
                    from_coordination=actor == coordinator,
                    is_automatic=True,
                    body=f"« {S(current).label} » → « {S(target).label} ».",
                    created_at=at,
                )
            )
            current = target
        if dossier.status != S.DRAFT:
            messages.append(
                Message(
                    dossier=dossier,
                    author=members[n],
                    body="Bonjour, nous restons disponibles pour toute précision sur notre projet.",
                    created_at=ago(20),
                )
            )
    DossierTransition.objects.bulk_create(transitions)
    Message.objects.bulk_create(messages)
    PrivateNote.objects.bulk_create(
        PrivateNote(
            dossier=dossier,
            author=coordinator,
            body="Structure solide ; vérifier la trésorerie au moment du déménagement.",
        )
        for dossier in dossiers
        if dossier.status != S.DRAFT
    )
    CommitteeRecommendation.objects.bulk_create(
        CommitteeRecommendation(
            dossier=dossier,
            axis=Axis.SECURING,
            note="Quelques jours, avant l'installation.",
            recorded_by=coordinator,
        )
        for dossier in dossiers
        if dossier.status in SELECTED
    )

    # --- Diagnostics ------------------------------------------------------------------
    diagnostics, main_diagnostic = [], {}
    for n, dossier in enumerate(dossiers):
        specs = []
        if dossier.status in SELECTED:
            specs.append(
                (DiagnosticKind.FULL, DiagnosticPurpose.SUPPORT, DiagnosticStatus.VALIDATED)
            )
        else:
            assessed = dossier.status in (S.UNDER_REVIEW, S.IN_COMMITTEE, S.WAITLISTED, S.REJECTED)
            specs.append(
                (
                    DiagnosticKind.FULL if n % 2 else DiagnosticKind.LIGHT,
                    DiagnosticPurpose.ASSESSMENT if assessed else DiagnosticPurpose.SUPPORT,
                    DIAGNOSTIC_CYCLE[n % len(DIAGNOSTIC_CYCLE)],
                )
            )
        if n % 3 == 1:
            specs.append(
                (
                    DiagnosticKind.LIGHT,
                    DiagnosticPurpose.SUPPORT,
                    DIAGNOSTIC_CYCLE[(n + 3) % len(DIAGNOSTIC_CYCLE)],
                )
            )
        for index, (kind, purpose, status) in enumerate(specs):
            p = DIAGNOSTIC_PROVIDERS[(n + index) % len(DIAGNOSTIC_PROVIDERS)]
            assigned = status in (
                DiagnosticStatus.ASSIGNED,
                DiagnosticStatus.IN_PROGRESS,
                *FINISHED,
            )
            finished = status in FINISHED
            diagnostic = Diagnostic(
                structure=dossier.structure,
                dossier=dossier if purpose == DiagnosticPurpose.ASSESSMENT else None,
                kind=kind,
                purpose=purpose,
                status=status,
                request_note="Un avis extérieur avant de nous engager dans la CCR.",
                requested_by=coordinator if purpose == DiagnosticPurpose.ASSESSMENT else members[n],
                requested_at=ago(70 - n % 40),
                decline_reason="Un diagnostic récent répond déjà à cette demande."
                if status == DiagnosticStatus.DECLINED
                else "",
                covered_source=CoverSource.RAMSESS if status == DiagnosticStatus.COVERED else "",
                covered_on=today - datetime.timedelta(days=150)
                if status == DiagnosticStatus.COVERED
                else None,
                provider=providers[p] if assigned else None,
                consultant=consultants[p][n % CONSULTANTS_PER_PROVIDER] if assigned else None,
                # Committed ones due from ten days ago to a month ahead: some are late.
                due_date=today + datetime.timedelta(days=n % 40 - 10 if not finished else -20)
                if assigned
                else None,
                assigned_at=ago(40) if assigned else None,
                strengths="Un projet porté par une équipe soudée." if finished else "",
                weaknesses="Une trésorerie tendue et un modèle économique à diversifier."
                if finished
                else "",
                overall_risk=OverallRisk.MEDIUM if finished else "",
                recommendation=IntegrationRecommendation.READY_WITH_SECURING if finished else "",
                delivered_at=ago(25) if finished else None,
                validated_at=ago(20) if status == DiagnosticStatus.VALIDATED else None,
                signed_off_by=members[n] if finished and n % 2 == 0 else None,
                signed_off_at=ago(18) if finished and n % 2 == 0 else None,
            )
            diagnostics.append(diagnostic)
            if index == 0:
                main_diagnostic[n] = diagnostic
    Diagnostic.objects.bulk_create(diagnostics)
    ThemeScore.objects.bulk_create(
        ThemeScore(
            diagnostic=diagnostic,
            theme=theme,
            score=GRID_NOTES[theme.value][0],
            observations=GRID_NOTES[theme.value][1],
        )
        for diagnostic in diagnostics
        if diagnostic.status in (*FINISHED, DiagnosticStatus.IN_PROGRESS)
        for theme in (
            THEMES_BY_KIND[diagnostic.kind]
            if diagnostic.status in FINISHED
            else THEMES_BY_KIND[diagnostic.kind][:2]
        )
    )
    recommendations = AxisRecommendation.objects.bulk_create(
        AxisRecommendation(diagnostic=diagnostic, axis=axis, days=days, reason=reason)
        for diagnostic in diagnostics
        if diagnostic.status in FINISHED and diagnostic.kind == DiagnosticKind.FULL
        for axis, days, reason in RECOMMENDED_AXES
    )
    recommendation_of = {(r.diagnostic_id, r.axis): r for r in recommendations}
    DiagnosticTransition.objects.bulk_create(
        DiagnosticTransition(
            diagnostic=diagnostic,
            action=action,
            from_status=source,
            to_status=target,
            actor=diagnostic.consultant
            if action in ("accept_assignment", "deliver")
            else coordinator,
            comment=diagnostic.decline_reason if action == "decline" else "",
            created_at=diagnostic.requested_at + datetime.timedelta(days=step),
        )
        for diagnostic in diagnostics
        for step, (action, source, target) in enumerate(STEPS[diagnostic.status], start=1)
    )
    CommitteeConsent.objects.bulk_create(
        CommitteeConsent(
            diagnostic=diagnostic, granted_by=diagnostic.signed_off_by, granted_at=ago(17)
        )
        for diagnostic in diagnostics
        if diagnostic.signed_off_by_id and diagnostic.purpose == DiagnosticPurpose.SUPPORT
    )

    # --- Development plans, actions, sessions -----------------------------------------
    budget = _budget(D("150000"))
    plans, plan_numbers, counters = [], [], Counter()
    for n, dossier in enumerate(dossiers):
        if dossier.status not in SELECTED:
            continue
        cycle = PLAN_CYCLES[dossier.status]
        status = cycle[counters[dossier.status] % len(cycle)]
        counters[dossier.status] += 1
        reached = [target for _action, target in PLAN_PATH]
        depth = reached.index(status) + 1 if status in reached else 0
        plans.append(
            DevelopmentPlan(
                structure=dossier.structure,
                campaign=campaign,
                status=status,
                first_year=today.year,
                diagnostic_summary="Diagnostic complet validé (RAMSESS).\n"
                "Risque global : moyen. Points forts : une équipe soudée.",
                objectives="\n".join(f"{Axis(a).label} : {why}" for a, _d, why in RECOMMENDED_AXES),
                created_by=coordinator,
                created_at=ago(40),
                proposed_at=ago(35) if depth >= 1 else None,
                agreed_at=ago(30) if depth >= 2 else None,
                agreed_by=members[n] if depth >= 2 else None,
                started_at=ago(28) if depth >= 3 else None,
                completed_at=ago(5) if depth >= 4 else None,
            )
        )
        plan_numbers.append(n)
    DevelopmentPlan.objects.bulk_create(plans)
    DevelopmentPlan.diagnostics.through.objects.bulk_create(
        DevelopmentPlan.diagnostics.through(
            developmentplan_id=plan.pk, diagnostic_id=main_diagnostic[n].pk
        )
        for plan, n in zip(plans, plan_numbers, strict=True)
    )
    PlanTheme.objects.bulk_create(
        PlanTheme(
            plan=plan,
            theme=theme,
            findings="Marge brute insuffisante pour absorber le loyer de la CCR.",
            intended_changes="Hypothèses revues avec la structure en séance individuelle.",
        )
        for plan in plans
        for theme in SecuringTheme.values
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(plan=plan, item=item, year_n=n0, year_n1=n1, year_n2=n2)
        for plan in plans
        for item, (n0, n1, n2) in budget.items()
    )
    FinancingLine.objects.bulk_create(
        FinancingLine(plan=plan, item=item, year_n=n0, year_n1=n1, year_n2=n2)
        for plan in plans
        for item, (n0, n1, n2) in FINANCING.items()
    )
    PlanTransition.objects.bulk_create(
        PlanTransition(
            plan=plan,
            action=action,
            from_status=source,
            to_status=target,
            actor=members[n] if action == "agree" else coordinator,
            created_at=ago(40 - 5 * step),
        )
        for plan, n in zip(plans, plan_numbers, strict=True)
        for step, (action, source, target) in enumerate(_plan_steps(plan.status))
    )
    actions, securing_of, cooperation_of = [], {}, {}
    for index, (plan, n) in enumerate(zip(plans, plan_numbers, strict=True)):
        done = plan.status == PlanStatus.COMPLETED
        for position, (axis, days, reason) in enumerate(RECOMMENDED_AXES):
            # Two plans out of three have RAMSESS for the securing, the third Regain.
            name = ACTION_PROVIDERS.get(axis, "Regain" if index % 3 == 2 else "RAMSESS")
            action = PlanAction(
                plan=plan,
                axis=axis,
                title=Axis(axis).label.split(". ", 1)[-1],
                description=reason,
                provider=providers[name],
                format=ACTION_FORMATS.get(axis, Format.INDIVIDUAL),
                planned_days=days,
                daily_rate=providers[name].daily_rate,
                status=ActionStatus.COMPLETED if done else ActionStatus.PLANNED,
                completed_at=ago(6) if done else None,
                completed_by=coordinator if done else None,
                source_recommendation=recommendation_of.get((main_diagnostic[n].pk, axis)),
                position=position,
            )
            actions.append(action)
            if axis == Axis.SECURING:
                securing_of[plan.pk] = action
            elif axis == Axis.COOPERATION:
                cooperation_of[plan.pk] = action
    PlanAction.objects.bulk_create(actions)
    SatisfactionAnswer.objects.bulk_create(
        SatisfactionAnswer(
            action=action,
            usefulness=4 + action.pk % 2,
            would_recommend=4,
            comment="Séances concrètes, utiles pour préparer l'installation.",
            answered_by=action.completed_by,
        )
        for action in actions
        if action.status == ActionStatus.COMPLETED
    )
    FollowUp.objects.bulk_create(
        FollowUp(plan=plan, due_on=today + datetime.timedelta(days=180 - 5))
        for plan in plans
        if plan.status == PlanStatus.COMPLETED
    )

    # Sessions: two held individual ones per running plan (securing), one upcoming for
    # the agreed and running ones, and collective ones for groups of four structures.
    sessions, attendances = [], []

    def session(action, *, days_ago, summary=True, fmt=Format.INDIVIDUAL, attending=()):
        provider = action.provider
        held = summary and days_ago > 0
        sessions.append(
            Session(
                provider=provider,
                consultant=consultants[provider.short_name][action.plan_id % 2],
                date=today - datetime.timedelta(days=days_ago),
                duration_hours=D("7") if fmt == Format.COLLECTIVE else D("3.5"),
                axis=action.axis,
                theme=f"{action.title} : séance {'collective' if attending else 'individuelle'}",
                format=fmt,
                status=SessionStatus.HELD if held else SessionStatus.PLANNED,
                participants="La présidente, le trésorier." if held else "",
                summary="État des lieux et hypothèses pour le budget à trois ans." if held else "",
                next_steps="Chiffrer les hypothèses avant la prochaine séance." if held else "",
                created_by=consultants[provider.short_name][0],
            )
        )
        for served in attending or (action,):
            attendances.append((len(sessions) - 1, served))

    running = [plan for plan in plans if plan.status in SESSIONS_RUNNING]
    for plan in plans:
        securing = securing_of[plan.pk]
        if plan.status in SESSIONS_RUNNING:
            session(securing, days_ago=25)
            session(securing, days_ago=12)
        if plan.status in (PlanStatus.AGREED, PlanStatus.IN_PROGRESS):
            session(securing, days_ago=-7, summary=False)
    for by_axis in (securing_of, cooperation_of):
        served = [by_axis[plan.pk] for plan in running]
        by_provider = {}
        for action in served:
            by_provider.setdefault(action.provider_id, []).append(action)
        for group_actions in by_provider.values():
            for start in range(0, len(group_actions), COLLECTIVE_GROUP):
                group = group_actions[start : start + COLLECTIVE_GROUP]
                session(group[0], days_ago=18, fmt=Format.COLLECTIVE, attending=group)
    Session.objects.bulk_create(sessions)
    SessionAttendance.objects.bulk_create(
        SessionAttendance(session=sessions[i], structure_id=action.plan.structure_id, action=action)
        for i, action in attendances
    )

    # An information day with a few registrations (the dashboards' upcoming events).
    event = Event.objects.create(
        kind=EventKind.INFORMATION_DAY,
        title="Journée d'information de l'appel (banc d'essai)",
        campaign=campaign,
        date=today + datetime.timedelta(days=14),
        place="Cité des Associations, Marseille",
        capacity=30,
        audience=Audience.ANY,
        organiser=providers["Regain"],
        created_by=coordinator,
    )
    EventRegistration.objects.bulk_create(
        EventRegistration(
            event=event,
            structure=structure,
            status=RegistrationStatus.REGISTERED if i < 30 else RegistrationStatus.WAITLISTED,
            registered_by=coordinator,
        )
        for i, structure in enumerate(created[:40])
    )

    # --- The selection committee: a meeting of 30 files, five members -----------------
    _committee(coordinator, campaign, dossiers, sites)
    # --- and the closed meeting that decided every dossier the committee decided --------
    _decisions(coordinator, campaign, dossiers, sites)

    # --- Needs against offer: two saved scenarios -----------------------------------------
    _scenarios(coordinator)

    # --- Financing: two requests per structure, needs, an ESIA credit line ---------------
    financing_requests = _financing(campaign, created)

    # --- What run.py times ----------------------------------------------------------
    data = BenchData()
    data.volumes.update(
        structures=len(created),
        dossiers=len(dossiers),
        diagnostics=len(diagnostics),
        plans=len(plans),
        actions=len(actions),
        sessions=len(sessions),
        attendances=len(attendances),
        financing_requests=financing_requests,
    )
    return data


def _financing(campaign, structures) -> int:
    """Needs in five categories for each structure, a FRIS request (forwarded, or granted
    with a disbursement every third) and a PARGEST one (forwarded), ESIA's credit line."""
    from financing.catalogue import ensure_products
    from financing.models import (
        CreditLine,
        Disbursement,
        FinancingNeed,
        FinancingRequest,
        RequestUse,
    )

    products = ensure_products({funder.short_name: funder for funder in Funder.objects.all()})
    today = timezone.localdate()
    first = today.replace(day=1)
    categories = ["moving", "shop_fitout", "initial_stock", "working_capital"]
    FinancingNeed.objects.bulk_create(
        FinancingNeed(
            structure=structure,
            campaign=campaign,
            category=category,
            amount=Decimal(2000 + 1000 * index),
            needed_on=(first + datetime.timedelta(days=32 * (1 + index % 3))).replace(day=1),
        )
        for structure in structures
        for index, category in enumerate(categories)
    )
    now = timezone.now()
    requests = FinancingRequest.objects.bulk_create(
        FinancingRequest(
            structure=structure,
            campaign=campaign,
            product=products[code],
            amount=Decimal("20000"),
            duration_months=60,
            status="granted" if code == "fris" and i % 3 == 0 else "forwarded",
            granted_amount=Decimal("15000") if code == "fris" and i % 3 == 0 else None,
            forwarded_at=now,
        )
        for i, structure in enumerate(structures)
        for code in ("fris", "pargest")
    )
    RequestUse.objects.bulk_create(
        RequestUse(request=request, category="shop_fitout", amount=request.amount)
        for request in requests
    )
    Disbursement.objects.bulk_create(
        Disbursement(request=request, day=today, amount=Decimal("5000"))
        for request in requests
        if request.status == "granted"
    )
    line = CreditLine.objects.create(
        funder=products["fris"].funder,
        name="Ligne de crédit dédiée (banc d'essai)",
        amount=Decimal("1000000"),
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=365),
    )
    line.products.set([products["fris"]])
    return len(requests)


COMMITTEE_FILES = 30

# The decision each decided dossier status comes from.
DECIDED = {
    S.ACCEPTED: Outcome.ACCEPTED,
    S.INSTALLED: Outcome.ACCEPTED,
    S.WAITLISTED: Outcome.WAITLISTED,
    S.REJECTED: Outcome.REJECTED,
}


def _decisions(coordinator, campaign, dossiers, sites):
    """A closed meeting, two months ago, with a recorded and notified decision (and its
    letter sent) on each accepted, installed, waitlisted or rejected dossier."""
    held = timezone.now() - datetime.timedelta(days=60)
    meeting = Meeting.objects.create(
        campaign=campaign,
        starts_at=held,
        place="Cité des Associations, Marseille",
        quorum=3,
        status=MeetingStatus.CLOSED,
        created_by=coordinator,
    )
    decided = [dossier for dossier in dossiers if dossier.status in DECIDED]
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, dossier=dossier, position=n, added_by=coordinator)
        for n, dossier in enumerate(decided)
    )
    Decision.objects.bulk_create(
        Decision(
            item=item,
            outcome=DECIDED[dossier.status],
            motivation="Projet cohérent avec la vocation de la Cité."
            if DECIDED[dossier.status] == Outcome.ACCEPTED
            else "Le comité n'a pas retenu le projet en l'état.",
            site=sites[n % len(sites)] if DECIDED[dossier.status] == Outcome.ACCEPTED else None,
            financing_referral=n % 4 == 0,
            quorum=3,
            status=DecisionStatus.NOTIFIED,
            recorded_by=coordinator,
            recorded_at=held,
            letter_sent_at=held + datetime.timedelta(days=2),
        )
        for n, (item, dossier) in enumerate(zip(items, decided, strict=True))
    )


def _scenarios(coordinator):
    """Two saved scenarios of the needs-against-offer page: the default parameters, and
    one more securing day per structure."""
    from scheme.figures import ScenarioParameters
    from scheme.models import Scenario

    default = ScenarioParameters()
    more = ScenarioParameters(securing_days=default.securing_days + 1)
    Scenario.objects.bulk_create(
        [
            Scenario(
                name="Paramètres actuels", parameters=default.as_dict(), created_by=coordinator
            ),
            Scenario(
                name="Un jour de sécurisation de plus",
                parameters=more.as_dict(),
                created_by=coordinator,
            ),
        ]
    )


def _committee(coordinator, campaign, dossiers, sites):
    """A scheduled meeting whose agenda holds 30 complete dossiers, five invited members
    (three gave their opinion on every file), and an instruction note per file."""
    members = []
    for n in range(5):
        person = User.objects.create_user(f"comite{n}@bench.example", "bench")
        person.first_name, person.last_name = "Membre", f"du comité {n}"
        person.save(update_fields=["first_name", "last_name"])
        members.append(person)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=person, role=Role.COMMITTEE) for person in members
    )
    CommitteeMember.objects.bulk_create(
        CommitteeMember(user=person, organisation=f"Partenaire {n}")
        for n, person in enumerate(members)
    )
    meeting = Meeting.objects.create(
        campaign=campaign,
        starts_at=timezone.now() + datetime.timedelta(days=10),
        place="Cité des Associations, Marseille",
        quorum=3,
        created_by=coordinator,
    )
    invitations = MeetingMember.objects.bulk_create(
        MeetingMember(meeting=meeting, user=person) for person in members
    )
    files = [dossier for dossier in dossiers if dossier.status != S.DRAFT][:COMMITTEE_FILES]
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, dossier=dossier, position=n, added_by=coordinator)
        for n, dossier in enumerate(files)
    )
    InstructionNote.objects.bulk_create(
        InstructionNote(
            dossier=dossier,
            opinion=OpinionValue.FAVOURABLE,
            reasons="Projet solide, ancré dans le quartier ; trésorerie à surveiller.",
            proposed_conditions="Suivre l'accompagnement de sécurisation avant l'installation.",
            proposed_site=sites[0],
            author=coordinator,
        )
        for dossier in files
    )
    Opinion.objects.bulk_create(
        Opinion(item=item, member=person, value=OpinionValue.FAVOURABLE, comment="Bon projet.")
        for item in items
        for person in members[:3]
    )
    return meeting, invitations, members[0]
