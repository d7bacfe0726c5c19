"""What a diagnostic's report shows, for its page and its PDF alike."""

from decimal import Decimal

from ccr_portal.axes import Axis

from .models import Diagnostic, Score
from .services.sharing import active_consent

AXIS_ORDER = {axis.value: index for index, axis in enumerate(Axis)}
# Fragile in red up to solid in green, on the page (Bootstrap) as in the PDF.
BAR_CLASSES = {1: "bg-danger", 2: "bg-warning", 3: "bg-primary", 4: "bg-success"}


def grid_lines(diagnostic: Diagnostic) -> list[dict]:
    """One line per theme of the grid, in order, with its bar's width (a profile)."""
    scores = {line.theme: line for line in diagnostic.scores.all()}
    lines = []
    for theme in diagnostic.themes:
        line = scores.get(theme.value)
        score = line.score if line else None
        lines.append(
            {
                "theme": theme.label,
                "score": score,
                "score_label": Score(score).label if score else "",
                "percent": score * 25 if score else 0,
                "bar_class": BAR_CLASSES.get(score, ""),
                "observations": line.observations if line else "",
            }
        )
    return lines


def report_context(diagnostic: Diagnostic) -> dict:
    """The conclusions only once delivered: a provider's draft is never printed."""
    axes = sorted(diagnostic.axis_recommendations.all(), key=lambda line: AXIS_ORDER[line.axis])
    consent = active_consent(diagnostic) if diagnostic.is_support else None
    return {
        "diagnostic": diagnostic,
        "finished": diagnostic.is_finished,
        "grid": grid_lines(diagnostic) if diagnostic.is_finished else [],
        "axes": axes,
        "axes_total": sum((line.days for line in axes), Decimal("0")),
        "consent": consent,
    }
