"""Columns of the people list pages; the same definitions write their .xlsx exports.
Sensitive columns carry mask= so both the page and the export mask them unless allowed."""

from edubureau.core.tables import Column

CLASS_COLUMNS = (
    Column("school.name", "学校", sort="school__code"),
    Column("school_year.__str__", "学年", sort="school_year__start_year"),
    Column("name", "班级", sort="grade", link=True),
    Column("class_no", "班号", sort="class_no"),
    Column("head_teacher.name", "班主任"),
    Column("n_students", "在读人数", sort="n_students"),
    Column("capacity", "教室容量", sort="capacity"),
)

STUDENT_COLUMNS = (
    Column("name", "姓名", sort="name", link=True),
    Column("gender", "性别", sort="gender"),
    Column("birth_date", "出生日期", sort="birth_date"),
    Column("id_number", "证件号码", mask="id_number"),
    Column("student_no", "学籍号", mask="id_number"),
    Column("school.name", "学校", sort="school__code"),
    Column("school_class.name", "班级", sort="school_class__grade"),
    Column("status", "学籍状态", sort="status"),
    Column("hukou_type", "户籍类型", sort="hukou_type"),
    Column("is_migrant", "随迁子女"),
)

# The export carries the whole record (still masked unless the user may unmask).
STUDENT_EXPORT_COLUMNS = (
    *STUDENT_COLUMNS[:3],
    Column("id_type", "证件类型"),
    *STUDENT_COLUMNS[3:5],
    Column("school.code", "学校标识码"),
    *STUDENT_COLUMNS[5:],
    Column("no_id_reason", "无证件原因"),
    Column("ethnicity", "民族"),
    Column("hukou_region", "户籍地区划代码"),
    Column("address", "现住址", mask="address"),
    Column("enrolled_on", "入学日期"),
)

STAFF_COLUMNS = (
    Column("name", "姓名", sort="name", link=True),
    Column("gender", "性别", sort="gender"),
    Column("id_number", "证件号码", mask="id_number"),
    Column("school.name", "学校", sort="school__code"),
    Column("post_type", "岗位类别", sort="post_type"),
    Column("subjects", "任教学科"),
    Column("title", "职称", sort="title"),
    Column("education", "最高学历", sort="education"),
    Column("honours", "荣誉称号"),
    Column("employment", "用工形式", sort="employment"),
    Column("phone", "联系电话", mask="phone"),
    Column("status", "状态", sort="status"),
)

STAFF_EXPORT_COLUMNS = (
    *STAFF_COLUMNS[:3],
    Column("id_type", "证件类型"),
    Column("birth_date", "出生日期"),
    Column("school.code", "学校标识码"),
    *STAFF_COLUMNS[3:],
    Column("hire_date", "入职日期"),
)

SCHOOL_YEAR_COLUMNS = (
    Column("__str__", "学年", sort="start_year", link=True),
    Column("start_date", "开始日期"),
    Column("end_date", "结束日期"),
    Column("is_current", "当前学年"),
)

CALENDAR_DAY_COLUMNS = (
    Column("date", "日期", sort="date"),
    Column("kind", "类型", sort="kind"),
    Column("name", "名称"),
)
