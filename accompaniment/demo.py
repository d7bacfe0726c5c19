"""Demo accompaniment: plans in every state, sessions, events, GPEC and QADES.

Runs after the other apps' demos. It moves or creates what it needs (an
accepted dossier for "Fil Rouge Textile", four residents of its own with
their editors, validated diagnostics) and builds everything else through the
services, so the demo obeys the same rules as the portal. Idempotent: a plan,
an event or a grid that exists is left as it is.

"Fil Rouge Textile" is left without a plan: it is the journey to try
(coordinator@ drafts the plan from its diagnostic and proposes it,
filrouge@ agrees, provider@ logs sessions).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from applicants.demo import DECIDED, demo_dossier
from applicants.models import (
    Campaign,
    Dossier,
    DossierStatus,
    FinancingCategory,
    FinancingNeed,
    Membership,
    Structure,
)
from ccr_portal.axes import Axis
from ccr_portal.notifications.models import Notification
from ccr_portal.users.demo import demo_account
from ccr_portal.users.models import Provider, Role, RoleAssignment, User
from diagnostics.demo import demo_history
from diagnostics.models import (
    AxisRecommendation,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    ThemeScore,
)

from .models import (
    ActionStatus,
    Audience,
    BudgetItem,
    CommitteeRecommendation,
    DevelopmentPlan,
    Event,
    EventKind,
    FinancingItem,
    Format,
    PlanAction,
    PlanStatus,
    PlanTransition,
    QadesGrid,
    QualifyingTraining,
    SatisfactionAnswer,
)
from .services.actions import action_add, action_complete, action_update, satisfaction_record
from .services.events import event_create, event_record_attendance, event_register
from .services.plans import (
    plan_create,
    plan_transition,
    plan_update,
    plan_update_budget,
    plan_update_financing,
    plan_update_themes,
)
from .services.professionalisation import gpec_update, training_save
from .services.responsibility import qades_grid_open, qades_grid_update
from .services.sessions import session_log

CAMPAIGN = "Appel à candidatures CCR 2011"
D = Decimal
# The collective session that started the Comptoir's plan (days ago).
COLLECTIVE_DAYS_AGO = 225

# (short name, axes, daily rate, funding scheme, monthly capacity in days)
PROVIDER_OFFER = {
    "Regain": ([Axis.SECURING], D("350"), "region", D("8")),
    "RAMSESS": ([Axis.DIAGNOSTIC, Axis.SECURING], D("450"), "dla", D("10")),
    "APEAS": (
        [Axis.SECURING, Axis.COOPERATION, Axis.PROFESSIONALISATION],
        D("400"),
        "dla",
        D("6"),
    ),
    "Inter-Made": ([Axis.SECURING, Axis.PROFESSIONALISATION], D("500"), "macif", D("5")),
    "ESIA": ([Axis.FINANCING], D("420"), "own_funds", D("4")),
    "Hom&Ter": ([Axis.RESPONSIBILITY], D("480"), "other", D("3")),
}

# The residents this demo adds: (name, legal form, siret, rna, sector, city address,
# dossier status, editor e-mail, first name, last name).
RESIDENTS = [
    (
        "Café Associatif de la Plaine",
        Structure.LegalForm.ASSOCIATION,
        "",
        "W133000101",
        Structure.Sector.RESTAURANT,
        "3 place Jean Jaurès",
        "13005",
        DossierStatus.ACCEPTED,
        ("cafe@example.org", "Julien", "Roussel"),
    ),
    (
        "Atelier Vélo Solidaire",
        Structure.LegalForm.ASSOCIATION,
        "",
        "W133000102",
        Structure.Sector.SERVICES,
        "17 rue d'Aubagne",
        "13001",
        DossierStatus.ACCEPTED,
        ("velo@example.org", "Léa", "Fabre"),
    ),
    (
        "Comptoir Équitable de Noailles",
        Structure.LegalForm.SCIC,
        "",
        "W133000103",
        Structure.Sector.FOOD,
        "5 place des Capucins",
        "13001",
        DossierStatus.INSTALLED,
        ("comptoir@example.org", "Karim", "Haddad"),
    ),
    (
        "Ressourcerie du Canet",
        Structure.LegalForm.ASSOCIATION,
        "",
        "W133000104",
        Structure.Sector.HOME,
        "9 boulevard Charles Moretti",
        "13014",
        DossierStatus.INSTALLED,
        ("ressourcerie@example.org", "Hélène", "Marchetti"),
    ),
]
FIL_ROUGE_EDITOR = ("filrouge@example.org", "Sophie", "Garnier")

# Recommendations of each structure's full diagnostic: {axis: (days, why)}.
RECOMMENDATIONS = {
    "Fil Rouge Textile": {
        Axis.SECURING: (D("4"), "Revoir le modèle économique avec la boutique de la CCR."),
        Axis.COOPERATION: (D("1.5"), "Mutualiser l'atelier de retouche avec d'autres résidents."),
        Axis.FINANCING: (D("1"), "Financer l'aménagement de la boutique et le stock initial."),
    },
    "Voyages Équitables Méditerranée": {
        Axis.SECURING: (D("3"), "Construire le prévisionnel à trois ans."),
        Axis.COOPERATION: (D("2"), "Accueil commun des visiteurs avec les autres résidents."),
    },
    "Café Associatif de la Plaine": {
        Axis.SECURING: (D("3"), "Adapter l'offre aux flux de visiteurs de la CCR."),
        Axis.FINANCING: (D("1"), "Préparer une demande au fonds d'amorçage associatif."),
    },
    "Atelier Vélo Solidaire": {
        Axis.SECURING: (D("2.5"), "Organiser l'atelier pour une montée en charge lente."),
        Axis.COOPERATION: (D("1"), "Logistique mutualisée du déménagement."),
    },
    "Comptoir Équitable de Noailles": {
        Axis.SECURING: (D("4"), "Stratégie marketing et gestion des stocks."),
        Axis.PROFESSIONALISATION: (D("2"), "GPEC : anticiper deux recrutements."),
    },
    "Ressourcerie du Canet": {
        Axis.SECURING: (D("3"), "Réorganiser la production (collecte, tri, vente)."),
        Axis.COOPERATION: (D("1.5"), "Partager un local de stockage."),
    },
}


def load(stdout) -> None:
    first_notification = (
        Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    _build()
    # The demo's notifications stay in the portal; nobody needs their e-mails
    # (the e-mail task skips a notification already marked as sent).
    Notification.objects.filter(pk__gte=first_notification).update(emailed_at=timezone.now())
    states = ", ".join(
        f"{label.lower()} {DevelopmentPlan.objects.filter(status=code).count()}"
        for code, label in PlanStatus.choices
    )
    stdout.write(f"Accompagnement : plans {states}.")
    stdout.write("  À essayer : rédiger le plan de « Fil Rouge Textile » (coordinator@), le faire")
    stdout.write(
        "  valider par filrouge@example.org, saisir les séances avec provider@example.org."
    )
    for email, *_rest in [FIL_ROUGE_EDITOR, *(resident[-1] for resident in RESIDENTS)]:
        stdout.write(f"  {email:<28} Structure candidate (éditeur)")


def _build() -> None:
    today = timezone.localdate()
    campaign = Campaign.objects.get(title=CAMPAIGN)
    coordinator = User.objects.get(email="coordinator@example.org")
    consultant = User.objects.get(email="provider@example.org")
    providers = _providers()
    structures, editors = _residents(campaign)
    for name, axes in RECOMMENDATIONS.items():
        if name in structures:
            _diagnostic(structures[name], campaign, providers["RAMSESS"], consultant, axes)

    voyages = None
    if "Voyages Équitables Méditerranée" in structures:
        voyages = _plan(
            structures["Voyages Équitables Méditerranée"],
            campaign,
            coordinator,
            providers,
            base=D("96000"),
        )
    plans = {}
    for name, status in [
        ("Café Associatif de la Plaine", PlanStatus.PROPOSED),
        ("Atelier Vélo Solidaire", PlanStatus.AGREED),
        ("Comptoir Équitable de Noailles", PlanStatus.AGREED),
        ("Ressourcerie du Canet", PlanStatus.AGREED),
    ]:
        plans[name] = _plan(
            structures[name],
            campaign,
            coordinator,
            providers,
            base=D("150000"),
            to=status,
            editor=editors[name],
        )
    comptoir, ressourcerie = plans["Comptoir Équitable de Noailles"], plans["Ressourcerie du Canet"]
    if comptoir.created and ressourcerie.created:
        _sessions(comptoir.plan, ressourcerie.plan, providers, consultant, coordinator, today)
        _close(ressourcerie.plan, comptoir.plan, coordinator, consultant, editors, today)
    # Each plan's history as it went, in days before today (the services wrote it now).
    for built, story in [
        (voyages, {"create": 8}),
        (plans["Café Associatif de la Plaine"], {"create": 12, "propose": 9}),
        (plans["Atelier Vélo Solidaire"], {"create": 20, "propose": 18, "agree": 15}),
        (comptoir, {"create": 250, "propose": 248, "agree": 245, "start": COLLECTIVE_DAYS_AGO}),
        (
            ressourcerie,
            {"create": 252, "propose": 249, "agree": 246, "start": 240, "complete": 200},
        ),
    ]:
        if built is not None and built.created:
            _date_history(built.plan, story)

    _information_day(campaign, providers["Regain"], coordinator, structures, today)
    _gpec(structures["Comptoir Équitable de Noailles"], editors["Comptoir Équitable de Noailles"])
    _gpec(structures["Fil Rouge Textile"], editors["Fil Rouge Textile"])
    _qades(
        structures["Comptoir Équitable de Noailles"],
        editors["Comptoir Équitable de Noailles"],
        today,
    )
    _qades(structures["Ressourcerie du Canet"], editors["Ressourcerie du Canet"], today, years=1)


# --- Providers, structures, diagnostics --------------------------------------------


def _providers() -> dict[str, Provider]:
    providers = {}
    for short_name, (axes, rate, scheme, capacity) in PROVIDER_OFFER.items():
        provider = Provider.objects.filter(short_name=short_name).first()
        if provider is None:
            continue
        # Complete what another demo may already have set, never overwrite it.
        provider.axes = [
            axis for axis in Axis.values if axis in set(provider.axes or []) | set(axes)
        ]
        if provider.daily_rate is None:
            provider.daily_rate = rate
        if not provider.funding_scheme:
            provider.funding_scheme = scheme
        if not provider.monthly_capacity_days:
            provider.monthly_capacity_days = capacity
        provider.save()
        providers[short_name] = provider
    return providers


def _residents(campaign: Campaign):
    structures = {
        structure.name: structure
        for structure in Structure.objects.filter(
            name__in=[
                "Fil Rouge Textile",
                "Voyages Équitables Méditerranée",
                "Épicerie Solidaire du Panier",
            ]
        )
    }
    editors = {}
    for (
        name,
        legal_form,
        siret,
        rna,
        sector,
        address,
        postal_code,
        status,
        (email, first_name, last_name),
    ) in RESIDENTS:
        structure, _ = Structure.objects.update_or_create(
            name=name,
            defaults={
                "legal_form": legal_form,
                "siret": siret,
                "rna": rna,
                "address": address,
                "postal_code": postal_code,
                "city": "Marseille",
                "sector": sector,
                "year_founded": 2006,
                "staff_fte": D("4"),
                "volunteers": 15,
                "last_budget": D("150000"),
            },
        )
        structures[name] = structure
        editors[name] = _editor(structure, email, first_name, last_name)
        _dossier(structure, campaign, status)

    fil_rouge = structures["Fil Rouge Textile"]
    editors["Fil Rouge Textile"] = _editor(fil_rouge, *FIL_ROUGE_EDITOR)
    dossier = _dossier(fil_rouge, campaign, DossierStatus.ACCEPTED)
    for category, amount in [
        (FinancingCategory.SHOP_FITOUT, D("18000")),
        (FinancingCategory.INITIAL_STOCK, D("7500")),
        (FinancingCategory.WORKING_CAPITAL, D("6000")),
    ]:
        FinancingNeed.objects.update_or_create(
            dossier=dossier, category=category, defaults={"amount": amount}
        )
    return structures, editors


def _editor(structure: Structure, email: str, first_name: str, last_name: str) -> User:
    user = demo_account(email, first_name, last_name)
    RoleAssignment.objects.get_or_create(user=user, role=Role.APPLICANT)
    Membership.objects.update_or_create(
        structure=structure, user=user, defaults={"role": Membership.Role.EDITOR}
    )
    return user


def _dossier(structure: Structure, campaign: Campaign, status: str) -> Dossier:
    # The applicants' demo fills the dossier and records its path to ``status``;
    # these residents move in this year (year N of their plans).
    dossier = demo_dossier(structure, campaign, status)
    if dossier.expected_move_in != timezone.localdate():
        dossier.expected_move_in = timezone.localdate()
        dossier.save(update_fields=["expected_move_in"])
    if dossier.is_selected:
        # The committee recommended the securing accompaniment after its selection.
        CommitteeRecommendation.objects.get_or_create(
            dossier=dossier,
            axis=Axis.SECURING,
            defaults={"note": "Quelques jours, avant l'installation."},
        )
    return dossier


def _diagnostic(structure, campaign, ramsess, consultant, recommendations) -> Diagnostic:
    dossier = Dossier.objects.filter(structure=structure, campaign=campaign).first()
    diagnostic = Diagnostic.objects.filter(
        structure=structure, kind=DiagnosticKind.FULL, status=DiagnosticStatus.VALIDATED
    ).first()
    if diagnostic is None:
        # A resident's diagnostic came before the committee selected it, eight months ago;
        # the others' lately.
        days = (278, 275, 266, 262) if dossier and dossier.status in DECIDED else (64, 60, 40, 35)
        requested, assigned, delivered, validated = (
            timezone.now() - datetime.timedelta(days=n) for n in days
        )
        diagnostic = Diagnostic.objects.create(
            structure=structure,
            dossier=dossier,
            kind=DiagnosticKind.FULL,
            purpose=DiagnosticPurpose.SUPPORT,
            status=DiagnosticStatus.VALIDATED,
            provider=ramsess,
            consultant=consultant,
            strengths="Clientèle fidèle, équipe motivée, ancrage dans le quartier.",
            weaknesses="Trésorerie tendue, pas de prévisionnel, fonds propres faibles.",
            overall_risk="medium",
            recommendation="ready_with_securing",
            requested_at=requested,
            assigned_at=assigned,
            delivered_at=delivered,
            validated_at=validated,
        )
        demo_history(
            diagnostic,
            coordinator=User.objects.get(email="coordinator@example.org"),
            consultant=consultant,
        )
        for theme, score, observations in [
            ("economic_model", 2, "Marge brute insuffisante pour absorber le loyer de la CCR."),
            ("production", 3, "Organisation correcte, à adapter aux volumes attendus."),
            ("marketing", 2, "Peu de visibilité ; pas de stratégie pour le site."),
            ("human_resources", 2, "Dépendance forte aux bénévoles."),
            ("project", 3, "Projet associatif à réécrire avec l'entrée dans la CCR."),
        ]:
            ThemeScore.objects.create(
                diagnostic=diagnostic, theme=theme, score=score, observations=observations
            )
    for axis, (days, reason) in recommendations.items():
        AxisRecommendation.objects.get_or_create(
            diagnostic=diagnostic, axis=axis, defaults={"days": days, "reason": reason}
        )
    return diagnostic


# --- Plans ----------------------------------------------------------------------------


class _Built:
    def __init__(self, plan, created):
        self.plan, self.created = plan, created


def _budget(base: Decimal) -> dict:
    """A budget whose income equals its expenses every year (staff costs balance it)."""
    years = []
    for growth in (D("1"), D("1.15"), D("1.3")):
        sales = (base * growth).quantize(D("1"))
        income = {
            BudgetItem.SALES: sales,
            BudgetItem.OPERATING_GRANTS: D("15000"),
            BudgetItem.OTHER_INCOME: D("3000"),
        }
        expenses = {
            BudgetItem.PURCHASES: (sales * D("0.4")).quantize(D("1")),
            BudgetItem.RENT: D("14400"),
            BudgetItem.EXTERNAL: (sales * D("0.08")).quantize(D("1")),
            BudgetItem.TAXES: D("1500"),
            BudgetItem.DEPRECIATION: D("2500"),
            BudgetItem.OTHER_EXPENSES: D("1200"),
        }
        expenses[BudgetItem.STAFF] = sum(income.values()) - sum(expenses.values())
        years.append({**income, **expenses})
    return {item: tuple(year[item] for year in years) for item in BudgetItem.values}


FINANCING = {
    FinancingItem.MOVING: (D("4000"), D("0"), D("0")),
    FinancingItem.SHOP_FITOUT: (D("15000"), D("0"), D("0")),
    FinancingItem.INITIAL_STOCK: (D("6000"), D("0"), D("0")),
    FinancingItem.WORKING_CAPITAL: (D("8000"), D("3000"), D("2000")),
    FinancingItem.INVESTMENT: (D("0"), D("5000"), D("0")),
    FinancingItem.LOAN_REPAYMENTS: (D("0"), D("2500"), D("3000")),
    FinancingItem.EQUITY: (D("5000"), D("0"), D("0")),
    FinancingItem.GRANTS: (D("15000"), D("0"), D("0")),
    FinancingItem.LOANS: (D("10000"), D("5000"), D("0")),
    FinancingItem.SELF_FINANCING: (D("3000"), D("5500"), D("5000")),
}
# The Ressourcerie asks the funds for 40 000 in year N (a FRIS loan and a contrat d'apport,
# financing's demo): its plan foresees them, and 5 000 of loan repayments a year, which
# cover what the granted FRIS loan repays each year (its schedule counts beyond them only),
# so that its response and its grant keep the plan balanced.
FINANCING_OF = {
    "Ressourcerie du Canet": {
        **FINANCING,
        FinancingItem.SHOP_FITOUT: (D("25000"), D("0"), D("0")),
        FinancingItem.LOAN_REPAYMENTS: (D("5000"), D("5000"), D("5000")),
        FinancingItem.LOANS: (D("20000"), D("5000"), D("0")),
        FinancingItem.SELF_FINANCING: (D("8000"), D("8000"), D("7000")),
    },
}


def _plan(structure, campaign, coordinator, providers, *, base, to=None, editor=None) -> _Built:
    existing = DevelopmentPlan.objects.filter(structure=structure, campaign=campaign).first()
    if existing is not None:
        return _Built(existing, False)
    plan = plan_create(structure=structure, campaign=campaign, actor=coordinator).plan
    plan_update(
        plan=plan,
        actor=coordinator,
        first_year=plan.first_year,
        diagnostic_summary=plan.diagnostic_summary,
        objectives=plan.objectives
        + "\nTenir l'équilibre financier dès la première année dans la CCR.",
    )
    plan_update_themes(
        plan=plan,
        actor=coordinator,
        themes={
            theme.theme: (
                theme.findings,
                "Hypothèses revues avec la structure en séance individuelle.",
            )
            for theme in plan.themes.all()
        },
    )
    plan_update_budget(plan=plan, actor=coordinator, amounts=_budget(base))
    plan_update_financing(
        plan=plan, actor=coordinator, amounts=FINANCING_OF.get(structure.name, FINANCING)
    )
    for action in plan.actions.filter(provider__isnull=True):
        covering = [p for p in providers.values() if action.axis in p.axes]
        if covering:
            action_update(
                action=action,
                actor=coordinator,
                axis=action.axis,
                title=action.title,
                planned_days=action.planned_days,
                provider=sorted(covering, key=lambda p: p.name)[0],
                format=action.format,
                description=action.description,
            )
    if plan.dossier is not None and plan.dossier.is_selected:
        apeas = providers.get("APEAS")
        if apeas and not plan.actions.filter(axis=Axis.PROFESSIONALISATION).exists():
            action_add(
                plan=plan,
                actor=coordinator,
                axis=Axis.PROFESSIONALISATION,
                title="Formation à l'encadrement d'équipe",
                planned_days=D("1.5"),
                provider=apeas,
                format=Format.COLLECTIVE,
            )
    steps = {
        PlanStatus.PROPOSED: [("propose", coordinator)],
        PlanStatus.AGREED: [("propose", coordinator), ("agree", editor)],
    }
    for action, actor in steps.get(to, []):
        plan_transition(plan=plan, actor=actor, action=action)
    plan.refresh_from_db()
    return _Built(plan, True)


PLAN_DATES = {
    "propose": "proposed_at",
    "agree": "agreed_at",
    "start": "started_at",
    "complete": "completed_at",
}


def _date_history(plan: DevelopmentPlan, story: dict[str, int]) -> None:
    """Date the plan and its history from ``story`` (days ago per action); a line the
    story does not date follows the one before it."""
    now = timezone.now()
    moments = {action: now - datetime.timedelta(days=days) for action, days in story.items()}
    dates = {"created_at": moments["create"]}
    last = None
    for line in plan.transitions.order_by("pk"):
        at = moments.get(line.action)
        if at is None or (last is not None and at <= last):
            at = last + datetime.timedelta(minutes=10)
        PlanTransition.objects.filter(pk=line.pk).update(created_at=at)
        if line.action in PLAN_DATES:
            dates[PLAN_DATES[line.action]] = at
        last = at
    DevelopmentPlan.objects.filter(pk=plan.pk).update(**dates)


def _securing(plan):
    return plan.actions.get(axis=Axis.SECURING)


def _sessions(comptoir, ressourcerie, providers, consultant, coordinator, today) -> None:
    ramsess = providers["RAMSESS"]
    # The Ressourcerie was accompanied before the move (its plan was completed 200 days
    # ago); the Comptoir's accompaniment goes on.
    for plan, dated_topics in [
        (
            ressourcerie,
            [(240, "Organisation de la collecte et du tri"), (232, "Prix de vente en boutique")],
        ),
        (comptoir, [(42, "Stratégie marketing pour le site"), (28, "Gestion des stocks")]),
    ]:
        for days_ago, topic in dated_topics:
            session_log(
                actor=consultant,
                provider=ramsess,
                date=today - datetime.timedelta(days=days_ago),
                duration_hours=D("3.5"),
                axis=Axis.SECURING,
                theme=topic,
                format=Format.INDIVIDUAL,
                actions=[_securing(plan)],
                participants="La présidente, le trésorier, la salariée responsable.",
                summary=f"{topic} : état des lieux et hypothèses pour le budget à trois ans.",
                next_steps="Chiffrer les hypothèses avant la prochaine séance.",
            )
    session_log(
        actor=consultant,
        provider=ramsess,
        date=today - datetime.timedelta(days=COLLECTIVE_DAYS_AGO),
        duration_hours=D("7"),
        axis=Axis.SECURING,
        theme="Temps collectif : le plan de financement à trois ans",
        format=Format.COLLECTIVE,
        actions=[_securing(comptoir), _securing(ressourcerie)],
        participants="Deux personnes par structure.",
        summary="Besoins et ressources de l'installation ; équilibre année par année.",
        next_steps="Chaque structure complète son plan de financement.",
    )
    # Planned three days ago and still without notes: the reminder rule picks it up.
    session_log(
        actor=consultant,
        provider=ramsess,
        date=today - datetime.timedelta(days=3),
        duration_hours=D("2"),
        axis=Axis.SECURING,
        theme="Point d'étape sur la trésorerie",
        format=Format.INDIVIDUAL,
        actions=[_securing(comptoir)],
    )
    # A collective training: registered while upcoming, attended three weeks later.
    training = Event.objects.filter(title="DLA collectif : construire son prévisionnel").first()
    if training is None:
        training = event_create(
            actor=coordinator,
            kind=EventKind.COLLECTIVE_TRAINING,
            title="DLA collectif : construire son prévisionnel",
            date=today + datetime.timedelta(days=1),
            place="Cité des Associations, 93 La Canebière, Marseille",
            capacity=8,
            audience=Audience.SELECTED,
            organiser=ramsess,
            axis=Axis.SECURING,
            duration_hours=D("3.5"),
            start_time=datetime.time(9, 30),
            description="Formation collective financée par le DLA des Bouches-du-Rhône.",
        )
        for plan in (comptoir, ressourcerie):
            event_register(event=training, structure=plan.structure, actor=coordinator)
        # Published and filled a month before it took place, two weeks ago.
        published = timezone.now() - datetime.timedelta(weeks=6)
        Event.objects.filter(pk=training.pk).update(
            date=today - datetime.timedelta(weeks=2), created_at=published
        )
        training.registrations.update(created_at=published + datetime.timedelta(days=2))
        training.refresh_from_db()
        event_record_attendance(
            event=training,
            actor=consultant,
            present_structure_ids=[comptoir.structure_id, ressourcerie.structure_id],
        )


def _close(ressourcerie, comptoir, coordinator, consultant, editors, today) -> None:
    """Complete the Ressourcerie's plan (its follow-up is now due) and one Comptoir action."""
    for action in ressourcerie.actions.filter(status=ActionStatus.PLANNED):
        action_complete(action=action, actor=coordinator)
        satisfaction_record(
            action=action,
            actor=editors["Ressourcerie du Canet"],
            usefulness=5 if action.axis == Axis.SECURING else 4,
            would_recommend=4,
            comment="Séances concrètes, utiles pour préparer l'installation.",
        )
    plan_transition(plan=ressourcerie, actor=coordinator, action="complete")
    # Completed 200 days ago (``_date_history``): its actions just before, the answers after.
    completed = timezone.now() - datetime.timedelta(days=200)
    PlanAction.objects.filter(plan=ressourcerie).update(
        completed_at=completed - datetime.timedelta(days=1)
    )
    SatisfactionAnswer.objects.filter(action__plan=ressourcerie).update(
        answered_at=completed + datetime.timedelta(days=3)
    )
    ressourcerie.follow_up.due_on = today - datetime.timedelta(days=17)
    ressourcerie.follow_up.save(update_fields=["due_on"])

    action_complete(action=_securing(comptoir), actor=consultant)
    satisfaction_record(
        action=_securing(comptoir),
        actor=editors["Comptoir Équitable de Noailles"],
        usefulness=4,
        would_recommend=5,
        comment="Très utile pour la stratégie marketing.",
    )


