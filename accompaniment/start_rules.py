"""When each axis may start for a structure (DOMAIN.md, "The six accompaniment axes").

One function per axis, gathered in ``START_RULES``; each reads a
``StartContext`` (the dossier, the campaign's securing timing, the validated
full diagnostic, the committee's recommendation) and answers with a
``StartDecision`` whose refusal explains itself in French. Services call
``check_can_start`` before any write on an axis.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from applicants.models import Campaign, Dossier, DossierStatus, Structure
from ccr_portal.axes import Axis
from diagnostics.models import CONCLUDED_STATUSES, Diagnostic, DiagnosticKind

from .models import CommitteeRecommendation

# Before these statuses the committee has not selected the structure yet.
BEFORE_SELECTION = (
    DossierStatus.DRAFT,
    DossierStatus.SUBMITTED,
    DossierStatus.CHANGES_REQUESTED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.IN_COMMITTEE,
    DossierStatus.WAITLISTED,
)


@dataclass(frozen=True)
class StartDecision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = StartDecision(True)


@dataclass(frozen=True)
class StartContext:
    structure: Structure
    campaign: Campaign | None
    dossier: Dossier | None
    # A full diagnostic validated, or covered by an existing one.
    has_full_diagnostic: bool
    securing_recommended: bool

    @property
    def is_selected(self) -> bool:
        return self.dossier is not None and self.dossier.is_selected

    @property
    def is_installed(self) -> bool:
        return self.dossier is not None and self.dossier.status == DossierStatus.INSTALLED

    @property
    def is_before_selection(self) -> bool:
        return self.dossier is None or self.dossier.status in BEFORE_SELECTION

    def dossier_state(self) -> str:
        """« le dossier de X est « En instruction » », or that it has none."""
        if self.dossier is None:
            where = f" pour l'appel « {self.campaign} »" if self.campaign else ""
            return f"« {self.structure} » n'a pas de dossier de candidature{where}"
        return f"le dossier de « {self.structure} » est « {self.dossier.get_status_display()} »"


def _axis(axis: str) -> str:
    return f"L'axe « {Axis(axis).label} »"


def rule_diagnostic(context: StartContext) -> StartDecision:
    return ALLOWED


def rule_securing(context: StartContext) -> StartDecision:
    if not context.has_full_diagnostic:
        return StartDecision(
            False,
            f"{_axis(Axis.SECURING)} s'appuie sur un diagnostic complet validé (ou couvert "
            f"par un diagnostic existant) : « {context.structure} » n'en a pas encore.",
        )
    timing = context.campaign.securing_timing if context.campaign else Campaign.SecuringTiming.BOTH
    allows_before = timing in (
        Campaign.SecuringTiming.BEFORE_SELECTION,
        Campaign.SecuringTiming.BOTH,
    )
    allows_after = timing in (Campaign.SecuringTiming.AFTER_SELECTION, Campaign.SecuringTiming.BOTH)
    if context.is_before_selection:
        if allows_before:
            return ALLOWED
        return StartDecision(
            False,
            f"L'appel « {context.campaign} » prévoit la sécurisation après la sélection, sur "
            f"recommandation du comité : {context.dossier_state()}.",
        )
    if context.is_selected:
        if not allows_after:
            return StartDecision(
                False,
                f"L'appel « {context.campaign} » prévoit la sécurisation avant la sélection "
                f"uniquement : la candidature de « {context.structure} » est déjà retenue.",
            )
        if not context.securing_recommended:
            return StartDecision(
                False,
                "Après la sélection, la sécurisation se fait sur recommandation du comité de "
                "sélection : aucune recommandation n'est enregistrée pour "
                f"« {context.structure} ».",
            )
        return ALLOWED
    return StartDecision(
        False,
        f"{_axis(Axis.SECURING)} ne concerne que les candidatures en cours ou retenues : "
        f"{context.dossier_state()}.",
    )


def rule_cooperation(context: StartContext) -> StartDecision:
    if context.is_selected:
        return ALLOWED
    return StartDecision(
        False,
        f"{_axis(Axis.COOPERATION)} ne peut démarrer qu'une fois la candidature retenue par le "
        f"comité de sélection : {context.dossier_state()}.",
    )


def rule_professionalisation(context: StartContext) -> StartDecision:
    if context.is_selected:
        return ALLOWED
    return StartDecision(
        False,
        f"{_axis(Axis.PROFESSIONALISATION)} ne peut démarrer qu'une fois la candidature retenue "
        f"par le comité de sélection : {context.dossier_state()}.",
    )


def rule_responsibility(context: StartContext) -> StartDecision:
    if context.is_installed:
        return ALLOWED
    return StartDecision(
        False,
        f"{_axis(Axis.RESPONSIBILITY)} ne peut démarrer qu'une fois la structure installée dans "
        f"la CCR, avec l'association des résidents : {context.dossier_state()}.",
    )


def rule_financing(context: StartContext) -> StartDecision:
    if context.is_selected:
        return ALLOWED
    return StartDecision(
        False,
        f"{_axis(Axis.FINANCING)} ne peut démarrer qu'une fois la candidature retenue : "
        f"{context.dossier_state()}. Les besoins de financement peuvent déjà être déclarés "
        "dans le dossier de candidature.",
    )


START_RULES = {
    Axis.DIAGNOSTIC: rule_diagnostic,
    Axis.SECURING: rule_securing,
    Axis.COOPERATION: rule_cooperation,
    Axis.PROFESSIONALISATION: rule_professionalisation,
    Axis.RESPONSIBILITY: rule_responsibility,
    Axis.FINANCING: rule_financing,
}


def structure_dossier(structure: Structure, campaign: Campaign | None = None) -> Dossier | None:
    """The dossier that decides: the campaign's, or the structure's most advanced one."""
    dossiers = Dossier.objects.filter(structure=structure).select_related("campaign")
    if campaign is not None:
        return dossiers.filter(campaign=campaign).first()
    ranked = sorted(
        dossiers,
        key=lambda dossier: (
            dossier.status == DossierStatus.INSTALLED,
            dossier.status == DossierStatus.ACCEPTED,
            dossier.created_at,
        ),
        reverse=True,
    )
    return ranked[0] if ranked else None


def start_context(
    structure: Structure,
    campaign: Campaign | None = None,
    *,
    dossier: Dossier | None = None,
    recommendations: list[CommitteeRecommendation] | None = None,
) -> StartContext:
    """What the rules read; a page that has the dossier and its recommendations passes them."""
    if dossier is None:
        dossier = structure_dossier(structure, campaign)
    if dossier is None:
        securing_recommended = False
    elif recommendations is not None:
        securing_recommended = any(r.axis == Axis.SECURING for r in recommendations)
    else:
        securing_recommended = CommitteeRecommendation.objects.filter(
            dossier=dossier, axis=Axis.SECURING
        ).exists()
    return StartContext(
        structure=structure,
        campaign=campaign or (dossier.campaign if dossier else None),
        dossier=dossier,
        has_full_diagnostic=Diagnostic.objects.filter(
            structure=structure, kind=DiagnosticKind.FULL, status__in=CONCLUDED_STATUSES
        ).exists(),
        securing_recommended=securing_recommended,
    )


def start_decision(
    axis: str, *, structure: Structure, campaign: Campaign | None = None
) -> StartDecision:
    return START_RULES[Axis(axis)](start_context(structure, campaign))


def check_can_start(
    axis: str, *, structure: Structure, campaign: Campaign | None = None, field: str | None = None
) -> None:
    """Raise a French ``ValidationError`` (on ``field`` if given) when the axis may not start."""
    decision = start_decision(axis, structure=structure, campaign=campaign)
    if not decision:
        message = ValidationError(decision.reason, code="axis_not_open")
        raise ValidationError({field: message}) if field else message
