"""The objects the authorisation matrix requests, all belonging to someone else.

Built once per test module through the services (or the factories the other tests use),
so that every row is one the portal itself would have written. ``build_world()`` returns
the viewers (``VIEWERS`` of ``tests.security.matrix``) and the objects the routes name.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from accompaniment.models import (
    Audience,
    EventKind,
    EventRegistration,
    GpecSheet,
    PlanAction,
    PlanStatus,
    QadesGrid,
    QualifyingTraining,
    RegistrationStatus,
    SessionDocument,
)
from accompaniment.services.sessions import session_log
from applicants.documents import STRUCTURE_SHEET
from applicants.exports import DOSSIERS_CSV
from applicants.models import (
    Attachment,
    CampaignDocument,
    DossierStatus,
    Invitation,
    Membership,
    MessageAttachment,
    Structure,
)
from applicants.services.messages import message_post
from ccr_portal.antivirus.models import ScanStatus
from ccr_portal.documents.models import BackgroundExport, GeneratedDocument
from ccr_portal.notifications.models import Notification
from ccr_portal.users.models import User
from committee.models import ConflictKind, Outcome
from committee.services.conflicts import conflict_record
from committee.services.decisions import DecisionEntry, decision_record
from committee.services.instruction import instruction_note_save
from tests.accompaniment.factories import (
    AccompanimentProviderFactory,
    EventFactory,
    consultant_of,
    drafted_plan,
)
from tests.committee.factories import (
    campaign_with_sites,
    committee_member,
    held_meeting,
    reviewed_dossier,
    scheduled_meeting,
)
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import (
    DocumentTypeFactory,
    FunderFactory,
    MembershipFactory,
    StructureFactory,
    UserFactory,
)
from tests.files import pdf


def _pdf_file(name="document.pdf"):
    return ContentFile(pdf("Pièce de la structure"), name=name)


def build_world() -> SimpleNamespace:
    coordinator = UserFactory(coordinator=True, email="coordination@example.org")
    # The viewers: none of them belongs to the structures below.
    neighbour = StructureFactory(name="Structure Voisine")
    editor_other = MembershipFactory(structure=neighbour, user__email="voisine-editrice@x.org").user
    reader_other = MembershipFactory(
        structure=neighbour, role=Membership.Role.READER, user__email="voisine-lectrice@x.org"
    ).user
    ramsess = AccompanimentProviderFactory(name="RAMSESS", short_name="RAMSESS")
    apeas = AccompanimentProviderFactory(name="APEAS", short_name="APEAS")
    provider_assigned = consultant_of(ramsess)
    provider_other = consultant_of(apeas)
    committee_free = committee_member("Région PACA", email="membre-libre@example.org")
    committee_conflicted = committee_member("Fondation MACIF", email="membre-lie@example.org")
    esia = FunderFactory(name="ESIA (France Active PACA)", short_name="ESIA")
    urscop = FunderFactory(name="URSCOP PACA", short_name="URSCOP")
    funder_esia = UserFactory(funder=True, email="esia@example.org")
    funder_urscop = UserFactory(funder=True, email="urscop@example.org")
    esia.members.add(funder_esia)
    urscop.members.add(funder_urscop)
    superuser = User.objects.create_superuser(email="root@example.org", password="x" * 16)

    # The owner: a structure in instruction, on the agenda of a meeting to come.
    campaign = campaign_with_sites()
    dossier = reviewed_dossier(campaign, "Structure Propriétaire")
    structure = dossier.structure
    owner = structure.memberships.get().user
    owner_reader = MembershipFactory(structure=structure, role=Membership.Role.READER)
    invitation = Invitation.objects.create(
        structure=structure, email="invitee@example.org", role="reader", invited_by=owner
    )
    attachment = Attachment.objects.filter(dossier=dossier).first()
    message = message_post(dossier=dossier, author=owner, body="Question à Regain.")
    message_attachment = MessageAttachment(
        message=message, original_name="question.pdf", file_kind="pdf", size=100
    )
    message_attachment.file.save("question.pdf", _pdf_file(), save=False)
    message_attachment.scan_status = ScanStatus.CLEAN
    message_attachment.save()
    diagnostic = DiagnosticFactory(
        structure=structure,
        provider=ramsess,
        consultant=provider_assigned,
        in_progress=True,
        full=True,
    )
    covered = DiagnosticFactory(structure=structure, covered=True)
    document_type = DocumentTypeFactory(code="bilan", name="Bilan")
    campaign_document = CampaignDocument(
        campaign=campaign,
        title="Compte rendu du GT5",
        original_name="gt5.pdf",
        size=100,
        scan_status=ScanStatus.CLEAN,
    )
    campaign_document.file.save("gt5.pdf", _pdf_file(), save=False)
    campaign_document.save()
    sheet = GeneratedDocument.objects.create(
        kind=STRUCTURE_SHEET,
        content_type_id=_content_type_id(structure),
        object_id=structure.pk,
        requested_by=owner,
        status=GeneratedDocument.Status.READY,
        source_html="<p>fiche</p>",
        fingerprint="0" * 64,
        checksum="1" * 64,
        ready_at=timezone.now(),
    )
    sheet.file.save("fiche.pdf", _pdf_file(), save=True)
    background_export = BackgroundExport(
        kind=DOSSIERS_CSV,
        requested_by=coordinator,
        params="status=submitted",
        status=BackgroundExport.Status.READY,
        rows_done=1,
        rows_total=1,
        checksum="5" * 64,
        ready_at=timezone.now(),
    )
    background_export.file.save("export.csv", ContentFile(b"Structure\r\n"), save=True)
    notification = Notification.objects.create(
        recipient=owner, subject="Votre dossier", body="Lu par Regain.", url="/"
    )

    # The committee: the meeting to come, a held one with a decision, a declared conflict.
    other_dossier = reviewed_dossier(campaign, "Structure Décidée")
    decided = other_dossier.structure
    members = [committee_free, committee_conflicted]
    conflict_record(
        actor=coordinator,
        member=committee_conflicted,
        structure=structure,
        kind=ConflictKind.values[0],
        details="Administratrice de la structure.",
    )
    meeting = scheduled_meeting(coordinator, campaign, members, dossiers=[dossier], quorum=1)
    item = meeting.agenda.get()
    pack = meeting.invitations.get(user=committee_free)
    instruction_note_save(
        dossier=dossier,
        actor=coordinator,
        **_note_fields(campaign),
    )
    past = scheduled_meeting(
        coordinator,
        campaign,
        members,
        dossiers=[other_dossier],
        quorum=1,
        when=timezone.now() - datetime.timedelta(hours=2),
    )
    held_meeting(coordinator, past, members)
    decision = decision_record(
        actor=coordinator,
        entry=DecisionEntry(
            item=past.agenda.get(),
            outcome=Outcome.ACCEPTED,
            motivation="Un projet solide.",
            site=campaign.sites.get(code="mk2"),
        ),
    )

    # The accompaniment: an accepted structure's plan, RAMSESS its provider.
    plan, plan_editor = drafted_plan(
        coordinator, ramsess, name="Structure Accompagnée", to=PlanStatus.AGREED
    )
    accompanied = plan.structure
    action = plan.actions.first()
    session = session_log(
        actor=coordinator,
        provider=ramsess,
        date=timezone.localdate() + datetime.timedelta(days=3),
        duration_hours=Decimal("2"),
        axis=action.axis,
        theme="Prévisionnel",
        format="individual",
        actions=[action],
    )
    session_document = SessionDocument(
        session=session, original_name="support.pdf", file_kind="pdf", size=100
    )
    session_document.file.save("support.pdf", _pdf_file(), save=False)
    session_document.scan_status = ScanStatus.CLEAN
    session_document.save()
    event = EventFactory(organiser=ramsess, audience=Audience.ANY, kind=EventKind.INFORMATION_DAY)
    registration = EventRegistration.objects.create(
        event=event, structure=accompanied, status=RegistrationStatus.REGISTERED
    )
    GpecSheet.objects.create(structure=accompanied, skills_to_build="Gestion")
    training = QualifyingTraining.objects.create(
        structure=accompanied,
        person_or_post="Gérante",
        training="Gestion financière",
        organisation="URSCOP",
        starts_on=timezone.localdate(),
    )
    accompanied_dossier = accompanied.dossiers.get()
    accompanied_dossier.status = DossierStatus.INSTALLED
    accompanied_dossier.save(update_fields=["status"])
    qades = QadesGrid.objects.create(structure=accompanied, year=timezone.localdate().year)

    extra = {
        **_financing(coordinator, owner, structure, campaign, esia, urscop),
        **_scheme(coordinator),
        **_guests(event),
    }

    return SimpleNamespace(
        **extra,
        viewers={
            "anonymous": None,
            "editor_other": editor_other,
            "reader_other": reader_other,
            "coordinator": coordinator,
            "provider_assigned": provider_assigned,
            "provider_other": provider_other,
            "committee_free": committee_free,
            "committee_conflicted": committee_conflicted,
            "funder_esia": funder_esia,
            "funder_urscop": funder_urscop,
            "superuser": superuser,
        },
        owner=owner,
        owner_reader=owner_reader,
        structure=structure,
        decided=decided,
        accompanied=accompanied,
        plan_editor=plan_editor,
        campaign=campaign,
        dossier=dossier,
        other_dossier=other_dossier,
        accompanied_dossier=accompanied_dossier,
        invitation=invitation,
        attachment=attachment,
        message_attachment=message_attachment,
        diagnostic=diagnostic,
        covered=covered,
        ramsess=ramsess,
        document_type=document_type,
        campaign_document=campaign_document,
        sheet=sheet,
        background_export=background_export,
        notification=notification,
        meeting=meeting,
        item=item,
        pack=pack,
        past=past,
        decision=decision,
        conflict=committee_conflicted.conflicts_of_interest.get(),
        committee_member=committee_free,
        plan=plan,
        action=action,
        session=session,
        session_document=session_document,
        event=event,
        registration=registration,
        training=training,
        qades=qades,
        unused_action=PlanAction.objects.exclude(pk=action.pk).filter(plan=plan).first(),
    )


def _financing(coordinator, owner, structure, campaign, esia, urscop) -> dict:
    """The owner's financial accompaniment: its response, a draft request to ESIA, one
    forwarded to ESIA (its financing file generated), one granted by URSCOP; each with a
    document; ESIA's credit line."""
    from financing.catalogue import ensure_products
    from financing.documents import FINANCING_FILE, FUND_BRIEF
    from financing.models import CreditLine, FinancingRequest, RequestDocument, RequestUse
    from financing.services.requests import request_transition
    from financing.services.responses import response_for

    products = ensure_products({"ESIA": esia, "URSCOP": urscop})
    response = response_for(structure=structure, campaign=campaign)
    officers = {esia.pk: esia.members.get(), urscop.pk: urscop.members.get()}

    # URSCOP's product is for cooperatives: a SCOP of someone else asks it.
    scop = StructureFactory(name="Coopérative Propriétaire", legal_form=Structure.LegalForm.SCOP)
    scop_editor = MembershipFactory(structure=scop).user

    def request(code, category, steps, structure=structure, editor=owner):
        product = products[code]
        made = FinancingRequest.objects.create(
            structure=structure,
            campaign=campaign,
            product=product,
            amount=Decimal("10000"),
            duration_months=36,
            created_by=editor,
        )
        RequestUse.objects.create(request=made, category=category, amount=made.amount)
        actors = {"submit": editor, "forward": coordinator, "grant": officers[product.funder_id]}
        for step in steps:
            data = {}
            if step == "grant":
                data = {
                    "granted_amount": made.amount,
                    "granted_months": 36,
                    "first_due_on": campaign.closes_on,
                    "committee_date": campaign.opens_on,
                }
            request_transition(request=made, actor=actors[step], action=step, comment="", **data)
        made.refresh_from_db()
        return made

    def document(of):
        piece = RequestDocument(request=of, original_name="devis.pdf", file_kind="pdf", size=100)
        piece.file.save("devis.pdf", _pdf_file(), save=False)
        piece.scan_status = ScanStatus.CLEAN
        piece.save()
        return piece

    draft = request("fris", "shop_fitout", [])
    forwarded = request("fris", "shop_fitout", ["submit", "forward"])
    granted = request(
        "pargest", "productive_investment", ["submit", "forward", "grant"], scop, scop_editor
    )
    # The financing file forwarding asked for, rendered (the pipeline runs on commit).
    file = _rendered(
        GeneratedDocument.objects.get(
            kind=FINANCING_FILE,
            content_type_id=_content_type_id(forwarded),
            object_id=forwarded.pk,
        )
    )
    brief = _rendered(_document_of(FUND_BRIEF, urscop, coordinator))
    line = CreditLine.objects.create(
        funder=esia,
        name="Ligne CCR 2026",
        amount=Decimal("200000"),
        starts_on=campaign.opens_on,
        ends_on=campaign.closes_on,
    )
    line.products.add(products["fris"])
    return {
        "esia": esia,
        "urscop": urscop,
        "product": products["fris"],
        "response": response,
        "draft_request": draft,
        "forwarded_request": forwarded,
        "granted_request": granted,
        "draft_document": document(draft),
        "forwarded_document": document(forwarded),
        "granted_document": document(granted),
        "financing_file": file,
        "fund_brief": brief,
        "credit_line": line,
    }


