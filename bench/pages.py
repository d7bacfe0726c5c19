"""The pages the benchmark measures: one list, each page as the role that uses it.

A page names its viewer by the bench account's e-mail and finds its URL in the
database (``seed_bench`` data), so the list serves the in-process quick mode and
the load mode alike, on data generated earlier. A new app adds its pages here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

COORDINATOR = "coordination@bench.example"
APPLICANT = "candidat@bench.example"
PROVIDER = "ramsess1@bench.example"
COMMITTEE = "comite@bench.example"
FUNDER = "financeur@bench.example"
ADMIN = "admin@bench.example"
MEMBER = "comite0@bench.example"  # invited to the bench's meeting of 30 files


@dataclass(frozen=True)
class Page:
    label: str
    viewer: str  # e-mail of the bench account
    url: Callable[[], str]
    # list | dashboard | detail | export | reference: what the targets apply to.
    kind: str = "list"


def _dashboard(role: str) -> Callable[[], str]:
    return lambda: reverse("dashboard", kwargs={"role": role})


def _url(name: str, **kwargs) -> Callable[[], str]:
    return lambda: reverse(name, kwargs=kwargs or None)


def _structure_zero():
    from applicants.models import Structure

    return Structure.objects.get(name="Structure 0000")


def _dossier_zero() -> str:
    from applicants.models import Dossier

    return Dossier.objects.filter(structure=_structure_zero()).get().get_absolute_url()


def _diagnostic_zero() -> str:
    from diagnostics.models import Diagnostic, DiagnosticKind, DiagnosticStatus

    diagnostic = Diagnostic.objects.filter(
        structure=_structure_zero(), kind=DiagnosticKind.FULL, status=DiagnosticStatus.VALIDATED
    ).earliest("pk")
    return diagnostic.get_absolute_url()


def _plan_zero() -> str:
    from accompaniment.models import DevelopmentPlan

    return DevelopmentPlan.objects.filter(structure=_structure_zero()).get().get_absolute_url()


def _meeting() -> str:
    from committee.models import Meeting

    return Meeting.objects.order_by("pk").first().get_absolute_url()


def _opinions() -> str:
    from committee.models import Meeting

    return reverse("committee:opinions", args=[Meeting.objects.order_by("pk").first().pk])


def _filtered_dossiers() -> str:
    from applicants.models import Site

    site = Site.objects.order_by("pk").first()
    return (
        f"{reverse('applicants:dossier-list')}?site={site.pk}&missing_documents=false&ordering=name"
    )


PAGES = [
    # References, measured in the same run: the targets are ratios to them.
    Page("référence : page nue (50 lignes)", COORDINATOR, _url("bench-reference"), "reference"),
    Page(
        "référence : admin Django (dossiers)",
        ADMIN,
        _url("admin:applicants_dossier_changelist"),
        "reference",
    ),
    # Coordination.
    Page("tableau de bord coordination", COORDINATOR, _dashboard("coordinator"), "dashboard"),
    Page("liste des structures (coordination)", COORDINATOR, _url("applicants:structure-list")),
    Page("dossiers (coordination)", COORDINATOR, _url("applicants:dossier-list")),
    Page("dossiers filtrés : site, complets, par nom", COORDINATOR, _filtered_dossiers),
    Page("page d'un dossier (coordination)", COORDINATOR, _dossier_zero, "detail"),
    Page("file des diagnostics (coordination)", COORDINATOR, _url("diagnostics:queue")),
    Page("page d'un diagnostic (coordination)", COORDINATOR, _diagnostic_zero, "detail"),
    Page("plans (coordination)", COORDINATOR, _url("accompaniment:plan-list")),
    Page("page d'un plan (coordination)", COORDINATOR, _plan_zero, "detail"),
    Page("équipe et rôles", COORDINATOR, _url("users:user-list")),
    Page("appels à candidatures", COORDINATOR, _url("applicants:campaign-list")),
    Page("besoins et offre (coordination)", COORDINATOR, _url("scheme:quantification"), "detail"),
    Page("scénario recalculé (coordination)", COORDINATOR, _url("scheme:scenario"), "detail"),
    Page("bilan d'activité (coordination)", COORDINATOR, _url("scheme:report"), "detail"),
    # Structure candidate.
    Page("tableau de bord candidat", APPLICANT, _dashboard("applicant"), "dashboard"),
    Page(
        "fiche d'une structure (candidat)",
        APPLICANT,
        lambda: _structure_zero().get_absolute_url(),
        "detail",
    ),
    Page("mes diagnostics (candidat)", APPLICANT, _url("diagnostics:mine")),
    # Provider.
    Page("tableau de bord prestataire", PROVIDER, _dashboard("provider"), "dashboard"),
    Page("affectations d'un prestataire", PROVIDER, _url("diagnostics:assignments")),
    Page("séances d'un prestataire", PROVIDER, _url("accompaniment:session-list")),
    Page("actions d'un prestataire", PROVIDER, _url("accompaniment:action-list")),
    # Committee.
    Page("tableau de bord comité", COMMITTEE, _dashboard("committee"), "dashboard"),
    Page("séance du comité, 30 dossiers (coordination)", COORDINATOR, _meeting, "detail"),
    Page("avis d'un membre sur 30 dossiers", MEMBER, _opinions, "detail"),
    # Funders and the financial accompaniment.
    Page("tableau de bord financeur", FUNDER, _dashboard("funder"), "dashboard"),
    Page("demandes transmises (financeur)", FUNDER, _url("financing:request-list")),
    Page("réponse globale (financeur)", FUNDER, _url("financing:global-response")),
    Page("demandes de financement (coordination)", COORDINATOR, _url("financing:request-list")),
    Page("réponse globale (coordination)", COORDINATOR, _url("financing:global-response")),
    Page("lignes de crédit (coordination)", COORDINATOR, _url("financing:credit-line-list")),
    Page("réponses financières (coordination)", COORDINATOR, _url("financing:response-list")),
]

# Exports: measured for time and peak memory at each size (not under load).
EXPORTS = [
    Page(
        "export CSV des dossiers",
        COORDINATOR,
        _url("applicants:dossier-export", file_format="csv"),
        "export",
    ),
    Page(
        "export XLSX des dossiers",
        COORDINATOR,
        _url("applicants:dossier-export", file_format="xlsx"),
        "export",
    ),
    Page(
        "export XLSX des demandes de financement (financeur)",
        FUNDER,
        _url("financing:request-export"),
        "export",
    ),
]


@dataclass(frozen=True)
class Document:
    """A kind of PDF, rendered on ten subjects as the coordinator."""

    label: str
    kind: str
    subjects: Callable[[], list]


def _first_ten(model: str, **filters) -> Callable[[], list]:
    def subjects():
        from django.apps import apps

        return list(apps.get_model(model).objects.filter(**filters).order_by("pk")[:10])

    return subjects


DOCUMENTS = [
    Document("PDF fiche structure", "structure_sheet", _first_ten("applicants.Structure")),
    Document(
        "PDF synthèse dossier",
        "dossier_summary",
        _first_ten("applicants.Dossier", status__in=["submitted", "under_review", "installed"]),
    ),
    Document(
        "PDF synthèse diagnostic",
        "diagnostic_report",
        _first_ten("diagnostics.Diagnostic", status__in=["delivered", "validated"]),
    ),
    Document(
        "PDF plan stratégique", "development_plan", _first_ten("accompaniment.DevelopmentPlan")
    ),
    Document(
        "PDF dossier de séance (30 dossiers)",
        "committee_pack",
        lambda: _first_ten("committee.MeetingMember")()[:3],
    ),
]
