"""Demo diagnostics: every state, both kinds and purposes, a covered one, RAMSESS overbooked.

Idempotent: each diagnostic is found again by its structure and its request
note; the providers' capacities by (provider, month).
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from applicants.demo import demo_dossier
from applicants.models import Campaign, DossierStatus, Membership
from applicants.models import Structure as S
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.formatting import format_date
from ccr_portal.users.models import Provider, User

from .capacity import add_months, month_end, month_start
from .models import (
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

# Usual consultant days per month given to diagnostics.
USUAL_CAPACITY = {
    "RAMSESS": Decimal("4"),
    "APEAS": Decimal("6"),
    "Inter-Made": Decimal("3"),
    "Regain": Decimal("2"),
    "Hom&Ter": Decimal("1"),
    "ESIA": Decimal("0"),
}

# Structures that only the diagnostics need (no member: the coordination's view).
EXTRA_STRUCTURES = [
    ("Restaurant Le Goût Partagé", S.LegalForm.SCIC, "W133001122", S.Sector.RESTAURANT),
    ("Atelier Vélo Solidaire", S.LegalForm.ASSOCIATION, "W133002233", S.Sector.SERVICES),
    ("Boutique Artisans du Monde Marseille", S.LegalForm.ASSOCIATION, "W133003344", S.Sector.HOME),
]

COVERED_HTML = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<style>body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 11pt; }}</style></head><body>
<h1>RAMSESS : diagnostic de l'Atelier Vélo Solidaire</h1>
<p>Diagnostic réalisé le {date} dans le cadre du réseau RAMSESS.</p>
<h2>Synthèse</h2>
<p>Projet associatif solide, modèle économique à consolider (dépendance aux subventions),
trésorerie correcte, ateliers de réparation très fréquentés.</p>
</body></html>"""


