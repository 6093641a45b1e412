"""录取分配: a run of the allocation engine over a campaign, one placement per application, appeals."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import School

from .applications import Application, ApplicationPartQuerySet
from .campaign import Campaign

__all__ = ["Appeal", "AppealStatus", "AllocationRun", "Mechanism", "Placement", "PlacementReason"]


class Mechanism(models.TextChoices):
    DA = "da", _("延迟接受（平行志愿，推荐）")
    IA = "ia", _("志愿优先（Boston）")


class AllocationRun(models.Model):
    """One run: who ran it with which mechanism on which inputs (their SHA-256), and its statistics.
    The latest run of a campaign is the current result; publishing it sets the admitted schools."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.CASCADE, related_name="allocation_runs"
    )
    mechanism = models.CharField(_("分配机制"), max_length=2, choices=Mechanism.choices, default=Mechanism.DA)
    inputs_hash = models.CharField(_("输入数据哈希"), max_length=64)
    created_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("运行人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applicants = models.PositiveIntegerField(_("参与人数"), default=0)
    placed = models.PositiveIntegerField(_("录取人数"), default=0)
    unplaced = models.PositiveIntegerField(_("未录取人数"), default=0)
    stats = models.JSONField(_("统计"), default=dict, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("分配批次")
        verbose_name_plural = _("分配批次")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.campaign} 第 {self.pk} 次分配（{self.get_mechanism_display()}）"

    def get_absolute_url(self):
        return reverse("admissions:allocation_run_detail", args=[self.pk])


class PlacementReason(models.TextChoices):
    PRIVATE_LOTTERY = "民办摇号录取", _("民办摇号录取")
    CATCHMENT = "对口录取", _("对口录取")
    CATCHMENT_GROUP = "划片录取", _("划片录取")
    ASSIGNED = "统筹安排", _("统筹安排")
    UNPLACED = "未录取", _("未录取")


class Placement(models.Model):
    """Where one application is placed by a run, why, in which class; for the unplaced, the nearest
    schools that still had places."""

    run = models.ForeignKey(
        AllocationRun, verbose_name=_("分配批次"), on_delete=models.CASCADE, related_name="placements"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("入学申请"), on_delete=models.CASCADE, related_name="placements"
    )
    school = models.ForeignKey(
        School, verbose_name=_("录取学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("录取方式"), max_length=6, choices=PlacementReason.choices)
    choice_rank = models.PositiveSmallIntegerField(
        _("所中志愿"), null=True, blank=True, help_text=_("1 = 第一志愿")
    )
    class_no = models.PositiveSmallIntegerField(_("班号"), null=True, blank=True)
    nearest = models.JSONField(_("就近有学位的学校"), default=list, blank=True)
    explanation = models.CharField(_("说明"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True
    scope_path = "school"

    class Meta:
        verbose_name = _("录取结果")
        verbose_name_plural = _("录取结果")
        ordering = ["run", "school__code", "class_no", "application__number"]
        indexes = [models.Index(fields=["run", "school", "class_no"], name="placement_run_school_class")]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="placement_unique_application",
                violation_error_message="同一批次中每份申请只有一条录取结果。",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.application.number} → {self.school or self.reason}"

    def get_absolute_url(self):
        return reverse("admissions:placement_notice", args=[self.pk])

    @property
    def nearest_text(self) -> str:
        return "、".join(f"{n['name']}（余 {n['left']} 个）" for n in self.nearest)


class AppealStatus(models.TextChoices):
    OPEN = "待处理", _("待处理")
    UPHELD = "已支持", _("已支持")
    REJECTED = "不予支持", _("不予支持")


class Appeal(models.Model):
    """A family's appeal or complaint about an application's result, and how it was answered."""

    application = models.ForeignKey(
        Application, verbose_name=_("入学申请"), on_delete=models.CASCADE, related_name="appeals"
    )
    kind = models.CharField(
        _("类型"), max_length=2, choices=[("申诉", _("申诉")), ("投诉", _("投诉"))], default="申诉"
    )
    content = models.TextField(_("内容"))
    status = models.CharField(
        _("处理状态"), max_length=4, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    reply = models.TextField(_("答复"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApplicationPartQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True
    scope_path = "application__admitted_school"

    class Meta:
        verbose_name = _("申诉投诉")
        verbose_name_plural = _("申诉投诉")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="appeal_status")]

    def __str__(self):
        return f"{self.application.number} {self.kind}（{self.status}）"

    def get_absolute_url(self):
        return reverse("admissions:appeal_edit", args=[self.pk])
