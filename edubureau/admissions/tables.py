"""Columns of the admissions list pages; the same definitions write their .xlsx exports."""

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

APPLICATION_COLUMNS = (
    Column("number", _("报名编号"), sort="number", link=True),
    Column("child_name", _("儿童姓名"), sort="child_name"),
    Column("gender", _("性别"), sort="gender"),
    Column("birth_date", _("出生日期"), sort="birth_date"),
    Column("id_number", _("证件号码"), mask="id_number"),
    Column("hukou_type", _("户籍类型"), sort="hukou_type"),
    Column("residence_street", _("居住街道（镇）"), sort="residence_street"),
    Column("status", _("验证状态"), sort="status"),
    Column("tier.__str__", _("入学顺位"), sort="tier__rank"),
    Column("admitted_school.name", _("录取学校"), sort="admitted_school__code"),
)

APPLICATION_EXPORT_COLUMNS = (
    *APPLICATION_COLUMNS,
    Column("campaign.__str__", _("招生工作")),
    Column("hukou_address", _("户籍地址"), mask="address"),
    Column("residence_address", _("居住地址"), mask="address"),
    Column("residence_proof", _("居住证明")),
    Column("is_migrant", _("随迁子女")),
    Column("choice_summary", _("志愿")),
    Column("tier_explanation", _("顺位说明")),
    Column("lottery_number", _("随机号")),
    Column("return_reason", _("退回原因")),
)

DRAW_COLUMNS = (
    Column("school_label", _("学校"), sort="school__code", link=True),
    Column("campaign.__str__", _("招生工作"), sort="campaign__year"),
    Column("places", _("招生名额"), sort="places"),
    Column("applicant_count", _("报名人数")),
    Column("status", _("状态"), sort="status"),
    Column("list_hash", _("名单哈希（SHA-256）")),
    Column("seed", _("公开种子")),
    Column("drawn_at", _("摇号时间"), sort="drawn_at"),
    Column("record_hash", _("记录哈希")),
)
