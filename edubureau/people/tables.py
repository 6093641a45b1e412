"""Columns of the people list pages; the same definitions write their .xlsx exports.
Sensitive columns carry mask= so both the page and the export mask them unless allowed."""

from django.utils.translation import gettext_lazy as _

from edubureau.core.tables import Column

CLASS_COLUMNS = (
    Column("school.name", _("学校"), sort="school__code"),
    Column("school_year.__str__", _("学年"), sort="school_year__start_year"),
    Column("name", _("班级"), sort="grade", link=True),
    Column("class_no", _("班号"), sort="class_no"),
    Column("head_teacher.name", _("班主任")),
    Column("n_students", _("在读人数"), sort="n_students"),
    Column("capacity", _("教室容量"), sort="capacity"),
)

STUDENT_COLUMNS = (
    Column("name", _("姓名"), sort="name", link=True),
    Column("gender", _("性别"), sort="gender"),
    Column("birth_date", _("出生日期"), sort="birth_date"),
    Column("id_number", _("证件号码"), mask="id_number"),
    Column("student_no", _("学籍号"), mask="id_number"),
    Column("school.name", _("学校"), sort="school__code"),
    Column("school_class.name", _("班级"), sort="school_class__grade"),
    Column("status", _("学籍状态"), sort="status"),
    Column("hukou_type", _("户籍类型"), sort="hukou_type"),
    Column("is_migrant", _("随迁子女")),
)

# The export carries the whole record (still masked unless the user may unmask).
STUDENT_EXPORT_COLUMNS = (
    *STUDENT_COLUMNS[:3],
    Column("id_type", _("证件类型")),
    *STUDENT_COLUMNS[3:5],
    Column("school.code", _("学校标识码")),
    *STUDENT_COLUMNS[5:],
    Column("no_id_reason", _("无证件原因")),
    Column("ethnicity", _("民族")),
    Column("hukou_region", _("户籍地区划代码")),
    Column("address", _("现住址"), mask="address"),
    Column("enrolled_on", _("入学日期")),
)

STAFF_COLUMNS = (
    Column("name", _("姓名"), sort="name", link=True),
    Column("gender", _("性别"), sort="gender"),
    Column("id_number", _("证件号码"), mask="id_number"),
    Column("school.name", _("学校"), sort="school__code"),
    Column("post_type", _("岗位类别"), sort="post_type"),
    Column("subjects", _("任教学科")),
    Column("title", _("职称"), sort="title"),
    Column("education", _("最高学历"), sort="education"),
    Column("honours", _("荣誉称号")),
    Column("employment", _("用工形式"), sort="employment"),
    Column("phone", _("联系电话"), mask="phone"),
    Column("status", _("状态"), sort="status"),
)

STAFF_EXPORT_COLUMNS = (
    *STAFF_COLUMNS[:3],
    Column("id_type", _("证件类型")),
    Column("birth_date", _("出生日期")),
    Column("school.code", _("学校标识码")),
    *STAFF_COLUMNS[3:],
    Column("hire_date", _("入职日期")),
)

SCHOOL_YEAR_COLUMNS = (
    Column("__str__", _("学年"), sort="start_year", link=True),
    Column("start_date", _("开始日期")),
    Column("end_date", _("结束日期")),
    Column("is_current", _("当前学年")),
)

CALENDAR_DAY_COLUMNS = (
    Column("date", _("日期"), sort="date"),
    Column("kind", _("类型"), sort="kind"),
    Column("name", _("名称")),
)

POSTING_COLUMNS = (
    Column("staff.name", _("姓名"), sort="staff__name", link=True),
    Column("staff.school.name", _("派出学校"), sort="staff__school__code"),
    Column("kind", _("类型"), sort="kind"),
    Column("to_school.name", _("派往单位")),
    Column("place", _("派往地点")),
    Column("start_date", _("开始日期"), sort="start_date"),
    Column("end_date", _("结束日期"), sort="end_date"),
    Column("note", _("备注")),
)
