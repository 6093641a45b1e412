"""优质均衡: the resource reports schools submit, the bureau's overrides, and the method's settings.

Teacher and student counts come from the registries (people.Staff, people.Student); what the
registries do not hold (areas, equipment, classrooms) is reported once a school year per school, as
whole-school figures. Nine-year, complete and twelve-year schools are split into their 学段 parts by
the conventional student-weight ratios of the method (EquitySettings.split_weights), so a school
reports what its asset books hold and never has to apportion shared buildings itself.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import School
from edubureau.people.models import SchoolYear


class Part(models.TextChoices):
    """The compulsory 学段 an indicator is computed for (a nine-year school has both)."""

    PRIMARY = "小学", _("小学")
    JUNIOR = "初中", _("初中")


class Indicator(models.TextChoices):
    """The seven resource indicators of 教督〔2017〕6号, in the order of the method (i1…i7)."""

    QUALIFIED = "i1", _("每百名学生拥有高于规定学历教师数")
    BACKBONE = "i2", _("每百名学生拥有县级以上骨干教师数")
    PE_ART = "i3", _("每百名学生拥有体育、艺术专任教师数")
    BUILDING = "i4", _("生均教学及辅助用房面积")
    SPORTS = "i5", _("生均体育运动场馆面积")
    EQUIPMENT = "i6", _("生均教学仪器设备值")
    MULTIMEDIA = "i7", _("每百名学生拥有网络多媒体教室数")


INDICATOR_UNITS = {"i1": "人", "i2": "人", "i3": "人", "i4": "m²", "i5": "m²", "i6": "元", "i7": "间"}

# The defaults of EquitySettings, from the method (see docs/equity.md and the domain sheet).
DEFAULT_STANDARDS = {
    Part.PRIMARY: {"i1": 4.2, "i2": 1.0, "i3": 0.9, "i4": 4.5, "i5": 7.5, "i6": 2000.0, "i7": 2.3},
    Part.JUNIOR: {"i1": 5.3, "i2": 1.0, "i3": 0.9, "i4": 5.8, "i5": 10.2, "i6": 2500.0, "i7": 2.4},
}
DEFAULT_CV_THRESHOLDS = {Part.PRIMARY: 0.50, Part.JUNIOR: 0.45}
# 高于规定学历: 小学 专科 and above (minimum 中师), 初中 本科 and above (minimum 专科).
DEFAULT_QUALIFIED_LEVELS = {
    Part.PRIMARY: ["专科", "本科", "硕士研究生", "博士研究生"],
    Part.JUNIOR: ["本科", "硕士研究生", "博士研究生"],
}
# Student weights of the parts of a mixed school, used to split shared resources and teachers.
DEFAULT_SPLIT_WEIGHTS = {
    "九年一贯制": {"小学": 1.0, "初中": 1.1},
    "完全中学": {"初中": 1.0, "高中": 1.2},
    "十二年一贯制": {"小学": 1.0, "初中": 1.1, "高中": 1.32},
}
# 班额 standards; kindergarten per grade (people grade numbers: -2 小班, -1 中班, 0 大班, -3 托班).
DEFAULT_CLASS_SIZES = {"小学": 45, "初中": 50, "高中": 50, "-3": 20, "-2": 25, "-1": 30, "0": 35}


def _default_standards():
    return {str(part): dict(values) for part, values in DEFAULT_STANDARDS.items()}


def _default_cv_thresholds():
    return {str(part): value for part, value in DEFAULT_CV_THRESHOLDS.items()}


def _default_qualified_levels():
    return {str(part): list(levels) for part, levels in DEFAULT_QUALIFIED_LEVELS.items()}


def _default_split_weights():
    return {kind: dict(weights) for kind, weights in DEFAULT_SPLIT_WEIGHTS.items()}


def _default_class_sizes():
    return dict(DEFAULT_CLASS_SIZES)


share = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class EquitySettings(models.Model):
    """The method's parameters for the district: one row, read by everyone who sees 优质均衡, changed
    by bureau users with the module. `EquitySettings.load()` returns it (with defaults if absent)."""

    standards = models.JSONField(
        _("指标标准"),
        default=_default_standards,
        help_text=_('按学段：{"小学": {"i1": 4.2, …}, "初中": {…}}'),
    )
    cv_thresholds = models.JSONField(_("差异系数上限"), default=_default_cv_thresholds)
    min_reached = models.PositiveSmallIntegerField(
        _("达标指标最少项数"), default=6, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    floor_share = models.DecimalField(
        _("未达标指标最低比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.85"),
        validators=share,
        help_text=_("其余指标不得低于标准的该比例（85% 条款）"),
    )
    qualified_levels = models.JSONField(_("高于规定学历的学历层次"), default=_default_qualified_levels)
    backbone_honours = models.CharField(
        _("县级以上骨干荣誉"),
        max_length=200,
        default="区级骨干、区学科带头人、市级骨干、特级教师、特级校长",
        help_text=_("多个用“、”分隔；教职工荣誉称号含其一即计为骨干教师"),
    )
    pe_art_subjects = models.CharField(
        _("体育艺术学科"), max_length=100, default="体育、音乐、美术、艺术", help_text=_("多个用“、”分隔")
    )
    small_site_students = models.PositiveIntegerField(
        _("不参评教学点人数"), default=50, help_text=_("学生少于该人数的教学点不参加评估")
    )
    split_weights = models.JSONField(_("一贯制学校学段折算系数"), default=_default_split_weights)
    class_sizes = models.JSONField(_("班额标准"), default=_default_class_sizes)
    kg_public_target = models.DecimalField(
        _("公办园在园幼儿占比目标"), max_digits=4, decimal_places=3, default=Decimal("0.50"), validators=share
    )
    kg_inclusive_target = models.DecimalField(
        _("普惠性覆盖率目标"), max_digits=4, decimal_places=3, default=Decimal("0.80"), validators=share
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "equity"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("优质均衡参数")
        verbose_name_plural = _("优质均衡参数")

    def __str__(self):
        return str(_("优质均衡参数"))

    def get_absolute_url(self):
        return reverse("equity:settings")

    @classmethod
    def load(cls) -> "EquitySettings":
        """The district's settings; an unsaved row with the method's defaults if none was saved."""
        return cls.objects.order_by("pk").first() or cls()

    def standards_for(self, part: str) -> dict[str, float]:
        return {code: float(v) for code, v in self.standards.get(str(part), DEFAULT_STANDARDS[part]).items()}

    def cv_threshold_for(self, part: str) -> float:
        return float(self.cv_thresholds.get(str(part), DEFAULT_CV_THRESHOLDS[part]))

    def qualified_levels_for(self, part: str) -> list[str]:
        return list(self.qualified_levels.get(str(part), DEFAULT_QUALIFIED_LEVELS[part]))

    @property
    def backbone_honour_list(self) -> list[str]:
        return [h.strip() for h in self.backbone_honours.split("、") if h.strip()]

    @property
    def pe_art_subject_list(self) -> list[str]:
        return [s.strip() for s in self.pe_art_subjects.split("、") if s.strip()]


class ReportStatus(models.TextChoices):
    DRAFT = "草稿", _("草稿")
    SUBMITTED = "已提交", _("已提交")
    CONFIRMED = "已确认", _("已确认")
    RETURNED = "已退回", _("已退回")


# The statuses in which the school may still edit its report.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)

NEGATIVE = "不能为负数，请填写 0 或正数。"
not_negative = [MinValueValidator(Decimal("0"), message=NEGATIVE)]
count = [MinValueValidator(0, message=NEGATIVE)]


class ResourceReport(models.Model):
    """A school's resource figures for one school year (whole school, all 学段 together).

    Workflow: 草稿 → 已提交 (the school) → 已确认 (the bureau) or 已退回 (the bureau, with a reason)
    → edited and submitted again. Only confirmed reports feed the indicators."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="resource_reports"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("学年"), on_delete=models.PROTECT, related_name="resource_reports"
    )
    building_area = models.DecimalField(
        _("教学及辅助用房面积（m²）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=not_negative,
    )
    sports_area = models.DecimalField(
        _("体育运动场馆面积（m²）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=not_negative,
    )
    equipment_value = models.DecimalField(
        _("教学仪器设备值（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=not_negative,
    )
    multimedia_classrooms = models.PositiveIntegerField(
        _("网络多媒体教室数（间）"), null=True, blank=True, validators=count
    )
    # Corrections of the registry's teacher counts (whole school), e.g. a teacher not yet in the staff
    # registry; empty means "use the registry". A correction needs a note saying why.
    qualified_teachers = models.PositiveIntegerField(
        _("高于规定学历教师数（校正）"),
        null=True,
        blank=True,
        validators=count,
        help_text=_("留空则按教职工库统计"),
    )
    backbone_teachers = models.PositiveIntegerField(
        _("县级以上骨干教师数（校正）"),
        null=True,
        blank=True,
        validators=count,
        help_text=_("留空则按教职工库统计"),
    )
    pe_art_teachers = models.PositiveIntegerField(
        _("体育艺术专任教师数（校正）"),
        null=True,
        blank=True,
        validators=count,
        help_text=_("留空则按教职工库统计"),
    )
    correction_note = models.CharField(_("校正说明"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    status = models.CharField(
        _("状态"), max_length=4, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "equity"
    scope_path = "school"

    class Meta:
        verbose_name = _("办学资源填报")
        verbose_name_plural = _("办学资源填报")
        ordering = ["-school_year__start_year", "school__code"]
        indexes = [models.Index(fields=["school_year", "status"], name="resource_year_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year"],
                name="resource_report_unique_year",
                violation_error_message="该学校本学年已有办学资源填报，请修改已有的填报。",
            ),
            models.CheckConstraint(
                condition=(Q(building_area__isnull=True) | Q(building_area__gte=0))
                & (Q(sports_area__isnull=True) | Q(sports_area__gte=0))
                & (Q(equipment_value__isnull=True) | Q(equipment_value__gte=0)),
                name="resource_report_not_negative",
                violation_error_message="面积和设备值不能为负数。",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RETURNED) | ~Q(return_reason=""),
                name="resource_report_return_has_reason",
                violation_error_message="退回时须填写原因。",
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.school_year}办学资源"

    def get_absolute_url(self):
        return reverse("equity:report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def corrections(self) -> dict[str, int]:
        """The teacher counts the school corrected, by indicator code."""
        values = {"i1": self.qualified_teachers, "i2": self.backbone_teachers, "i3": self.pe_art_teachers}
        return {code: value for code, value in values.items() if value is not None}

    @property
    def missing_fields(self) -> list[str]:
        """Labels of the figures still empty (a report can only be submitted when this is empty)."""
        names = ["building_area", "sports_area", "equipment_value", "multimedia_classrooms"]
        return [str(self._meta.get_field(n).verbose_name) for n in names if getattr(self, n) is None]


class IndicatorOverride(models.Model):
    """A value the bureau sets for one indicator of one school part, replacing the computed one.
    Always carries a reason and is shown as an override wherever the value appears."""

    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="indicator_overrides"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("学年"), on_delete=models.PROTECT, related_name="indicator_overrides"
    )
    part = models.CharField(_("学段"), max_length=2, choices=Part.choices)
    indicator = models.CharField(_("指标"), max_length=2, choices=Indicator.choices)
    value = models.DecimalField(_("指标值"), max_digits=14, decimal_places=4, validators=not_negative)
    reason = models.CharField(_("原因"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "equity"
    scope_path = "school"

    class Meta:
        verbose_name = _("指标人工调整")
        verbose_name_plural = _("指标人工调整")
        ordering = ["-school_year__start_year", "school__code", "part", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "part", "indicator"],
                name="indicator_override_unique",
                violation_error_message="该学校本学年该学段的这项指标已有调整，请修改已有的调整。",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="indicator_override_has_reason",
                violation_error_message="调整指标值须填写原因。",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="indicator_override_not_negative",
                violation_error_message="指标值不能为负数。",
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.school_year} {self.part} {self.get_indicator_display()}"

    def get_absolute_url(self):
        return reverse("equity:override_detail", args=[self.pk])