def _information_day(campaign, regain, coordinator, structures, today) -> None:
    """The information day of the call: three places, five structures, two on the waitlist."""
    title = "Journée d'information de l'appel à candidatures"
    if Event.objects.filter(title=title).exists():
        return
    event = event_create(
        actor=coordinator,
        kind=EventKind.INFORMATION_DAY,
        title=title,
        campaign=campaign,
        date=campaign.information_day or today + datetime.timedelta(days=14),
        start_time=datetime.time(14, 0),
        place=campaign.information_day_place or "Cité des Associations, Marseille",
        capacity=3,
        audience=Audience.ANY,
        organiser=regain,
        axis=Axis.SECURING,
        duration_hours=D("3"),
        description=(
            "Présentation de la CCR, du dispositif d'accompagnement et des fonds solidaires "
            "(ESIA, PARGEST), animée par Regain."
        ),
    )
    for name in [
        "Épicerie Solidaire du Panier",
        "Voyages Équitables Méditerranée",
        "Café Associatif de la Plaine",
        "Atelier Vélo Solidaire",
        "Fil Rouge Textile",
    ]:
        if name in structures:
            event_register(event=event, structure=structures[name], actor=coordinator)


def _gpec(structure, editor) -> None:
    gpec_update(
        structure=structure,
        actor=editor,
        skills_to_build="Gestion des stocks, accueil de groupes, animation commerciale.",
        recruitment_plan="Un poste de responsable de boutique en N+1, un apprenti en N+2.",
        jobs=[
            {"title": "Vendeur·se", "fte_today": D("1.5"), "fte_in_3_years": D("3")},
            {"title": "Responsable de boutique", "fte_today": D("0"), "fte_in_3_years": D("1")},
            {"title": "Coordinatrice", "fte_today": D("1"), "fte_in_3_years": D("1")},
        ],
    )
    if not QualifyingTraining.objects.filter(structure=structure).exists():
        training_save(
            structure=structure,
            actor=editor,
            person_or_post="Coordinatrice",
            training="Titre professionnel de responsable de petite structure",
            organisation="AFPA Marseille",
            starts_on=timezone.localdate() + datetime.timedelta(days=45),
            ends_on=timezone.localdate() + datetime.timedelta(days=225),
            status=QualifyingTraining.Status.PLANNED,
            funding="OPCA Uniformation",
        )


