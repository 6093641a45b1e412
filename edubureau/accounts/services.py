"""User and department changes, shared by the user pages, "my account" and `edubureau user`.

Every change is written to the change log. A user's snapshot never holds the password hash or
the last login time; a password change is logged as the fact that it changed, nothing more.
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from edubureau.core import changelog
from edubureau.core.models import ChangeAction
from edubureau.org.models import School

from .models import Department, User
from .roles import SCHOOL_ROLES, Role

SECRET_FIELDS = ("password", "last_login")
PASSWORD_CHANGED = "（已修改）"


def user_snapshot(user: User) -> dict:
    data = changelog.snapshot(user)
    for name in SECRET_FIELDS:
        data.pop(name, None)
    return data


def _log(user: User, action, before=None, after=None):
    changelog.record(action, user, before=before, after=after).save()


def _log_diff(user: User, before: dict):
    old, new = changelog.diff(before, user_snapshot(user))
    if new:
        _log(user, ChangeAction.UPDATE, old, new)


# --- finding things by what an operator types ---------------------------------------------------


def role_help() -> str:
    return "、".join(f"{value}（{label}）" for value, label in Role.choices)


def parse_role(text: str) -> str:
    """A role from its code (school_admin) or its Chinese label (学校管理员)."""
    wanted = (text or "").strip()
    for value, label in Role.choices:
        if wanted.lower() == value or wanted == str(label):
            return value
    raise ValidationError(f"未知角色“{text}”。可用角色：{role_help()}。")


def find_staff(school: School, text: str):
    """A staff member of `school` by ID number or (unique) name: the 班主任's own staff record."""
    wanted = (text or "").strip()
    staff = school.staff.all()  # the reverse relation: accounts does not import the people app
    found = list(staff.filter(id_number=wanted.upper())[:1]) or list(staff.filter(name=wanted)[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise ValidationError(f"{school}有多名教职工叫“{wanted}”：请改用证件号码。")
    raise ValidationError(f"{school}没有证件号码或姓名为“{wanted}”的教职工：请先在教职工库中登记。")


def find_school(text: str) -> School:
    """A school by its 10-digit 学校标识码, full name or short name."""
    wanted = (text or "").strip()
    school = School.objects.filter(code=wanted).first()
    if school:
        return school
    matches = list(School.objects.filter(name=wanted)[:2]) or list(
        School.objects.filter(short_name=wanted)[:2]
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValidationError(f"名称“{text}”对应多所学校，请改用 10 位学校标识码。")
    raise ValidationError(f"未找到学校“{text}”。请填写 10 位学校标识码或学校全称。")


def find_department(text: str) -> Department:
    wanted = (text or "").strip()
    department = Department.objects.filter(name=wanted).first()
    if department:
        return department
    names = (
        "、".join(Department.objects.values_list("name", flat=True))
        or "（尚无科室，请先在“用户管理 → 科室”中新增）"
    )
    raise ValidationError(f"未找到科室“{text}”。现有科室：{names}。")


def check_password(password: str, user: User | None = None):
    """Raise ValidationError (Chinese messages) unless the password meets the policy in settings."""
    password_validation.validate_password(password, user)


# --- changes --------------------------------------------------------------------------------------


def fit_to_role(user: User):
    """A school user has no department and a bureau user no school: keep only what the role uses."""
    if user.role not in SCHOOL_ROLES:
        user.org = None
    if user.org_id is None:
        user.staff = None
    if user.role != Role.DEPARTMENT:
        user.department = None


@transaction.atomic
def create_user(user: User, password: str | None = None) -> User:
    """Save a new user (fields already set, role defaults applied by the caller) and log it."""
    fit_to_role(user)
    if password:
        check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _log(user, ChangeAction.CREATE, after=user_snapshot(user))
    return user


@transaction.atomic
def update_user(user: User, before: dict) -> User:
    """Save changes to `user`; `before` is a snapshot taken before the changes (secrets are dropped)."""
    before = {k: v for k, v in before.items() if k not in SECRET_FIELDS}
    fit_to_role(user)
    user.full_clean(exclude=["password"])
    user.save()
    _log_diff(user, before)
    return user


@transaction.atomic
def set_password(user: User, password: str, validate: bool = True):
    if validate:
        check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    log_password_changed(user)


def log_password_changed(user: User):
    _log(user, ChangeAction.UPDATE, before={"password": "******"}, after={"password": PASSWORD_CHANGED})


@transaction.atomic
def deactivate(user: User):
    """Stop a user logging in (their open sessions end too) and revoke their API token."""
    before = user_snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    Token.objects.filter(user=user).delete()
    _log_diff(user, before)


@transaction.atomic
def issue_token(user: User) -> Token:
    """A new API token for `user`; any earlier token stops working."""
    had_token = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    _log(
        user,
        ChangeAction.UPDATE,
        before={"api_token": "已有" if had_token else "无"},
        after={"api_token": "新令牌"},
    )
    return token


@transaction.atomic
def revoke_token(user: User) -> bool:
    revoked = Token.objects.filter(user=user).delete()[0] > 0
    if revoked:
        _log(user, ChangeAction.UPDATE, before={"api_token": "已有"}, after={"api_token": "已撤销"})
    return revoked


@transaction.atomic
def save_department(department: Department, before: dict | None) -> Department:
    department.full_clean()
    department.save()
    if before is None:
        changelog.log_create(department)
    else:
        changelog.log_update(department, before)
    return department
