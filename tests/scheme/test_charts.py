"""The SVG charts: geometry in Python, one template for pages and PDFs."""

import re
from decimal import Decimal

from django.template.loader import render_to_string

from scheme.charts import HEIGHT, bar_chart, nice_ceiling


def test_scale_and_bars():
    assert [nice_ceiling(Decimal(v)) for v in ("0", "0.3", "7", "13", "55", "101")] == [
        1, Decimal("0.5"), 10, 20, 100, 200,
    ]  # fmt: skip
    chart = bar_chart(title="Jours", categories=["janv.", "févr."], series=[("Besoin", [10, 5])])
    # The scale tops at 10: the first bar fills the plot (260 - 16 - 48 = 196 px), the
    # second half of it.
    first, second = chart["bars"]
    assert (first.height, second.height) == (196.0, 98.0)
    assert first.y == 16.0
    assert chart["baseline"] == HEIGHT - 48


def test_svg_numbers_are_not_localised():
    # French formatting would write « 12,5 »: an SVG coordinate needs « 12.5 ».
    chart = bar_chart(title="Jours", categories=["a", "b", "c"], series=[("x", [1, 2, 3])])
    svg = render_to_string("scheme/_bar_chart.html", {"chart": chart, "chart_id": "c"})
    assert not re.search(r'\b(x|y|width|height)="[^"]*,', svg)
    assert '<title id="c-title">Jours</title>' in svg
