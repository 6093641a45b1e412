"""Roles and what each may do in each module. The single source of the permission rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from edubureau.core.scope import ADD, CHANGE, DELETE, EXPORT, IMPORT, VIEW, Scope


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    LEADER = "leader", _("局领导")
    DEPARTMENT = "department", _("科室人员")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    SCHOOL_CLERK = "school_clerk", _("学校填报员")


# The modules a department may be granted; a model names its module in `scope_module`.
MODULES = {
    "org": _("学校库"),
    "classes": _("班级"),
    "students": _("学生学籍"),
    "staff": _("教职工"),
    "health": _("健康日报"),
    "admissions": _("招生入学"),
    "workplan": _("工作要点"),
    "projects": _("重点项目"),
    "equity": _("优质均衡"),
    "audit": _("审计日志"),
    "users": _("用户管理"),
}

ALL = (VIEW, ADD, CHANGE, DELETE, IMPORT, EXPORT)
READ = (VIEW, EXPORT)

# What a school's own users may do with their school's rows.
SCHOOL_ADMIN_GRANTS = {
    "org": (VIEW, CHANGE, EXPORT),
    "classes": ALL,
    "students": ALL,
    "staff": ALL,
    "health": ALL,
    "admissions": (VIEW, CHANGE, EXPORT),  # the school verifies documents and sees its admitted list
    "workplan": (VIEW,),  # the tasks the school cooperates on
    "projects": (VIEW, EXPORT),
    "equity": (VIEW, ADD, CHANGE, IMPORT, EXPORT),  # the school submits its resource data
}
SCHOOL_CLERK_GRANTS = {
    "org": (VIEW,),
    "classes": (VIEW,),
    "students": (VIEW, ADD, CHANGE),
    "staff": (VIEW,),
    "health": (VIEW, ADD, CHANGE),  # 班主任 and 校医 report every school day
    "admissions": (VIEW,),
    "workplan": (VIEW,),
    "projects": (VIEW,),
    "equity": (VIEW, ADD, CHANGE),
}

# A role's defaults for the two separately granted permissions (a user may be given or denied each).
DEFAULT_CAN_UNMASK = {Role.ADMIN: True, Role.SCHOOL_ADMIN: True}
DEFAULT_CAN_EXPORT = {Role.ADMIN: True, Role.LEADER: True, Role.DEPARTMENT: True, Role.SCHOOL_ADMIN: True}


def scope_for(user) -> Scope:
    role = user.role
    if user.is_superuser or role == Role.ADMIN:
        grants = {m: ALL for m in MODULES}
        grants["audit"] = READ
        return _scope(user, grants, all_units=True)
    if role == Role.LEADER:
        return _scope(user, {m: READ for m in MODULES if m != "users"}, all_units=True)
    if role == Role.DEPARTMENT:
        modules = user.department.modules if user.department_id else []
        grants = {m: ALL for m in modules if m in MODULES}
        if "audit" in grants:
            grants["audit"] = READ  # nobody writes the audit log by hand
        return _scope(user, grants, all_units=True)
    if role in (Role.SCHOOL_ADMIN, Role.SCHOOL_CLERK) and user.org_id:
        grants = SCHOOL_ADMIN_GRANTS if role == Role.SCHOOL_ADMIN else SCHOOL_CLERK_GRANTS
        return _scope(user, grants, school_ids=frozenset([user.org_id]))
    return Scope()


def _scope(user, grants, all_units=False, school_ids=frozenset()):
    if not user.can_export:
        grants = {m: tuple(a for a in actions if a != EXPORT) for m, actions in grants.items()}
    return Scope(
        all_units=all_units,
        school_ids=school_ids,
        grants=tuple((m, frozenset(a)) for m, a in grants.items()),
        can_unmask=user.can_unmask,
    )
