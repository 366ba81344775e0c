"""Plotly figures for an indicator: by child unit, and over time, each with the plan's threshold.

A figure is rendered as a <div> and its JSON in a data block (`<script type="application/json">`, which
never runs); `dashboard/charts.js` draws it with plotly's JavaScript from our own static files
(`dashboard/plotly.min.js`), never from a CDN, so the page needs no inline script (Content-Security-Policy).
"""

from __future__ import annotations

import uuid

import plotly.graph_objects as go
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from plotly.io.json import to_json_plotly

from treem.core.numbers import round_half_up
from treem.core.periods import period_label
from treem.plans.evaluation import Evaluation, Status
from treem.plans.models import Indicator

from .templatetags.dashboard_tags import threshold_rule, vn_number

STATUS_COLOURS = {
    Status.ACHIEVED: "#1e7b34",
    Status.NOT_ACHIEVED: "#b42318",
    Status.ON_TRACK: "#1e7b34",
    Status.BEHIND: "#b42318",
    Status.PARTIAL: "#b54708",
    Status.NO_DATA: "#98a2b3",
    Status.NOT_APPLICABLE: "#d0d5dd",
}
THRESHOLD_COLOUR = "#0b5cad"
HEIGHT = 420


def _y(ev: Evaluation) -> float | None:
    return float(round_half_up(ev.value)) if ev.value is not None else None


def _hover(ev: Evaluation) -> str:
    if ev.value is None:
        return str(Status.LABELS[ev.status])
    return f"{vn_number(ev.value)} {ev.indicator.get_unit_display()} — {Status.LABELS[ev.status]}"


def _finish(fig: go.Figure, indicator: Indicator, x_title: str) -> go.Figure:
    fig.add_hline(
        y=float(indicator.threshold),
        line_dash="dash",
        line_color=THRESHOLD_COLOUR,
        annotation_text=_("Ngưỡng kế hoạch: %(rule)s") % {"rule": threshold_rule(indicator)},
        annotation_position="top left",
        annotation_font_color=THRESHOLD_COLOUR,
        annotation_bgcolor="rgba(255,255,255,0.85)",
    )
    fig.update_layout(
        separators=",.",  # decimal comma, thousands dot
        template="plotly_white",
        height=HEIGHT,
        margin={"l": 60, "r": 20, "t": 30, "b": 90},
        showlegend=False,
        xaxis_title=x_title,
        yaxis_title=indicator.get_unit_display(),
        yaxis_rangemode="tozero",
        hoverlabel={"namelength": -1},
    )
    return fig


def by_unit_figure(indicator: Indicator, evaluations: list[Evaluation]) -> go.Figure:
    """One bar per unit, coloured by status, with the threshold as a horizontal line."""
    bars = go.Bar(
        x=[ev.unit.name for ev in evaluations],
        y=[_y(ev) for ev in evaluations],
        marker_color=[STATUS_COLOURS[ev.status] for ev in evaluations],
        hovertext=[_hover(ev) for ev in evaluations],
        hoverinfo="x+text",
    )
    return _finish(go.Figure(bars), indicator, _("Đơn vị hành chính"))


def over_time_figure(indicator: Indicator, evaluations: list[Evaluation]) -> go.Figure:
    """The unit's value per period (gaps where there is no data), with the threshold line."""
    line = go.Scatter(
        x=[period_label(ev.period) for ev in evaluations],
        y=[_y(ev) for ev in evaluations],
        mode="lines+markers",
        line_color="#1d2733",
        marker={"size": 10, "color": [STATUS_COLOURS[ev.status] for ev in evaluations]},
        hovertext=[_hover(ev) for ev in evaluations],
        hoverinfo="x+text",
        connectgaps=False,
    )
    return _finish(go.Figure(line), indicator, _("Kỳ báo cáo"))


def to_html(fig: go.Figure) -> SafeString:
    """The figure's <div> and its data block; `dashboard/charts.js` draws it with our static plotly.js."""
    div_id = f"chart-{uuid.uuid4().hex}"
    figure = {**fig.to_plotly_json(), "config": {"displaylogo": False, "responsive": True}}
    # plotly's encoder escapes <, > and / (\u003c …), so the JSON cannot close the <script> element.
    data = to_json_plotly(figure)
    return format_html(
        '<div id="{}" class="plotly-graph-div" data-figure="{}-figure" style="height:{}px; width:100%;"></div>'
        '<script type="application/json" id="{}-figure">{}</script>',
        div_id,
        div_id,
        HEIGHT,
        div_id,
        mark_safe(data),  # noqa: S308 - plotly's JSON, with <, > and / escaped
    )
