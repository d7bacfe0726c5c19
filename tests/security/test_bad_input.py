"""Bad input, generated (issue 13, point 15): amounts, dates, SIRET and RNA, long and
Unicode texts, HTML and script payloads, malformed multipart bodies, on the forms and
services of each app.

The properties: never a 500; a refusal is in French and leaves what was saved as it was;
what is saved is what was typed, shown escaped in the pages, the PDFs and the XLSX.
Examples are few (``max_examples``) and undeadlined: the suite stays fast.
"""

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pypdf import PdfReader

from accompaniment.models import PlanStatus
from applicants.documents import STRUCTURE_SHEET
from applicants.forms import StructureForm
from applicants.models import Attachment, Dossier, Message, Structure
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from ccr_portal.validators import luhn_completed, validate_rna, validate_siret
from committee.models import InstructionNote
from diagnostics.models import Diagnostic
from tests.accompaniment.factories import AccompanimentProviderFactory, drafted_plan
from tests.conftest import downloaded
from tests.factories import DossierFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FEW = settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Payloads that must never reach a page raw: each contains a tag or breaks an attribute.
PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "</textarea><b>gras</b>",
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(PAYLOADS),
    st.builds(
        lambda a, p, b: a + p + b,
        st.text(max_size=40),
        st.sampled_from(PAYLOADS),
        st.text(max_size=40),
    ),
    st.text(alphabet="éèàçœ€«»–—…\u202f\u00a0😀漢字\u200b\u202e", min_size=1, max_size=3000),
)
amount_text = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"-?[0-9 \u202f\u00a0.,]{0,20}(€| €)?", fullmatch=True),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(max_size=30),
)
date_text = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.text(max_size=20),
)
# Words of Django's English messages: a French page shows none of them.
ENGLISH = re.compile(r"\b(Enter a|This field|Ensure this|Select a valid|is required|Invalid)\b")


