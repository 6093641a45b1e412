"""The home page, by role: the cockpit (局领导, administrator), the workbench (科室), the school home
(学校管理员, 填报员), the class home (班主任, 校医); and the registry overview every role may open."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.accounts.roles import Role
from edubureau.core.scope import ADD, ANY_MODULE, CHANGE, IMPORT, VIEW, scope_of

from . import cockpit, school_home, schoolmap, workbench
from .figures import charts, figures

# (label, url name, module, action, district-level only)
QUICK_LINKS = [
    (_("新增学生"), "people:student_add", "students", ADD, False),
    (_("学生学籍"), "people:student_list", "students", VIEW, False),
    (_("班级"), "people:class_list", "classes", VIEW, False),
    (_("教职工"), "people:staff_list", "staff", VIEW, False),
    (_("学校与单位"), "org:school_list", "org", VIEW, False),
    (_("学年与校历"), "people:schoolyear_list", "classes", VIEW, False),
    (_("重复数据"), "people:duplicates", "students", CHANGE, True),
    (_("导入任务"), "core:import_list", ANY_MODULE, IMPORT, False),
]


def quick_links(user):
    scope = scope_of(user)
    links = []
    for label, name, module, action, district_only in QUICK_LINKS:
        if module and not scope.allows(module, action):
            continue
        if district_only and not scope.all_units:
            continue
        try:
            links.append((label, reverse(name)))
        except NoReverseMatch:  # a page of a module that is not installed
            continue
    return links


# role -> (page, its title)
PAGES = {
    Role.ADMIN: "cockpit",
    Role.LEADER: "cockpit",
    Role.DEPARTMENT: "workbench",
    Role.SCHOOL_ADMIN: "school",
    Role.SCHOOL_CLERK: "school",
    Role.HEAD_TEACHER: "class",
    Role.SCHOOL_DOCTOR: "class",
}
TITLES = {
    "cockpit": _("教育数据驾驶舱"),
    "workbench": _("科室工作台"),
    "school": _("学校工作台"),
    "class": _("今日填报"),
}


def page_of(user) -> str:
    return "cockpit" if user.is_superuser else PAGES.get(user.role, "registry")


@login_required
def home(request):
    user, today = request.user, timezone.localdate()
    page = page_of(user)
    if page == "registry":
        return registry(request)
    if page == "cockpit":
        context = cockpit.context(
            user, today, request.GET.get("indicator"), with_queue=user.role != Role.LEADER
        )
    elif page == "workbench":
        context = workbench.context(user, today)
    elif page == "school":
        context = school_home.school_context(user, today)
    else:
        context = school_home.class_context(user, today)
    context.update(title=TITLES[page], page=page, now=timezone.now(), links=quick_links(user))
    return render(request, f"dashboard/{page}.html", context)


@login_required
def registry(request):
    """师生库概览: the registry's counts and charts (the former home page)."""
    figs = figures(request.user)
    context = {
        "title": _("师生库概览"),
        "figures": figs,
        "charts": charts(figs),
        "links": quick_links(request.user),
    }
    return render(request, "dashboard/home.html", context)


@login_required
def school_map(request):
    """The cockpit map's data: a GeoJSON FeatureCollection of the user's schools with the chosen
    indicator's value (?indicator=completeness|sick_rate|large_classes|students)."""
    indicator = schoolmap.chosen(request.user, request.GET.get("indicator"))
    return JsonResponse(schoolmap.feature_collection(request.user, indicator, timezone.localdate()))


@login_required
def school_map_chart(request):
    """The map's chart for another indicator (HTMX swaps it in place)."""
    indicator = schoolmap.chosen(request.user, request.GET.get("indicator"))
    collection = schoolmap.feature_collection(request.user, indicator, timezone.localdate())
    context = {
        "map_options": schoolmap.chart_options(collection) if collection["features"] else None,
        "map_indicator": indicator, "now": timezone.now(),
    }  # fmt: skip
    return render(request, "dashboard/_map_chart.html", context)
