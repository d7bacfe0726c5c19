"""Demo of the selection committee: a past meeting closed with its decisions, minutes and
letters; a coming meeting with its agenda, some opinions and a declared conflict; three
dossiers in instruction left free for the journey to try.

Runs after the other apps' demos. Past decisions are written as they stand (the dossiers
were accepted by the earlier demos); everything about the coming meeting goes through the
services. Idempotent: a meeting that exists is left as it is.
"""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from applicants.demo import demo_dossier
from applicants.models import Campaign, Dossier, DossierStatus, Membership, Site, Structure
from ccr_portal.documents.services import document_request
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

from .documents import DECISION_LETTER, MEETING_MINUTES
from .models import (
    ACCEPTING_OUTCOMES,
    AgendaItem,
    CommitteeMember,
    ConflictKind,
    Decision,
    DecisionStatus,
    DecisionTransition,
    Meeting,
    MeetingMember,
    MeetingStatus,
    MeetingTransition,
    Outcome,
    SiteCapacity,
)
from .services.agenda import agenda_add
from .services.conflicts import conflicts_declare
from .services.instruction import instruction_note_save
from .services.meetings import meeting_schedule
from .services.opinions import opinions_give

CAMPAIGN = "Appel à candidatures CCR 2011"
PAST_UID = uuid.UUID("6f1c2b4e-2011-4a5d-9c01-000000000001")
COMING_UID = uuid.UUID("6f1c2b4e-2011-4a5d-9c01-000000000002")

# (e-mail, first name, last name, organisation); the RAMSESS one is also its consultant.
MEMBERS = [
    ("committee@example.org", "Daniel", "Mayer", "Région PACA"),
    ("multi@example.org", "Pierre", "Levy", "Association Regain"),
    ("fondation@example.org", "Hélène", "Garcia", "Fondation MACIF"),
    ("comite-ramsess@example.org", "Karim", "Belkacem", "RAMSESS"),
]
RAMSESS_MEMBER = "comite-ramsess@example.org"

# Dossiers in instruction: two for the coming meeting, three free for the journey.
# (name, rna, sector, editor e-mail, first name, last name, diagnosed by RAMSESS)
IN_INSTRUCTION = [
    ("Bio Coop de la Belle de Mai", "W133000201", Structure.Sector.FOOD,
     "biocoop@example.org", "Inès", "Morel", True),
    ("La Table Solidaire", "W133000202", Structure.Sector.RESTAURANT,
     "table@example.org", "Yanis", "Haddad", False),
    ("Les Paniers du Vieux-Port", "W133000203", Structure.Sector.FOOD,
     "paniers@example.org", "Claire", "Olivier", True),
    ("Recyclerie de la Joliette", "W133000204", Structure.Sector.SERVICES,
     "recyclerie@example.org", "Tom", "Guérin", False),
    ("Terre d'Épices", "W133000205", Structure.Sector.FOOD,
     "epices@example.org", "Nadia", "Bensaïd", False),
]  # fmt: skip
COMING_AGENDA = ["Le Passe-Plat", "Bio Coop de la Belle de Mai", "La Table Solidaire"]

# The outcome the past meeting gave each dossier it decided on, by the dossier's status.
PAST_OUTCOMES = {
    DossierStatus.ACCEPTED: Outcome.ACCEPTED,
    DossierStatus.INSTALLED: Outcome.ACCEPTED,
    DossierStatus.WAITLISTED: Outcome.WAITLISTED,
    DossierStatus.REJECTED: Outcome.REJECTED,
}
PAST_MOTIVATIONS = {
    Outcome.ACCEPTED: (
        "Un projet solide et ancré dans le quartier, en accord avec la charte ; "
        "le comité salue la qualité du dossier."
    ),
    Outcome.WAITLISTED: (
        "Un projet en accord avec la charte ; les places de l'atelier sont attribuées, "
        "le comité le retiendra si une place se libère."
    ),
    Outcome.REJECTED: (
        "Le modèle économique ne permet pas encore de couvrir le loyer de la CCR ; "
        "le comité encourage la structure à candidater de nouveau."
    ),
}

PAST_CONDITIONS = {
    "Café Associatif de la Plaine": (
        "Suivre l'accompagnement court de sécurisation avant l'installation.\n"
        "Présenter un prévisionnel de trésorerie sur la première année."
    ),
}


