"""Who reaches a diagnostic, by every URL: page, PDF (request, status, download), file."""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from ccr_portal.users.models import Role
from diagnostics.documents import DIAGNOSTIC_REPORT
from diagnostics.models import Diagnostic, DiagnosticStatus
from diagnostics.services.sharing import committee_consent_grant, committee_consent_revoke
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import MembershipFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"


def ready_report(diagnostic, requested_by, capture) -> GeneratedDocument:
    """The report's PDF, rendered by its task once the request is committed."""
    with capture(execute=True):
        document = document_request(
            kind=DIAGNOSTIC_REPORT, subject=diagnostic, requested_by=requested_by
        )
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.READY
    return document


def with_file(diagnostic: Diagnostic) -> Diagnostic:
    diagnostic.covered_document_name = "diagnostic-ramsess.pdf"
    diagnostic.scan_status = "not_scanned"
    diagnostic.covered_document.save("x.pdf", ContentFile(PDF_BYTES), save=True)
    return diagnostic


def reach(client, diagnostic, document=None) -> dict[str, int]:
    """The status code of every URL that shows the diagnostic or its files."""
    codes = {
        "page": client.get(diagnostic.get_absolute_url()).status_code,
        "pdf-request": client.post(
            reverse("documents:request", args=[DIAGNOSTIC_REPORT, diagnostic.pk])
        ).status_code,
    }
    if document is not None:
        codes["pdf-status"] = client.get(
            reverse("documents:status", args=[document.pk])
        ).status_code
        codes["pdf-download"] = client.get(
            reverse("documents:download", args=[document.pk])
        ).status_code
    if diagnostic.covered_document:
        codes["file"] = client.get(
            reverse("diagnostics:covered-document", args=[diagnostic.pk])
        ).status_code
    return codes


def allowed(codes):
    # Asking for the PDF redirects back to the page once accepted.
    return {name: (302 if name == "pdf-request" else 200) for name in codes}


def refused(codes):
    return dict.fromkeys(codes, 403)


