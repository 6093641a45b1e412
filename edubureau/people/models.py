"""师生库: school years and calendars, classes, students (学籍) and staff."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import Campus, School

GRADE_LABELS = {
    -3: "托班", -2: "小班", -1: "中班", 0: "大班",
    1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级",
    7: "七年级", 8: "八年级", 9: "九年级", 10: "高一", 11: "高二", 12: "高三",
}  # fmt: skip
GRADE_CHOICES = sorted(GRADE_LABELS.items())


def grade_label(grade) -> str:
    return GRADE_LABELS.get(grade, str(grade))


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class SchoolYear(models.Model):
    start_year = models.PositiveSmallIntegerField(_("起始年份"), unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    is_current = models.BooleanField(_("当前学年"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_module = "classes"
    scope_bureau_writes = True  # the calendar is the whole district's; the bureau keeps it

    class Meta:
        verbose_name = _("学年")
        verbose_name_plural = _("学年")
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_school_year",
                violation_error_message="只能有一个当前学年。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.start_year}-{self.start_year + 1}学年"

    def get_absolute_url(self):
        return reverse("people:schoolyear_detail", args=[self.pk])

    @classmethod
    def current(cls):
        return cls.objects.filter(is_current=True).first() or cls.objects.first()


class Term(models.Model):
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("学年"), on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("学期"), choices=[(1, _("第一学期")), (2, _("第二学期"))])
    start_date = models.DateField(_("开学日期"))
    end_date = models.DateField(_("结束日期"))

    objects = ScopedQuerySet.as_manager()
    scope_module = "classes"
    scope_bureau_writes = True  # the calendar is the whole district's; the bureau keeps it

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["start_date"]
        constraints = [models.UniqueConstraint(fields=["school_year", "number"], name="term_unique_number")]

    def __str__(self):
        return f"{self.school_year}{self.get_number_display()}"

    def get_absolute_url(self):
        return reverse("people:schoolyear_detail", args=[self.school_year_id])


class CalendarDay(models.Model):
    """An exception to the Monday–Friday rule inside a term: a holiday, or a make-up school day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        MAKEUP = "makeup", _("调休上课")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=30, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "classes"
    scope_bureau_writes = True  # the calendar is the whole district's; the bureau keeps it

    class Meta:
        verbose_name = _("校历日")
        verbose_name_plural = _("校历日")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name or self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("people:calendarday_list") + f"?year={self.date.year}"


