"""招生工作: a campaign per year and entry grade, its stages, the places per school, the priority tiers."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.admissions import priority
from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import School

__all__ = [
    "ENTRY_GRADES",
    "Campaign",
    "CampaignStage",
    "EntryGrade",
    "PriorityTier",
    "SchoolPlan",
    "StageKind",
]


class EntryGrade(models.TextChoices):
    KINDERGARTEN = "幼儿园小班", _("幼儿园小班")
    PRIMARY = "小学一年级", _("小学一年级")
    JUNIOR = "初中预备", _("初中预备（七年级）")


# Per entry grade: the grade number (people.GRADE_LABELS), the 学段 of the schools that admit, the
# standard class size (domain sheet: 小学 45, 初中 50, 小班 25) and the entry age on the cut-off date
# (None: junior entry follows primary school, not age).
ENTRY_GRADES = {
    EntryGrade.KINDERGARTEN: {"grade": -2, "stages": ("幼儿园",), "class_size": 25, "age": 3},
    EntryGrade.PRIMARY: {"grade": 1, "stages": ("小学", "九年一贯制", "十二年一贯制"), "class_size": 45, "age": 6},
    EntryGrade.JUNIOR: {"grade": 6, "stages": ("初中", "九年一贯制", "完全中学", "十二年一贯制"), "class_size": 50, "age": None},
}  # fmt: skip


class StageKind(models.TextChoices):
    """The stages of a campaign, in the order they run."""

    REGISTRATION = "信息登记", _("信息登记")
    VERIFICATION = "验证", _("验证")
    PRIVATE_APPLY = "民办报名", _("民办报名")
    PRIVATE_LOTTERY = "民办录取", _("民办录取（摇号）")
    PUBLIC_ADMIT = "公办对口录取", _("公办对口录取")
    ALLOCATION = "统筹安排", _("统筹安排")
    RESULTS = "结果公布", _("结果公布")


STAGE_ORDER = {kind: n for n, kind in enumerate(StageKind.values, start=1)}


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("招生年份"), validators=[MinValueValidator(2000)])
    entry_grade = models.CharField(_("入学年级"), max_length=8, choices=EntryGrade.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True)
    class_size = models.PositiveSmallIntegerField(
        _("标准班额"),
        validators=[MinValueValidator(1)],
        help_text=_("每班人数上限；默认：小学 45，初中 50，小班 25"),
    )
    birth_from = models.DateField(
        _("出生日期起"), null=True, blank=True, help_text=_("入学年龄窗口：最早出生日期")
    )
    birth_to = models.DateField(
        _("出生日期止"), null=True, blank=True, help_text=_("入学年龄窗口：最晚出生日期")
    )
    max_private_choices = models.PositiveSmallIntegerField(
        _("民办志愿数上限"), default=1, validators=[MinValueValidator(0)]
    )
    max_public_choices = models.PositiveSmallIntegerField(
        _("公办志愿数上限"), default=0, help_text=_("0 表示不填公办志愿，按对口/划片安排")
    )
    documents = models.JSONField(_("验证材料清单"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("招生工作")
        verbose_name_plural = _("招生工作")
        ordering = ["-year", "entry_grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "entry_grade"], name="campaign_unique_year_grade",
                violation_error_message="该年份的这一入学年级已有招生工作。",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_from__isnull=True) | models.Q(birth_to__isnull=True)
                | models.Q(birth_to__gte=models.F("birth_from")),
                name="campaign_birth_window_ordered", violation_error_message="出生日期止不能早于出生日期起。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.name or f"{self.year}年{self.entry_grade}招生"

    def get_absolute_url(self):
        return reverse("admissions:campaign_detail", args=[self.pk])

    @property
    def config(self) -> dict:
        return ENTRY_GRADES[EntryGrade(self.entry_grade)]

    @property
    def school_stages(self) -> tuple:
        return self.config["stages"]

    @property
    def grade(self) -> int:
        return self.config["grade"]

    def stage(self, kind) -> "CampaignStage | None":
        return next((s for s in self.stages.all() if s.kind == kind), None)

    def open_stages(self) -> list:
        return [s for s in self.stages.all() if s.is_open]

    @property
    def current_stages(self) -> str:
        return "、".join(s.get_kind_display() for s in self.open_stages()) or "—"

    @property
    def stage_summary(self) -> str:
        """Where the campaign is, in one phrase: its open stages, else the next one and when it is
        planned to start, else that it is over."""
        if self.open_stages():
            return self.current_stages
        waiting = [s for s in self.stages.all() if s.opened_at is None]
        if not waiting:
            return str(_("已全部结束")) if self.stages.all() else "—"
        first = min(waiting, key=lambda s: s.order)
        if first.planned_start:
            return _("未开始，下一阶段：%(stage)s（计划 %(date)s 开始）") % {
                "stage": first.get_kind_display(),
                "date": f"{first.planned_start:%Y-%m-%d}",
            }
        return _("未开始，下一阶段：%(stage)s") % {"stage": first.get_kind_display()}


def default_birth_window(entry_grade: str, year: int) -> tuple[datetime.date | None, datetime.date | None]:
    """Age N by 31 August of the entry year: born 1 September (year−N−1) … 31 August (year−N)."""
    age = ENTRY_GRADES[EntryGrade(entry_grade)]["age"]
    if age is None:
        return None, None
    return datetime.date(year - age - 1, 9, 1), datetime.date(year - age, 8, 31)


class CampaignStage(models.Model):
    """One stage of a campaign: planned dates, and the moments the bureau opened and closed it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.CASCADE, related_name="stages"
    )
    kind = models.CharField(_("阶段"), max_length=8, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateField(_("计划结束"), null=True, blank=True)
    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开启人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("关闭人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("招生阶段")
        verbose_name_plural = _("招生阶段")
        ordering = ["campaign", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind"], name="campaign_stage_unique_kind",
                violation_error_message="该招生工作已有这一阶段。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.campaign} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("admissions:campaign_detail", args=[self.campaign_id])

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None

    @property
    def status(self) -> str:
        if self.opened_at is None:
            return "未开始"
        return "进行中" if self.closed_at is None else "已结束"

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.planned_end is not None and timezone.localdate() > self.planned_end


class SchoolPlan(models.Model):
    """招生计划: a school's planned entry classes in a campaign; places = classes × class size."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.CASCADE, related_name="plans"
    )
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="admission_plans"
    )
    planned_classes = models.PositiveSmallIntegerField(_("计划班数"))
    class_size = models.PositiveSmallIntegerField(
        _("班额"),
        null=True,
        blank=True,
        help_text=_("空 = 使用招生工作的标准班额"),
        validators=[MinValueValidator(1)],
    )

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True
    scope_path = "school"

    class Meta:
        verbose_name = _("招生计划")
        verbose_name_plural = _("招生计划")
        ordering = ["campaign", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "school"], name="school_plan_unique_school",
                violation_error_message="该学校在本次招生中已有招生计划。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.school} {self.planned_classes} 班"

    def get_absolute_url(self):
        return reverse("admissions:plan_list") + f"?campaign={self.campaign_id}"

    @property
    def size(self) -> int:
        return self.class_size or self.campaign.class_size

    @property
    def places(self) -> int:
        return self.planned_classes * self.size


class PriorityTier(models.Model):
    """One tier of the ordered priority rules (顺位): the first tier whose conditions all hold applies.

    `conditions` is data, so each district sets its own order (services.priority explains the keys):
    {"person_household": "一致"|"分离", "proof": [...], "owner": [...], "full_share": true|false,
     "min_holding_years": n, "hukou_local": true, "residence_permit": true, "points_met": true}.
    An empty dict matches everyone (the last tier, 其他).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.CASCADE, related_name="tiers"
    )
    rank = models.PositiveSmallIntegerField(_("顺位"), help_text=_("1 为最优先"))
    name = models.CharField(_("类别名称"), max_length=60)
    conditions = models.JSONField(_("条件"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("入学顺位")
        verbose_name_plural = _("入学顺位")
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "rank"], name="priority_tier_unique_rank",
                violation_error_message="同一招生工作中顺位不能重复。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"第{self.rank}类 {self.name}"

    def get_absolute_url(self):
        return reverse("admissions:campaign_detail", args=[self.campaign_id]) + "#tiers"

    @property
    def conditions_text(self) -> str:
        """The conditions in words, for pages and the tiers' edit form (the API keeps the keys)."""
        return priority.describe(self.conditions)

    @classmethod
    def change_text(cls, name, value):
        """The conditions of a change record in words (core.audit_views)."""
        return priority.describe(value) if name == "conditions" and isinstance(value, dict) else None
