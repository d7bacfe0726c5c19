"""The list of financing responses: searched by name, each of its two lists paginated,
the same queries whatever the number of residents; an applicant sees only their own."""

import re

import pytest
from django.urls import reverse

from applicants.models import DossierStatus
from financing.models import FinancingResponse
from tests.conftest import page_text
from tests.factories import DossierFactory, MembershipFactory, StructureFactory


def _residents(world, count: int, *, answered_every: int = 3):
    """``count`` submitted dossiers; one structure in ``answered_every`` has a response."""
    for n in range(count):
        structure = StructureFactory(name=f"Résident {n:03d}", city="Marseille" if n % 2 else "Aix")
        DossierFactory(structure=structure, campaign=world.campaign, status=DossierStatus.SUBMITTED)
        if n % answered_every == 0:
            FinancingResponse.objects.create(structure=structure, campaign=world.campaign)


def _lists(client, **params) -> dict:
    text = page_text(client.get(reverse("financing:response-list"), params))
    caption = re.search(r"<caption>(\d+) réponses? financières?", text)
    waiting = re.search(r"Sans réponse financière \((\d+)\)", text)
    return {
        "responses": int(caption.group(1)),
        "waiting": int(waiting.group(1)) if waiting else 0,
        "shown": re.findall(r'<a href="/financement/reponses/\d+/">(Résident \d+)</a>', text),
        "prepare": len(re.findall(r"Préparer la réponse", text)),
        "text": text,
    }


def test_both_lists_are_paginated_and_searched(client, world):
    _residents(world, 60)  # 20 answered, 40 waiting
    client.force_login(world.coordinator)

    first = _lists(client)
    assert (first["responses"], first["waiting"]) == (20, 40)
    assert first["shown"] == [f"Résident {n:03d}" for n in range(0, 60, 3)]
    assert first["prepare"] == 25
    assert "Page 1 sur 2" in first["text"]
    second = _lists(client, attente="2")
    assert second["prepare"] == 15
    assert second["shown"] == first["shown"]  # the other list keeps its page
    # The search narrows both lists, accents and case folded.
    found = _lists(client, q="resident 04")
    assert found["shown"] == ["Résident 042", "Résident 045", "Résident 048"]
    assert (found["responses"], found["waiting"]) == (3, 7)
    assert _lists(client, q="aix")["responses"] == 10
    assert "Aucune réponse financière pour cette recherche." in _lists(client, q="Lyon")["text"]


@pytest.mark.parametrize("count", [10, 120])
def test_the_list_runs_the_same_queries_whatever_the_residents(
    client, world, count, django_assert_num_queries
):
    _residents(world, count)
    client.force_login(world.coordinator)
    client.get(reverse("financing:response-list"))
    # Session, user, roles, two counts, two pages, notifications: 8.
    with django_assert_num_queries(8):
        response = client.get(reverse("financing:response-list"))
    assert response.status_code == 200


def test_an_applicant_lists_only_their_structures(client, world):
    _residents(world, 9)
    editor = MembershipFactory(structure__name="Mon atelier").user
    mine = editor.memberships.get().structure
    DossierFactory(structure=mine, campaign=world.campaign, status=DossierStatus.SUBMITTED)
    client.force_login(editor)
    page = _lists(client)
    assert (page["responses"], page["waiting"], page["shown"]) == (0, 1, [])
    assert "Mon atelier" in page["text"]
    assert "Résident" not in page["text"]
