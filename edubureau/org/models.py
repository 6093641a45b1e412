"""The unit tree: district → 学区 and 教育集团 → schools (and other units) → campuses, with history."""

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet

region_code = RegexValidator(r"^\d{6}$", "行政区划代码应为 6 位数字。")
school_code = RegexValidator(r"^\d{10}$", "学校标识码应为 10 位数字。")


class Stage(models.TextChoices):
    KINDERGARTEN = "幼儿园", _("幼儿园")
    PRIMARY = "小学", _("小学")
    JUNIOR = "初中", _("初中")
    SENIOR = "高中", _("高中")
    NINE_YEAR = "九年一贯制", _("九年一贯制")
    COMPLETE = "完全中学", _("完全中学")
    TWELVE_YEAR = "十二年一贯制", _("十二年一贯制")
    VOCATIONAL = "中职", _("中职")
    SPECIAL = "特殊教育", _("特殊教育")
    OTHER = "其他单位", _("其他单位")


# Grades a school of each 学段 teaches: 1–12 for 一年级…高三, -3..0 for 托班…大班.
STAGE_GRADES = {
    Stage.KINDERGARTEN: range(-3, 1),
    Stage.PRIMARY: range(1, 6),
    Stage.JUNIOR: range(6, 10),
    Stage.SENIOR: range(10, 13),
    Stage.NINE_YEAR: range(1, 10),
    Stage.COMPLETE: range(6, 13),
    Stage.TWELVE_YEAR: range(1, 13),
    Stage.VOCATIONAL: range(10, 13),
    Stage.SPECIAL: range(1, 13),
    Stage.OTHER: range(0),
}
# Shanghai runs 5+4: primary 1–5, junior 6–9 (预备=6). Other provinces may set 6+3 in a later release.


class Nature(models.TextChoices):
    PUBLIC = "公办", _("公办")
    PRIVATE = "民办", _("民办")


class SchoolStatus(models.TextChoices):
    OPEN = "办学中", _("办学中")
    MERGED = "已合并", _("已合并")
    CLOSED = "已撤销", _("已撤销")
    PLANNED = "筹建", _("筹建")


class District(models.Model):
    code = models.CharField(_("行政区划代码"), max_length=6, unique=True, validators=[region_code])
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:district_detail", args=[self.pk])


class Zone(models.Model):
    """学区: a group of schools sharing catchment and resources."""

    district = models.ForeignKey(
        District, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="zones"
    )
    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.TextField(_("说明"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "org"
    scope_path = "schools"
    scope_distinct = True
    scope_bureau_writes = True  # a school's users see their 学区/集团; the bureau defines them

    class Meta:
        verbose_name = _("学区")
        verbose_name_plural = _("学区")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:zone_detail", args=[self.pk])


class EduGroup(models.Model):
    """教育集团: schools led by a core school."""

    district = models.ForeignKey(
        District, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=80, unique=True)
    lead_school = models.ForeignKey(
        "School",
        verbose_name=_("牵头学校"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "org"
    scope_path = "schools"
    scope_distinct = True
    scope_bureau_writes = True  # a school's users see their 学区/集团; the bureau defines them

    class Meta:
        verbose_name = _("教育集团")
        verbose_name_plural = _("教育集团")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:group_detail", args=[self.pk])


class SchoolQuerySet(ScopedQuerySet):
    def existing_in(self, year: int):
        """Units that existed at some time during calendar year `year` (merged ones included)."""
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=start)
        )

    def open(self):
        return self.filter(status=SchoolStatus.OPEN)


class School(models.Model):
    district = models.ForeignKey(
        District, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="schools"
    )
    code = models.CharField(_("学校标识码"), max_length=10, unique=True, validators=[school_code])
    name = models.CharField(_("学校名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    stage = models.CharField(_("学段"), max_length=8, choices=Stage.choices, db_index=True)
    nature = models.CharField(_("办学性质"), max_length=4, choices=Nature.choices, default=Nature.PUBLIC)
    inclusive = models.BooleanField(_("普惠性"), default=False, help_text=_("仅幼儿园：是否普惠性幼儿园"))
    rank = models.CharField(_("等级"), max_length=30, blank=True, help_text=_("如 市一级园、示范性高中"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    zone = models.ForeignKey(
        Zone, verbose_name=_("学区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    group = models.ForeignKey(
        EduGroup,
        verbose_name=_("教育集团"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="schools",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    principal = models.CharField(_("校长"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(
        _("状态"), max_length=4, choices=SchoolStatus.choices, default=SchoolStatus.OPEN, db_index=True
    )
    opened_on = models.DateField(_("开办日期"), null=True, blank=True)
    closed_on = models.DateField(_("停办日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("继承学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text=_("合并或撤销后，学生与资产并入的学校"),
    )

    objects = SchoolQuerySet.as_manager()
    scope_module = "org"
    scope_path = "pk"

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="school_closed_after_opened",
                violation_error_message="停办日期不能早于开办日期。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:school_detail", args=[self.pk])

    @property
    def grades(self):
        return STAGE_GRADES[Stage(self.stage)]

    @property
    def final_successor(self):
        """Follow the chain of merges to the school that exists today."""
        school, seen = self, set()
        while school.successor_id and school.pk not in seen:
            seen.add(school.pk)
            school = school.successor
        return school


class Campus(models.Model):
    school = models.ForeignKey(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="campuses"
    )
    name = models.CharField(_("校区名称"), max_length=60)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_main = models.BooleanField(_("主校区"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_module = "org"
    scope_path = "school"

    class Meta:
        verbose_name = _("校区")
        verbose_name_plural = _("校区")
        ordering = ["school", "-is_main", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="campus_unique_name",
                violation_error_message="同一学校的校区名称不能重复。",
            )
        ]

    def __str__(self):
        return f"{self.school.short_name or self.school.name}·{self.name}"

    def get_absolute_url(self):
        return reverse("org:school_detail", args=[self.school_id]) + "#campuses"


class SchoolEvent(models.Model):
    """A change in the unit tree: opening, merge, split, move, rename, closure."""

    class Kind(models.TextChoices):
        OPENED = "新建", _("新建")
        MERGED = "合并", _("合并")
        SPLIT = "分立", _("分立")
        MOVED = "迁址", _("迁址")
        RENAMED = "更名", _("更名")
        CLOSED = "撤销", _("撤销")

    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices)
    date = models.DateField(_("日期"))
    description = models.TextField(_("说明"), blank=True)
    sources = models.ManyToManyField(
        School, verbose_name=_("原学校"), related_name="events_as_source", blank=True
    )
    results = models.ManyToManyField(
        School, verbose_name=_("结果学校"), related_name="events_as_result", blank=True
    )

    class Meta:
        verbose_name = _("学校沿革")
        verbose_name_plural = _("学校沿革")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.description}"
