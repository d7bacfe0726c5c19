"""What a dossier still lacks, section by section, in French.

The same function feeds the completeness panel and the refusal of an
incomplete submission, so the two never disagree.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from .models import Dossier

STRUCTURE_REQUIRED = [
    ("name", "le nom de la structure"),
    ("legal_form", "la forme juridique"),
    ("address", "l'adresse"),
    ("postal_code", "le code postal"),
    ("city", "la commune"),
    ("sector", "le secteur d'activité"),
    ("year_founded", "l'année de création"),
    ("staff_fte", "le nombre de salariés (ETP)"),
    ("volunteers", "le nombre de bénévoles"),
    ("last_budget", "le dernier budget annuel ou chiffre d'affaires"),
]


@dataclass
class Section:
    key: str
    label: str
    missing: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return not self.missing


@dataclass
class Completeness:
    sections: list[Section]

    @property
    def is_complete(self) -> bool:
        return all(section.is_complete for section in self.sections)

    @property
    def missing_count(self) -> int:
        return sum(len(section.missing) for section in self.sections)

    def messages(self) -> list[str]:
        return [
            f"{section.label} : {item}." for section in self.sections for item in section.missing
        ]


def required_economic_years(dossier: Dossier) -> list[int]:
    """The last two closed years, fewer for a structure founded since."""
    this_year = timezone.localdate(dossier.created_at).year
    years = [this_year - 1, this_year - 2]
    founded = dossier.structure.year_founded
    if founded:
        years = [year for year in years if year >= founded]
    return years


def dossier_completeness(dossier: Dossier) -> Completeness:
    structure = dossier.structure
    sections = []

    section = Section("structure", "La structure")
    for name, label in STRUCTURE_REQUIRED:
        if getattr(structure, name) in (None, ""):
            section.missing.append(f"indiquez {label}")
    if not structure.siret and not structure.rna:
        section.missing.append("indiquez le SIRET ou le numéro RNA")
    sections.append(section)

    section = Section("project", "Le projet d'installation")
    if not dossier.site_preferences.all():
        section.missing.append("choisissez au moins un site souhaité")
    if not dossier.wished_surface_m2:
        section.missing.append("indiquez la surface souhaitée")
    if not dossier.activity_type:
        section.missing.append("indiquez le type d'activité")
    if not dossier.expected_move_in:
        section.missing.append("indiquez la date d'installation souhaitée")
    if not dossier.current_premises.strip():
        section.missing.append("décrivez vos locaux actuels")
    if not dossier.expected_effect.strip():
        section.missing.append("décrivez l'effet attendu sur votre modèle économique")
    sections.append(section)

    section = Section("charter", "La charte")
    ticked = {commitment.pk for commitment in dossier.charter_commitments.all()}
    unticked = [c for c in dossier.campaign.charter_commitments.all() if c.pk not in ticked]
    if unticked:
        section.missing.append(
            f"cochez les {len(unticked)} engagements restants"
            if len(unticked) > 1
            else "cochez l'engagement restant"
        )
    sections.append(section)

    section = Section("economy", "Les données économiques")
    years = {year.year: year for year in dossier.economic_years.all()}
    for year in required_economic_years(dossier):
        if year not in years:
            section.missing.append(f"renseignez l'exercice {year}")
        elif not years[year].is_complete:
            section.missing.append(f"complétez l'exercice {year}")
    sections.append(section)

    section = Section("needs", "Les besoins")
    wishes = list(dossier.axis_wishes.all())
    if not wishes:
        section.missing.append("choisissez au moins un axe d'accompagnement souhaité")
    for wish in wishes:
        if not wish.reason.strip():
            section.missing.append(
                f"dites pourquoi vous souhaitez l'axe « {wish.get_axis_display()} »"
            )
    sections.append(section)

    section = Section("documents", "Les pièces justificatives")
    # A quarantined file is no document: the type is still missing.
    provided = {
        attachment.document_type_id
        for attachment in dossier.attachments.all()
        if not attachment.is_infected
    }
    for document_type in dossier.campaign.required_document_types.all():
        if document_type.pk not in provided:
            section.missing.append(f"ajoutez la pièce « {document_type.name} »")
    sections.append(section)

    return Completeness(sections)
