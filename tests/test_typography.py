"""French typography and grammar: spaces, dates, elision, numbers, sizes, sorting, choices."""

import datetime
import html
from decimal import Decimal

import pytest
from django import forms
from django.core import mail
from django.template import Context, Template
from django.urls import reverse

from applicants.models import Structure
from ccr_portal.collation import french
from ccr_portal.formatting import (
    format_date,
    format_euros,
    format_size,
    french_sort_key,
    french_spaces,
    french_spaces_html,
    with_preposition,
)
from ccr_portal.notifications.services import rendered_email
from tests.factories import StructureFactory, UserFactory

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("name", "of", "to"),
    [
        ("Les Jardins Partagés", "des Jardins Partagés", "aux Jardins Partagés"),
        ("Le Comptoir Équitable", "du Comptoir Équitable", "au Comptoir Équitable"),
        (
            "La Ressourcerie du Vieux-Port",
            "de la Ressourcerie du Vieux-Port",
            "à la Ressourcerie du Vieux-Port",
        ),
        ("L'Atelier Vélo", "de l'Atelier Vélo", "à l'Atelier Vélo"),
        (
            "Épicerie Solidaire du Panier",
            "d'Épicerie Solidaire du Panier",
            "à Épicerie Solidaire du Panier",
        ),
        ("Amina Benali", "d'Amina Benali", "à Amina Benali"),
        ("Hélène Marchetti", "d'Hélène Marchetti", "à Hélène Marchetti"),
        ("Halles Solidaires", "de Halles Solidaires", "à Halles Solidaires"),
        (
            "Voyages Équitables Méditerranée",
            "de Voyages Équitables Méditerranée",
            "à Voyages Équitables Méditerranée",
        ),
        ("RAMSESS", "de RAMSESS", "à RAMSESS"),
        ("Yannick Roux", "de Yannick Roux", "à Yannick Roux"),
        ("Lesieur", "de Lesieur", "à Lesieur"),
    ],
)
def test_elision_and_contraction_before_names(name, of, to):
    assert with_preposition("de", name) == of
    assert with_preposition("à", name) == to


def test_the_template_filters_say_it_the_same_way():
    rendered = Template("Dossier {{ a|de }} · Rôle {{ b|de }} · Bienvenue {{ c|a }}").render(
        Context({"a": "Les Jardins Partagés", "b": "Amina", "c": "Le Comptoir"})
    )
    assert html.unescape(rendered) == (
        "Dossier des Jardins Partagés · Rôle d'Amina · Bienvenue au Comptoir"
    )


def test_dates_numbers_and_sizes():
    assert format_date(datetime.date(2026, 12, 1)) == "1er décembre 2026"
    assert format_date(datetime.date(2011, 6, 28)) == "28 juin 2011"
    assert format_euros(Decimal("-1250.5")) == f"\u22121{NBSP}250,50{NBSP}€"
    assert format_euros(Decimal("-0.001")) == f"0,00{NBSP}€"
    assert format_euros(12500) == f"12{NBSP}500,00{NBSP}€"
    assert [format_size(n) for n in (40, 300, 18_000, 2_600_000, 300_000_000)] == [
        f"0,1{NBSP}Ko",
        f"0,3{NBSP}Ko",
        f"18{NBSP}Ko",
        f"2,5{NBSP}Mo",
        f"286{NBSP}Mo",
    ]


def test_french_spaces_in_text():
    assert french_spaces("Note : « oui » ; et toi ? Bien ! 12:30, https://x.fr/?a=1") == (
        f"Note{NBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}; et toi{NNBSP}? Bien{NNBSP}! "
        "12:30, https://x.fr/?a=1"
    )


def test_french_spaces_never_touch_attributes_code_or_typed_text():
    page = (
        '<p title="Titre : « x »">Statut : <a href="/?q=a :b">« lien »</a></p>'
        '<input name="n" value="Mon texte : tapé ?"><textarea>Déjà tapé : « ici » ?</textarea>'
        "<script>var a = b ? c : d;</script><style>a:hover { color: red; }</style>"
        "<code>x ? y : z</code><!-- commentaire : oui -->"
    )
    assert french_spaces_html(page) == (
        f'<p title="Titre : « x »">Statut{NBSP}: <a href="/?q=a :b">«{NNBSP}lien{NNBSP}»</a></p>'
        '<input name="n" value="Mon texte : tapé ?"><textarea>Déjà tapé : « ici » ?</textarea>'
        "<script>var a = b ? c : d;</script><style>a:hover { color: red; }</style>"
        "<code>x ? y : z</code><!-- commentaire : oui -->"
    )


@pytest.mark.django_db
def test_pages_get_the_spaces_and_the_typed_values_stay_as_typed(client):
    user = UserFactory(applicant=True)
    client.force_login(user)
    # The page's own text has the spaces; a re-displayed typed value is unchanged.
    response = client.post(reverse("applicants:structure-create"), {"name": "Atelier : « test » ?"})
    text = response.content.decode()
    assert 'value="Atelier : « test » ?"' in text.replace("&#x27;", "'").replace("&quot;", '"')
    assert f"point{'s' if 'points' in text else ''} à corriger" in text
    assert f"enregistré{NBSP}:" in text
    assert int(response["Content-Length"]) == len(response.content)


def test_e_mails_get_the_spaces_in_text_and_html():
    email = rendered_email(
        recipient_name="Amina",
        subject="Dossier : déposé",
        template="dossier_status_changed",
        context={
            "structure": "Les Jardins Partagés",
            "campaign": "Appel 2026",
            "from_status": "Brouillon",
            "to_status": "Déposé",
        },
        url="/dossiers/1/",
    )
    assert email["subject"] == f"[Portail CCR] Dossier{NBSP}: déposé"
    assert f"«{NNBSP}Appel 2026{NNBSP}»" in email["text"]
    assert "Le dossier des Jardins Partagés" in email["text"]
    assert f"«{NNBSP}Appel 2026{NNBSP}»" in email["html"]
    assert mail.outbox == []


def test_the_sort_key_is_french():
    names = ["Voyages", "épicerie", "Zèbre", "Épicerie", "Ateliers", "école", "Eden"]
    assert sorted(names, key=french_sort_key) == [
        "Ateliers",
        "école",
        "Eden",
        "épicerie",
        "Épicerie",
        "Voyages",
        "Zèbre",
    ]


@pytest.mark.django_db
def test_the_database_sorts_names_the_french_way():
    for name in ["Voyages Équitables", "Épicerie Solidaire", "Zèbre", "atelier Vélo", "Eden"]:
        StructureFactory(name=name)
    names = list(Structure.objects.order_by(french("name")).values_list("name", flat=True))
    assert names == ["atelier Vélo", "Eden", "Épicerie Solidaire", "Voyages Équitables", "Zèbre"]


@pytest.mark.django_db
def test_empty_choices_read_choisir():
    from applicants.forms import StructureForm

    html = str(StructureForm()["legal_form"])
    assert '<option value="" selected>— Choisir —</option>' in html
    assert "---------" not in html

    class Pick(forms.Form):
        structure = forms.ModelChoiceField(queryset=Structure.objects.all())

    assert "— Choisir —" in str(Pick()["structure"])
