"""Opinions: confidential until one's own is given, locked once the meeting is held, one page
for the whole agenda, « avis donnés / attendus », never shown to applicants."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from ccr_portal.workflow import TransitionRefused
from committee.forms import OpinionForm
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


# --- The page's controls: written by hand for thirty files, as Django's widgets would ----


class _Controls(HTMLParser):
    """The form controls of a page: what each submits, and the label, legend and error
    each is read with."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.controls = {}  # id -> {"name", "value" (submitted), "described"}
        self.labels, self.errors = {}, {}
        self.legends = []  # (legend text, [ids of the radios inside its fieldset])
        self._text = None  # (kind, key, chunks) being read
        self._select = self._fieldset = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self._fieldset = []
        elif tag == "legend":
            self._text = ("legend", None, [])
        elif tag == "label" and "for" in attrs:
            self._text = ("label", attrs["for"], [])
        elif tag == "div" and attrs.get("id", "").endswith("_erreur"):
            self._text = ("error", attrs["id"], [])
        elif tag == "input" and attrs.get("type") == "radio":
            control = {
                "name": attrs["name"],
                "value": attrs["value"],
                "checked": "checked" in attrs,
            }
            self.controls[attrs["id"]] = control
            if self._fieldset is not None:
                self._fieldset.append(attrs["id"])
        elif tag == "textarea":
            self.controls[attrs["id"]] = {"name": attrs["name"], "value": ""}
            self._text = ("textarea", attrs["id"], [])
        elif tag == "select":
            self._select = attrs["id"]
            self.controls[self._select] = {"name": attrs["name"], "value": None}
        elif tag == "option" and self._select and "selected" in attrs:
            self.controls[self._select]["value"] = attrs["value"]
        if tag in ("fieldset", "textarea", "select") and "aria-describedby" in attrs:
            self.controls.setdefault("described", {})[attrs.get("id", "fieldset")] = attrs[
                "aria-describedby"
            ]

    def handle_data(self, data):
        if self._text:
            self._text[2].append(data)

    def handle_endtag(self, tag):
        if self._text and tag in ("legend", "label", "textarea", "div"):
            kind, key, chunks = self._text
            text = "".join(chunks)
            if kind == "legend":
                self.legends.append([text.strip(), None])
            elif kind == "label":
                self.labels[key] = text.strip()
            elif kind == "error":
                self.errors[key] = text.strip()
            else:  # a textarea's first newline is not part of its value
                self.controls[key]["value"] = text.removeprefix("\n")
            self._text = None
        elif tag == "fieldset":
            if self.legends and self.legends[-1][1] is None:
                self.legends[-1][1] = self._fieldset
            self._fieldset = None
        elif tag == "select":
            self._select = None

    def submitted(self) -> dict[str, str]:
        """What the browser sends: each radio group's checked value, each field's value."""
        sent = {}
        for key, control in self.controls.items():
            if key == "described":
                continue
            if "checked" not in control:
                sent[control["name"]] = control["value"] or ""
            elif control["checked"]:
                sent[control["name"]] = control["value"]
        return sent


def _controls(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


def _form_of(world, item, data=None, initial=None):
    return OpinionForm(
        data,
        item=item,
        commitments=world.campaign.charter_commitments.all(),
        initial=initial or {},
    )


@pytest.mark.parametrize("bound", [False, True])
def test_the_lean_controls_say_and_send_what_djangos_widgets_would(world, bound):
    """The page writes the controls itself (thirty files at once); Django's own rendering
    of the same form is the reference: same names, values, checked choices, labels."""
    commitment = world.campaign.charter_commitments.get()
    item = world.items[1]
    initial = {"value": "reserved", "comment": "Loyer « élevé » & charges.\nÀ revoir."}
    initial[f"charter_{commitment.pk}"] = 3
    data = None
    if bound:  # sent back with another choice, as after a refused submission
        data = {
            f"dossier-{item.pk}-value": "unfavourable",
            f"dossier-{item.pk}-comment": "Trésorerie <fragile>.",
            f"dossier-{item.pk}-charter_{commitment.pk}": "1",
        }
    form = _form_of(world, item, data, initial)
    lean = _controls(
        render_to_string(
            "committee/includes/opinion_fields.html", {"form": _form_of(world, item, data, initial)}
        )
    )
    django = _controls(form.as_div())

    assert lean.submitted() == django.submitted()
    expected = data or {
        f"dossier-{item.pk}-value": "reserved",
        f"dossier-{item.pk}-comment": initial["comment"],
        f"dossier-{item.pk}-charter_{commitment.pk}": "3",
    }
    assert lean.submitted() == expected
    assert {key: c for key, c in lean.controls.items() if key != "described"} == {
        key: c for key, c in django.controls.items() if key != "described"
    }
    # Django's rendering adds the French label suffix (« : »); the page never had it.
    assert lean.labels == {key: text.removesuffix("\xa0:") for key, text in django.labels.items()}
    assert lean.labels[f"id_dossier-{item.pk}-value_0"] == "Pas encore d'avis"
    assert lean.labels[f"id_dossier-{item.pk}-comment"] == "Commentaire sur « Atelier Vélo »"
    assert lean.labels[f"id_dossier-{item.pk}-charter_{commitment.pk}"] == commitment.text
    # The radio group in its fieldset, named by its legend.
    assert lean.legends == [
        ["Avis sur « Atelier Vélo »", [f"id_dossier-{item.pk}-value_{i}" for i in range(4)]]
    ]
    assert lean.errors == {}


def test_a_refused_choice_is_said_next_to_its_group_and_nothing_is_written(client, world):
    alice = world.members[0]
    first, second = world.items[1], world.items[2]
    client.force_login(alice)
    url = reverse("committee:opinions", args=[world.meeting.pk])

    response = client.post(
        url,
        {
            f"dossier-{first.pk}-value": "enthousiaste",
            f"dossier-{second.pk}-value": "reserved",
            f"dossier-{second.pk}-comment": "À suivre.",
        },
    )

    assert response.status_code == 200
    page = _controls(response.content.decode())
    error_id = f"id_dossier-{first.pk}-value_erreur"
    assert page.errors[error_id].startswith("Sélectionnez un choix valide.")
    assert page.controls["described"] == {"fieldset": error_id}
    assert "Corrigez l'avis sur ce dossier." in page_text(response)
    # What was typed stays, so that nothing is typed twice.
    assert page.submitted()[f"dossier-{second.pk}-value"] == "reserved"
    assert page.submitted()[f"dossier-{second.pk}-comment"] == "À suivre."
    assert not Opinion.objects.exists()


def test_the_page_shows_each_files_own_opinion_and_score_selected(client, world):
    alice = world.members[0]
    commitment = world.campaign.charter_commitments.get()
    given = world.items[1]
    opinions_give(
        meeting=world.meeting,
        actor=alice,
        entries=[
            {
                "item": given,
                "value": "favourable",
                "comment": ALICE_SAYS,
                "scores": {commitment: 4},
            }
        ],
    )
    client.force_login(alice)

    response = client.get(reverse("committee:opinions", args=[world.meeting.pk]))

    sent = _controls(response.content.decode()).submitted()
    assert sent == {
        **{
            f"dossier-{item.pk}-{name}": ""
            for item in world.items
            for name in ("value", "comment", f"charter_{commitment.pk}")
        },
        f"dossier-{given.pk}-value": "favourable",
        f"dossier-{given.pk}-comment": ALICE_SAYS,
        f"dossier-{given.pk}-charter_{commitment.pk}": "4",
    }
