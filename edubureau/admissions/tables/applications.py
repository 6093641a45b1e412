"""Columns of the application list and its full export."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

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
