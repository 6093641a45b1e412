"""Columns of the catchment lists."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

CATCHMENT_RULE_COLUMNS = (
    Column("campaign.__str__", _("招生工作"), sort="campaign__year"),
    Column("street", _("街道（镇）"), sort="street"),
    Column("community", _("居委/小区"), sort="community"),
    Column("road", _("路（弄）"), sort="road", link=True),
    Column("number_from", _("起始门牌号"), sort="number_from"),
    Column("number_to", _("截止门牌号"), sort="number_to"),
    Column("parity", _("单双号"), sort="parity"),
    Column("kind", _("类型")),
    Column("school.code", _("对口学校标识码"), sort="school__code"),
    Column("target", _("对口学校/划片片区")),
    Column("note", _("备注")),
)


CATCHMENT_GROUP_COLUMNS = (
    Column("campaign.__str__", _("招生工作"), sort="campaign__year"),
    Column("name", _("片区名称"), sort="name", link=True),
    Column("school_list", _("片区学校")),
    Column("n_rules", _("规则数"), sort="n_rules"),
    Column("note", _("备注")),
)


SCHOOL_LOCATION_COLUMNS = (
    Column("school.code", _("学校标识码"), sort="school__code"),
    Column("school.name", _("学校"), sort="school__name", link=True),
    Column("longitude", _("经度"), sort="longitude"),
    Column("latitude", _("纬度"), sort="latitude"),
)