def load(stdout) -> None:
    today = timezone.localdate()
    now = timezone.now()
    providers = {str(provider): provider for provider in Provider.objects.all()}
    for name, days in USUAL_CAPACITY.items():
        if name in providers:
            providers[name].monthly_capacity_days = days
            providers[name].save(update_fields=["monthly_capacity_days"])
    ramsess, apeas = providers["RAMSESS"], providers["APEAS"]
    # RAMSESS has less room this month than usual: its two diagnostics due this month overbook it.
    this_month = month_start(today)
    ProviderCapacity.objects.update_or_create(
        provider=ramsess, month=this_month, defaults={"consultant_days": Decimal("4")}
    )
    ProviderCapacity.objects.update_or_create(
        provider=ramsess,
        month=add_months(this_month, 1),
        defaults={"consultant_days": Decimal("2")},
    )

    coordinator = User.objects.get(email="coordinator@example.org")
    consultant = User.objects.get(email="provider@example.org")
    applicant = User.objects.get(email="applicant@example.org")
    applicant2 = User.objects.get(email="applicant2@example.org")
    structures = {structure.name: structure for structure in S.objects.all()}
    for name, legal_form, rna, sector in EXTRA_STRUCTURES:
        structures[name], _ = S.objects.update_or_create(
            name=name,
            defaults={
                "legal_form": legal_form,
                "rna": rna,
                "address": "Marseille",
                "postal_code": "13001",
                "city": "Marseille",
                "sector": sector,
            },
        )
    campaign = Campaign.objects.get(title="Appel à candidatures CCR 2011")
    restaurant = structures["Restaurant Le Goût Partagé"]
    artisans = structures["Boutique Artisans du Monde Marseille"]
    # The applicants' demo fills each dossier and records its path to the status.
    restaurant_dossier = demo_dossier(restaurant, campaign, DossierStatus.UNDER_REVIEW)
    artisans_dossier = demo_dossier(artisans, campaign, DossierStatus.SUBMITTED)

    due_this_month = max(today, month_end(this_month) - datetime.timedelta(days=2))
    days_ago = lambda days: now - datetime.timedelta(days=days)  # noqa: E731

    specs = [
        # (structure, kind, purpose, status, note, extra)
        (
            structures["Épicerie Solidaire du Panier"],
            DiagnosticKind.FULL,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.DELIVERED,
            "Préparer l'accompagnement de sécurisation avant l'installation.",
            {
                "provider": ramsess,
                "consultant": consultant,
                "due_date": today - datetime.timedelta(days=3),
                "assigned_at": days_ago(40),
                "delivered_at": days_ago(6),
                "requested_by": applicant,
                "dossier": None,
            },
        ),
        (
            structures["Fil Rouge Textile"],
            DiagnosticKind.LIGHT,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.VALIDATED,
            "Savoir si la CCR convient à une SCOP textile.",
            {
                # Before it applied: the committee selected it eight months ago.
                "provider": apeas,
                "due_date": today - datetime.timedelta(days=292),
                "assigned_at": days_ago(300),
                "delivered_at": days_ago(293),
                "validated_at": days_ago(291),
                "signed_off_at": days_ago(290),
                "structure_comment": "Conclusions partagées ; le site de la Friche nous inquiète.",
            },
        ),
        (
            structures["Voyages Équitables Méditerranée"],
            DiagnosticKind.FULL,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.IN_PROGRESS,
            "Revoir notre modèle économique avant de candidater.",
            {
                "provider": ramsess,
                "consultant": consultant,
                "due_date": due_this_month,
                "assigned_at": days_ago(15),
                "requested_by": applicant2,
            },
        ),
        (
            restaurant,
            DiagnosticKind.FULL,
            DiagnosticPurpose.ASSESSMENT,
            DiagnosticStatus.VALIDATED,
            "Instruction : solidité financière et risque du site mk2.",
            {
                "provider": apeas,
                "dossier": restaurant_dossier,
                "due_date": today - datetime.timedelta(days=4),
                # Ordered once its instruction started, 17 days ago.
                "requested_at": days_ago(16),
                "assigned_at": days_ago(15),
                "delivered_at": days_ago(6),
                "validated_at": days_ago(3),
                "requested_by": coordinator,
            },
        ),
        (
            restaurant,
            DiagnosticKind.LIGHT,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.DECLINED,
            "Un premier avis sur notre projet.",
            {
                "requested_at": days_ago(14),
                "decline_reason": (
                    "Le diagnostic complet d'instruction répond déjà à cette demande."
                ),
            },
        ),
        (
            structures["Atelier Vélo Solidaire"],
            DiagnosticKind.FULL,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.COVERED,
            "Diagnostic complet pour préparer notre installation.",
            {
                "covered_source": CoverSource.RAMSESS,
                "covered_on": today - datetime.timedelta(days=330),
                # Before it applied: the committee selected it eight months ago.
                "requested_at": days_ago(290),
            },
        ),
        (
            structures["Atelier Vélo Solidaire"],
            DiagnosticKind.LIGHT,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.REQUESTED,
            "Un regard extérieur sur l'organisation de l'atelier avant le déménagement.",
            {},
        ),
        (
            artisans,
            DiagnosticKind.LIGHT,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.REQUESTED,
            "Nous voulons un avis extérieur avant de déposer.",
            {},
        ),
        (
            artisans,
            DiagnosticKind.LIGHT,
            DiagnosticPurpose.SUPPORT,
            DiagnosticStatus.ACCEPTED,
            "Un second regard sur notre projet de boutique (demande en double).",
            {},
        ),
        (
            artisans,
            DiagnosticKind.FULL,
            DiagnosticPurpose.ASSESSMENT,
            DiagnosticStatus.ASSIGNED,
            "Instruction : capacité à tenir une montée en charge lente à la Friche.",
            {
                "provider": ramsess,
                "dossier": artisans_dossier,
                "due_date": due_this_month,
                "assigned_at": days_ago(2),
                "requested_by": coordinator,
            },
        ),
    ]
    for structure, kind, purpose, status, note, extra in specs:
        extra = dict(extra)
        diagnostic, _ = Diagnostic.objects.update_or_create(
            structure=structure,
            request_note=note,
            defaults={
                "kind": kind,
                "purpose": purpose,
                "status": status,
                "requested_by": extra.pop("requested_by", None),
                # Asked a few days before it was assigned, or lately if it waits.
                "requested_at": extra.pop(
                    "requested_at",
                    extra["assigned_at"] - datetime.timedelta(days=4)
                    if "assigned_at" in extra
                    else days_ago(5),
                ),
                **extra,
            },
        )
        if status in (DiagnosticStatus.DELIVERED, DiagnosticStatus.VALIDATED):
            _fill_grid(diagnostic)
        if status == DiagnosticStatus.IN_PROGRESS:
            _fill_grid(diagnostic, draft=True)
        if status == DiagnosticStatus.COVERED and not diagnostic.covered_document:
            _attach_covered_document(diagnostic)
        if diagnostic.signed_off_at and diagnostic.signed_off_by is None:
            editor = structure.memberships.filter(role=Membership.Role.EDITOR).first()
            if editor is not None:
                diagnostic.signed_off_by = editor.user
                diagnostic.save(update_fields=["signed_off_by"])
        demo_history(diagnostic, coordinator=coordinator, consultant=consultant)

    # Fil Rouge Textile shares its light diagnostic with the committee.
    fil_rouge = Diagnostic.objects.get(
        structure=structures["Fil Rouge Textile"], kind=DiagnosticKind.LIGHT
    )
    if not fil_rouge.consents.filter(revoked_at__isnull=True).exists():
        CommitteeConsent.objects.create(
            diagnostic=fil_rouge, granted_by=fil_rouge.signed_off_by, granted_at=days_ago(289)
        )
    stdout.write(
        f"{Diagnostic.objects.count()} diagnostics de démonstration ; capacité des prestataires "
        f"déclarée (RAMSESS en surcharge ce mois-ci)."
    )


