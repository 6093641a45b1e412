"""对口 / 学区划分: rules mapping residence addresses to a school or to a 多校划片 group, per campaign.

The matching itself is the pure module admissions/catchment.py; these rows are its input.
Rules belong to the whole district (like the campaign): everyone with the module reads them,
only district-level users change them.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet
from edubureau.org.models import School

from .campaign import Campaign

__all__ = ["CatchmentGroup", "CatchmentRule", "HouseParity", "SchoolLocation"]


class HouseParity(models.TextChoices):
    ALL = "全部", _("全部门牌")
    ODD = "单号", _("单号")
    EVEN = "双号", _("双号")


class CatchmentGroup(models.Model):
    """多校划片: several schools sharing one area; families in it are placed among them."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.CASCADE, related_name="catchment_groups"
    )
    name = models.CharField(_("片区名称"), max_length=60)
    schools = models.ManyToManyField(School, verbose_name=_("片区学校"), related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("划片片区")
        verbose_name_plural = _("划片片区")
        ordering = ["campaign", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"], name="catchment_group_unique_name",
                violation_error_message="本次招生中已有同名片区。",
            )
        ]  # fmt: skip

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admissions:catchment_group_edit", args=[self.pk])

    @property
    def school_list(self) -> str:
        return "、".join(s.name for s in self.schools.all())


class CatchmentRule(models.Model):
    """An area: the parts it names (街道, 居委/小区, 路/弄, a house-number range on one side) → a target."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.CASCADE, related_name="catchment_rules"
    )
    street = models.CharField(_("街道（镇）"), max_length=40, blank=True)
    community = models.CharField(_("居委/小区"), max_length=60, blank=True)
    road = models.CharField(_("路（弄）"), max_length=60, blank=True)
    number_from = models.PositiveIntegerField(_("起始门牌号"), null=True, blank=True)
    number_to = models.PositiveIntegerField(_("截止门牌号"), null=True, blank=True)
    parity = models.CharField(_("单双号"), max_length=2, choices=HouseParity.choices, default=HouseParity.ALL)
    school = models.ForeignKey(
        School, verbose_name=_("对口学校"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        CatchmentGroup,
        verbose_name=_("划片片区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("对口规则")
        verbose_name_plural = _("对口规则")
        ordering = ["campaign", "street", "community", "road", "number_from", "id"]
        indexes = [models.Index(fields=["campaign", "road"], name="catchment_rule_road")]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, group__isnull=True) | Q(school__isnull=True, group__isnull=False),
                name="catchment_rule_one_target", violation_error_message="对口学校与划片片区须填且只填一项。",
            ),
            models.CheckConstraint(
                condition=Q(number_from__isnull=True) | Q(number_to__isnull=True) | Q(number_to__gte=F("number_from")),
                name="catchment_rule_range_ordered", violation_error_message="截止门牌号不能小于起始门牌号。",
            ),
            models.CheckConstraint(
                condition=~Q(street="", community="", road=""),
                name="catchment_rule_names_an_area", violation_error_message="街道、居委/小区、路至少填一项。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.area} → {self.target}"

    def get_absolute_url(self):
        return reverse("admissions:catchment_rule_edit", args=[self.pk])

    def clean(self):
        # Stored as the matcher compares them (full-width digits, spaces, 居委会 → 居委), so the
        # form, the import and the look-up all agree on what a rule says.
        from ..catchment import normalise

        self.street, self.community, self.road = (
            normalise(self.street),
            normalise(self.community),
            normalise(self.road),
        )

    @property
    def area(self) -> str:
        parts = [p for p in (self.street, self.community, self.road) if p]
        if self.number_from is not None or self.number_to is not None or self.parity != HouseParity.ALL:
            side = "" if self.parity == HouseParity.ALL else f"（{self.parity}）"
            parts.append(f"{self.number_from or 1}–{self.number_to or '∞'}号{side}")
        return " ".join(parts)

    @property
    def target(self) -> str:
        return str(self.school) if self.school_id else f"多校划片：{self.group}"

    @property
    def kind(self) -> str:
        return str(_("对口") if self.school_id else _("多校划片"))


class SchoolLocation(models.Model):
    """Where a school is (WGS-84), for "the nearest schools that still have places"."""

    school = models.OneToOneField(
        School, verbose_name=_("学校"), on_delete=models.CASCADE, related_name="location"
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("纬度"), max_digits=8, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )

    objects = ScopedQuerySet.as_manager()
    scope_module = "admissions"
    scope_path = "school"

    class Meta:
        verbose_name = _("学校位置")
        verbose_name_plural = _("学校位置")

    def __str__(self):
        return f"{self.school}（{self.longitude}, {self.latitude}）"

    def get_absolute_url(self):
        return reverse("admissions:school_location_edit", args=[self.pk])
