"""Server-drawn SVG bar charts: the geometry here, the drawing in one small template.

``templates/scheme/_bar_chart.html`` draws what ``bar_chart`` returns, the same in the
pages and the PDFs (no JavaScript). Every chart comes with its table, its accessible
alternative: the SVG itself is ``aria-hidden``, with a title.
"""

from dataclasses import dataclass
from decimal import Decimal

from ccr_portal.formatting import format_number

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 48
# Colours with a contrast of at least 3:1 against white (WCAG 1.4.11).
PALETTE = ("#0b3d91", "#047857", "#b45309", "#9d174d", "#4338ca")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    value: str


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10ⁿ at least ``value`` (1 for nothing)."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(1)
    step = Decimal(1)
    while step * 10 <= value:
        step *= 10
    while step > value:
        step /= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def bar_chart(*, title: str, categories: list[str], series: list[tuple[str, list]]) -> dict:
    """Grouped bars: one group per category, one bar per series, a shared scale."""
    values = [Decimal(v) for _, serie in series for v in serie] or [Decimal(0)]
    top = nice_ceiling(max(values))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    group = plot_width / max(len(categories), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    bars = []
    for s_index, (_, serie) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for c_index, value in enumerate(serie):
            height = float(Decimal(value) / top) * plot_height
            bars.append(
                Bar(
                    x=round(LEFT + c_index * group + group * 0.1 + s_index * bar_width, 1),
                    y=round(TOP + plot_height - height, 1),
                    width=round(bar_width - 1, 1),
                    height=round(height, 1),
                    colour=colour,
                    value=format_number(value, 1),
                )
            )
    ticks = [
        {
            "y": round(TOP + plot_height - plot_height * i / 4, 1),
            "label": format_number(top * i / 4, 1),
        }
        for i in range(5)
    ]
    labels = [
        {"x": round(LEFT + index * group + group / 2, 1), "text": text}
        for index, text in enumerate(categories)
    ]
    legend = [
        {"x": LEFT + index * 160, "colour": PALETTE[index % len(PALETTE)], "text": name}
        for index, (name, _) in enumerate(series)
    ]
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_height,
        "label_y": TOP + plot_height + 16,
        "legend_y": HEIGHT - 12,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "legend": legend,
    }
