"""The home page's figures, computed within the user's scope with a few aggregate queries
(never one query per school or class)."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from edubureau.core.scope import VIEW, scope_of
from edubureau.org.models import Nature, School, SchoolStatus, Stage
from edubureau.people.filtersets import CLASS_SIZE_LIMITS
from edubureau.people.models import (
    GRADE_LABELS,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffStatus,
    Student,
    StudentStatus,
    Title,
)

# Class-size thresholds (the class list's size filter): 45, 50, and above 55 is 大班额.
SIZE_LIMITS = tuple(CLASS_SIZE_LIMITS.values())


def _counts(queryset, field):
    return {row[field]: row["n"] for row in queryset.order_by().values(field).annotate(n=Count("pk"))}


def school_figures(user):
    schools = School.objects.for_user(user).filter(status=SchoolStatus.OPEN)
    by_stage, by_nature = _counts(schools, "stage"), _counts(schools, "nature")
    return {
        "total": sum(by_stage.values()),
        "by_stage": [(str(label), by_stage[value]) for value, label in Stage.choices if by_stage.get(value)],
        "by_nature": [
            (str(label), by_nature[value]) for value, label in Nature.choices if by_nature.get(value)
        ],
    }


def student_figures(user):
    students = Student.objects.for_user(user).filter(status=StudentStatus.STUDYING)
    by_grade = _counts(students, "school_class__grade")
    rows = [(GRADE_LABELS[g], by_grade[g]) for g in sorted(g for g in by_grade if g is not None)]
    if by_grade.get(None):
        rows.append(("未编班", by_grade[None]))
    return {"total": sum(by_grade.values()), "by_grade": rows}


def staff_figures(user):
    staff = Staff.objects.for_user(user).filter(status=StaffStatus.ACTIVE)
    by_title = _counts(staff, "title")
    return {
        "total": sum(by_title.values()),
        "by_title": [(str(label), by_title[value]) for value, label in Title.choices if by_title.get(value)],
    }


def class_figures(user, year=None):
    """Classes of the (current) school year and their sizes: the 在读 students per class, counted
    and banded in one aggregate query over the per-class counts."""
    year = year or SchoolYear.current()
    classes = SchoolClass.objects.for_user(user).filter(school_year=year).order_by()
    sized = classes.annotate(size=Count("students", filter=Q(students__status=StudentStatus.STUDYING)))
    bands = sized.aggregate(
        total=Count("pk"), **{f"over_{n}": Count("pk", filter=Q(size__gt=n)) for n in SIZE_LIMITS}
    )
    return {"year": year, "urls": class_list_urls(year), **{k: v or 0 for k, v in bands.items()}}


def class_list_urls(year):
    """The class list of that year, all and per size band; the list applies the user's scope."""
    url = reverse("people:class_list")
    urls = {"total": f"{url}?{urlencode({'school_year': year.start_year})}"}
    for size, n in CLASS_SIZE_LIMITS.items():
        urls[f"over_{n}"] = f"{url}?{urlencode({'school_year': year.start_year, 'size': size})}"
    return urls


def figures(user):
    """Everything the home page shows, for the modules the user may see."""
    scope = scope_of(user)
    result = {}
    if scope.allows("org", VIEW):
        result["schools"] = school_figures(user)
    if scope.allows("students", VIEW):
        result["students"] = student_figures(user)
    if scope.allows("staff", VIEW):
        result["staff"] = staff_figures(user)
    if scope.allows("classes", VIEW) and SchoolYear.objects.exists():
        result["classes"] = class_figures(user)
    return result


# ---------------------------------------------------------------- ECharts options


def pie(title, rows):
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {"type": "pie", "radius": ["35%", "65%"], "data": [{"name": n, "value": v} for n, v in rows]}
        ],
    }


def bar(title, rows, name):
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 16, "bottom": 32, "top": 64},
        "xAxis": {"type": "category", "data": [n for n, _ in rows], "axisLabel": {"interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "name": name,
                "data": [v for _, v in rows],
                "label": {"show": True, "position": "top"},
            }
        ],
    }


def size_bands(classes):
    """Classes per size band, from the cumulative counts of class_figures."""
    a, b, c = (classes[f"over_{n}"] for n in SIZE_LIMITS)
    return [
        ("45人及以下", classes["total"] - a),
        ("46–50人", a - b),
        ("51–55人", b - c),
        ("56人及以上（大班额）", c),
    ]


def charts(figs):
    """(element id, ECharts options) for each chart the figures allow."""
    out = []
    if "schools" in figs:
        out.append(("chart-schools-stage", pie("学校按学段", figs["schools"]["by_stage"])))
        out.append(("chart-schools-nature", pie("学校按办学性质", figs["schools"]["by_nature"])))
    if "students" in figs:
        out.append(("chart-students-grade", bar("在读学生按年级", figs["students"]["by_grade"], "学生数")))
    if "staff" in figs:
        out.append(("chart-staff-title", bar("在职教职工按职称", figs["staff"]["by_title"], "人数")))
    if "classes" in figs:
        out.append(("chart-class-sizes", bar("班额分布（本学年）", size_bands(figs["classes"]), "班级数")))
    return out
