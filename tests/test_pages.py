"""The layout: French, accessible landmarks, a distinct title per page, French error pages."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import page_text
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


class Landmarks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.labels = set()
        self.inputs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
        }:
            self.inputs.append(attrs)


def parse(response) -> Landmarks:
    parser = Landmarks()
    parser.feed(response.content.decode())
    return parser


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", page_text(response), re.S).group(1).strip()


def pages_for(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    structure = membership.structure
    return [
        client.get(reverse("dashboard", kwargs={"role": "applicant"})),
        client.get(reverse("applicants:structure-list")),
        client.get(reverse("applicants:structure-create")),
        client.get(reverse("applicants:structure-detail", args=[structure.pk])),
        client.get(reverse("applicants:structure-update", args=[structure.pk])),
        client.get(reverse("notifications:list")),
        client.get(reverse("account_change_password")),
    ]


def test_every_page_has_landmarks_skip_link_labels_and_its_own_title(client):
    responses = pages_for(client)
    anonymous = Client()
    responses += [
        anonymous.get("/"),
        anonymous.get(reverse("account_login")),
        anonymous.get(reverse("account_signup")),
        anonymous.get(reverse("account_reset_password")),
    ]
    titles = []
    for response in responses:
        assert response.status_code == 200
        parsed = parse(response)
        tags = [tag for tag, _ in parsed.tags]
        assert any(tag == "html" and attrs.get("lang") == "fr" for tag, attrs in parsed.tags)
        assert {"header", "main", "footer", "nav"} <= set(tags)
        assert (
            "a",
            {"class": "visually-hidden-focusable skip-link", "href": "#contenu"},
        ) in parsed.tags
        for field in parsed.inputs:
            assert field.get("id") in parsed.labels or field.get("aria-label"), field
        titles.append(title_of(response))
    assert len(set(titles)) == len(titles), titles


def test_field_errors_are_announced_next_to_the_field(client):
    client.force_login(UserFactory(applicant=True))
    response = client.post(reverse("applicants:structure-create"), {"name": ""})
    text = page_text(response)
    assert 'aria-invalid="true"' in text
    assert (
        re.search(r'aria-describedby="[^"]*id_name[^"]*error', text)
        or 'id="error_1_id_name"' in text
    )
    assert 'role="alert"' in text
    assert "Ce champ est obligatoire." in text


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)


def test_static_assets_are_served_by_the_portal_itself(client):
    home = page_text(client.get("/"))
    assert "cdn" not in home.lower()
    for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', home):
        response = client.get(path)
        assert response.status_code == 200, path


def test_healthz(client):
    assert client.get("/healthz/").content == b"ok"