class SchoolClass(models.Model):
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="classes")
    campus = models.ForeignKey(
        Campus, verbose_name=_("校区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="classes"
    )
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("学年"), on_delete=models.PROTECT, related_name="classes")
    grade = models.SmallIntegerField(_("年级"), choices=GRADE_CHOICES)
    class_no = models.PositiveSmallIntegerField(_("班号"))
    head_teacher = models.ForeignKey(
        "Staff", verbose_name=_("班主任"), null=True, blank=True, on_delete=models.SET_NULL, related_name="head_of"
    )
    capacity = models.PositiveSmallIntegerField(_("教室容量"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "classes"
    scope_path = "school"
    scope_class_path = "pk"

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["school__code", "grade", "class_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "grade", "class_no"], name="class_unique_number",
                violation_error_message="该学校本学年已有相同年级和班号的班级。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.school.short_name or self.school.name} {self.name}"

    def get_absolute_url(self):
        return reverse("people:class_detail", args=[self.pk])

    @property
    def name(self):
        return f"{grade_label(self.grade)}（{self.class_no}）班"


class IdType(models.TextChoices):
    RESIDENT = "居民身份证", _("居民身份证")
    HMT_PERMIT = "港澳台居民居住证", _("港澳台居民居住证")
    PASSPORT = "护照", _("护照")
    NONE = "无证件", _("无证件")


# 民族: the 56 groups in the order of GB/T 3304, then 其他 and 外国血统中国籍人士. The one list: the forms,
# the API and the importer all take their choices from Student.ethnicity.
ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 "
    "佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 "
    "阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 "
    "珞巴族 基诺族 其他 外国血统中国籍人士"
).split()
Ethnicity = models.TextChoices("Ethnicity", [(group, group) for group in ETHNIC_GROUPS])


class GuardianRelation(models.TextChoices):
    FATHER = "父亲", _("父亲")
    MOTHER = "母亲", _("母亲")
    GRANDFATHER = "祖父", _("祖父")
    GRANDMOTHER = "祖母", _("祖母")
    MATERNAL_GRANDFATHER = "外祖父", _("外祖父")
    MATERNAL_GRANDMOTHER = "外祖母", _("外祖母")
    SIBLING = "兄姐", _("兄姐")
    OTHER_RELATIVE = "其他亲属", _("其他亲属")
    OTHER = "其他", _("其他")


class HukouType(models.TextChoices):
    LOCAL = "本区", _("本区")
    CITY = "本市外区", _("本市外区")
    OTHER_PROVINCE = "外省市", _("外省市")
    HMT = "港澳台", _("港澳台")
    FOREIGN = "外籍", _("外籍")


class StudentStatus(models.TextChoices):
    STUDYING = "在读", _("在读")
    TRANSFERRED = "转出", _("转出")
    SUSPENDED = "休学", _("休学")
    GRADUATED = "毕业", _("毕业")
    DECEASED = "死亡注销", _("死亡注销")


# A taken ID number (学籍号) may belong to a person outside the user's scope: the refusal says the number
# cannot be used and whom to ask, never that (or where) the person is registered. Forms and importers
# say more when the other record is in the user's scope.
STUDENT_ID_REFUSED = "该证件号码不能用于学籍登记。请核对证件号码；如确认无误，请联系区教育局学籍管理部门。"
STUDENT_NO_REFUSED = "该学籍号不能使用。请核对学籍号；如确认无误，请联系区教育局学籍管理部门。"
STAFF_ID_REFUSED = "该证件号码不能用于教职工登记。请核对证件号码；如确认无误，请联系区教育局人事部门。"


class Student(models.Model):
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_type = models.CharField(_("证件类型"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True)
    no_id_reason = models.CharField(_("无证件原因"), max_length=100, blank=True)
    student_no = models.CharField(_("学籍号"), max_length=19, blank=True)
    ethnicity = models.CharField(
        _("民族"), max_length=10, choices=Ethnicity.choices, blank=True, default="汉族"
    )
    hukou_region = models.CharField(_("户籍地区划代码"), max_length=6, blank=True)
    hukou_type = models.CharField(_("户籍类型"), max_length=6, choices=HukouType.choices, blank=True)
    address = models.CharField(_("现住址"), max_length=200, blank=True)
    is_migrant = models.BooleanField(_("随迁子女"), default=False)
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="students")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="students"
    )
    status = models.CharField(
        _("学籍状态"), max_length=4, choices=StudentStatus.choices, default=StudentStatus.STUDYING, db_index=True
    )
    enrolled_on = models.DateField(_("入学日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "students"
    scope_path = "school"
    scope_class_path = "school_class"
    sensitive_fields = {"id_number": "id_number", "student_no": "id_number", "address": "address"}

    class Meta:
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        ordering = ["school__code", "school_class__grade", "school_class__class_no", "name"]
        indexes = [
            models.Index(fields=["school", "status"], name="student_school_status_idx"),
            # Class sizes (在读 per class) on the class list and the home page read only this index.
            models.Index(fields=["school_class", "status"], name="student_class_status_idx"),
            # Name lookups, and the duplicate check (same name, birth date and gender).
            models.Index(fields=["name", "birth_date", "gender"], name="student_person_idx"),
            # The list search looks numbers up by equality or prefix; the pattern opclass lets
            # PostgreSQL use the index for LIKE 'x%' too (other databases ignore opclasses).
            models.Index(fields=["id_number"], name="student_id_number_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["student_no"], name="student_student_no_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"], condition=~Q(id_number=""), name="student_unique_id_number",
                violation_error_message=STUDENT_ID_REFUSED,
            ),
            models.UniqueConstraint(
                fields=["student_no"], condition=~Q(student_no=""), name="student_unique_student_no",
                violation_error_message=STUDENT_NO_REFUSED,
            ),
            models.CheckConstraint(
                condition=~Q(id_type=IdType.NONE) | ~Q(no_id_reason=""), name="student_no_id_has_reason",
                violation_error_message="无证件时须填写原因。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:student_detail", args=[self.pk])


class Guardian(models.Model):
    student = models.ForeignKey(Student, verbose_name=_("学生"), on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("姓名"), max_length=40)
    relation = models.CharField(_("关系"), max_length=10, choices=GuardianRelation.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "students"
    scope_path = "student__school"
    scope_class_path = "student__school_class"
    sensitive_fields = {"phone": "phone"}

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        ordering = ["student", "id"]

    def __str__(self):
        return f"{self.name}（{self.relation}）"


class Enrollment(models.Model):
    """Where a student was in a school year: the class per year that the history needs."""

    student = models.ForeignKey(Student, verbose_name=_("学生"), on_delete=models.CASCADE, related_name="enrollments")
    school_year = models.ForeignKey(SchoolYear, verbose_name=_("学年"), on_delete=models.PROTECT)
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("学年编班")
        verbose_name_plural = _("学年编班")
        ordering = ["-school_year__start_year"]
        constraints = [models.UniqueConstraint(fields=["student", "school_year"], name="enrollment_unique_year")]

    def __str__(self):
        return f"{self.student} {self.school_year} {self.school_class or self.school}"


class StatusChange(models.Model):
    """学籍异动: a dated change of a student's school, class or status."""

    class Kind(models.TextChoices):
        ENROL = "入学", _("入学")
        TRANSFER_IN = "转入", _("转入")
        TRANSFER_OUT = "转出", _("转出")
        SUSPEND = "休学", _("休学")
        RESUME = "复学", _("复学")
        REPEAT = "留级", _("留级")
        PROMOTE = "升级", _("升级")
        CHANGE_CLASS = "调班", _("调班")
        GRADUATE = "毕业", _("毕业")
        DECEASED = "死亡注销", _("死亡注销")

    student = models.ForeignKey(Student, verbose_name=_("学生"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("异动类型"), max_length=4, choices=Kind.choices)
    date = models.DateField(_("异动日期"))
    from_school = models.ForeignKey(
        School, verbose_name=_("原学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_school = models.ForeignKey(
        School, verbose_name=_("现学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_class = models.ForeignKey(
        SchoolClass, verbose_name=_("原班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_class = models.ForeignKey(
        SchoolClass, verbose_name=_("现班级"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(_("原状态"), max_length=4, choices=StudentStatus.choices, blank=True)
    to_status = models.CharField(_("现状态"), max_length=4, choices=StudentStatus.choices, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学籍异动")
        verbose_name_plural = _("学籍异动")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.student} {self.get_kind_display()}"


class PostType(models.TextChoices):
    TEACHER = "专任教师", _("专任教师")
    ADMIN = "管理", _("管理")
    SUPPORT = "教辅", _("教辅")
    WORKER = "工勤", _("工勤")
    DOCTOR = "校医", _("校医")


class Title(models.TextChoices):
    SENIOR_PLUS = "正高级", _("正高级")
    SENIOR = "高级", _("高级")
    FIRST = "一级", _("一级")
    SECOND = "二级", _("二级")
    THIRD = "三级", _("三级")
    NONE = "未定级", _("未定级")


class Education(models.TextChoices):
    DOCTOR = "博士研究生", _("博士研究生")
    MASTER = "硕士研究生", _("硕士研究生")
    BACHELOR = "本科", _("本科")
    COLLEGE = "专科", _("专科")
    HIGH_SCHOOL = "高中及以下", _("高中及以下")


class Honour(models.TextChoices):
    DISTRICT_BACKBONE = "区级骨干", _("区级骨干")
    DISTRICT_LEADER = "区学科带头人", _("区学科带头人")
    CITY_BACKBONE = "市级骨干", _("市级骨干")
    SPECIAL_GRADE = "特级教师", _("特级教师")
    SPECIAL_PRINCIPAL = "特级校长", _("特级校长")


class Employment(models.TextChoices):
    ESTABLISHED = "事业编制", _("事业编制")
    EMPLOYEE = "雇员制", _("雇员制")
    CONTRACT = "聘用", _("聘用")


class StaffStatus(models.TextChoices):
    ACTIVE = "在职", _("在职")
    LEFT = "离职", _("离职")
    RETIRED = "退休", _("退休")
    TRANSFERRED = "调出", _("调出")


class Staff(models.Model):
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_type = models.CharField(_("证件类型"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True)
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="staff")
    post_type = models.CharField(_("岗位类别"), max_length=4, choices=PostType.choices, default=PostType.TEACHER)
    subjects = models.CharField(_("任教学科"), max_length=60, blank=True, help_text=_("多个学科用“、”分隔"))
    title = models.CharField(_("职称"), max_length=4, choices=Title.choices, default=Title.NONE)
    education = models.CharField(_("最高学历"), max_length=6, choices=Education.choices, default=Education.BACHELOR)
    honours = models.CharField(_("荣誉称号"), max_length=100, blank=True, help_text=_("多个用“、”分隔"))
    employment = models.CharField(_("用工形式"), max_length=4, choices=Employment.choices, default=Employment.ESTABLISHED)
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"), max_length=2, choices=StaffStatus.choices, default=StaffStatus.ACTIVE, db_index=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_module = "staff"
    scope_path = "school"
    sensitive_fields = {"id_number": "id_number", "phone": "phone"}

    class Meta:
        verbose_name = _("教职工")
        verbose_name_plural = _("教职工")
        ordering = ["school__code", "name"]
        indexes = [
            models.Index(fields=["school", "status"], name="staff_school_status_idx"),
            models.Index(fields=["id_number"], name="staff_id_number_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name", "birth_date", "gender"], name="staff_person_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"], condition=~Q(id_number=""), name="staff_unique_id_number",
                violation_error_message=STAFF_ID_REFUSED,
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:staff_detail", args=[self.pk])

    @property
    def honour_list(self):
        return [h for h in self.honours.split("、") if h]


class Posting(models.Model):
    """交流轮岗 / 支教 / 挂职: a teacher working at another unit for a period."""

    class Kind(models.TextChoices):
        EXCHANGE = "交流轮岗", _("交流轮岗")
        SUPPORT = "支教", _("支教")
        SECONDMENT = "挂职", _("挂职")

    staff = models.ForeignKey(Staff, verbose_name=_("教职工"), on_delete=models.CASCADE, related_name="postings")
    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    to_school = models.ForeignKey(
        School, verbose_name=_("派往单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("派往地点"), max_length=100, blank=True, help_text=_("区外支教时填写"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "staff"
    scope_path = "staff__school"

    class Meta:
        verbose_name = _("交流支教")
        verbose_name_plural = _("交流支教")
        ordering = ["-start_date"]

    def __str__(self):
        return f"{self.staff} {self.get_kind_display()} {self.start_date}"

    def get_absolute_url(self):
        return reverse("people:staff_detail", args=[self.staff_id])

    def clean(self):
        """The rules of a posting, here so that the page, the API and any import share them."""
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "结束日期不能早于开始日期。"
        self.place = (self.place or "").strip()
        if not self.to_school_id and not self.place:
            errors["to_school"] = "请选择派往单位；派往区外的，请在“派往地点”中填写地点。"
        staff = self.staff if self.staff_id else None
        if staff and self.to_school_id and self.to_school_id == staff.school_id:
            errors["to_school"] = f"派往单位不能是{staff.name}所在的{staff.school}，请选择其他单位。"
        if staff and self.start_date and "end_date" not in errors:
            other = self.overlapping().first()
            if other:
                errors[NON_FIELD_ERRORS] = (
                    f"{staff.name}在 {other.start_date} 至 {other.end_date or '今'} 已有{other.get_kind_display()}"
                    f"（{other.to_school or other.place}），时间重叠。同一时间只能有一项交流支教，请调整日期。"
                )
        if errors:
            raise ValidationError(errors)

    def lock_staff(self):
        """Inside the saving transaction, before the last check: two overlapping postings of one person
        saved at the same moment would each pass clean(); locking the staff row serialises them."""
        Staff.objects.select_for_update().filter(pk=self.staff_id).first()

    def overlapping(self):
        """The staff member's other postings sharing at least one day with this one (open ends run on)."""
        others = Posting.objects.filter(staff_id=self.staff_id).exclude(pk=self.pk)
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date:
            others = others.filter(start_date__lte=self.end_date)
        return others.select_related("to_school").order_by("start_date")
