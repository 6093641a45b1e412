from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edubureau.core.masking import MaskedFormMixin

from . import services
from .models import Department, User
from .roles import (
    ACTIONS,
    ALL,
    DEFAULT_CAN_EXPORT,
    DEFAULT_CAN_UNMASK,
    MODULES,
    SCHOOL_ROLES,
    Role,
    department_grants,
)

# "" follows the role's default, so changing the role changes the permission unless it was overridden.
GRANT_CHOICES = [("", _("按角色默认")), ("1", _("允许")), ("0", _("不允许"))]


class SchoolField(forms.CharField):
    """A school typed as its 学校标识码 or name (400 units are too many for a drop-down)."""

    def prepare_value(self, value):
        if isinstance(value, int):
            school = services.School.objects.filter(pk=value).first()
            return school.code if school else ""
        return getattr(value, "code", value)

    def clean(self, value):
        value = super().clean(value)
        return services.find_school(value) if value else None


class UserForm(MaskedFormMixin, forms.ModelForm):
    org = SchoolField(label=_("所属单位"), required=False, help_text=_("学校用户必填：10 位学校标识码或学校全称"))
    staff = forms.CharField(
        label=_("对应教职工"), required=False, max_length=40,
        help_text=_("班主任必填：本校教职工的证件号码或姓名；其担任班主任的班级即其可填报的班级"),
    )  # fmt: skip
    can_unmask = forms.ChoiceField(label=_("可查看完整敏感信息"), choices=GRANT_CHOICES, required=False)
    can_export = forms.ChoiceField(label=_("可导出数据"), choices=GRANT_CHOICES, required=False)

    class Meta:
        model = User
        fields = ["username", "display_name", "phone", "role", "org", "staff", "department", "is_active"]
        labels = {"is_active": _("启用")}
        help_texts = {
            "username": _("登录名：字母、数字和 @ . + - _"),
            "is_active": _("停用后该用户不能登录，API 令牌失效。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance
        if not user.pk:
            # No preselected role: one careless save must not create an administrator.
            self.fields["role"].choices = [("", _("请选择角色")), *Role.choices]
            self.initial["role"] = ""
        if user.pk:
            for name, defaults in (("can_unmask", DEFAULT_CAN_UNMASK), ("can_export", DEFAULT_CAN_EXPORT)):
                value = getattr(user, name)
                self.initial[name] = (
                    "" if value == defaults.get(user.role, False) else ("1" if value else "0")
                )
        self.fields["department"].help_text = _("科室人员必填")
        if user.staff_id:
            self.initial["staff"] = user.staff.name

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in SCHOOL_ROLES and not data.get("org") and "org" not in self.errors:
            self.add_error("org", "学校用户必须指定所属单位：请填写学校标识码或学校全称。")
        if role == Role.DEPARTMENT and not data.get("department"):
            self.add_error("department", "科室人员必须指定所属科室。")
        data["staff"] = self.find_staff(role, data.get("org"), (data.get("staff") or "").strip())
        return data

    def find_staff(self, role, school, text):
        if role not in SCHOOL_ROLES or not school:
            return None
        if not text:
            if role == Role.HEAD_TEACHER:
                self.add_error("staff", "班主任账号须指定对应教职工：请填写本校教职工的证件号码或姓名。")
            return None
        try:
            return services.find_staff(school, text)
        except ValidationError as error:
            self.add_error("staff", error)
            return None

    def apply_grants(self, user):
        user.apply_role_defaults()
        for name in ("can_unmask", "can_export"):
            choice = self.cleaned_data.get(name)
            if choice:
                setattr(user, name, choice == "1")


class UserAddForm(UserForm):
    password1 = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )  # fmt: skip
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif p1:
            try:
                # Checked against the new user's own name, so "zhangsan2025!" is refused for zhangsan.
                candidate = User(
                    username=data.get("username") or "", display_name=data.get("display_name") or ""
                )
                password_validation.validate_password(p1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class DepartmentForm(forms.ModelForm):
    """The department's name and, per module, the actions its staff may take district-wide."""

    class Meta:
        model = Department
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        granted = department_grants(self.instance.grants)
        for module, label in MODULES.items():
            self.fields[f"grant_{module}"] = forms.MultipleChoiceField(
                label=label, required=False, choices=[(a, ACTIONS[a]) for a in ALL],
                widget=forms.CheckboxSelectMultiple,
                initial=list(granted.get(module, ())),
            )  # fmt: skip
        self.fields["grant_org"].help_text = _(
            "学校库、班级、学生学籍、教职工的新增、修改、删除只授予主管该库的科室；其他科室授予查看和导出。"
        )

    def clean(self):
        data = super().clean()
        chosen = {module: data.get(f"grant_{module}") or [] for module in MODULES}
        self.instance.grants = {m: list(actions) for m, actions in department_grants(chosen).items()}
        return data
