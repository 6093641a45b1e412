"""Columns of the 优质均衡 list pages; the same definitions write their .xlsx exports."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

REPORT_COLUMNS = (
    Column("school.name", _("学校"), sort="school__code", link=True),
    Column("school.code", _("学校标识码"), sort="school__code"),
    Column("school.stage", _("学段"), sort="school__stage"),
    Column("school_year.__str__", _("学年"), sort="school_year__start_year"),
    Column("building_area", _("教学及辅助用房面积（m²）"), sort="building_area"),
    Column("sports_area", _("体育运动场馆面积（m²）"), sort="sports_area"),
    Column("equipment_value", _("教学仪器设备值（元）"), sort="equipment_value"),
    Column("multimedia_classrooms", _("网络多媒体教室数（间）"), sort="multimedia_classrooms"),
    Column("status", _("状态"), sort="status"),
    Column("submitted_at", _("提交时间"), sort="submitted_at"),
    Column("reviewed_at", _("审核时间"), sort="reviewed_at"),
)

REPORT_EXPORT_COLUMNS = (
    *REPORT_COLUMNS,
    Column("qualified_teachers", _("高于规定学历教师数（校正）")),
    Column("backbone_teachers", _("县级以上骨干教师数（校正）")),
    Column("pe_art_teachers", _("体育艺术专任教师数（校正）")),
    Column("correction_note", _("校正说明")),
    Column("return_reason", _("退回原因")),
    Column("note", _("备注")),
)

OVERRIDE_COLUMNS = (
    Column("school.name", _("学校"), sort="school__code", link=True),
    Column("school_year.__str__", _("学年"), sort="school_year__start_year"),
    Column("part", _("学段"), sort="part"),
    Column("indicator", _("指标"), sort="indicator"),
    Column("value", _("指标值"), sort="value"),
    Column("reason", _("原因")),
    Column("created_by.display_name", _("设置人")),
    Column("updated_at", _("修改时间"), sort="updated_at"),
)

# 班额监测: the classes above their standard (classsizes.ClassRow); `sort` names a key of classsizes.SORTS.
CLASS_SIZE_COLUMNS = (
    Column("school_name", _("学校"), sort="school"),
    Column("name", _("班级"), sort="class"),
    Column("size", _("学生数"), sort="size"),
    Column("standard", _("标准班额"), sort="standard"),
    Column("band_label", _("类别")),
)
