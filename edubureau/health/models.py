"""师生健康日报: class daily reports (晨午检 / 因病缺课登记), sick cases and their follow-up, staff
status, per-school-day rollups, configurable cluster rules and the alerts they raise.

Every row carries its school (`scope_path = "school"`), so scope is one indexed filter and the
rule queries never join through classes.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import School
from edubureau.people.models import SchoolClass, Staff, Student

from . import symptoms as sym

DIAGNOSIS_CHOICES = [(d, d) for d in sym.DIAGNOSES]


class Source(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    CLI = "cli", _("命令行导入")
    DEMO = "demo", _("演示数据")


class Session(models.TextChoices):
    MORNING = "晨检", _("晨检")
    NOON = "午检", _("午检")


class ReportingSettings(models.Model):
    """The one row of reporting rules (pk = 1): deadlines and time limits the bureau may change."""

    morning_deadline = models.TimeField(_("晨检截止时间"), default=datetime.time(9, 30))
    noon_deadline = models.TimeField(_("午检截止时间"), default=datetime.time(14, 0))
    cdc_report_hours = models.PositiveSmallIntegerField(
        _("向疾控报告时限（小时）"), default=24, help_text=_("部分地区收紧为 1 小时")
    )
    max_cases_per_report = models.PositiveSmallIntegerField(_("每份日报最多病例数"), default=120)

    class Meta:
        verbose_name = _("上报设置")
        verbose_name_plural = _("上报设置")

    def __str__(self):
        return str(_("上报设置"))

    @classmethod
    def get(cls) -> "ReportingSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def deadline(self, session: str) -> datetime.time:
        return self.noon_deadline if session == Session.NOON else self.morning_deadline


class ClusterRule(models.Model):
    """A cluster threshold (卫办疾控发〔2006〕65号 for classes; the 聚集性疫情 table for schools).

    A case matches when its diagnosis is `diagnosis`, or — for a rule with a syndrome, and for a
    case without a diagnosis yet — when its symptoms contain all of `symptoms_all` and at least
    one of `symptoms_any`. A rule without a diagnosis matches on symptoms alone (class rules:
    "similar symptoms"). It fires when `threshold` or more distinct students match within
    `window_days` calendar days ending on the report date, or `day_threshold` on one day.
    """

    class Level(models.TextChoices):
        CLASS = "class", _("班级")
        SCHOOL = "school", _("学校")

    code = models.SlugField(_("规则代码"), max_length=40, unique=True, allow_unicode=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=6, choices=Level.choices)
    diagnosis = models.CharField(_("诊断"), max_length=20, choices=DIAGNOSIS_CHOICES, blank=True)
    symptoms_all = models.PositiveIntegerField(_("须同时具有的症状（位掩码）"), default=0)
    symptoms_any = models.PositiveIntegerField(_("至少具有其一的症状（位掩码）"), default=0)
    window_days = models.PositiveSmallIntegerField(_("时间窗（天）"))
    threshold = models.PositiveSmallIntegerField(_("阈值（例）"), help_text=_("达到即预警（含本数）"))
    day_threshold = models.PositiveSmallIntegerField(_("单日阈值（例）"), null=True, blank=True)
    report_within_hours = models.PositiveSmallIntegerField(_("报告时限（小时）"), default=24)
    active = models.BooleanField(_("启用"), default=True)
    basis = models.CharField(_("依据"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("聚集规则")
        verbose_name_plural = _("聚集规则")
        ordering = ["level", "code"]

    def __str__(self):
        return self.name

    @property
    def syndrome(self) -> str:
        parts = []
        if self.symptoms_all:
            parts.append("＋".join(sym.to_names(self.symptoms_all)))
        if self.symptoms_any:
            parts.append("或".join(sym.to_names(self.symptoms_any)))
        return "，伴".join(parts)


class SubmittedReport(models.Model):
    """What every submitted report records about its submission: the version (a resubmission with
    other content replaces the report and counts up), the content hash that makes an identical
    resubmission a no-op, who and when, late or not, and where from."""

    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    payload_hash = models.CharField(_("内容摘要"), max_length=32)
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    late = models.BooleanField(_("迟报"), default=False)
    source = models.CharField(_("来源"), max_length=4, choices=Source.choices, default=Source.WEB)

    objects = ScopedQuerySet.as_manager()
    scope_module = "health"
    scope_path = "school"

    class Meta:
        abstract = True


class IllnessRecord(models.Model):
    """One person's illness as reported on a day: symptoms (a bit mask of the symptom list, plus
    free text for 其他), onset, doctor, diagnosis and expected return."""

    symptoms = models.PositiveIntegerField(_("症状"), default=0, help_text=_("症状表的位掩码"))
    other_symptoms = models.CharField(_("其他症状"), max_length=100, blank=True)
    onset = models.DateField(_("发病日期"))
    seen_doctor = models.BooleanField(_("已就诊"), default=False)
    diagnosis = models.CharField(_("诊断"), max_length=20, choices=DIAGNOSIS_CHOICES, blank=True)
    expected_return = models.DateField(_("预计返校日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "health"
    scope_path = "school"

    class Meta:
        abstract = True

    @property
    def symptom_names(self) -> list[str]:
        return sym.to_names(self.symptoms)

    @property
    def symptom_label(self) -> str:
        return sym.label(self.symptoms, self.other_symptoms)


class ClassReport(SubmittedReport):
    """One class's report for one school day and check (晨检 / 午检): the counts and, in
    SickCase, one row per student absent for illness. Resubmitting replaces it in place (the
    earlier payload goes to ClassReportVersion)."""

    # No single-column indexes on the keys: (school, date) and the unique (class, date, session)
    # serve those lookups, and every index costs each of the ~8,000 inserts of a school day.
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("班级"),
        on_delete=models.PROTECT,
        related_name="health_reports",
        db_index=False,
    )
    date = models.DateField(_("日期"))
    session = models.CharField(_("检查"), max_length=2, choices=Session.choices, default=Session.MORNING)

    scope_class_path = "school_class"
    expected = models.PositiveSmallIntegerField(_("应到"))
    present = models.PositiveSmallIntegerField(_("实到"))
    sick = models.PositiveSmallIntegerField(_("因病缺课"))
    personal = models.PositiveSmallIntegerField(_("因事缺课"))
    zero_report = models.BooleanField(_("零报告"), default=False)
    # The report that gives the class's numbers for the day: the latest check (午检 over 晨检).
    counts_for_day = models.BooleanField(_("计入当日"), default=True)

    class Meta:
        verbose_name = _("班级日报")
        verbose_name_plural = _("班级日报")
        ordering = ["-date", "school__code", "school_class__grade", "school_class__class_no"]
        indexes = [
            models.Index(fields=["school", "date"], name="health_report_school_date_idx"),
            models.Index(fields=["date"], name="health_report_date_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "date", "session"], name="health_report_unique_class_day",
                violation_error_message="该班级当天的这次检查已有日报；重新提交会替换原日报。",
            ),
            models.CheckConstraint(
                condition=Q(present__lte=models.F("expected")), name="health_report_present_le_expected",
                violation_error_message="实到人数不能大于应到人数。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.school_class} {self.date} {self.session}"

    def get_absolute_url(self):
        return reverse("health:report_detail", args=[self.pk])

    @property
    def absent(self) -> int:
        return self.expected - self.present


class ClassReportVersion(models.Model):
    """An earlier version of a class report, kept when a resubmission replaced it."""

    report = models.ForeignKey(
        ClassReport, verbose_name=_("日报"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveSmallIntegerField(_("版本"))
    payload = models.JSONField(_("内容"))
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    replaced_at = models.DateTimeField(_("被替换时间"))
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("替换人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()
    scope_module = "health"
    scope_path = "report__school"
    scope_class_path = "report__school_class"

    class Meta:
        verbose_name = _("日报历史版本")
        verbose_name_plural = _("日报历史版本")
        ordering = ["report", "-version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="health_version_unique")]

    def __str__(self):
        return f"{self.report} 第{self.version}版"


class SickCase(IllnessRecord):
    """A student absent for illness on one report's day (因病缺课登记), with the follow-up.

    The same illness (student + onset) appears on every day's report while the student is away;
    the follow-up (return, 复课证明) is written on all rows of that illness at once.
    """

    # (report, student), (school, date) and (student, onset) below cover these keys' lookups.
    scope_class_path = "school_class"

    report = models.ForeignKey(
        ClassReport, verbose_name=_("日报"), on_delete=models.CASCADE, related_name="cases", db_index=False
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="sick_cases", db_index=False
    )
    date = models.DateField(_("缺课日期"))
    returned_on = models.DateField(_("返校日期"), null=True, blank=True)
    certificate = models.BooleanField(_("已交复课证明"), default=False)
    days_missed = models.PositiveSmallIntegerField(_("缺课天数"), null=True, blank=True)
    closed = models.BooleanField(_("已结案"), default=False)

    class Meta:
        verbose_name = _("因病缺课登记")
        verbose_name_plural = _("因病缺课登记")
        # the student's name, not the student: the student's own order would join its school and class again
        ordering = ["-date", "school_class", "student__name"]
        indexes = [
            models.Index(fields=["school", "date"], name="health_case_school_date_idx"),
            # The district's list, newest first: read in date order and stopped after a page (290 → 13 ms).
            models.Index(fields=["date"], name="health_case_date_idx"),
            models.Index(fields=["student", "onset"], name="health_case_student_onset_idx"),
            models.Index(fields=["closed", "school"], name="health_case_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "student"], name="health_case_unique_student",
                violation_error_message="同一份日报中同一学生只能登记一次。",
            ),
            models.CheckConstraint(
                condition=Q(expected_return__isnull=True) | Q(expected_return__gte=models.F("onset")),
                name="health_case_return_after_onset", violation_error_message="预计返校日期不能早于发病日期。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.date} {self.student}"

    def get_absolute_url(self):
        return reverse("health:case_detail", args=[self.pk])

    @property
    def needs_certificate(self) -> bool:
        return self.diagnosis in sym.NEEDS_CERTIFICATE


class StaffHealthReport(SubmittedReport):
    """A school's staff health status for one day (在岗, 因病缺勤 with StaffSickCase rows)."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    staff_total = models.PositiveSmallIntegerField(_("教职工总数"))
    on_duty = models.PositiveSmallIntegerField(_("在岗"))
    sick = models.PositiveSmallIntegerField(_("因病缺勤"))
    personal = models.PositiveSmallIntegerField(_("因事缺勤"), default=0)

    class Meta:
        verbose_name = _("教职工健康日报")
        verbose_name_plural = _("教职工健康日报")
        ordering = ["-date", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "date"], name="health_staff_report_unique_day",
                violation_error_message="该学校当天已有教职工健康日报；重新提交会替换原日报。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.school} {self.date} 教职工"

    def get_absolute_url(self):
        return reverse("health:staff_report_detail", args=[self.pk])


