"""Opinions: confidential until one's own is given, locked once the meeting is held, one page
for the whole agenda, « avis donnés / attendus », never shown to applicants."""

import pytest
from django.urls import reverse

from ccr_portal.workflow import TransitionRefused
from committee.models import Opinion, OpinionScore
from committee.selectors import agenda_lines
from committee.services.opinions import opinions_give
from tests.committee.conftest import editor_of
from tests.committee.factories import held_meeting
from tests.conftest import page_text

pytestmark = pytest.mark.django_db

ALICE_SAYS = "Projet solide, loyer à surveiller."


def _give(world, member, item, value, comment=""):
    return opinions_give(
        meeting=world.meeting,
        actor=member,
        entries=[{"item": item, "value": value, "comment": comment}],
    )


def test_the_others_opinions_show_only_once_ones_own_is_given(client, world):
    alice, bruno = world.members[0], world.members[1]
    item = world.items[1]
    _give(world, alice, item, "favourable", ALICE_SAYS)
    client.force_login(bruno)
    file_url = reverse("committee:file", args=[item.pk])
    opinions_url = reverse("committee:opinions", args=[world.meeting.pk])
    assert ALICE_SAYS not in page_text(client.get(file_url))
    assert ALICE_SAYS not in page_text(client.get(opinions_url))
    assert "ceux des autres membres s'affichent une fois le vôtre donné" in page_text(
        client.get(file_url)
    )

    response = client.post(
        opinions_url,
        {
            f"dossier-{item.pk}-value": "reserved",
            f"dossier-{item.pk}-comment": "Trésorerie fragile.",
        },
        follow=True,
    )
    assert "1 avis enregistré." in page_text(response)
    assert ALICE_SAYS in page_text(client.get(file_url))
    assert ALICE_SAYS in page_text(client.get(opinions_url))
    # Only on that file: the next one stays closed until Bruno speaks on it too.
    _give(world, alice, world.items[2], "unfavourable", "Trop tôt pour s'installer.")
    assert "Trop tôt pour s'installer." not in page_text(client.get(opinions_url))
    # The coordination, as secretary, reads them all.
    client.force_login(world.coordinator)
    assert "Trop tôt pour s'installer." in page_text(client.get(opinions_url))


def test_one_page_gives_opinions_on_the_whole_agenda_with_charter_scores(client, world):
    alice = world.members[0]
    commitment = world.campaign.charter_commitments.get()
    client.force_login(alice)
    data = {}
    for item in world.items:
        data[f"dossier-{item.pk}-value"] = "favourable"
        data[f"dossier-{item.pk}-comment"] = f"Avis sur {item.dossier.structure}"
    data[f"dossier-{world.items[0].pk}-charter_{commitment.pk}"] = "3"
    response = client.post(
        reverse("committee:opinions", args=[world.meeting.pk]), data, follow=True
    )
    assert "3 avis enregistrés." in page_text(response)
    assert Opinion.objects.filter(member=alice).count() == 3
    score = OpinionScore.objects.get()
    assert (score.opinion.item, score.commitment, score.score) == (world.items[0], commitment, 3)
    # Changing one's mind before the meeting is held: the same row, the score cleared.
    data[f"dossier-{world.items[0].pk}-value"] = "reserved"
    data[f"dossier-{world.items[0].pk}-charter_{commitment.pk}"] = ""
    client.post(reverse("committee:opinions", args=[world.meeting.pk]), data)
    assert Opinion.objects.get(member=alice, item=world.items[0]).value == "reserved"
    assert Opinion.objects.filter(member=alice).count() == 3
    assert not OpinionScore.objects.exists()


def test_each_file_counts_the_opinions_given_and_expected(world):
    _give(world, world.members[0], world.items[0], "favourable")
    _give(world, world.members[1], world.items[0], "reserved")
    _give(world, world.members[0], world.items[1], "favourable")
    lines = agenda_lines(world.meeting, world.coordinator)
    # Five invited; the RAMSESS consultant has a conflict on the first file.
    assert [line.counts for line in lines] == ["2 / 4", "1 / 5", "0 / 5"]


def test_no_opinion_moves_once_the_meeting_is_held(client, world):
    alice = world.members[0]
    _give(world, alice, world.items[0], "favourable", ALICE_SAYS)
    held_meeting(world.coordinator, world.meeting, world.members[:3])
    with pytest.raises(TransitionRefused) as refusal:
        _give(world, alice, world.items[0], "unfavourable")
    assert refusal.value.message == "Les avis sont figés : la séance est « Tenue »."
    with pytest.raises(TransitionRefused):
        _give(world, world.members[1], world.items[0], "unfavourable")
    assert list(Opinion.objects.values_list("member", "value")) == [(alice.pk, "favourable")]

    client.force_login(alice)
    url = reverse("committee:opinions", args=[world.meeting.pk])
    page = page_text(client.get(url))
    assert "les avis sont figés" in page
    assert "Enregistrer mes avis" not in page
    assert client.post(url, {f"dossier-{world.items[0].pk}-value": "reserved"}).status_code == 403
    assert Opinion.objects.get().value == "favourable"


def test_applicants_never_read_the_opinions(client, world):
    item = world.items[1]
    _give(world, world.members[0], item, "unfavourable", ALICE_SAYS)
    editor = editor_of(item.dossier)
    client.force_login(editor)
    for url in (
        item.dossier.get_absolute_url(),
        reverse("applicants:dossier-messages", args=[item.dossier.pk]),
        reverse("dashboard", args=["applicant"]),
    ):
        assert ALICE_SAYS not in page_text(client.get(url)), url
    for url in (
        reverse("committee:opinions", args=[world.meeting.pk]),
        reverse("committee:file", args=[item.pk]),
    ):
        assert client.get(url).status_code == 403