def _no_raw_payload(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html


def _errors_are_french(form) -> None:
    text = " ".join(str(message) for errors in form.errors.values() for message in errors)
    assert not ENGLISH.search(text), text


# --- SIRET and RNA -----------------------------------------------------------------------


@FEW
@given(value=st.one_of(st.text(max_size=30), st.from_regex(r"[0-9 ]{10,20}", fullmatch=True)))
def test_a_siret_is_valid_or_refused_in_french(value):
    try:
        validate_siret(value)
    except ValidationError as refusal:
        assert refusal.messages[0].startswith(("Le SIRET doit", "Ce numéro SIRET"))  # noqa: PT017
    else:
        digits = re.sub(r"\s+", "", value)
        assert len(digits) == 14
        assert digits.isdigit()


@FEW
@given(base=st.from_regex(r"[0-9]{13}", fullmatch=True))
def test_a_luhn_completed_siret_is_accepted_with_spaces(base):
    siret = luhn_completed(base)
    if siret.startswith("356000000"):  # La Poste's SIREN has a rule of its own
        return
    validate_siret(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")


@FEW
@given(value=st.text(max_size=15))
def test_an_rna_is_w_and_nine_digits_or_refused_in_french(value):
    try:
        validate_rna(value)
    except ValidationError as refusal:
        expected = "Le numéro RNA commence par W suivi de 9 chiffres (ex. : W131234567)."
        assert refusal.messages == [expected]  # noqa: PT017
    else:
        assert re.fullmatch(r"W[0-9]{9}", value.strip().upper())


# --- Applicants: the structure form, through the page -------------------------------


@pytest.fixture
def editor_client(client):
    membership = MembershipFactory(structure__name="Épicerie du Panier")
    client.force_login(membership.user)
    return client, membership.structure, membership.user


def _structure_post(structure) -> dict:
    form = StructureForm(instance=structure)
    return {name: ("" if value is None else value) for name, value in form.initial.items()}


@FEW
@given(
    field=st.sampled_from(
        [
            "name",
            "siret",
            "rna",
            "postal_code",
            "year_founded",
            "staff_fte",
            "last_budget",
            "volunteers",
            "website",
            "description",
            "city",
        ]
    ),
    value=st.one_of(hostile_text, amount_text),
)
def test_the_structure_form_saves_or_refuses_in_french_never_a_500(editor_client, field, value):
    client, structure, _editor = editor_client
    structure.refresh_from_db()
    before = model_to_dict(structure)
    data = {**_structure_post(structure), field: value}
    url = reverse("applicants:structure-update", args=[structure.pk])

    response = client.post(url, data)

    assert response.status_code in (200, 302)
    structure.refresh_from_db()
    if response.status_code == 200:
        # Refused: in French, and what was saved before is still there.
        form = response.context["form"]
        assert form.errors
        _errors_are_french(form)
        assert model_to_dict(structure) == before
        _no_raw_payload(response.content.decode())
    else:
        page = client.get(reverse("applicants:structure-detail", args=[structure.pk]))
        assert page.status_code == 200
        _no_raw_payload(page.content.decode())
        if field in ("name", "description", "city"):
            assert getattr(structure, field) == StructureForm.base_fields[field].clean(value)


# --- Applicants: the dossier's sections (amounts, dates, long texts) ----------------------


@pytest.fixture
def draft_dossier(client):
    dossier = DossierFactory(complete=True)
    editor = MembershipFactory(structure=dossier.structure).user
    client.force_login(editor)
    return client, dossier


@FEW
@given(
    surface=st.one_of(amount_text, st.integers(-5, 10**12).map(str)),
    move_in=date_text,
    premises=hostile_text,
)
def test_the_project_section_saves_or_refuses_in_french(draft_dossier, surface, move_in, premises):
    client, dossier = draft_dossier
    before = model_to_dict(Dossier.objects.get(pk=dossier.pk))
    url = reverse("applicants:dossier-section", args=[dossier.pk, "projet"])
    response = client.post(
        url,
        {
            "wished_surface_m2": surface,
            "activity_type": "shop",
            "expected_move_in": move_in,
            "current_premises": premises,
            "expected_effect": "Plus de clients",
        },
    )
    assert response.status_code in (200, 302)
    after = model_to_dict(Dossier.objects.get(pk=dossier.pk))
    if response.status_code == 200:
        _errors_are_french(response.context["form"])
        assert after == before
        _no_raw_payload(response.content.decode())
    else:
        assert after["current_premises"] == premises.strip()
        page = client.get(reverse("applicants:dossier-detail", args=[dossier.pk]))
        _no_raw_payload(page.content.decode())


@FEW
@given(amount=amount_text)
def test_the_economic_data_saves_or_refuses_in_french(draft_dossier, amount):
    client, dossier = draft_dossier
    years = sorted(dossier.economic_years.values_list("year", flat=True))
    before = list(dossier.economic_years.order_by("year").values())
    data = {}
    for year in years:
        data |= {
            f"turnover_{year}": amount,
            f"result_{year}": "2 500,00",
            f"equity_{year}": "20 000",
            f"staff_fte_{year}": "3",
        }
    url = reverse("applicants:dossier-section", args=[dossier.pk, "donnees-economiques"])
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        _errors_are_french(response.context["form"])
        assert list(dossier.economic_years.order_by("year").values()) == before
    else:
        for row in dossier.economic_years.all():
            assert isinstance(row.turnover, Decimal | None)


@FEW
@given(body=hostile_text)
def test_a_message_is_posted_or_refused_and_shown_escaped(draft_dossier, body):
    client, dossier = draft_dossier
    count = Message.objects.filter(dossier=dossier).count()
    url = reverse("applicants:dossier-messages", args=[dossier.pk])
    response = client.post(url, {"body": body})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert Message.objects.filter(dossier=dossier).count() == count + 1
        assert Message.objects.filter(dossier=dossier).latest("pk").body == body.strip()
    else:
        # Empty, or a null character: refused in French, nothing posted.
        assert response.context["form"].errors
        _errors_are_french(response.context["form"])
        assert Message.objects.filter(dossier=dossier).count() == count
    _no_raw_payload(client.get(url).content.decode())


@FEW
@given(
    body=st.one_of(
        st.binary(max_size=400),
        st.builds(
            lambda junk: (
                b'--XYZ\r\nContent-Disposition: form-data; name="file"; '
                b'filename="a.pdf"\r\n\r\n' + junk
            ),
            st.binary(max_size=200),
        ),
    ),
    boundary=st.sampled_from(["XYZ", "", "\u00e9", "a" * 80]),
)
def test_a_malformed_multipart_body_is_refused_without_a_500(draft_dossier, body, boundary):
    client, dossier = draft_dossier
    count = Attachment.objects.filter(dossier=dossier).count()
    response = client.generic(
        "POST",
        reverse("applicants:attachment-add", args=[dossier.pk]),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert "Requête incorrecte" in response.content.decode()
    assert Attachment.objects.filter(dossier=dossier).count() == count


@FEW
@given(query=st.one_of(hostile_text, st.sampled_from(["\x00", "a\x00b", "%", "_", "\\", "'"])))
@example(query="a\x00b")  # was a 500: PostgreSQL refuses NUL in a query's text
def test_searches_and_filters_answer_any_query(client, query):
    client.force_login(UserFactory(coordinator=True))
    for name in ("applicants:search", "applicants:structure-list", "applicants:dossier-list"):
        response = client.get(reverse(name), {"q": query})
        assert response.status_code == 200, name
        _no_raw_payload(response.content.decode())


# --- Diagnostics: a request's note -----------------------------------------------------


@FEW
@given(note=hostile_text)
@example(note="a\x00b")
def test_a_diagnostic_request_keeps_its_note_and_shows_it_escaped(editor_client, note):
    client, structure, _editor = editor_client
    # One request at a time: the previous example's is withdrawn from the way.
    Diagnostic.objects.filter(structure=structure).delete()
    url = reverse("diagnostics:request", args=[structure.pk])
    response = client.post(url, {"kind": "light", "note": note})
    assert response.status_code in (200, 302)
    _no_raw_payload(response.content.decode())
    if response.status_code == 302:
        diagnostic = Diagnostic.objects.get(structure=structure)
        assert diagnostic.request_note == note.strip()
        page = client.get(reverse("diagnostics:diagnostic-detail", args=[diagnostic.pk]))
        assert page.status_code == 200
        _no_raw_payload(page.content.decode())
    else:
        # Too long, or a null character: refused in French, nothing requested.
        _errors_are_french(response.context["form"])
        assert not Diagnostic.objects.filter(structure=structure).exists()


# --- Accompaniment: the plan's budget amounts -------------------------------------------


@pytest.fixture
def plan_client(client):
    coordinator = UserFactory(coordinator=True)
    plan, _editor = drafted_plan(coordinator, AccompanimentProviderFactory())
    assert plan.status == PlanStatus.DRAFT
    client.force_login(coordinator)
    return client, plan


@FEW
@given(amount=amount_text, index=st.integers(0, 2))
def test_the_budget_saves_or_refuses_in_french_and_keeps_the_saved_lines(
    plan_client, amount, index
):
    client, plan = plan_client
    url = reverse("accompaniment:plan-budget", args=[plan.pk])
    form = client.get(url).context["form"]
    data = {
        name: (field.initial if field.initial is not None else "")
        for name, field in form.fields.items()
    }
    data = {
        name: ("" if value is None else str(value).replace(".", ","))
        for name, value in data.items()
    }
    first = sorted(data)[0].rsplit("_", 1)[0]
    data[f"{first}_{index}"] = amount
    before = list(plan.budget_lines.order_by("pk").values())
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    if (
        response.status_code == 200
        and response.context.get("form")
        and response.context["form"].errors
    ):
        _errors_are_french(response.context["form"])
        assert list(plan.budget_lines.order_by("pk").values()) == before


# --- Committee: the instruction note -----------------------------------------------------


@FEW
@given(reasons=hostile_text)
def test_an_instruction_note_keeps_its_text_and_shows_it_escaped(client, reasons):
    dossier = _committee_dossier()
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    url = reverse("committee:instruction-note", args=[dossier.pk])
    response = client.post(url, {"opinion": "favourable", "reasons": reasons})
    assert response.status_code in (200, 302)
    _no_raw_payload(response.content.decode())
    note = InstructionNote.objects.filter(dossier=dossier).first()
    if response.status_code == 302:
        assert note.reasons == reasons.strip()
        _no_raw_payload(
            client.get(reverse("applicants:dossier-detail", args=[dossier.pk])).content.decode()
        )
    else:
        _errors_are_french(response.context["form"])
        assert note is None


def _committee_dossier():
    return DossierFactory(complete=True, status="under_review")


# --- Escaped in the PDFs and the XLSX ------------------------------------------------------


def test_payloads_are_text_in_the_structure_sheet_pdf(django_capture_on_commit_callbacks):
    name = "Épicerie " + "".join(PAYLOADS)
    membership = MembershipFactory(structure__name=name, structure__description=PAYLOADS[1])
    with django_capture_on_commit_callbacks(execute=True):
        sheet = document_request(
            kind=STRUCTURE_SHEET, subject=membership.structure, requested_by=membership.user
        )
    sheet.refresh_from_db()
    assert sheet.status == GeneratedDocument.Status.READY
    for payload in PAYLOADS:
        assert payload not in sheet.source_html
    with sheet.file.open("rb") as pdf:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", "<script>alert('x')</script>") in flat


@FEW
@given(name=st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=200)))
@example(name="Épicerie\x0bdu Panier")  # was a 500: openpyxl refuses XML's control characters
def test_payloads_are_plain_text_in_the_xlsx_export(client, name):
    name = name.strip() or "x"
    dossier = DossierFactory(structure__name=name, status="submitted")
    try:
        client.force_login(UserFactory(coordinator=True))
        response = client.get(reverse("applicants:dossier-export", args=["xlsx"]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(downloaded(response))).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        # Control characters XML forbids are dropped; formulas are neutralised.
        legible = ILLEGAL_CHARACTERS_RE.sub("", name)
        shown = "'" + legible if legible.startswith(("=", "+", "-", "@", "\t", "\r")) else legible
        # XML reads a carriage return back as a line feed.
        read = [v.replace("\r\n", "\n") if isinstance(v, str) else v for v in values]
        assert _xml_newlines(shown) in read or not legible
        assert not [v for v in values if isinstance(v, str) and v.startswith("=")]
    finally:
        Dossier.objects.filter(pk=dossier.pk).delete()
        Structure.objects.filter(pk=dossier.structure_id).delete()


def _xml_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
