from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ADD, ANY_MODULE, CHANGE, IMPORT, VIEW, scope_of

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


@login_required
def home(request):
    figs = figures(request.user)
    context = {"title": _("工作台"), "figures": figs, "charts": charts(figs), "links": quick_links(request.user)}
    return render(request, "dashboard/home.html", context)
