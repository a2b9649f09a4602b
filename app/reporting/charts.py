"""Charts as SVG (pygal), embedded as data URIs so the PDF and the web page show the same."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pygal
from pygal.style import Style

from app.reporting.figures.dynamics import CountRow, TrendPoint

STYLE = Style(
    font_family="DejaVu Sans, sans-serif",
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#888",
    colors=("#1f5f8b", "#9bb8cf", "#c0392b"),
    title_font_size=15,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    value_font_size=11,
)
MAX_BARS = 10


def _uri(chart: pygal.graph.graph.Graph) -> str:
    # No scripts or external CSS: WeasyPrint and a browser both show the plain SVG.
    svg = chart.render(is_unicode=True)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _options(height: int = 300) -> dict[str, object]:
    return {
        "style": STYLE,
        "width": 760,
        "height": height,
        "js": [],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "margin": 12,
        "margin_bottom": 24,
    }


def _integer_axis(chart: pygal.graph.graph.Graph, top: int) -> None:
    # Counts: whole-number ticks only (pygal would otherwise tick 0.2, 0.4 …).
    step = max(1, -(-top // 8))
    chart.y_labels = list(range(0, max(top, 1) + step, step))


def trend_chart(points: Sequence[TrendPoint], title: str) -> str:
    """Cases and late answers over the last periods (a data URI)."""
    chart = pygal.Bar(**_options(), title=title)
    chart.x_labels = [p.label for p in points]
    _integer_axis(chart, max([p.collected for p in points] or [0]))
    chart.add("Собрано сообщений", [p.collected for p in points])
    chart.add("Требовали реакции", [p.cases for p in points])
    chart.add("Ответ с нарушением срока", [p.answer_late for p in points])
    return _uri(chart)


def compare_chart(rows: Sequence[CountRow], title: str) -> str:
    """This period against the previous one, the largest values first (a data URI)."""
    shown = list(rows)[:MAX_BARS]
    chart = pygal.HorizontalBar(**_options(110 + 34 * len(shown)), title=title)
    chart.x_labels = [r.name[:40] for r in shown][::-1]
    _integer_axis(chart, max([max(r.count, r.previous) for r in shown] or [0]))
    # Series order sets the colours: the period in the strong colour, the previous one pale.
    chart.add("Отчётный период", [r.count for r in shown][::-1])
    chart.add("Предыдущий период", [r.previous for r in shown][::-1])
    return _uri(chart)
