"""民办摇号: a private school's verifiable lottery, frozen and hash-chained once drawn."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import School

from .applications import Application
from .campaign import Campaign

__all__ = ["Draw", "DrawEntry", "DrawStatus"]

FROZEN = "摇号结果已封存，不能修改或删除。"


class DrawStatus(models.TextChoices):
    PUBLISHED = "已公示", _("名单已公示")
    DRAWN = "已摇号", _("已摇号")


class Draw(models.Model):
    """The lottery of one private school in one campaign.

    Publishing freezes the applicant list (application numbers) and its SHA-256; drawing adds the
    public seed, the order from lottery.py, and the record hash chained to the previous draw.
    A drawn row refuses every save and delete (and, on the database, a trigger refuses UPDATE and
    DELETE), so nothing can be changed later without breaking the published chain.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.PROTECT, related_name="draws"
    )
    # No school: the campaign's single tie-breaking draw (统一随机号) that orders applicants within a tier.
    school = models.ForeignKey(
        School,
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission_draws",
    )
    places = models.PositiveIntegerField(_("招生名额"))
    applicants = models.JSONField(_("申请编号名单"), default=list)
    list_hash = models.CharField(_("名单哈希（SHA-256）"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=4, choices=DrawStatus.choices, default=DrawStatus.PUBLISHED
    )
    published_at = models.DateTimeField(_("公示时间"), auto_now_add=True)
    published_by = models.CharField(_("公示人"), max_length=150, blank=True)
    seed = models.CharField(_("公开种子"), max_length=200, blank=True)
    order = models.JSONField(_("摇号顺序"), default=list, blank=True)
    sequence = models.PositiveIntegerField(_("链上序号"), null=True, blank=True, unique=True)
    previous_hash = models.CharField(_("前一记录哈希"), max_length=64, blank=True)
    record_hash = models.CharField(_("记录哈希"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("摇号时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    witnesses = models.CharField(_("监督人员"), max_length=200, blank=True, help_text=_("公证员、家长代表等"))

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True
    scope_path = "school"

    class Meta:
        verbose_name = _("民办摇号")
        verbose_name_plural = _("民办摇号")
        ordering = ["campaign", "school__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "school"], name="draw_unique_school",
                violation_error_message="该学校在本次招生中已有摇号。",
            ),
            models.UniqueConstraint(
                fields=["campaign"], condition=models.Q(school__isnull=True), name="draw_unique_tiebreak",
                violation_error_message="本次招生已有统一随机号摇号。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.school or '统一随机号'} 摇号（{self.campaign}）"

    def save(self, *args, **kwargs):
        # A drawn lottery is frozen: the draw itself writes it once (status changes to 已摇号).
        if self.pk and Draw.objects.filter(pk=self.pk, status=DrawStatus.DRAWN).exists():
            raise PermissionDenied(FROZEN)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admissions:draw_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.pk and Draw.objects.filter(pk=self.pk, status=DrawStatus.DRAWN).exists():
            raise PermissionDenied(FROZEN)
        return super().delete(*args, **kwargs)

    @property
    def school_label(self) -> str:
        return self.school.name if self.school_id else "统一随机号（全体通过验证的申请）"

    @property
    def is_drawn(self) -> bool:
        return self.status == DrawStatus.DRAWN

    @property
    def applicant_count(self) -> int:
        return len(self.applicants)

    @property
    def admitted_count(self) -> int:
        return min(self.places, len(self.order))


class DrawEntry(models.Model):
    """An applicant's lottery number in a drawn lottery (rank 1 first); admitted when rank ≤ places."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("民办摇号"), on_delete=models.PROTECT, related_name="entries"
    )
    application = models.ForeignKey(
        Application, verbose_name=_("入学申请"), on_delete=models.PROTECT, related_name="draw_entries"
    )
    rank = models.PositiveIntegerField(_("摇号序号"))
    admitted = models.BooleanField(_("摇中"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True
    scope_path = "draw__school"

    class Meta:
        verbose_name = _("摇号结果")
        verbose_name_plural = _("摇号结果")
        ordering = ["draw", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "rank"], name="draw_entry_unique_rank"),
            models.UniqueConstraint(fields=["draw", "application"], name="draw_entry_unique_application"),
        ]

    def __str__(self):
        return f"{self.draw} 第 {self.rank} 号 {self.application.number}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionDenied(FROZEN)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(FROZEN)
