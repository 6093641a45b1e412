
import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from conftest import PASSWORD, make_user
from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import Role
from edubureau.core.models import AccessRecord, ChangeAction, ChangeRecord
from edubureau.core.testing import read_xlsx

NEW_PASSWORD = "Neu-Passwort2026"


def form_data(**fields):
    data = {
        "username": "zhang", "display_name": "张老师", "phone": "", "role": Role.SCHOOL_CLERK, "org": "",
        "department": "", "can_unmask": "", "can_export": "", "is_active": "on",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    }  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def records_of(user):
    return ChangeRecord.objects.filter(content_type__model="user", object_id=str(user.pk))


def test_it_lists_users_with_search_and_filters(login, actors, school_a):
    client = login(actors["admin"])
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    for user in actors.values():
        assert user.username in response.text

    response = client.get(reverse("accounts:user_list"), {"role": Role.SCHOOL_ADMIN})
    assert "a_admin" in response.text and "b_admin" in response.text and "a_clerk" not in response.text

    response = client.get(reverse("accounts:user_list"), {"org": school_a.code})
    assert "a_admin" in response.text and "a_clerk" in response.text and "b_admin" not in response.text

    dept = actors["department"].department
    response = client.get(reverse("accounts:user_list"), {"department": dept.pk})
    assert "jijiao" in response.text and "a_admin" not in response.text

    response = client.get(reverse("accounts:user_list"), {"q": "lead"})
    assert "leader" in response.text and "jijiao" not in response.text


def test_it_exports_the_filtered_user_list(login, actors):
    response = login(actors["admin"]).get(reverse("accounts:user_export"), {"role": Role.SCHOOL_ADMIN})
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert rows[0][0] == "用户名"
    assert sorted(r[0] for r in rows[1:]) == ["a_admin", "b_admin"]
    assert AccessRecord.objects.filter(kind=AccessRecord.Kind.EXPORT, user=actors["admin"]).count() == 1


@pytest.mark.parametrize("actor", ["leader", "department", "school_a_admin", "school_a_clerk"])
def test_it_refuses_user_management_to_everyone_but_the_administrator(login, actors, actor):
    client = login(actors[actor])
    target = actors["school_a_clerk"]
    for url in [
        reverse("accounts:user_list"), reverse("accounts:user_export"), reverse("accounts:user_add"),
        reverse("accounts:user_detail", args=[target.pk]), reverse("accounts:user_edit", args=[target.pk]),
        reverse("accounts:user_password", args=[target.pk]), reverse("accounts:user_deactivate", args=[target.pk]),
        reverse("accounts:department_list"), reverse("accounts:department_add"),
    ]:  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("accounts:user_deactivate", args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_it_sends_anonymous_visitors_to_the_login_page(client, admin_user):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_adds_a_school_user_by_school_code_with_the_role_defaults(login, admin_user, school_a):
    response = login(admin_user).post(
        reverse("accounts:user_add"), form_data(role=Role.SCHOOL_ADMIN, org=school_a.code)
    )
    user = User.objects.get(username="zhang")
    assert response.status_code == 302 and response.url == user.get_absolute_url()
    assert (user.role, user.org, user.department) == (Role.SCHOOL_ADMIN, school_a, None)
    assert user.can_unmask and user.can_export  # the school administrator's defaults
    assert user.check_password(NEW_PASSWORD)
    record = records_of(user).get()
    assert record.action == ChangeAction.CREATE and record.user == admin_user
    assert "password" not in record.after and "last_login" not in record.after


def test_it_finds_the_school_by_name_and_lets_permissions_be_overridden(login, admin_user, school_a):
    login(admin_user).post(
        reverse("accounts:user_add"),
        form_data(role=Role.SCHOOL_ADMIN, org=school_a.name, can_unmask="0", can_export=""),
    )
    user = User.objects.get(username="zhang")
    assert user.org == school_a
    assert not user.can_unmask and user.can_export


def test_it_says_in_chinese_what_is_missing_or_unknown(login, admin_user, school_a):
    client = login(admin_user)
    response = client.post(reverse("accounts:user_add"), form_data(role=Role.SCHOOL_CLERK, org=""))
    assert "学校用户必须指定所属单位" in response.text
    response = client.post(
        reverse("accounts:user_add"), form_data(role=Role.SCHOOL_CLERK, org="不存在的学校")
    )
    assert "未找到学校“不存在的学校”" in response.text
    response = client.post(reverse("accounts:user_add"), form_data(role=Role.DEPARTMENT))
    assert "科室人员必须指定所属科室" in response.text
    response = client.post(reverse("accounts:user_add"), form_data(username="admin", role=Role.LEADER))
    assert "已存在" in response.text
    assert not User.objects.filter(username="zhang").exists()


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("zhang", "Ab1!xyz", "密码太短：至少需要 10 个字符"),
        ("zhang", "abcdefghijkl", "至少三类"),
        ("zhang", "1234567890123", "密码只包含数字"),
        ("zhangsan2026", "Zhangsan2026!", "太相似"),
    ],
)
def test_it_refuses_weak_passwords_when_adding_a_user(login, admin_user, username, password, message):
    data = form_data(username=username, role=Role.LEADER, password1=password, password2=password)
    response = login(admin_user).post(reverse("accounts:user_add"), data)
    assert response.status_code == 200 and message in response.text
    assert not User.objects.filter(username=username).exists()


