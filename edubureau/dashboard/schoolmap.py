"""The cockpit's map of the district's schools: a GeoJSON FeatureCollection of school points (from
`admissions.SchoolLocation`) with one indicator's value per school, drawn by ECharts as a scatter on
longitude/latitude value axes coloured by a visualMap. No tile server: the points are the map.

Each indicator is computed for all the user's schools at once (one or two aggregate queries) and only
offered to users whose scope allows its module.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import VIEW, scope_of
from edubureau.org.models import School, SchoolStatus


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    module: str
    values: Callable  # (school_ids, today) -> {school_id: value}
    higher_is_better: bool = False  # colours: green for the good end, red for the bad one


def _completeness(school_ids, today):
    from edubureau.health import queries

    result = queries.completeness(today, School.objects.filter(pk__in=school_ids))
    return {
        row.school.pk: round(100 * row.reported / row.expected, 1) for row in result.schools if row.expected
    }


def _sick_rate(school_ids, today):
    from edubureau.health import queries
    from edubureau.health.models import SchoolDayRollup

    day = queries.latest_data_day(School.objects.filter(pk__in=school_ids))
    rows = SchoolDayRollup.objects.filter(date=day, school_id__in=school_ids, expected__gt=0)
    return {school: round(100 * sick / expected, 2) for school, sick, expected in
            rows.values_list("school_id", "sick", "expected")}  # fmt: skip


def _large_classes(school_ids, today):
    from edubureau.equity import classsizes
    from edubureau.people.models import SchoolYear

    year = SchoolYear.current()
    if year is None:
        return {}
    rows = classsizes.classes_of(year, School.objects.filter(pk__in=school_ids))
    counts = Counter(r.school_id for r in rows if r.band in ("large", "huge"))
    return {school_id: counts.get(school_id, 0) for school_id in {r.school_id for r in rows}}


def _students(school_ids, today):
    from edubureau.people.models import Student, StudentStatus

    rows = Student.objects.filter(school_id__in=school_ids, status=StudentStatus.STUDYING).order_by()
    return dict(rows.values_list("school_id").annotate(n=Count("pk")))


INDICATORS = {
    i.key: i
    for i in (
        Indicator("completeness", _("今日上报完整率"), "%", "health", _completeness, higher_is_better=True),
        Indicator("sick_rate", _("因病缺课率"), "%", "health", _sick_rate),
        Indicator("large_classes", _("大班额班级数"), "个", "equity", _large_classes),
        Indicator("students", _("在读学生数"), "人", "students", _students),
    )
}


def indicators_for(user) -> list[Indicator]:
    scope = scope_of(user)
    return [i for i in INDICATORS.values() if scope.allows(i.module, VIEW)]


def chosen(user, key: str | None) -> Indicator | None:
    offered = indicators_for(user)
    return next((i for i in offered if i.key == key), offered[0] if offered else None)


def feature_collection(user, indicator: Indicator | None, today: datetime.date) -> dict:
    """The user's open schools that have a location, as GeoJSON points with name, stage and the
    indicator's value (null when the school has none)."""
    from edubureau.admissions.models import SchoolLocation

    scope = scope_of(user)
    if not scope.allows("org", VIEW):
        return {"type": "FeatureCollection", "features": []}
    locations = scope.in_units(SchoolLocation.objects.filter(school__status=SchoolStatus.OPEN), "school")
    rows = list(
        locations.order_by("school__code").values_list(
            "school_id", "school__name", "school__short_name", "school__stage", "longitude", "latitude"
        )
    )
    ids = [r[0] for r in rows]
    values = indicator.values(ids, today) if indicator and ids else {}
    stages = dict(School._meta.get_field("stage").choices)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lng), float(lat)]},
            "properties": {
                "id": pk,
                "name": short or name,
                "stage": str(stages.get(stage, stage or "")),
                **({indicator.key: values.get(pk)} if indicator else {}),
            },
        }  # fmt: skip
        for pk, name, short, stage, lng, lat in rows
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "indicator": None
        if indicator is None
        else {
            "key": indicator.key,
            "label": str(indicator.label),
            "unit": indicator.unit,
            "higher_is_better": indicator.higher_is_better,
        },
        "computed_at": today.isoformat(),
    }


def chart_options(collection: dict) -> dict:
    """ECharts options drawing the collection: a scatter on lng/lat value axes, coloured by value."""
    indicator = collection.get("indicator") or {"key": "", "label": "", "unit": ""}
    key = indicator["key"]
    data, empty = [], []
    for f in collection["features"]:
        lng, lat = f["geometry"]["coordinates"]
        value = f["properties"].get(key)
        if value is None:
            empty.append({"name": f["properties"]["name"], "value": [lng, lat]})
        else:
            data.append({"name": f["properties"]["name"], "value": [lng, lat, value]})
    known = [d["value"][2] for d in data]
    colours = ["#2fb344", "#f59f00", "#d63939"]
    if indicator.get("higher_is_better"):
        colours.reverse()
    label = f"{indicator['label']}（{indicator['unit']}）" if indicator["unit"] else indicator["label"]
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 16, "right": 90, "top": 16, "bottom": 16, "containLabel": True},
        "xAxis": {"type": "value", "scale": True, "name": "经度", "axisLabel": {"show": False},
                  "splitLine": {"show": False}},
        "yAxis": {"type": "value", "scale": True, "name": "纬度", "axisLabel": {"show": False},
                  "splitLine": {"show": False}},
        "visualMap": {
            "type": "continuous", "dimension": 2, "seriesIndex": 0, "min": min(known, default=0), "max": max(known, default=1) or 1,
            "calculable": True, "right": 0, "top": "middle", "text": [label, ""],
            "inRange": {"color": colours}, "outOfRange": {"color": ["#adb5bd"]},
        },
        "series": [{
            "type": "scatter", "symbolSize": 14, "data": data,
            "dimensions": ["经度", "纬度", label], "encode": {"x": 0, "y": 1, "tooltip": [2]},
        }, {
            "type": "scatter", "name": "无数据", "symbolSize": 10, "data": empty, "itemStyle": {"color": "#adb5bd"},
        }],
    }  # fmt: skip
