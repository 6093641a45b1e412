from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import ANY_MODULE, IMPORT, VIEW, scope_of

# (section, [(label, url name, module that must be visible or None[, the action needed there])])
NAVIGATION = [
    (_("首页"), [(_("工作台"), "home", None)]),
    (
        _("学校库"),
        [(_("学校与单位"), "org:school_list", "org"), (_("学区"), "org:zone_list", "org"),
         (_("教育集团"), "org:group_list", "org")],
    ),
    (
        _("师生库"),
        [(_("班级"), "people:class_list", "classes"), (_("学生学籍"), "people:student_list", "students"),
         (_("教职工"), "people:staff_list", "staff"), (_("交流支教"), "people:posting_list", "staff"),
         (_("学年与校历"), "people:schoolyear_list", "classes")],
    ),
    # Each domain app lists its pages in its own section.
    (_("健康日报"), []),
    (_("招生入学"), []),
    (_("工作要点与项目"), []),
    (_("优质均衡"), []),
    (
        _("系统"),
        [(_("导入任务"), "core:import_list", ANY_MODULE, IMPORT), (_("审计日志"), "core:change_list", "audit"),
         (_("用户管理"), "accounts:user_list", "users"), (_("API 文档"), "api-docs", None)],
    ),
]  # fmt: skip


def navigation(request):
    if not request.user.is_authenticated:
        return {}
    scope = scope_of(request.user)
    path = request.path
    nav = []
    for section, entries in NAVIGATION:
        items = []
        for label, name, module, *action in entries:
            if module and not scope.allows(module, *action or [VIEW]):
                continue
            url = reverse(name)
            active = path == url if url == "/" else path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
        if items:
            nav.append({"label": section, "items": items})
    return {"nav": nav}