GRID_NOTES = {
    "project": (3, "Projet clair, gouvernance partagée entre salariés et bénévoles."),
    "economic_model": (2, "Chiffre d'affaires dépendant de deux gros clients."),
    "finances": (2, "Fonds propres faibles ; trésorerie tendue en fin d'année ; BFR à financer."),
    "production": (3, "Organisation rodée, outils de suivi simples."),
    "marketing": (2, "Peu de communication vers le grand public."),
    "human_resources": (3, "Équipe stable ; pas encore de plan de formation (GPEC)."),
    "partnerships": (4, "Bien insérée dans les réseaux de l'ESS marseillaise."),
    "responsibility": (3, "Prête à s'engager dans la démarche QADES."),
    "site_risk": (2, "Sur mk2, les flux de visiteurs demanderont des renforts le week-end."),
}


def _fill_grid(diagnostic: Diagnostic, *, draft: bool = False) -> None:
    themes = diagnostic.themes[:2] if draft else diagnostic.themes
    for theme in themes:
        score, notes = GRID_NOTES[theme.value]
        ThemeScore.objects.update_or_create(
            diagnostic=diagnostic, theme=theme, defaults={"score": score, "observations": notes}
        )
    if draft:
        return
    diagnostic.strengths = "Un projet porté par une équipe soudée et des partenaires fidèles."
    diagnostic.weaknesses = "Une trésorerie tendue et un modèle économique à diversifier."
    diagnostic.overall_risk = OverallRisk.MEDIUM
    diagnostic.recommendation = IntegrationRecommendation.READY_WITH_SECURING
    diagnostic.save(update_fields=["strengths", "weaknesses", "overall_risk", "recommendation"])
    if diagnostic.kind == DiagnosticKind.FULL:
        for axis, days, reason in [
            ("securing", Decimal("4"), "Plan de financement à trois ans et plan de trésorerie."),
            ("professionalisation", Decimal("2"), "Plan de formation des permanents."),
            ("financing", Decimal("1.5"), "Préparer une demande de contrat d'apport associatif."),
        ]:
            AxisRecommendation.objects.update_or_create(
                diagnostic=diagnostic, axis=axis, defaults={"days": days, "reason": reason}
            )


