"""ECharts options of the 优质均衡 pages (plain dicts, rendered with json_script; app.js draws them)."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from edubureau.people.models import grade_label

from .indicators import INDICATORS


def class_size_history(summaries) -> dict:
    """Stacked bars per school year: classes above the standard, 大班额, 超大班额."""
    years = [str(s.year) for s in summaries]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "name": _("班")},
        "series": [
            {
                "name": _("超过标准（未达大班额）"),
                "type": "bar",
                "stack": "n",
                "data": [s.over - s.large - s.huge for s in summaries],
            },
            {"name": _("大班额 56–65"), "type": "bar", "stack": "n", "data": [s.large for s in summaries]},
            {"name": _("超大班额 ≥66"), "type": "bar", "stack": "n", "data": [s.huge for s in summaries]},
        ],
    }


def class_size_by_grade(rows) -> dict:
    """Classes above the standard in the chosen year, by grade and band."""
    grades = sorted({r.grade for r in rows})
    counts = Counter((r.grade, r.band) for r in rows)
    series = [
        (_("超过标准（未达大班额）"), "over"),
        (_("大班额 56–65"), "large"),
        (_("超大班额 ≥66"), "huge"),
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": [grade_label(g) for g in grades]},
        "yAxis": {"type": "value", "name": _("班")},
        "series": [
            {"name": name, "type": "bar", "stack": "n", "data": [counts[(g, band)] for g in grades]}
            for name, band in series
        ],
    }


def gauge(name: str, share: float | None, target: float) -> dict:
    """A 0–100 % gauge with the target marked: red below it, green above."""
    value = round(share * 100, 1) if share is not None else 0
    return {
        "series": [
            {
                "type": "gauge",
                "min": 0,
                "max": 100,
                "progress": {"show": True, "width": 14},
                "axisLine": {"lineStyle": {"width": 14, "color": [[target, "#d63939"], [1, "#2fb344"]]}},
                "axisLabel": {"distance": 18, "fontSize": 10},
                "splitLine": {"length": 8},
                "pointer": {"width": 4},
                "title": {"offsetCenter": [0, "78%"], "fontSize": 13},
                "detail": {
                    "valueAnimation": False,
                    "formatter": "{value}%",
                    "fontSize": 20,
                    "offsetCenter": [0, "45%"],
                },
                "data": [{"value": value, "name": name}],
            }
        ]
    }


def cv_bars(rows, threshold: float, title: str) -> dict:
    """The seven CVs of one 学段 as bars, with the threshold as a line."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": [r["code"].upper() for r in rows]},
        "yAxis": {"type": "value", "name": "CV"},
        "series": [
            {
                "type": "bar",
                "data": [
                    {"value": None if r["cv"] is None else round(r["cv"], 4),
                     "itemStyle": {"color": "#d63939" if r["passed"] is False else "#2fb344"}}
                    for r in rows
                ],
                "markLine": {"symbol": "none", "data": [{"yAxis": threshold, "name": _("阈值")}],
                             "lineStyle": {"color": "#f59f00", "type": "dashed"}},
            }
        ],
    }  # fmt: skip


def cv_history(history, stage: str, threshold: float) -> dict:
    """The seven CVs of one 学段 over the school years (oldest first), the threshold dashed."""
    years = [str(year) for year, _cvs in history]
    series = []
    for k in INDICATORS:
        data = []
        for _year, cvs in history:
            c = cvs[stage].indicators[k] if stage in cvs else None
            data.append(None if c is None or c.cv is None else round(c.cv, 4))
        series.append({"name": k.upper(), "type": "line", "data": data, "connectNulls": False})
    series[0]["markLine"] = {
        "symbol": "none",
        "data": [{"yAxis": threshold}],
        "lineStyle": {"color": "#f59f00", "type": "dashed"},
    }
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 36, "bottom": 28},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "name": "CV"},
        "series": series,
    }