def test_it_refuses_two_different_passwords(login, admin_user):
    response = login(admin_user).post(
        reverse("accounts:user_add"), form_data(role=Role.LEADER, password2="Other-pass2026")
    )
    assert "两次输入的密码不一致" in response.text


def test_it_applies_the_new_role_defaults_when_the_role_changes(login, admin_user, school_a_clerk):
    assert not school_a_clerk.can_unmask
    url = reverse("accounts:user_edit", args=[school_a_clerk.pk])
    data = form_data(
        username="a_clerk",
        role=Role.SCHOOL_ADMIN,
        org=school_a_clerk.org.code,
        password1=None,
        password2=None,
    )
    assert login(admin_user).post(url, data).status_code == 302
    school_a_clerk.refresh_from_db()
    assert (
        school_a_clerk.role == Role.SCHOOL_ADMIN and school_a_clerk.can_unmask and school_a_clerk.can_export
    )
    record = records_of(school_a_clerk).get()
    assert record.before == {
        "role": Role.SCHOOL_CLERK,
        "can_unmask": False,
        "can_export": False,
        "display_name": "a_clerk",
    }
    assert record.after["role"] == Role.SCHOOL_ADMIN


def test_it_shows_an_overridden_permission_as_overridden_on_the_edit_form(login, admin_user, school_a):
    user = make_user("special", Role.SCHOOL_CLERK, org=school_a, can_export=True)
    response = login(admin_user).get(reverse("accounts:user_edit", args=[user.pk]))
    form = response.context["form"]
    assert form.initial["can_export"] == "1" and form.initial["can_unmask"] == ""
    assert form["org"].value() == school_a.code


def test_it_moves_a_user_to_a_bureau_role_and_drops_the_school(login, admin_user, school_a_admin):
    url = reverse("accounts:user_edit", args=[school_a_admin.pk])
    data = form_data(
        username="a_admin", role=Role.LEADER, org=school_a_admin.org.code, password1=None, password2=None
    )
    login(admin_user).post(url, data)
    school_a_admin.refresh_from_db()
    assert school_a_admin.role == Role.LEADER and school_a_admin.org is None


def test_it_resets_a_password_and_logs_only_the_fact(client, login, admin_user, school_a_clerk):
    url = reverse("accounts:user_password", args=[school_a_clerk.pk])
    response = login(admin_user).post(url, {"new_password1": "short", "new_password2": "short"})
    assert "太短" in response.text
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    school_a_clerk.refresh_from_db()
    assert school_a_clerk.check_password(NEW_PASSWORD)
    record = records_of(school_a_clerk).get()
    assert record.after == {"password": "（已修改）"}
    assert school_a_clerk.password not in str(record.before) + str(record.after)


