"""Columns of the campaign and school-plan lists."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

CAMPAIGN_COLUMNS = (
    Column("__str__", _("招生工作"), sort="year", link=True),
    Column("year", _("招生年份"), sort="year"),
    Column("entry_grade", _("入学年级"), sort="entry_grade"),
    Column("class_size", _("标准班额"), sort="class_size"),
    Column("birth_from", _("出生日期起")),
    Column("birth_to", _("出生日期止")),
    Column("current_stages", _("进行中的阶段")),
    Column("n_applications", _("报名人数"), sort="n_applications"),
)


PLAN_COLUMNS = (
    Column("school.code", _("学校标识码"), sort="school__code"),
    Column("school.name", _("学校"), sort="school__name", link=True),
    Column("school.nature", _("办学性质"), sort="school__nature"),
    Column("planned_classes", _("计划班数"), sort="planned_classes"),
    Column("size", _("班额")),
    Column("places", _("招生名额")),
    Column("private_applicants", _("民办志愿人数"), sort="private_applicants"),
    Column("public_applicants", _("公办志愿人数"), sort="public_applicants"),
    Column("catchment_applicants", _("对口人数"), sort="catchment_applicants"),
)
