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
    HEAD_TEACHER = "head_teacher", _("班主任")
    SCHOOL_DOCTOR = "school_doctor", _("校医")


# Roles that work for one school (User.org is required).
SCHOOL_ROLES = (Role.SCHOOL_ADMIN, Role.SCHOOL_CLERK, Role.HEAD_TEACHER, Role.SCHOOL_DOCTOR)


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
ACTIONS = {
    VIEW: _("查看"),
    ADD: _("新增"),
    CHANGE: _("修改"),
    DELETE: _("删除"),
    IMPORT: _("导入"),
    EXPORT: _("导出"),
}
# The registries whose structure (schools, classes, students, staff) only the administrator and the
# department that owns each registry may change: other departments are granted view and export.
REGISTRY_MODULES = ("org", "classes", "students", "staff")

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
# A 班主任 reports and reads for their own classes only (the classes whose 班主任 is their staff
# record, which the school administrator maintains on the class); CLASS_BOUND_MODULES are limited.
HEAD_TEACHER_GRANTS = {
    "org": (VIEW,),
    "classes": (VIEW,),
    "students": (VIEW,),
    "health": (VIEW, ADD, CHANGE),
}
CLASS_BOUND_MODULES = frozenset({"classes", "students", "health"})
# The 校医 (the school's 疫情报告人) works on the whole school's health reports and alerts.
SCHOOL_DOCTOR_GRANTS = {
    "org": (VIEW,),
    "classes": (VIEW,),
    "students": (VIEW,),
    "staff": (VIEW,),
    "health": (VIEW, ADD, CHANGE, EXPORT),
}
SCHOOL_GRANTS = {
    Role.SCHOOL_ADMIN: SCHOOL_ADMIN_GRANTS,
    Role.SCHOOL_CLERK: SCHOOL_CLERK_GRANTS,
    Role.HEAD_TEACHER: HEAD_TEACHER_GRANTS,
    Role.SCHOOL_DOCTOR: SCHOOL_DOCTOR_GRANTS,
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
        grants = department_grants(user.department.grants if user.department_id else {})
        return _scope(user, grants, all_units=True)
    if role in SCHOOL_GRANTS and user.org_id:
        school = frozenset([user.org_id])
        if role == Role.HEAD_TEACHER:
            return _scope(user, SCHOOL_GRANTS[role], school_ids=school, class_ids=head_teacher_classes(user))
        return _scope(user, SCHOOL_GRANTS[role], school_ids=school)
    return Scope()


def department_grants(stored: dict) -> dict:
    """A department's stored grants ({module: [actions]}) as the scope uses them: unknown modules and
    actions dropped, view implied by any other action, the audit log read-only."""
    grants = {}
    stored = stored if isinstance(stored, dict) else {}
    for module in MODULES:  # in the modules' order, whatever order the database keeps the keys in
        actions = stored.get(module)
        if not isinstance(actions, list | tuple):
            continue
        allowed = {a for a in actions if a in ACTIONS}
        if module == "audit":
            allowed &= set(READ)  # nobody writes the audit log by hand
        if allowed:
            grants[module] = tuple(a for a in ALL if a in allowed | {VIEW})
    return grants


def head_teacher_classes(user) -> frozenset:
    """The current year's classes whose 班主任 is the user's staff record (none without one)."""
    if not user.staff_id:
        return frozenset()
    classes = user.staff.head_of.filter(school_year__is_current=True, school_id=user.org_id)
    return frozenset(classes.values_list("pk", flat=True))


def _scope(user, grants, all_units=False, school_ids=frozenset(), class_ids=None):
    if not user.can_export:
        grants = {m: tuple(a for a in actions if a != EXPORT) for m, actions in grants.items()}
    return Scope(
        all_units=all_units,
        school_ids=school_ids,
        grants=tuple((m, frozenset(a)) for m, a in grants.items()),
        can_unmask=user.can_unmask,
        class_ids=class_ids,
        class_modules=CLASS_BOUND_MODULES if class_ids is not None else frozenset(),
    )
