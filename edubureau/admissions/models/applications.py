"""入学申请: a child's registration in a campaign, its guardians, school choices and verification steps."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import VIEW, ScopedQuerySet
from edubureau.org.models import School
from edubureau.people.models import Gender, HukouType, IdType

from .campaign import Campaign, PriorityTier

__all__ = [
    "Application",
    "ApplicationChoice",
    "ApplicationGuardian",
    "ApplicationQuerySet",
    "ApplicationReview",
    "ApplicationStatus",
    "ChoiceKind",
    "PropertyOwner",
    "ResidenceProof",
]


class ApplicationStatus(models.TextChoices):
    PENDING = "待验证", _("待验证")
    PASSED = "通过", _("通过")
    RETURNED = "退回补正", _("退回补正")


class ResidenceProof(models.TextChoices):
    DEED = "房产证", _("房产证（不动产权证）")
    CONTRACT = "网签", _("购房网签合同")
    RENTAL = "租赁", _("租赁备案")
    OTHER = "其他", _("其他（借住等）")


class PropertyOwner(models.TextChoices):
    PARENTS = "父母", _("父母或本人")
    GRANDPARENTS = "祖辈", _("祖父母或外祖父母")
    OTHER = "其他", _("其他")


class ApplicationQuerySet(ScopedQuerySet):
    def narrow(self, scope, user, action=VIEW):
        """A school's users see the applications that name their school: as a choice, as the
        catchment school or as the admitted school; district users see them all."""
        if scope.all_units:
            return self
        ids = scope.school_ids
        chosen = ApplicationChoice.objects.filter(application=OuterRef("pk"), school__in=ids)
        return self.filter(Q(Exists(chosen)) | Q(catchment_school__in=ids) | Q(admitted_school__in=ids))


class ApplicationPartQuerySet(ScopedQuerySet):
    """Rows of an application (guardians, appeals): in the user's units exactly when their application is."""

    def narrow(self, scope, user, action=VIEW):
        return self.filter(application__in=Application.objects.all().narrow(scope, user, action).values("pk"))