def test_it_deactivates_a_user_who_then_cannot_log_in(client, admin_user, school_a_clerk):
    Token.objects.create(user=school_a_clerk)
    client.force_login(admin_user)
    url = reverse("accounts:user_deactivate", args=[school_a_clerk.pk])
    assert "停用" in client.get(url).text
    assert client.post(url).status_code == 302
    school_a_clerk.refresh_from_db()
    assert not school_a_clerk.is_active
    assert not Token.objects.filter(user=school_a_clerk).exists()
    assert records_of(school_a_clerk).get().after == {"is_active": False}

    client.logout()
    response = client.post(reverse("login"), {"username": "a_clerk", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_it_ends_the_open_session_of_a_deactivated_user(client, school_a_clerk):
    client.force_login(school_a_clerk)
    User.objects.filter(pk=school_a_clerk.pk).update(is_active=False)
    response = client.get(reverse("accounts:my_account"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_does_not_let_an_administrator_lock_themselves_out(login, admin_user):
    client = login(admin_user)
    assert client.post(reverse("accounts:user_deactivate", args=[admin_user.pk])).status_code == 403
    data = form_data(username="admin", role=Role.SCHOOL_CLERK, is_active=None, password1=None, password2=None)
    client.post(reverse("accounts:user_edit", args=[admin_user.pk]), data)
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == Role.ADMIN


def test_it_shows_a_user_with_the_phone_masked(login, admin_user, school_a):
    user = make_user("phoned", Role.SCHOOL_CLERK, org=school_a, phone="13812345678")
    client = login(admin_user)
    response = client.get(reverse("accounts:user_detail", args=[user.pk]))
    assert (
        response.status_code == 200 and "138****5678" in response.text and "13812345678" not in response.text
    )
    response = client.get(reverse("accounts:user_detail", args=[user.pk]), {"unmask": "1"})
    assert "13812345678" in response.text
    assert AccessRecord.objects.filter(kind=AccessRecord.Kind.UNMASK).count() == 1


def test_it_grants_a_department_actions_per_module_with_checkboxes(login, admin_user, department_user):
    department = department_user.department
    client = login(admin_user)
    response = client.get(reverse("accounts:department_edit", args=[department.pk]))
    assert 'type="checkbox"' in response.text and 'name="grant_audit"' in response.text
    response = client.post(
        reverse("accounts:department_edit", args=[department.pk]),
        # change without view: view is implied; the audit log cannot be written by anyone
        {"name": "基教科", "grant_students": ["change"], "grant_audit": ["view", "delete"]},
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.grants == {"students": ["view", "change"], "audit": ["view"]}
    assert department.modules == ["students", "audit"]  # in the order of the modules
    record = ChangeRecord.objects.get(content_type__model="department")
    assert record.after == {"grants": {"students": ["view", "change"], "audit": ["view"]}}

    staff = User.objects.get(pk=department_user.pk)  # a fresh object: scope is cached per request
    client.force_login(staff)
    assert client.get(reverse("core:change_list")).status_code == 200
    student_add = client.get(reverse("people:student_add"))
    assert student_add.status_code == 403  # change was granted, add was not


def test_it_adds_and_lists_departments(login, admin_user):
    client = login(admin_user)
    response = client.post(reverse("accounts:department_add"), {"name": "体卫艺科", "grant_students": ["view"]})
    department = Department.objects.get(name="体卫艺科")
    assert response.url == department.get_absolute_url()
    response = client.get(reverse("accounts:department_list"))
    assert "体卫艺科" in response.text and "学生学籍" in response.text
    assert "体卫艺科" in client.get(department.get_absolute_url()).text


def test_it_preselects_no_role_and_requires_one_when_adding_a_user(login, admin_user):
    client = login(admin_user)
    page = client.get(reverse("accounts:user_add")).content.decode()
    assert '<option value="" selected>' in page
    response = client.post(
        reverse("accounts:user_add"),
        {"username": "norole", "display_name": "无角色", "password1": "Xy#12345678", "password2": "Xy#12345678"},
    )
    assert response.status_code == 200 and not User.objects.filter(username="norole").exists()


def test_it_binds_a_head_teacher_to_their_staff_record(login, admin_user, school_a, school_b):
    from edubureau.health.tests.conftest import make_teacher

    teacher = make_teacher(school_a, name="孙老师")
    make_teacher(school_b, name="钱老师")
    client = login(admin_user)
    missing = client.post(reverse("accounts:user_add"), form_data(role=Role.HEAD_TEACHER, org=school_a.code))
    assert "班主任账号须指定对应教职工" in missing.text and not User.objects.filter(username="zhang").exists()
    elsewhere = client.post(
        reverse("accounts:user_add"), form_data(role=Role.HEAD_TEACHER, org=school_a.code, staff="钱老师")
    )
    assert "没有证件号码或姓名为“钱老师”的教职工" in elsewhere.text
    response = client.post(
        reverse("accounts:user_add"), form_data(role=Role.HEAD_TEACHER, org=school_a.code, staff=teacher.id_number)
    )
    assert response.status_code == 302
    assert User.objects.get(username="zhang").staff == teacher