QADES_OBJECTIVES = {
    "quality": ("Tracer l'origine de 100 % des produits", "Part des références tracées", "met"),
    "agriculture": ("60 % de produits bio ou paysans", "Part du chiffre d'affaires", "partly"),
    "diversity": ("Référencer cinq producteurs locaux", "Nombre de producteurs", "met"),
    "energy": ("Réduire de 20 % les emballages", "Kilos d'emballages par mois", "not_met"),
    "social": ("Salaires au-dessus du SMIC de 10 %", "Écart au SMIC", "met"),
}


def _qades(structure, editor, today, years=2) -> None:
    for offset in range(years, 0, -1):
        year = today.year - offset + 1
        grid = QadesGrid.objects.filter(structure=structure, year=year).first()
        if grid is None:
            grid = qades_grid_open(structure=structure, year=year, actor=editor)
        last = offset == 1
        qades_grid_update(
            grid=grid,
            actor=editor,
            lines={
                dimension: {
                    "objectives": objectives,
                    "indicators": indicators,
                    "review": "" if last else review,
                    "review_comment": "" if last else "Bilan fait avec Hom&Ter.",
                    "publish": dimension in ("quality", "diversity", "social"),
                }
                for dimension, (objectives, indicators, review) in QADES_OBJECTIVES.items()
            },
        )