class Application(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("招生工作"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("报名编号"), max_length=20, unique=True)
    # The child
    child_name = models.CharField(_("儿童姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_type = models.CharField(_("证件类型"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField(_("证件号码"), max_length=20)
    # 户籍
    hukou_type = models.CharField(_("户籍类型"), max_length=6, choices=HukouType.choices)
    hukou_address = models.CharField(_("户籍地址"), max_length=200, blank=True)
    # Residence: the structured parts are what the catchment rules match on
    residence_street = models.CharField(_("居住街道（镇）"), max_length=40, blank=True)
    residence_community = models.CharField(_("居委/小区"), max_length=60, blank=True)
    residence_road = models.CharField(_("路（弄）"), max_length=60, blank=True)
    residence_house_no = models.PositiveIntegerField(_("门牌号"), null=True, blank=True)
    residence_address = models.CharField(_("居住地址"), max_length=200, blank=True)
    person_household_same = models.BooleanField(
        _("人户一致"), default=False, help_text=_("户籍地址与居住地址一致")
    )
    residence_proof = models.CharField(
        _("居住证明"), max_length=4, choices=ResidenceProof.choices, blank=True
    )
    property_owner = models.CharField(_("产权人"), max_length=4, choices=PropertyOwner.choices, blank=True)
    property_share = models.DecimalField(
        _("产权份额（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    property_since = models.DateField(_("产权（租赁）登记日期"), null=True, blank=True)
    # 随迁子女
    is_migrant = models.BooleanField(_("随迁子女"), default=False)
    residence_permit = models.BooleanField(_("持居住证"), default=False)
    permit_points = models.PositiveIntegerField(_("居住证积分"), null=True, blank=True)
    points_met = models.BooleanField(_("积分达标"), default=False)
    # 同胞
    sibling_school = models.ForeignKey(
        School,
        verbose_name=_("同胞就读学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sibling_name = models.CharField(_("同胞姓名"), max_length=40, blank=True)
    # Verification
    status = models.CharField(
        _("验证状态"),
        max_length=4,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    documents = models.JSONField(_("已核材料"), default=list, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("验证人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    # Computed: priority tier and its explanation, the catchment school (helper of the catchment
    # rules), the single tie-breaking lottery number, and the admitted school once results exist.
    tier = models.ForeignKey(
        PriorityTier,
        verbose_name=_("入学顺位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tier_explanation = models.CharField(_("顺位说明"), max_length=300, blank=True)
    catchment_school = models.ForeignKey(
        School, verbose_name=_("对口学校"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lottery_number = models.PositiveIntegerField(_("随机号"), null=True, blank=True)
    admitted_school = models.ForeignKey(
        School, verbose_name=_("录取学校"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = ApplicationQuerySet.as_manager()
    scope_module = "admissions"
    scope_path = "choices__school"
    scope_distinct = True
    sensitive_fields = {"id_number": "id_number", "hukou_address": "address", "residence_address": "address"}

    class Meta:
        verbose_name = _("入学申请")
        verbose_name_plural = _("入学申请")
        ordering = ["campaign", "number"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="application_campaign_status"),
            models.Index(fields=["campaign", "tier"], name="application_campaign_tier"),
            models.Index(fields=["child_name"], name="application_child_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_type", "id_number"], name="application_unique_child",
                violation_error_message="该儿童（证件号码）在本次招生中已有报名，不能重复报名。",
            ),
            models.UniqueConstraint(
                fields=["campaign", "lottery_number"], condition=Q(lottery_number__isnull=False),
                name="application_unique_lottery_number", violation_error_message="随机号在本次招生中已被使用。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.number} {self.child_name}"

    def get_absolute_url(self):
        return reverse("admissions:application_detail", args=[self.pk])

    @property
    def choice_summary(self) -> str:
        """民办1：… ；公办1：… (from prefetched choices on list pages and exports)."""
        return "；".join(f"{c.kind}{c.rank}：{c.school.name}" for c in self.choices.all())


class ApplicationGuardian(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("入学申请"), on_delete=models.CASCADE, related_name="guardians"
    )
    name = models.CharField(_("姓名"), max_length=40)
    relation = models.CharField(_("关系"), max_length=10)
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    residence_permit = models.BooleanField(_("持居住证"), default=False)
    insurance_months = models.PositiveSmallIntegerField(_("本年社保月数"), default=0)

    objects = ApplicationPartQuerySet.as_manager()
    scope_module = "admissions"
    scope_path = "application__choices__school"
    scope_distinct = True
    sensitive_fields = {"id_number": "id_number", "phone": "phone"}

    class Meta:
        verbose_name = _("申请监护人")
        verbose_name_plural = _("申请监护人")
        ordering = ["application", "id"]

    def __str__(self):
        return f"{self.name}（{self.relation}）"


class ChoiceKind(models.TextChoices):
    PRIVATE = "民办", _("民办志愿")
    PUBLIC = "公办", _("公办志愿")


class ApplicationChoice(models.Model):
    """A school the family chose: private schools (up to the campaign's limit) or a public preference."""

    application = models.ForeignKey(
        Application, verbose_name=_("入学申请"), on_delete=models.CASCADE, related_name="choices"
    )
    kind = models.CharField(_("类别"), max_length=2, choices=ChoiceKind.choices)
    rank = models.PositiveSmallIntegerField(_("志愿序号"))
    school = models.ForeignKey(School, verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("志愿")
        verbose_name_plural = _("志愿")
        ordering = ["application", "kind", "rank"]
        indexes = [models.Index(fields=["school", "kind"], name="application_choice_school")]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "rank"], name="application_choice_unique_rank",
                violation_error_message="同一类志愿的序号不能重复。",
            ),
            models.UniqueConstraint(
                fields=["application", "school"], name="application_choice_unique_school",
                violation_error_message="同一学校不能重复填报。",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_kind_display()}{self.rank}：{self.school}"


class ApplicationReview(models.Model):
    """One step of the verification workflow: who decided what, when, and why."""

    application = models.ForeignKey(
        Application, verbose_name=_("入学申请"), on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField(_("结论"), max_length=4, choices=ApplicationStatus.choices)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    documents = models.JSONField(_("已核材料"), default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验证人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("验证人姓名"), max_length=150, blank=True)
    time = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("验证记录")
        verbose_name_plural = _("验证记录")
        ordering = ["application", "time", "id"]

    def __str__(self):
        return f"{self.application.number} {self.status} {self.time:%Y-%m-%d %H:%M}"
