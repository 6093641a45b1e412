"""Columns of the allocation, placement and appeal lists."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

ALLOCATION_RUN_COLUMNS = (
    Column("pk", _("批次"), sort="id", link=True),
    Column("campaign.__str__", _("招生工作"), sort="campaign__year"),
    Column("mechanism", _("分配机制"), sort="mechanism"),
    Column("created_at", _("运行时间"), sort="created_at"),
    Column("created_by.__str__", _("运行人")),
    Column("applicants", _("参与人数"), sort="applicants"),
    Column("placed", _("录取人数"), sort="placed"),
    Column("unplaced", _("未录取人数"), sort="unplaced"),
    Column("published_at", _("公布时间"), sort="published_at"),
    Column("inputs_hash", _("输入数据哈希")),
)


PLACEMENT_COLUMNS = (
    Column("application.number", _("报名编号"), sort="application__number", link=True),
    Column("application.child_name", _("儿童姓名"), sort="application__child_name"),
    Column("application.gender", _("性别"), sort="application__gender"),
    Column("application.birth_date", _("出生日期"), sort="application__birth_date"),
    Column("school.code", _("学校标识码"), sort="school__code"),
    Column("school.name", _("录取学校"), sort="school__name"),
    Column("reason", _("录取方式"), sort="reason"),
    Column("choice_rank", _("所中志愿"), sort="choice_rank"),
    Column("class_no", _("班号"), sort="class_no"),
    Column("nearest_text", _("就近有学位的学校")),
    Column("explanation", _("说明")),
)


APPEAL_COLUMNS = (
    Column("application.number", _("报名编号"), sort="application__number", link=True),
    Column("application.child_name", _("儿童姓名"), sort="application__child_name"),
    Column("kind", _("类型"), sort="kind"),
    Column("content", _("内容")),
    Column("status", _("处理状态"), sort="status"),
    Column("reply", _("答复")),
    Column("created_at", _("登记时间"), sort="created_at"),
    Column("handled_at", _("处理时间"), sort="handled_at"),
)
