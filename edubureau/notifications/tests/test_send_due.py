"""`edubureau notify send-due`: the 晨检 reports missing after the deadline of a school day, milestones due
within three days and overdue; running it twice sends nothing twice; --dry-run stores nothing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from conftest import make_user
from edubureau.accounts.models import Department
from edubureau.accounts.roles import ALL, Role
from edubureau.health.services import submit_class_report
from edubureau.health.tests.conftest import report
from edubureau.notifications.models import Kind, Notification
from edubureau.workplan import services as workplan

from .conftest import ON_TIME

pytestmark = pytest.mark.django_db


def send_due(at, *options):
    out = StringIO()
    call_command("notify", "send-due", "--at", at, *options, stdout=out)
    return out.getvalue()


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


@pytest.fixture
def school_b_reported(class_b, pupils_b):
    submit_class_report(report(class_b, expected=6), now=ON_TIME)


@pytest.mark.usefixtures("school_b_reported")
def test_it_reminds_the_schools_reporters_of_a_missing_report_after_the_deadline(
    class_a, actors, head_teacher_a, doctor_a
):
    assert "没有新的提醒" in send_due("2025-11-17T09:00")  # before the 09:30 deadline
    out = send_due("2025-11-17T10:00")
    assert "日报未按时上报" in out
    # school A's 学校管理员, 填报员 and the missing class's 班主任; nobody of school B (it reported)
    assert told(Kind.REPORT_MISSING) == ["a_admin", "a_clerk", "a_head"]
    teacher = Notification.objects.get(recipient=head_teacher_a)
    assert teacher.title == "11月17日三年级（2）班晨检日报未按时上报"
    school = Notification.objects.get(recipient=actors["school_a_admin"])
    assert "1 个班级" in school.title and "三年级（2）班" in school.body and "date=2025-11-17" in school.link


@pytest.mark.usefixtures("school_b_reported")
def test_running_it_twice_sends_nothing_twice(class_a, actors):
    send_due("2025-11-17T10:00")
    assert "没有新的提醒" in send_due("2025-11-17T11:30")
    assert Notification.objects.count() == 2
    send_due("2025-11-18T10:00")  # the next school day is another reminder, and school B has not reported
    assert sorted(Notification.objects.values_list("key", "recipient__username")) == [
        ("report:2025-11-17", "a_admin"), ("report:2025-11-17", "a_clerk"),
        ("report:2025-11-18", "a_admin"), ("report:2025-11-18", "a_clerk"), ("report:2025-11-18", "b_admin"),
    ]  # fmt: skip


def test_it_reminds_nobody_on_a_day_without_school(class_a, actors):
    send_due("2025-11-22T10:00")  # a Saturday
    send_due("2025-10-01T10:00")  # 国庆节
    assert not Notification.objects.exists()


def test_a_dry_run_prints_and_stores_nothing(class_a, actors):
    out = send_due("2025-11-17T10:00", "--dry-run")
    assert "演练" in out and "日报未按时上报\ta_admin\t11月17日晨检日报未按时上报：1 个班级" in out
    assert not Notification.objects.exists()


@pytest.fixture
def milestones(db, school_a, school_b):
    planning = Department.objects.create(name="规划科", grants={"workplan": list(ALL)})
    make_user("guihua", Role.DEPARTMENT, department=planning)
    plan = workplan.create_plan(2026, "2026年区教育局工作要点")
    section = workplan.create_section(plan, "聚焦内涵发展")
    task = workplan.create_task(
        section, "新建中小学校舍", lead_department=planning, cooperating_schools=[school_a]
    )
    return {
        "soon": workplan.create_milestone(task, "完成立项", datetime.date(2026, 6, 17)),
        "overdue": workplan.create_milestone(task, "完成方案", datetime.date(2026, 6, 10)),
        "later": workplan.create_milestone(task, "开工", datetime.date(2026, 6, 30)),
        "done": workplan.create_milestone(task, "调研", datetime.date(2026, 6, 1), datetime.date(2026, 6, 1)),
    }


def test_it_reminds_the_lead_department_and_cooperating_schools_of_milestones(milestones, actors):
    send_due("2026-06-15T08:00")
    # 规划科 (lead, holds the module) and school A's users with the module; not school B, not 基教科
    assert told(Kind.MILESTONE_DUE) == ["a_admin", "a_clerk", "guihua"]
    assert told(Kind.MILESTONE_OVERDUE) == ["a_admin", "a_clerk", "guihua"]
    due = Notification.objects.filter(kind=Kind.MILESTONE_DUE).first()
    assert due.title == "里程碑临近：完成立项（2 天后到期）"
    assert due.link == milestones["soon"].get_absolute_url()
    overdue = Notification.objects.filter(kind=Kind.MILESTONE_OVERDUE).first()
    assert "完成方案" in overdue.title and "逾期 5 天" in overdue.body


def test_a_milestone_is_announced_once_and_again_when_its_date_moves(milestones, actors):
    send_due("2026-06-15T08:00")
    send_due("2026-06-16T08:00")
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == 3
    workplan.update_milestone(milestones["soon"], due_date=datetime.date(2026, 6, 18))
    send_due("2026-06-16T09:00")
    assert Notification.objects.filter(kind=Kind.MILESTONE_DUE).count() == 6