def _attach_covered_document(diagnostic: Diagnostic) -> None:
    """A small real PDF, made now with WeasyPrint, stands for RAMSESS's report."""
    from weasyprint import HTML

    pdf = HTML(string=COVERED_HTML.format(date=format_date(diagnostic.covered_on))).write_pdf()
    diagnostic.covered_document_name = "diagnostic-ramsess-atelier-velo-solidaire.pdf"
    diagnostic.covered_document.save("diagnostic.pdf", ContentFile(pdf), save=False)
    diagnostic.save(update_fields=["covered_document", "covered_document_name"])
    scanned_file_schedule(scanned=diagnostic)


# The steps each state went through, to fill the history (recorded once).
STEPS = {
    DiagnosticStatus.REQUESTED: [],
    DiagnosticStatus.ACCEPTED: [("accept", "requested", "accepted")],
    DiagnosticStatus.DECLINED: [("decline", "requested", "declined")],
    DiagnosticStatus.COVERED: [("cover", "requested", "covered")],
    DiagnosticStatus.ASSIGNED: [
        ("accept", "requested", "accepted"),
        ("assign", "accepted", "assigned"),
    ],
    DiagnosticStatus.IN_PROGRESS: [
        ("accept", "requested", "accepted"),
        ("assign", "accepted", "assigned"),
        ("accept_assignment", "assigned", "in_progress"),
    ],
    DiagnosticStatus.DELIVERED: [
        ("accept", "requested", "accepted"),
        ("assign", "accepted", "assigned"),
        ("accept_assignment", "assigned", "in_progress"),
        ("deliver", "in_progress", "delivered"),
    ],
    DiagnosticStatus.VALIDATED: [
        ("accept", "requested", "accepted"),
        ("assign", "accepted", "assigned"),
        ("accept_assignment", "assigned", "in_progress"),
        ("deliver", "in_progress", "delivered"),
        ("validate", "delivered", "validated"),
    ],
}


def demo_history(diagnostic: Diagnostic, *, coordinator: User, consultant: User) -> None:
    """The diagnostic's history, recorded once, each line at the moment its dates say.

    Shared with the other apps' demos: a diagnostic made there gets the same history.
    The triage follows the request by a day; the assignment, the delivery and the
    validation are the diagnostic's own dates; the consultant accepts the day after
    being assigned (or half-way to the delivery, if sooner).
    """
    if diagnostic.transitions.exists():
        return
    requested = diagnostic.requested_at
    assigned, delivered = diagnostic.assigned_at, diagnostic.delivered_at
    triaged = requested + datetime.timedelta(days=1)
    if assigned is not None:
        triaged = requested + (assigned - requested) / 2
    started = None
    if assigned is not None:
        started = assigned + datetime.timedelta(days=1)
        if delivered is not None:
            started = min(started, assigned + (delivered - assigned) / 2)
    moments = {
        "accept": triaged,
        "decline": triaged,
        "cover": triaged,
        "assign": assigned,
        "accept_assignment": started,
        "deliver": delivered,
        "validate": diagnostic.validated_at,
    }
    now = timezone.now()
    for action, source, target in STEPS[diagnostic.status]:
        by_provider = action in ("accept_assignment", "deliver")
        DiagnosticTransition.objects.create(
            diagnostic=diagnostic,
            action=action,
            from_status=source,
            to_status=target,
            actor=(diagnostic.consultant or consultant) if by_provider else coordinator,
            comment=diagnostic.decline_reason if action == "decline" else "",
            created_at=min(moments[action], now),
        )
