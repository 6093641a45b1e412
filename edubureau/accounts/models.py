from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as AuthUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ScopedQuerySet

from .roles import (
    ACTIONS,
    DEFAULT_CAN_EXPORT,
    DEFAULT_CAN_UNMASK,
    MODULES,
    SCHOOL_ROLES,
    Role,
    department_grants,
    scope_for,
)


def grant_labels(grants: dict) -> list[str]:
    """Stored grants in words: ["学生学籍（查看、修改）", …]."""
    return [
        f"{MODULES[m]}（{'、'.join(str(ACTIONS[a]) for a in actions)}）"
        for m, actions in department_grants(grants).items()
    ]


class Department(models.Model):
    """A bureau department (科室). It is granted actions per module (view, add, change, delete, import,
    export); its staff work with those actions district-wide."""

    name = models.CharField(_("科室名称"), max_length=30, unique=True)
    grants = models.JSONField(
        _("授权"), default=dict, blank=True, help_text=_("模块代码 → 操作列表，如 {\"students\": [\"view\", \"change\"]}")
    )

    objects = ScopedQuerySet.as_manager()
    scope_module = "users"  # granted to bureau users only: departments are the bureau's
    scope_bureau_writes = True

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:department_detail", args=[self.pk])

    @property
    def modules(self) -> list[str]:
        """The modules the department may use at all."""
        return list(department_grants(self.grants))

    def module_labels(self):
        return grant_labels(self.grants)

    @classmethod
    def change_text(cls, name, value):
        """The grants of a change record in words (core.audit_views)."""
        return "；".join(grant_labels(value)) or "—" if name == "grants" and isinstance(value, dict) else None

    @property
    def modules_text(self):
        return "；".join(self.module_labels())


class UserQuerySet(ScopedQuerySet):
    pass


class UserManager(AuthUserManager.from_queryset(UserQuerySet)):
    """Django's user manager, plus for_user(): user management is scoped like any registry."""


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=30, blank=True)
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.SCHOOL_CLERK)
    org = models.ForeignKey(
        "org.School",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    can_unmask = models.BooleanField(_("可查看完整敏感信息"), default=False)
    can_export = models.BooleanField(_("可导出数据"), default=False)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    staff = models.ForeignKey(
        "people.Staff",
        verbose_name=_("对应教职工"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
        help_text=_("班主任账号须对应本校教职工：其担任班主任的班级即其可填报的班级"),
    )

    objects = UserManager()
    scope_module = "users"
    scope_path = "org"
    sensitive_fields = {"phone": "phone"}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=list(SCHOOL_ROLES)) | Q(org__isnull=False),
                name="school_user_has_org",
                violation_error_message="学校用户必须指定所属单位。",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT) | Q(department__isnull=False),
                name="department_user_has_department",
                violation_error_message="科室人员必须指定所属科室。",
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.staff_id and self.staff.school_id != self.org_id:
            raise ValidationError({"staff": "对应教职工须是该用户所属单位的教职工：请先选对所属单位，或清空对应教职工。"})
        if self.role == Role.HEAD_TEACHER and not self.staff_id:
            raise ValidationError({"staff": "班主任账号须指定对应教职工（本校教职工），否则看不到任何班级。"})

    def get_scope(self):
        # Cached per user object, i.e. per request; role changes apply from the next request.
        if not hasattr(self, "_scope_cache"):
            self._scope_cache = scope_for(self)
        return self._scope_cache

    def apply_role_defaults(self):
        self.can_unmask = DEFAULT_CAN_UNMASK.get(self.role, False)
        self.can_export = DEFAULT_CAN_EXPORT.get(self.role, False)
