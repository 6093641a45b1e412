"""User management (module "users": the system administrator) and every user's own account page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from rest_framework.authtoken.models import Token

from edubureau.core.masking import mask
from edubureau.core.scope import CHANGE, VIEW, can
from edubureau.core.tables import Column
from edubureau.core.views import ObjectDetailView, ObjectEditView, ObjectListView

from . import services
from .filtersets import DepartmentFilterSet, UserFilterSet
from .forms import DepartmentForm, UserAddForm, UserForm
from .models import Department, User


class UsersModuleMixin:
    """403 for a signed-in user without the "users" module (the page is not merely empty)."""

    required_action = VIEW

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can(request.user, "users", self.required_action):
            raise PermissionDenied(_("您没有用户管理的权限。"))
        return super().dispatch(request, *args, **kwargs)


USER_COLUMNS = (
    Column("username", gettext_lazy("用户名"), sort="username", link=True),
    Column("display_name", gettext_lazy("姓名"), sort="display_name", link=True),
    Column("role", gettext_lazy("角色"), sort="role"),
    Column("org.name", gettext_lazy("所属单位"), sort="org__code"),
    Column("department.name", gettext_lazy("所属科室"), sort="department__name"),
    Column("phone", gettext_lazy("手机号"), mask="phone"),
    Column("can_unmask", gettext_lazy("可查看敏感信息")),
    Column("can_export", gettext_lazy("可导出")),
    Column("is_active", gettext_lazy("启用"), sort="is_active"),
    Column("last_login", gettext_lazy("最近登录"), sort="last_login"),
)


class UserListView(UsersModuleMixin, ObjectListView):
    model = User
    filterset_class = UserFilterSet
    columns = USER_COLUMNS
    select_related = ("org", "department")
    add_url_name = "accounts:user_add"
    export_name = "用户"
    template_name = "accounts/user_list.html"


class UserDetailView(UsersModuleMixin, ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"

    def list_url(self):
        return reverse("accounts:user_list")

    def extra_context(self, obj, unmasked):
        return {
            "has_token": Token.objects.filter(user=obj).exists(),
            "masked_phone": mask(obj.phone, "phone"),
        }


class UserEditView(UsersModuleMixin, ObjectEditView):
    model = User

    def get_form(self, obj, data=None):
        form_class = UserForm if obj.pk else UserAddForm
        form = form_class(data, instance=obj, **self.masking_kwargs(form_class))
        # The department list is the bureau's; schools are typed by code, so nothing else to narrow.
        form.fields["department"].queryset = Department.objects.for_user(self.request.user)
        if obj.pk == self.request.user.pk:
            # An administrator cannot lock themselves out by mistake.
            form.fields["is_active"].disabled = True
            form.fields["role"].disabled = True
        return form

    def save(self, form, creating, before):
        user = form.save(commit=False)
        form.apply_grants(user)
        if user.pk == self.request.user.pk and not user.is_active:
            raise PermissionDenied(_("不能停用自己的账号。"))
        if creating:
            return services.create_user(user, form.cleaned_data["password1"])
        return services.update_user(user, before)


class UserPasswordView(UsersModuleMixin, LoginRequiredMixin, View):
    """An administrator sets a new password for a user who forgot theirs."""

    model = User
    required_action = CHANGE
    template_name = "accounts/user_password.html"

    def get_user(self, pk):
        return get_object_or_404(User.objects.for_user(self.request.user, CHANGE), pk=pk)

    def get(self, request, pk):
        user = self.get_user(pk)
        return self.render(user, SetPasswordForm(user))

    def post(self, request, pk):
        user = self.get_user(pk)
        form = SetPasswordForm(user, request.POST)
        if not form.is_valid():
            return self.render(user, form)
        # The form has already run the password validators.
        services.set_password(user, form.cleaned_data["new_password1"], validate=False)
        messages.success(
            request,
            _("已为 %(user)s 设置新密码。请通过安全的方式告知本人，并提醒其登录后修改。") % {"user": user},
        )
        return redirect(user.get_absolute_url())

    def render(self, user, form):
        title = _("重置密码：%(user)s") % {"user": user}
        crumbs = [
            (_("用户"), reverse("accounts:user_list")),
            (str(user), user.get_absolute_url()),
            (_("重置密码"), None),
        ]
        return render(
            self.request,
            self.template_name,
            {"object": user, "form": form, "title": title, "breadcrumbs": crumbs},
        )


class UserDeactivateView(UsersModuleMixin, LoginRequiredMixin, View):
    model = User
    required_action = CHANGE
    template_name = "accounts/user_confirm_deactivate.html"

    def get_user(self, pk):
        user = get_object_or_404(User.objects.for_user(self.request.user, CHANGE), pk=pk)
        if user.pk == self.request.user.pk:
            raise PermissionDenied(_("不能停用自己的账号。"))
        return user

    def get(self, request, pk):
        user = self.get_user(pk)
        crumbs = [
            (_("用户"), reverse("accounts:user_list")),
            (str(user), user.get_absolute_url()),
            (_("停用"), None),
        ]
        return render(
            request,
            self.template_name,
            {"object": user, "title": _("停用用户：%(user)s") % {"user": user}, "breadcrumbs": crumbs},
        )

    def post(self, request, pk):
        user = self.get_user(pk)
        services.deactivate(user)
        messages.success(request, _("已停用 %(user)s。如需恢复，请编辑该用户并勾选“启用”。") % {"user": user})
        return redirect(user.get_absolute_url())


class DepartmentListView(UsersModuleMixin, ObjectListView):
    model = Department
    filterset_class = DepartmentFilterSet
    columns = (
        Column("name", gettext_lazy("科室名称"), sort="name", link=True),
        Column("modules_text", gettext_lazy("授权模块")),
        Column("user_count", gettext_lazy("人员数"), sort="user_count"),
    )
    add_url_name = "accounts:department_add"

    def get_queryset(self, action=None):
        return super().get_queryset(action).annotate(user_count=Count("users")).order_by("name")


class DepartmentDetailView(UsersModuleMixin, ObjectDetailView):
    model = Department
    template_name = "accounts/department_detail.html"

    def list_url(self):
        return reverse("accounts:department_list")

    def extra_context(self, obj, unmasked):
        return {"members": obj.users.order_by("username")}


class DepartmentEditView(UsersModuleMixin, ObjectEditView):
    model = Department
    form_class = DepartmentForm

    def save(self, form, creating, before):
        return services.save_department(form.save(commit=False), None if creating else before)


# --- my account: every signed-in user -----------------------------------------------------------


class MyAccountView(LoginRequiredMixin, View):
    template_name = "accounts/my_account.html"

    def get(self, request):
        return self.render(new_token=None)

    def render(self, new_token):
        user = self.request.user
        return render(
            self.request,
            self.template_name,
            {
                "title": _("我的账号"),
                "account": user,
                "token": Token.objects.filter(user=user).first(),
                # Shown once, right after it is made; afterwards only its last characters.
                "new_token": new_token,
                "breadcrumbs": [(_("我的账号"), None)],
            },
        )


class MyTokenView(MyAccountView):
    """POST action=create|revoke. Creating replaces any earlier token."""

    http_method_names = ["post"]

    def post(self, request):
        if request.POST.get("action") == "revoke":
            if services.revoke_token(request.user):
                messages.success(request, _("API 令牌已撤销，使用它的程序将无法再访问。"))
            return redirect("accounts:my_account")
        token = services.issue_token(request.user)
        return self.render(new_token=token.key)


class MyPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:my_account")
    extra_context = {
        "title": gettext_lazy("修改密码"),
        "breadcrumbs": [
            (gettext_lazy("我的账号"), reverse_lazy("accounts:my_account")),
            (gettext_lazy("修改密码"), None),
        ],
    }

    def form_valid(self, form):
        response = super().form_valid(form)
        services.log_password_changed(self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response
