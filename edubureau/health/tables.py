"""Columns of the health list pages; the same definitions write their .xlsx exports.

Student and staff names are children's/personal data here (a name next to a diagnosis): they are
masked (张*) like ID numbers unless the user may unmask and asks to.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from edubureau.core.idcodes import mask_name
from edubureau.core.tables import Column


@dataclass(frozen=True)
class NameColumn(Column):
    """A person's name, masked to the surname unless unmasked."""

    mask: str | None = "name"

    def value(self, obj, unmasked=False):
        value = str(self.raw(obj))
        return value if unmasked else mask_name(value)


@dataclass(frozen=True)
class RuleColumn(Column):
    """The rule's name; a statistical alert names its method."""

    def value(self, obj, unmasked=False):
        return obj.rule.name if obj.rule_id else f"{obj.rule_code} 统计预警"


REPORT_COLUMNS = (
    Column("date", _("日期"), sort="date", link=True),
    Column("session", _("检查"), sort="session"),
    Column("school.name", _("学校"), sort="school__code"),
    Column("school_class.name", _("班级"), sort="school_class__grade"),
    Column("expected", _("应到"), sort="expected"),
    Column("present", _("实到"), sort="present"),
    Column("sick", _("因病缺课"), sort="sick"),
    Column("personal", _("因事缺课"), sort="personal"),
    Column("zero_report", _("零报告")),
    Column("late", _("迟报"), sort="late"),
    Column("version", _("版本"), sort="version"),
    Column("submitted_at", _("提交时间"), sort="submitted_at"),
    Column("submitted_by.display_name", _("提交人")),
    Column("source", _("来源"), sort="source"),
)

CASE_COLUMNS = (
    Column("date", _("缺课日期"), sort="date", link=True),
    Column("school.name", _("学校"), sort="school__code"),
    Column("school_class.name", _("班级"), sort="school_class__grade"),
    NameColumn("student.name", _("学生"), sort="student__name"),
    Column("symptom_label", _("症状")),
    Column("onset", _("发病日期"), sort="onset"),
    Column("seen_doctor", _("已就诊")),
    Column("diagnosis", _("诊断"), sort="diagnosis"),
    Column("expected_return", _("预计返校日期"), sort="expected_return"),
    Column("returned_on", _("返校日期"), sort="returned_on"),
    Column("days_missed", _("缺课天数"), sort="days_missed"),
    Column("certificate", _("已交复课证明")),
    Column("closed", _("已结案"), sort="closed"),
)

# The export also carries the ID number (masked unless the user may unmask).
CASE_EXPORT_COLUMNS = (
    *CASE_COLUMNS[:4],
    Column("student.id_number", _("证件号码"), mask="id_number"),
    Column("school.code", _("学校标识码")),
    *CASE_COLUMNS[4:],
)

STAFF_REPORT_COLUMNS = (
    Column("date", _("日期"), sort="date", link=True),
    Column("school.name", _("学校"), sort="school__code"),
    Column("staff_total", _("教职工总数"), sort="staff_total"),
    Column("on_duty", _("在岗"), sort="on_duty"),
    Column("sick", _("因病缺勤"), sort="sick"),
    Column("personal", _("因事缺勤"), sort="personal"),
    Column("late", _("迟报"), sort="late"),
    Column("version", _("版本"), sort="version"),
    Column("submitted_at", _("提交时间"), sort="submitted_at"),
)

ALERT_COLUMNS = (
    Column("last_date", _("最近日期"), sort="last_date", link=True),
    Column("kind", _("类型"), sort="kind"),
    RuleColumn("rule.name", _("规则")),
    Column("level", _("层级"), sort="level"),
    Column("school.name", _("学校"), sort="school__code"),
    Column("school_class.name", _("班级")),
    Column("first_date", _("首例日期"), sort="first_date"),
    Column("cases", _("病例数"), sort="cases"),
    Column("status", _("状态"), sort="status"),
    Column("assignee.display_name", _("负责人")),
    Column("report_due", _("报告时限"), sort="report_due"),
    Column("updated_at", _("更新时间"), sort="updated_at"),
)