def test_committee_reads_a_support_diagnostic_only_while_the_structure_consents(
    client, editor, structure, committee, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(structure=structure, delivered=True, full=True)
    document = ready_report(diagnostic, editor, django_capture_on_commit_callbacks)
    client.force_login(committee)

    before = reach(client, diagnostic, document)
    assert before == refused(before)
    assert not GeneratedDocument.objects.filter(requested_by=committee).exists()

    committee_consent_grant(diagnostic=diagnostic, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        after = reach(client, diagnostic, document)
    assert after == allowed(after)
    assert after.keys() == {"page", "pdf-request", "pdf-status", "pdf-download"}

    committee_consent_revoke(diagnostic=diagnostic, actor=editor)
    revoked = reach(client, diagnostic, document)
    assert revoked == refused(revoked)


def test_committee_reads_the_file_of_a_covered_support_diagnostic_only_with_consent(
    client, editor, structure, committee
):
    diagnostic = with_file(DiagnosticFactory(structure=structure, covered=True, full=True))
    client.force_login(committee)
    url = reverse("diagnostics:covered-document", args=[diagnostic.pk])

    assert client.get(url).status_code == 403
    committee_consent_grant(diagnostic=diagnostic, actor=editor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="diagnostic-ramsess.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    committee_consent_revoke(diagnostic=diagnostic, actor=editor)
    assert client.get(url).status_code == 403


def test_committee_never_reads_an_unfinished_support_diagnostic_even_with_a_consent_row(
    client, structure, committee
):
    diagnostic = DiagnosticFactory(structure=structure, in_progress=True)
    diagnostic.consents.create(granted_by=None)  # stale row: status rules first
    client.force_login(committee)
    assert client.get(diagnostic.get_absolute_url()).status_code == 403


def test_committee_always_reads_a_validated_assessment_diagnostic(
    client, structure, committee, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(coordinator=True)
    draft = DiagnosticFactory(structure=structure, delivered=True, assessment=True)
    validated = with_file(DiagnosticFactory(structure=structure, validated=True, assessment=True))
    document = ready_report(validated, coordinator, django_capture_on_commit_callbacks)
    client.force_login(committee)

    assert reach(client, draft) == refused(reach(client, draft))
    with django_capture_on_commit_callbacks(execute=True):
        codes = reach(client, validated, document)
    assert codes == allowed(codes)
    assert codes.keys() == {"page", "pdf-request", "pdf-status", "pdf-download", "file"}


def every_url(diagnostic) -> list[tuple[str, str]]:
    """(method, url) of every page and action of one diagnostic."""
    pk = diagnostic.pk
    return [
        ("get", diagnostic.get_absolute_url()),
        ("post", reverse("documents:request", args=[DIAGNOSTIC_REPORT, pk])),
        ("get", reverse("diagnostics:covered-document", args=[pk])),
        ("get", reverse("diagnostics:grid", args=[pk])),
        ("post", reverse("diagnostics:grid", args=[pk])),
        ("get", reverse("diagnostics:sign-off", args=[pk])),
        ("post", reverse("diagnostics:sign-off", args=[pk])),
        ("post", reverse("diagnostics:consent", args=[pk])),
        ("get", reverse("diagnostics:cover", args=[pk])),
        ("get", reverse("diagnostics:assign", args=[pk])),
        *[
            ("post", reverse("diagnostics:transition", args=[pk, action]))
            for action in (
                "accept",
                "decline",
                "validate",
                "return",
                "accept_assignment",
                "decline_assignment",
            )
        ],
    ]


def test_another_structure_applicant_is_refused_on_every_url_of_an_unshared_diagnostic(
    client, editor, structure, django_capture_on_commit_callbacks
):
    diagnostic = with_file(DiagnosticFactory(structure=structure, delivered=True, full=True))
    document = ready_report(diagnostic, editor, django_capture_on_commit_callbacks)
    other = MembershipFactory(structure__name="Voyages Équitables Méditerranée").user
    client.force_login(other)

    codes = [getattr(client, method)(url).status_code for method, url in every_url(diagnostic)]
    codes.append(client.get(reverse("documents:status", args=[document.pk])).status_code)
    codes.append(client.get(reverse("documents:download", args=[document.pk])).status_code)

    assert codes == [403] * len(codes)
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.signed_off_at, diagnostic.consents.count()) == (
        DiagnosticStatus.DELIVERED,
        None,
        0,
    )
    assert not GeneratedDocument.objects.filter(requested_by=other).exists()
    assert "Épicerie" not in client.get(reverse("diagnostics:mine")).content.decode()


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.FUNDER, Role.PROVIDER])
def test_staff_without_a_reason_are_refused_on_every_url(client, structure, role):
    diagnostic = with_file(DiagnosticFactory(structure=structure, delivered=True, full=True))
    person = UserFactory(roles=[role])
    ProviderFactory().members.add(person)  # a provider, but not this one
    client.force_login(person)
    codes = [getattr(client, method)(url).status_code for method, url in every_url(diagnostic)]
    assert codes == [403] * len(codes)
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.signed_off_at, diagnostic.consents.count()) == (
        DiagnosticStatus.DELIVERED,
        None,
        0,
    )
    assert not diagnostic.transitions.exists()
    assert not GeneratedDocument.objects.exists()


def test_a_reader_of_the_structure_reads_but_does_not_decide(client, structure, reader):
    diagnostic = DiagnosticFactory(structure=structure, delivered=True)
    client.force_login(reader)

    assert client.get(diagnostic.get_absolute_url()).status_code == 200
    sign_off = reverse("diagnostics:sign-off", args=[diagnostic.pk])
    assert client.get(sign_off).status_code == 403
    assert client.post(sign_off, {"confirm": "on", "comment": "Lu."}).status_code == 403
    consent = reverse("diagnostics:consent", args=[diagnostic.pk])
    assert client.post(consent, {"share": "yes"}).status_code == 403
    request = reverse("diagnostics:request", args=[structure.pk])
    assert client.get(request).status_code == 403
    assert client.post(request, {"kind": "full"}).status_code == 403
    diagnostic.refresh_from_db()
    assert (diagnostic.signed_off_at, diagnostic.structure_comment) == (None, "")
    assert diagnostic.consents.count() == 0
    assert Diagnostic.objects.count() == 1


