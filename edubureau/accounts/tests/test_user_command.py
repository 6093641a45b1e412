import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import ALL, Role
from edubureau.core.models import ChangeAction, ChangeRecord

GOOD = "Gute-Reise2026"


@pytest.fixture
def stdin(monkeypatch):
    def feed(text):
        monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))

    return feed


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("user", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_it_adds_a_school_user_by_chinese_role_and_school_code(stdin, school_a):
    stdin(GOOD)
    out = run(
        "add",
        "wang",
        "--role",
        "学校管理员",
        "--org",
        school_a.code,
        "--display-name",
        "王校长",
        "--password-stdin",
    )
    user = User.objects.get(username="wang")
    assert (user.role, user.org, user.display_name) == (Role.SCHOOL_ADMIN, school_a, "王校长")
    assert user.can_unmask and user.can_export and user.check_password(GOOD)
    assert "已新增用户 wang" in out
    record = ChangeRecord.objects.get(object_id=str(user.pk), content_type__model="user")
    assert record.action == ChangeAction.CREATE and record.source == "cli" and record.user_name == "控制台"
    assert "password" not in record.after and "last_login" not in record.after


def test_it_adds_a_department_user_by_role_code(stdin, db):
    Department.objects.create(name="德育科", grants={m: list(ALL) for m in ["students"]})
    stdin(GOOD)
    run("add", "li", "--role", "department", "--department", "德育科", "--password-stdin")
    user = User.objects.get(username="li")
    assert user.department.name == "德育科" and user.org is None and user.can_export and not user.can_unmask


def test_it_adds_a_school_user_by_school_name_with_prompted_passwords(monkeypatch, school_a):
    answers = iter([GOOD, GOOD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("add", "zhao", "--role", "school_clerk", "--org", "闵行区实验小学")
    assert User.objects.get(username="zhao").check_password(GOOD)


def test_it_refuses_two_different_prompted_passwords(monkeypatch, db):
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="两次输入的密码不一致"):
        run("add", "zhao", "--role", "leader")
    assert not User.objects.filter(username="zhao").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss"], "未知角色“boss”。可用角色：admin（系统管理员）"),
        (["--role", "school_admin"], "学校用户须用 --org 指定学校"),
        (["--role", "school_admin", "--org", "9999999999"], "未找到学校“9999999999”"),
        (["--role", "科室人员", "--department", "不存在科"], "未找到科室“不存在科”"),
        (["--role", "department"], "科室人员须用 --department 指定科室"),
    ],
)
def test_it_explains_unknown_roles_units_and_departments_in_chinese(stdin, school_a, args, message):
    stdin(GOOD)
    with pytest.raises(CommandError, match=message):
        run("add", "nobody", *args, "--password-stdin")
    assert not User.objects.filter(username="nobody").exists()
    assert not ChangeRecord.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [("short1A!", "密码太短"), ("onlylowercaseletters", "至少三类"), ("", "密码不能为空")],
)
def test_it_refuses_weak_passwords(stdin, db, password, message):
    stdin(password)
    with pytest.raises(CommandError, match=message):
        run("add", "weak", "--role", "admin", "--password-stdin")
    assert not User.objects.filter(username="weak").exists()


def test_it_refuses_an_existing_username(stdin, admin_user):
    stdin(GOOD)
    with pytest.raises(CommandError, match="用户“admin”已存在"):
        run("add", "admin", "--role", "admin", "--password-stdin")


def test_it_sets_a_password_and_logs_no_hash(stdin, school_a_clerk):
    stdin(GOOD)
    assert "已修改 a_clerk 的密码" in run("passwd", "a_clerk", "--password-stdin")
    school_a_clerk.refresh_from_db()
    assert school_a_clerk.check_password(GOOD)
    record = ChangeRecord.objects.get(object_id=str(school_a_clerk.pk))
    assert record.after == {"password": "（已修改）"} and school_a_clerk.password not in str(record.after)

    stdin("weak")
    with pytest.raises(CommandError, match="密码不符合要求"):
        run("passwd", "a_clerk", "--password-stdin")
    with pytest.raises(CommandError, match="未找到用户“ghost”"):
        run("passwd", "ghost", "--password-stdin")


def test_it_lists_users(actors):
    out = run("list")
    lines = out.splitlines()
    assert len(lines) == len(actors)
    assert any(
        line.startswith("a_clerk\t") and "学校填报员" in line and "闵行区实验小学" in line for line in lines
    )


def test_it_prints_a_new_token_each_time(school_a_clerk):
    first = run("token", "a_clerk").strip()
    assert Token.objects.get(user=school_a_clerk).key == first
    second = run("token", "a_clerk").strip()
    assert second != first and Token.objects.get(user=school_a_clerk).key == second


def test_it_adds_a_head_teacher_with_their_staff_record(stdin, school_a):
    from edubureau.health.tests.conftest import make_teacher

    teacher = make_teacher(school_a, name="孙老师")
    stdin(GOOD)
    out = run("add", "sun", "--role", "班主任", "--org", school_a.code, "--staff", "孙老师", "--password-stdin")
    assert "已新增用户 sun（班主任" in out
    assert User.objects.get(username="sun").staff == teacher
    stdin(GOOD)
    with pytest.raises(CommandError, match="班主任账号须指定对应教职工"):
        run("add", "li", "--role", "head_teacher", "--org", school_a.code, "--password-stdin")
