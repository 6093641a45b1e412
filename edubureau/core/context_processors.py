from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from .scope import ANY_MODULE, IMPORT, VIEW, scope_of

# (section, [(label, url name, module that must be visible or None[, the action needed there])])
NAVIGATION = [
    (_("首页"), [(_("工作台"), "home", None), (_("消息中心"), "notifications:list", None)]),
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
    (
        _("健康日报"),
        [(_("填报班级日报"), "health:report_new", "health", "add"), (_("上报情况"), "health:day", "health"),
         (_("预警"), "health:alert_list", "health"), (_("追踪登记"), "health:followup", "health"),
         (_("每日简报"), "health:briefing", "health"), (_("趋势分析"), "health:trends", "health"),
         (_("班级日报记录"), "health:report_list", "health"), (_("因病缺课登记"), "health:case_list", "health"),
         (_("教职工健康日报"), "health:staff_report_list", "health")],
    ),
    (
        _("招生入学"),
        [(_("招生工作"), "admissions:campaign_list", "admissions"), (_("入学申请"), "admissions:application_list", "admissions"),
         (_("招生计划"), "admissions:plan_list", "admissions"), (_("民办摇号"), "admissions:draw_list", "admissions"),
         (_("摇号公示"), "admissions:public_draw_list", None),
         (_("对口规则"), "admissions:catchment_rule_list", "admissions"), (_("划片片区"), "admissions:catchment_group_list", "admissions"),
         (_("对口查询"), "admissions:catchment_lookup", "admissions"), (_("对口规则检查"), "admissions:catchment_check", "admissions"), (_("学校位置"), "admissions:school_location_list", "admissions"),
         (_("录取分配"), "admissions:allocation", "admissions"), (_("录取名单"), "admissions:placement_list", "admissions"),
         (_("申诉投诉"), "admissions:appeal_list", "admissions")],
    ),
    (
        _("工作要点与项目"),
        [(_("工作要点"), "workplan:plan_list", "workplan"), (_("任务台账"), "workplan:task_list", "workplan"),
         (_("推进情况"), "workplan:report_list", "workplan"), (_("逾期与未报提醒"), "workplan:reminders", "workplan"),
         (_("工作要点看板"), "workplan:dashboard", "workplan"), (_("重点项目"), "workplan:project_list", "projects"),
         (_("重点项目看板"), "workplan:project_dashboard", "projects")],
    ),
    (
        _("优质均衡"),
        [(_("优质均衡监测"), "equity:dashboard", "equity"), (_("班额监测"), "equity:class_sizes", "equity"),
         (_("办学资源填报"), "equity:report_list", "equity"), (_("指标人工调整"), "equity:override_list", "equity"),
         (_("模拟与优化"), "equity:whatif", "equity"), (_("优质均衡参数"), "equity:settings", "equity")],
    ),
    (
        _("系统"),
        [(_("导入任务"), "core:import_list", ANY_MODULE, IMPORT), (_("审计日志"), "core:change_list", "audit"),
         (_("用户管理"), "accounts:user_list", "users"), (_("API 文档"), "api-docs", None)],
    ),
]  # fmt: skip


# Pages that compare every school of the district: for district-level users of the module only.
DISTRICT_ONLY = frozenset({"equity:whatif"})


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
            if name in DISTRICT_ONLY and not scope.bureau_may(module, VIEW):
                continue
            url = reverse(name)
            if module and scope.class_bound(module) and not _per_class(url):
                continue  # a list of school-wide rows (the staff's reports) is empty for a 班主任
            active = path == url if url == "/" else path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
        if items:
            nav.append({"label": section, "items": items})
    return {"nav": nav}


def _per_class(url) -> bool:
    """Does the page at `url` list rows of classes (or no model at all)? See core.scope: users bound to
    classes see no rows of a model without `scope_class_path`."""
    model = getattr(getattr(resolve(url).func, "view_class", None), "model", None)
    return model is None or getattr(model, "scope_class_path", None) is not None