def test_the_structure_reads_its_assessment_diagnostic_once_validated_never_the_drafts(
    client, editor, structure
):
    client.force_login(editor)
    for status in ("accepted", "assigned", "in_progress", "delivered"):
        diagnostic = DiagnosticFactory(structure=structure, assessment=True, **{status: True})
        assert client.get(diagnostic.get_absolute_url()).status_code == 403, status
    validated = DiagnosticFactory(structure=structure, assessment=True, validated=True)
    assert client.get(validated.get_absolute_url()).status_code == 200
    assert list(Diagnostic.objects.visible_to(editor)) == [validated]


def test_providers_see_only_their_organisation_s_assignments(client):
    ramsess, apeas = ProviderFactory(name="RAMSESS"), ProviderFactory(name="APEAS")
    consultant = UserFactory(provider=True)
    ramsess.members.add(consultant)
    mine = DiagnosticFactory(in_progress=True, provider=ramsess)
    theirs = DiagnosticFactory(in_progress=True, provider=apeas)
    waiting = DiagnosticFactory(accepted=True)
    client.force_login(consultant)

    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(reverse("diagnostics:grid", args=[mine.pk])).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 403
    assert client.get(reverse("diagnostics:grid", args=[theirs.pk])).status_code == 403
    assert client.get(waiting.get_absolute_url()).status_code == 403
    listing = client.get(reverse("diagnostics:assignments"))
    assert [d.pk for d in listing.context["diagnostics"]] == [mine.pk]
    assert list(Diagnostic.objects.visible_to(consultant)) == [mine]


def test_workspaces_are_refused_to_other_roles(client):
    pages = {
        "diagnostics:queue": [Role.COORDINATOR],
        "diagnostics:assignments": [Role.PROVIDER],
        "diagnostics:mine": [Role.APPLICANT],
    }
    for url_name, roles in pages.items():
        for role in Role:
            client.force_login(UserFactory(roles=[role]))
            expected = 200 if role in roles else 403
            assert client.get(reverse(url_name)).status_code == expected, (url_name, role)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    diagnostic = with_file(DiagnosticFactory(validated=True))
    for method, url in every_url(diagnostic):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_visible_to_states_the_same_rule_as_the_permission(structure, editor, reader):
    """Lists and pages agree, for every role, purpose and status."""
    provider = ProviderFactory()
    consultant = UserFactory(provider=True)
    provider.members.add(consultant)
    people = [
        editor,
        reader,
        consultant,
        UserFactory(committee=True),
        UserFactory(funder=True),
        UserFactory(coordinator=True),
        UserFactory(roles=[Role.COMMITTEE, Role.APPLICANT]),
        MembershipFactory().user,
    ]
    traits = ["requested", "accepted", "declined", "covered", "assigned", "in_progress"]
    traits += ["delivered", "validated"]
    for trait, purpose in itertools.product(traits, ["support", "assessment"]):
        extra = (
            {"provider": provider}
            if trait not in ("requested", "accepted", "declined", "covered")
            else {}
        )
        diagnostic = DiagnosticFactory(
            structure=structure, assessment=purpose == "assessment", **{trait: True}, **extra
        )
        if purpose == "support" and trait in ("delivered", "covered"):
            diagnostic.consents.create(granted_by=editor)
    for person in people:
        by_rule = {
            d.pk
            for d in Diagnostic.objects.all()
            if person.has_perm("diagnostics.view_diagnostic", d)
        }
        by_query = set(Diagnostic.objects.visible_to(person).values_list("pk", flat=True))
        assert by_rule == by_query, person
    # Spot checks of the rule itself.
    committee_sees = {(d.purpose, d.status) for d in Diagnostic.objects.visible_to(people[3])}
    assert committee_sees == {
        ("support", "delivered"),
        ("support", "covered"),
        ("assessment", "validated"),
        ("assessment", "covered"),
    }
    assert Diagnostic.objects.visible_to(people[4]).count() == 0