def _scheme(coordinator) -> dict:
    """A saved scenario, an existing scheme counted as offer, an activity report's row."""
    from scheme.documents import ACTIVITY_REPORT
    from scheme.figures import ScenarioParameters
    from scheme.models import OfferScheme, SchemeReport
    from scheme.services import offer_scheme_save, scenario_save

    month = timezone.localdate().replace(day=1)
    report = SchemeReport.objects.create(
        kind=SchemeReport.Kind.ACTIVITY,
        period_start=month.replace(month=1),
        period_end=month.replace(month=12, day=31),
        requested_by=coordinator,
    )
    return {
        "scheme_report": report,
        "scheme_pdf": _rendered(_document_of(ACTIVITY_REPORT, report, coordinator)),
        "scenario": scenario_save(
            name="Renfort", note="", parameters=ScenarioParameters(), saved_by=coordinator
        ),
        "offer": offer_scheme_save(
            name="DLA 13 collectif",
            kind=OfferScheme.Kind.COLLECTIVE_DLA,
            axis="securing",
            payer="dla",
            places=4,
            days_per_place=Decimal("2"),
            starts_on=month,
            ends_on=month.replace(day=28),
            note="",
        ),
    }


def _guests(event) -> dict:
    """A visitor's registration to the information day, waiting for its confirmation: the
    links e-mailed to them."""
    from accompaniment.services.guest_tokens import guest_cancel_url, guest_confirm_url

    guest = EventRegistration.objects.create(
        event=event,
        status=RegistrationStatus.PENDING,
        guest_email="visiteuse@example.org",
        guest_name="Visiteuse",
        guest_structure_name="Association Visiteuse",
        requested_at=timezone.now(),
    )
    return {
        "guest": guest,
        "guest_confirm_token": guest_confirm_url(guest).rstrip("/").rsplit("/", 1)[-1],
        "guest_cancel_token": guest_cancel_url(guest).rstrip("/").rsplit("/", 1)[-1],
    }


def _document_of(kind, subject, requested_by) -> GeneratedDocument:
    return GeneratedDocument.objects.create(
        kind=kind,
        content_type_id=_content_type_id(subject),
        object_id=subject.pk,
        requested_by=requested_by,
        fingerprint="4" * 64,
    )


def _rendered(document: GeneratedDocument) -> GeneratedDocument:
    """The PDF as the pipeline leaves it (it renders on commit, which the world never is)."""
    document.status = GeneratedDocument.Status.READY
    document.source_html = "<p>document</p>"
    document.checksum = "3" * 64
    document.ready_at = timezone.now()
    document.file.save(f"{document.kind}.pdf", _pdf_file(), save=True)
    return document


def _content_type_id(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _note_fields(campaign) -> dict:
    return {
        "opinion": "favourable",
        "reasons": "Dossier complet.",
        "proposed_conditions": "",
        "proposed_site": campaign.sites.get(code="mk2"),
    }