class StaffSickCase(IllnessRecord):
    report = models.ForeignKey(
        StaffHealthReport, verbose_name=_("日报"), on_delete=models.CASCADE, related_name="cases"
    )
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        Staff, verbose_name=_("教职工"), on_delete=models.PROTECT, related_name="sick_cases"
    )
    date = models.DateField(_("缺勤日期"))
    expected_return = models.DateField(_("预计返岗日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("教职工因病缺勤")
        verbose_name_plural = _("教职工因病缺勤")
        ordering = ["-date", "staff"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "staff"], name="health_staff_case_unique",
                violation_error_message="同一份日报中同一教职工只能登记一次。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.date} {self.staff}"


class SchoolDayRollup(models.Model):
    """Per school and school day: completeness and the day's numbers, rewritten at every
    submission, so trend and briefing pages read ~400 rows a day instead of the raw reports."""

    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("日期"))
    stage = models.CharField(_("学段"), max_length=8)
    classes_expected = models.PositiveSmallIntegerField(_("应报班级数"), default=0)
    classes_reported = models.PositiveSmallIntegerField(_("已报班级数"), default=0)
    classes_on_time = models.PositiveSmallIntegerField(_("按时班级数"), default=0)
    classes_late = models.PositiveSmallIntegerField(_("迟报班级数"), default=0)
    expected = models.PositiveIntegerField(_("应到"), default=0)
    present = models.PositiveIntegerField(_("实到"), default=0)
    sick = models.PositiveIntegerField(_("因病缺课"), default=0)
    personal = models.PositiveIntegerField(_("因事缺课"), default=0)
    cases = models.PositiveIntegerField(_("因病登记"), default=0)
    symptom_counts = models.JSONField(_("症状人数"), default=dict)
    diagnosis_counts = models.JSONField(_("诊断人数"), default=dict)
    staff_on_duty = models.PositiveIntegerField(_("教职工在岗"), null=True, blank=True)
    staff_sick = models.PositiveIntegerField(_("教职工因病缺勤"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "health"
    scope_path = "school"

    class Meta:
        verbose_name = _("学校日汇总")
        verbose_name_plural = _("学校日汇总")
        ordering = ["-date", "school__code"]
        indexes = [models.Index(fields=["date", "stage"], name="health_rollup_date_stage_idx")]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="health_rollup_unique_day")]

    def __str__(self):
        return f"{self.school} {self.date}"

    @property
    def sick_rate(self) -> float:
        return self.sick / self.expected if self.expected else 0.0


class AlertStatus(models.TextChoices):
    NEW = "新建", _("新建")
    VERIFIED = "已核实", _("已核实")
    REPORTED = "已报告疾控", _("已报告疾控")
    HANDLING = "处置中", _("处置中")
    CLOSED = "已关闭", _("已关闭")
    FALSE_ALARM = "误报", _("误报")


# The workflow: each status and the statuses it may move to.
ALERT_TRANSITIONS = {
    AlertStatus.NEW: [AlertStatus.VERIFIED, AlertStatus.FALSE_ALARM],
    AlertStatus.VERIFIED: [
        AlertStatus.REPORTED,
        AlertStatus.HANDLING,
        AlertStatus.CLOSED,
        AlertStatus.FALSE_ALARM,
    ],
    AlertStatus.REPORTED: [AlertStatus.HANDLING, AlertStatus.CLOSED],
    AlertStatus.HANDLING: [AlertStatus.CLOSED],
    AlertStatus.CLOSED: [],
    AlertStatus.FALSE_ALARM: [],
}
OPEN_ALERT_STATUSES = [AlertStatus.NEW, AlertStatus.VERIFIED, AlertStatus.REPORTED, AlertStatus.HANDLING]


class Alert(models.Model):
    """An early warning: a rule cluster (one per rule, class or school and episode, updated as
    cases are added) or a statistical aberration of a school's daily sick-absence rate."""

    class Kind(models.TextChoices):
        RULE = "rule", _("规则预警")
        STATISTICAL = "statistical", _("统计预警")

    Level = ClusterRule.Level

    kind = models.CharField(_("类型"), max_length=11, choices=Kind.choices)
    rule = models.ForeignKey(
        ClusterRule,
        verbose_name=_("规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    rule_code = models.CharField(_("规则代码"), max_length=40)
    level = models.CharField(_("层级"), max_length=6, choices=ClusterRule.Level.choices)
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # school_class_id or 0: a NULL would not take part in the uniqueness of the cluster key.
    class_key = models.PositiveIntegerField(_("班级键"), default=0, editable=False)
    first_date = models.DateField(_("首例日期"))
    last_date = models.DateField(_("最近日期"))
    cases = models.PositiveIntegerField(_("病例数"), default=0)
    evidence = models.ManyToManyField(SickCase, verbose_name=_("证据病例"), blank=True, related_name="alerts")
    detail = models.JSONField(
        _("详情"), default=dict, blank=True, help_text=_("统计预警：率、基线、C1/C2/C3")
    )
    status = models.CharField(_("状态"), max_length=6, choices=AlertStatus.choices, default=AlertStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    report_due = models.DateTimeField(_("报告时限"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告疾控时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "health"
    scope_path = "school"
    scope_class_path = "school_class"

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-last_date", "-id"]
        indexes = [
            models.Index(fields=["last_date"], name="health_alert_last_date_idx"),
            models.Index(fields=["status"], name="health_alert_status_idx"),
            models.Index(
                fields=["school", "rule_code", "class_key", "last_date"], name="health_alert_cluster_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "school", "class_key", "first_date"], name="health_alert_unique_cluster",
                violation_error_message="同一聚集已有预警，不能重复。",
            ),
        ]  # fmt: skip

    def __str__(self):
        where = self.school_class.name if self.school_class_id else self.school
        return f"{self.last_date} {where} {self.rule.name if self.rule_id else self.rule_code}"

    def get_absolute_url(self):
        return reverse("health:alert_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ALERT_STATUSES

    @property
    def next_statuses(self) -> list[str]:
        return list(ALERT_TRANSITIONS[AlertStatus(self.status)])


class AlertEvent(models.Model):
    """The alert's history: each status change and note, who and when."""

    alert = models.ForeignKey(Alert, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    from_status = models.CharField(_("原状态"), max_length=6, choices=AlertStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=6, choices=AlertStatus.choices, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "health"
    scope_path = "alert__school"
    scope_class_path = "alert__school_class"

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["alert", "at", "id"]

    def __str__(self):
        return f"{self.alert} {self.at:%Y-%m-%d %H:%M} {self.to_status or self.note[:20]}"
