"""The decision letters (an editable text, escaped placeholders, previewed, sent) and the
minutes published when the meeting closes."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import latest_document
from ccr_portal.notifications.models import Notification
from committee.documents import DECISION_LETTER, MEETING_MINUTES
from committee.letters import render_text
from committee.models import DecisionStatus, LetterTemplate, MeetingStatus, Outcome
from committee.services.decisions import DecisionEntry, decision_record, decisions_record
from committee.services.letters import letter_template_save
from committee.services.meetings import meeting_transition
from tests.committee.conftest import editor_of
from tests.committee.factories import held_meeting
from tests.conftest import page_text

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & « guillemets »"


def _text(document) -> str:
    document.refresh_from_db()
    reader = PdfReader(io.BytesIO(document.file.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _decide_all(world):
    held_meeting(world.coordinator, world.meeting, [world.consultant, *world.members[:2]])
    first, second, third = world.items
    return decisions_record(
        meeting=world.meeting,
        actor=world.coordinator,
        entries=[
            DecisionEntry(
                item=first,
                outcome=Outcome.ACCEPTED_WITH_CONDITIONS,
                site=world.friche,
                motivation="Projet solide.",
                conditions="Suivre la sécurisation.",
                condition_axis="securing",
            ),
            DecisionEntry(item=second, outcome=Outcome.REJECTED, motivation=HOSTILE),
            DecisionEntry(item=third, outcome=Outcome.WAITLISTED, motivation="Place à venir."),
        ],
    )


def test_placeholders_are_replaced_and_every_character_escaped():
    html = render_text(
        "Madame, Monsieur,\n\n{{ structure }} : {{ motivation }} {{ inconnue }} <b>gras</b>",
        {"structure": "Café & Cie", "motivation": HOSTILE},
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; « guillemets »" in html
    assert "Café &amp; Cie" in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert "{{ inconnue }}" in html
    assert html.startswith("<p>Madame, Monsieur,</p>")


def test_an_unknown_placeholder_is_refused_in_french(world):
    with pytest.raises(ValidationError) as refusal:
        letter_template_save(
            actor=world.coordinator,
            outcome=Outcome.ACCEPTED,
            subject="Décision",
            body="Bonjour {{ structure }}, {{ montant }}",
        )
    (message,) = refusal.value.message_dict["body"]
    assert message.startswith(
        "Balise inconnue : {{ montant }}. Balises possibles : {{ structure }}"
    )
    assert not LetterTemplate.objects.exists()
    with pytest.raises(Exception, match="Seule la coordination"):
        letter_template_save(
            actor=world.members[0], outcome=Outcome.ACCEPTED, subject="x", body="y"
        )


def test_a_letter_is_previewed_then_sent_and_the_structure_downloads_it(
    client, world, django_capture_on_commit_callbacks
):
    letter_template_save(
        actor=world.coordinator,
        outcome=Outcome.REJECTED,
        subject="Votre candidature",
        body="Marseille, le {{ date }}\n\n{{ structure }} : {{ decision }}.\n\n{{ motivation }}",
    )
    decision = _decide_all(world)[1]
    editor = editor_of(decision.item.dossier)
    client.force_login(world.coordinator)
    preview = client.get(reverse("committee:letter-preview", args=[decision.pk]))
    html = preview.content.decode()
    assert "Atelier Vélo : non retenue." in page_text(preview)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    # Not sent yet: the structure cannot reach it.
    client.force_login(editor)
    request = reverse("documents:request", args=[DECISION_LETTER, decision.pk])
    assert client.post(request).status_code == 403

    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committee:letter-send", args=[decision.pk]), follow=True)
    assert "La lettre est envoyée à la structure." in page_text(response)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.NOTIFIED
    letter = latest_document(kind=DECISION_LETTER, subject=decision)
    text = _text(letter)
    assert "Objet : Votre candidature" in text
    assert "Atelier Vélo : non retenue." in text
    assert "<script>alert('x')</script> & « guillemets »" in text
    told = Notification.objects.get(recipient=editor, email_template="committee_letter_sent")
    assert told.url == decision.item.dossier.get_absolute_url()

    client.force_login(editor)
    page = page_text(client.get(decision.item.dossier.get_absolute_url()))
    assert "Télécharger la lettre de décision" in page
    assert client.get(reverse("documents:download", args=[letter.pk])).status_code == 200
    # Another structure's editor does not.
    client.force_login(editor_of(world.items[0].dossier))
    assert client.get(reverse("documents:download", args=[letter.pk])).status_code == 403


def test_closing_publishes_the_minutes_to_the_members(
    client, world, django_capture_on_commit_callbacks
):
    held_meeting(world.coordinator, world.meeting, [world.consultant, *world.members[:2]])
    decision_record(
        actor=world.coordinator,
        entry=DecisionEntry(
            item=world.items[0],
            outcome=Outcome.ACCEPTED_WITH_CONDITIONS,
            site=world.friche,
            motivation="Projet solide.",
            conditions="Suivre la sécurisation.",
        ),
    )
    with pytest.raises(ValidationError) as refusal:
        meeting_transition(meeting=world.meeting, actor=world.coordinator, action="close")
    assert refusal.value.messages == [
        "La séance ne peut pas être close : des dossiers attendent leur décision.",
        "« Atelier Vélo » n'a pas de décision enregistrée.",
        "« Café de la Plaine » n'a pas de décision enregistrée.",
    ]
    assert not GeneratedDocument.objects.filter(kind=MEETING_MINUTES).exists()
    for item, outcome in [(world.items[1], Outcome.REJECTED), (world.items[2], Outcome.WAITLISTED)]:
        decision_record(
            actor=world.coordinator,
            entry=DecisionEntry(item=item, outcome=outcome, motivation=f"Motif {outcome}."),
        )
    # Members read the minutes once they are published, not before.
    client.force_login(world.members[0])
    assert (
        client.post(
            reverse("documents:request", args=[MEETING_MINUTES, world.meeting.pk])
        ).status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_transition(meeting=world.meeting, actor=world.coordinator, action="close")
    world.meeting.refresh_from_db()
    assert world.meeting.status == MeetingStatus.CLOSED
    minutes = latest_document(kind=MEETING_MINUTES, subject=world.meeting)
    text = _text(minutes)
    for expected in [
        "Procès-verbal du comité de sélection",
        "3 membres présents pour un quorum de 3 : le quorum est atteint.",
        "Rémi Ramsess (RAMSESS)",
        "Excusés ou absents",
        "Chloé Chabert (APEAS)",
        "1. Épicerie du Panier : retenue sous conditions",
        "Site attribué la Friche Belle de Mai",
        "Suivre la sécurisation.",
        "Ne prennent pas part (lien d'intérêts) Rémi Ramsess",
        "Motif rejected.",
    ]:
        assert expected in text, expected
    assert Notification.objects.filter(
        recipient=world.members[0], email_template="committee_meeting_status"
    ).exists()
    assert client.get(reverse("documents:download", args=[minutes.pk])).status_code == 200
    client.force_login(world.outsider)
    assert client.get(reverse("documents:download", args=[minutes.pk])).status_code == 403
    client.force_login(editor_of(world.items[0].dossier))
    assert client.get(reverse("documents:download", args=[minutes.pk])).status_code == 403