def load(stdout) -> None:
    first_notification = (
        Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    campaign = Campaign.objects.get(title=CAMPAIGN)
    coordinator = User.objects.get(email="coordinator@example.org")
    members = _members()
    ramsess = Provider.objects.get(short_name="RAMSESS")
    for site in campaign.sites.all():
        SiteCapacity.objects.get_or_create(
            campaign=campaign, site=site, defaults={"places": 8 if site.code == "mk2" else 6}
        )
    for row in IN_INSTRUCTION:
        _in_instruction(campaign, row, ramsess)
    if not Meeting.objects.filter(uid=PAST_UID).exists():
        _past_meeting(campaign, coordinator, members)
    if not Meeting.objects.filter(uid=COMING_UID).exists():
        _coming_meeting(campaign, coordinator, members)
    # Nobody needs the demo's e-mails: they stay in the portal's notifications.
    Notification.objects.filter(pk__gte=first_notification).update(emailed_at=timezone.now())
    stdout.write(
        "Comité de sélection : une séance close (décisions, procès-verbal, lettres), une séance "
        "à venir (ordre du jour, avis, lien d'intérêts déclaré)."
    )
    stdout.write("  À essayer : programmer une séance avec « Les Paniers du Vieux-Port »,")
    stdout.write("  « Recyclerie de la Joliette » et « Terre d'Épices » (coordinator@).")
    stdout.write(f"  {RAMSESS_MEMBER:<28} Comité de sélection et prestataire (RAMSESS)")
    stdout.write(f"  {'fondation@example.org':<28} Comité de sélection (Fondation MACIF)")
    for *_row, email, _first, _last, _diagnosed in IN_INSTRUCTION:
        stdout.write(f"  {email:<28} Structure candidate (éditeur)")


def _members() -> list[User]:
    people = []
    for email, first_name, last_name, organisation in MEMBERS:
        person = demo_account(email, first_name, last_name)
        RoleAssignment.objects.get_or_create(user=person, role=Role.COMMITTEE)
        CommitteeMember.objects.update_or_create(
            user=person, defaults={"organisation": organisation}
        )
        people.append(person)
    ramsess_member = User.objects.get(email=RAMSESS_MEMBER)
    RoleAssignment.objects.get_or_create(user=ramsess_member, role=Role.PROVIDER)
    Provider.objects.get(short_name="RAMSESS").members.add(ramsess_member)
    for person in people:
        person.forget_roles()
    return people


def _in_instruction(campaign, row, ramsess) -> Dossier:
    name, rna, sector, email, first_name, last_name, diagnosed = row
    structure, _ = Structure.objects.update_or_create(
        name=name,
        defaults={
            "legal_form": Structure.LegalForm.ASSOCIATION,
            "rna": rna,
            "address": "2 rue de la République",
            "postal_code": "13002",
            "city": "Marseille",
            "sector": sector,
            "year_founded": 2007,
            "staff_fte": Decimal("2.5"),
            "volunteers": 15,
            "last_budget": Decimal("140000"),
            "description": f"{name} : une structure de l'ESS marseillaise qui veut s'installer "
            "dans la CCR.",
        },
    )
    editor = demo_account(email, first_name, last_name)
    RoleAssignment.objects.get_or_create(user=editor, role=Role.APPLICANT)
    Membership.objects.update_or_create(
        structure=structure, user=editor, defaults={"role": Membership.Role.EDITOR}
    )
    dossier = Dossier.objects.filter(structure=structure, campaign=campaign).first()
    if dossier is None or dossier.status in (DossierStatus.DRAFT, DossierStatus.SUBMITTED):
        dossier = demo_dossier(structure, campaign, DossierStatus.UNDER_REVIEW)
    if diagnosed:
        _ramsess_diagnostic(dossier, ramsess)
    return dossier


def _ramsess_diagnostic(dossier, ramsess) -> None:
    """A validated full assessment diagnostic by RAMSESS: its member has a conflict."""
    if Diagnostic.objects.filter(structure=dossier.structure, provider=ramsess).exists():
        return
    now = timezone.now()
    # Ordered once the instruction started (17 days ago, ``applicants.demo``).
    diagnostic = Diagnostic.objects.create(
        structure=dossier.structure,
        dossier=dossier,
        kind=DiagnosticKind.FULL,
        purpose=DiagnosticPurpose.ASSESSMENT,
        status=DiagnosticStatus.VALIDATED,
        provider=ramsess,
        consultant=User.objects.get(email="provider@example.org"),
        strengths="Des producteurs fidèles, une clientèle de quartier, des bénévoles formés.",
        weaknesses="Fonds propres faibles, trésorerie tendue à l'ouverture d'un second lieu.",
        overall_risk="medium",
        recommendation="ready_with_securing",
        requested_at=now - datetime.timedelta(days=16),
        assigned_at=now - datetime.timedelta(days=15),
        delivered_at=now - datetime.timedelta(days=6),
        validated_at=now - datetime.timedelta(days=4),
    )
    demo_history(
        diagnostic,
        coordinator=User.objects.get(email="coordinator@example.org"),
        consultant=diagnostic.consultant,
    )
    for theme, score in [("economic_model", 2), ("finances", 2), ("marketing", 3)]:
        ThemeScore.objects.create(
            diagnostic=diagnostic, theme=theme, score=score, observations="Voir le rapport."
        )
    AxisRecommendation.objects.create(
        diagnostic=diagnostic,
        axis="securing",
        days=Decimal("3"),
        reason="Bâtir le plan de trésorerie de la première année dans la CCR.",
    )


def _past_meeting(campaign, coordinator, members) -> None:
    """The meeting that selected the demo's residents, as it was recorded then.

    It decided on every dossier the earlier demos brought to a decision: accepted (and
    since installed), waitlisted or rejected, at the moment their history says.
    """
    accepted = list(
        Dossier.objects.filter(campaign=campaign, status__in=PAST_OUTCOMES)
        .select_related("structure")
        .order_by("structure__name")
    )
    if not accepted:
        return
    accept_times = [
        step.created_at
        for dossier in accepted
        for step in dossier.transitions.filter(action__in=("accept", "waitlist", "reject"))
    ]
    decided_at = min(accept_times) if accept_times else timezone.now() - datetime.timedelta(days=12)
    starts = timezone.localtime(decided_at - datetime.timedelta(hours=2)).replace(
        minute=0, second=0, microsecond=0
    )
    meeting = Meeting.objects.create(
        uid=PAST_UID,
        campaign=campaign,
        starts_at=starts,
        duration_minutes=180,
        place="Cité des Associations, 93 La Canebière, Marseille",
        quorum=3,
        chair=members[0],
        status=MeetingStatus.CLOSED,
        created_by=coordinator,
        created_at=starts - datetime.timedelta(days=21),
        held_at=starts + datetime.timedelta(hours=3),
        closed_at=starts + datetime.timedelta(days=1),
    )
    for person in members:
        MeetingMember.objects.create(
            meeting=meeting,
            user=person,
            present=person.email != "multi@example.org",
            links_declared_at=starts - datetime.timedelta(days=3),
        )
    for action, at in [
        ("schedule", meeting.created_at),
        ("hold", meeting.held_at),
        ("close", meeting.closed_at),
    ]:
        status = {"hold": MeetingStatus.HELD, "close": MeetingStatus.CLOSED}.get(action)
        MeetingTransition.objects.create(
            meeting=meeting,
            action=action,
            from_status=MeetingStatus.SCHEDULED if action != "close" else MeetingStatus.HELD,
            to_status=status or MeetingStatus.SCHEDULED,
            actor=coordinator,
            created_at=at,
        )
    sites = list(Site.objects.filter(campaigns=campaign).order_by("code"))
    present = [person for person in members if person.email != "multi@example.org"]
    for position, dossier in enumerate(accepted):
        item = AgendaItem.objects.create(
            meeting=meeting,
            dossier=dossier,
            position=position,
            added_by=coordinator,
            added_at=meeting.created_at,
        )
        conditions = PAST_CONDITIONS.get(dossier.structure.name, "")
        outcome = PAST_OUTCOMES[dossier.status]
        if outcome == Outcome.ACCEPTED and conditions:
            outcome = Outcome.ACCEPTED_WITH_CONDITIONS
        decision = Decision.objects.create(
            item=item,
            outcome=outcome,
            motivation=PAST_MOTIVATIONS.get(outcome, PAST_MOTIVATIONS[Outcome.ACCEPTED]),
            site=sites[position % len(sites)] if outcome in ACCEPTING_OUTCOMES else None,
            conditions=conditions,
            financing_referral=bool(conditions),
            financing_note="Besoin en fonds de roulement à l'ouverture." if conditions else "",
            quorum=meeting.quorum,
            status=DecisionStatus.NOTIFIED,
            recorded_by=coordinator,
            recorded_at=meeting.held_at,
            letter_sent_at=meeting.closed_at,
        )
        decision.present_members.set(present)
        for action, at, source, target in [
            ("record", meeting.held_at, DecisionStatus.DRAFT, DecisionStatus.RECORDED),
            ("send_letter", meeting.closed_at, DecisionStatus.RECORDED, DecisionStatus.NOTIFIED),
        ]:
            DecisionTransition.objects.create(
                decision=decision,
                action=action,
                from_status=source,
                to_status=target,
                actor=coordinator,
                created_at=at,
            )
        recommendations = list(dossier.committee_recommendations.all())
        for recommendation in recommendations:
            recommendation.origin = str(meeting)
            recommendation.is_condition = bool(conditions)
            recommendation.note = conditions.splitlines()[0] if conditions else recommendation.note
            recommendation.save(update_fields=["origin", "is_condition", "note"])
        decision.recommendations.set(recommendations)
        document_request(kind=DECISION_LETTER, subject=decision, requested_by=coordinator)
    document_request(kind=MEETING_MINUTES, subject=meeting, requested_by=coordinator)


def _coming_meeting(campaign, coordinator, members) -> None:
    """In twelve days: an agenda, opinions given by two members, a declared conflict."""
    day = timezone.localdate() + datetime.timedelta(days=12)
    meeting = meeting_schedule(
        actor=coordinator,
        campaign=campaign,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0))),
        duration_minutes=180,
        place="Cité des Associations, 93 La Canebière, Marseille",
        video_link="https://visio.example.org/comite-ccr",
        quorum=3,
        members=members,
        chair=members[0],
    )
    Meeting.objects.filter(pk=meeting.pk).update(uid=COMING_UID)
    meeting.refresh_from_db()
    dossiers = [
        Dossier.objects.get(structure__name=name, campaign=campaign) for name in COMING_AGENDA
    ]
    sites = {site.code: site for site in campaign.sites.all()}
    notes = {
        "Le Passe-Plat": ("favourable", "Restaurant solide, clientèle fidèle.", "", "mk2"),
        "Bio Coop de la Belle de Mai": (
            "reserved",
            "Projet cohérent ; trésorerie tendue selon le diagnostic de RAMSESS.",
            "Suivre l'accompagnement de sécurisation avant l'installation.",
            "friche",
        ),
        "La Table Solidaire": ("favourable", "Bonne insertion dans le quartier.", "", "friche"),
    }
    for dossier in dossiers:
        opinion, reasons, conditions, site = notes[dossier.structure.name]
        instruction_note_save(
            dossier=dossier,
            actor=coordinator,
            opinion=opinion,
            reasons=reasons,
            proposed_conditions=conditions,
            proposed_site=sites.get(site),
        )
    agenda_add(meeting=meeting, actor=coordinator, dossiers=dossiers)
    items = {item.dossier.structure.name: item for item in meeting.agenda.all()}
    daniel, _pierre, helene, _karim = members
    conflicts_declare(
        meeting=meeting,
        actor=helene,
        declarations=[
            {
                "structure": items["La Table Solidaire"].dossier.structure,
                "kind": ConflictKind.PERSONAL,
                "details": "Je siège au conseil d'administration de l'association.",
            }
        ],
    )
    opinions_give(
        meeting=meeting,
        actor=daniel,
        entries=[
            {"item": items["Le Passe-Plat"], "value": "favourable",
             "comment": "Un restaurant qui fera vivre le lieu."},
            {"item": items["Bio Coop de la Belle de Mai"], "value": "reserved",
             "comment": "À accompagner sur la trésorerie avant l'installation."},
        ],
    )  # fmt: skip
    opinions_give(
        meeting=meeting,
        actor=helene,
        entries=[{"item": items["Le Passe-Plat"], "value": "favourable", "comment": ""}],
    )
