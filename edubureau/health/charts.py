"""ECharts options of the health pages (plain dicts: the template writes them with json_script and
app.js draws them; no inline script)."""

import datetime


def _pct(value):
    return None if value is None else round(value * 100, 2)


def line(title: str, days: list[datetime.date], series: dict[str, list], percent: bool = True) -> dict:
    """A line chart over days; `series` maps a name to one value per day (rates as fractions)."""
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"left": 50, "right": 20, "top": 60, "bottom": 40},
        "xAxis": {"type": "category", "data": [d.strftime("%m-%d") for d in days]},
        "yAxis": {"type": "value", "name": "%" if percent else "", "min": 0},
        "series": [
            {
                "name": name,
                "type": "line",
                "showSymbol": False,
                "connectNulls": False,
                "data": [_pct(v) if percent else v for v in values],
            }
            for name, values in series.items()
        ],  # fmt: skip
    }


def bars(title: str, labels: list[str], values: list, horizontal: bool = False) -> dict:
    category = {"type": "category", "data": labels}
    value = {"type": "value", "minInterval": 1}
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 90 if horizontal else 40, "right": 20, "top": 40, "bottom": 40},
        "xAxis": value if horizontal else category,
        "yAxis": category if horizontal else value,
        "series": [{"type": "bar", "data": values}],
    }


def stage_trend(trend: dict[str, list[tuple]]) -> tuple[list[datetime.date], dict[str, list]]:
    """trend_by_stage's {stage: [(day, rate)]} as one day axis and a value (or None) per day."""
    days = sorted({d for points in trend.values() for d, _rate in points})
    series = {}
    for stage, points in trend.items():
        by_day = dict(points)
        series[stage] = [by_day.get(d) for d in days]
    return days, series
