import datetime
import hashlib
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import MODULES, Role
from edubureau.core import changelog, democalendar, idcodes
from edubureau.core import demodata as generators
from edubureau.core.models import ChangeAction, ChangeRecord
from edubureau.demo import services
from edubureau.health.models import ClassReport
from edubureau.org.models import EduGroup, School, SchoolEvent, SchoolStatus, Stage
from edubureau.people.models import (
    CalendarDay,
    Enrollment,
    Guardian,
    HukouType,
    IdType,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
)

pytestmark = pytest.mark.django_db


def build(*args):
    out = io.StringIO()
    call_command("demo", "--scale", "small", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fingerprint():
    """A hash over what a person would see: names, numbers, addresses, classes, guardians, staff."""
    h = hashlib.sha256()
    for row in Student.objects.order_by("id_number").values_list(
        "name", "id_number", "student_no", "birth_date", "address", "school__code", "school_class__grade",
        "school_class__class_no", "status",
    ):  # fmt: skip
        h.update(repr(row).encode())
    for row in Guardian.objects.order_by("student__id_number").values_list("name", "relation", "phone"):
        h.update(repr(row).encode())
    for row in Staff.objects.order_by("id_number").values_list(
        "name", "id_number", "title", "honours", "school__code"
    ):
        h.update(repr(row).encode())
    for row in School.objects.order_by("code").values_list("code", "name", "principal", "address"):
        h.update(repr(row).encode())
    return h.hexdigest()


def test_it_builds_the_small_district():
    out = build()
    pupils, staff = services.planned_size(2020, "small")
    assert Student.objects.count() == pupils > 250
    assert Staff.objects.count() == staff >= 50
    assert Guardian.objects.count() == Enrollment.objects.count() == pupils
    assert set(School.objects.values_list("stage", flat=True)) == {
        Stage.PRIMARY, Stage.JUNIOR, Stage.NINE_YEAR, Stage.KINDERGARTEN, Stage.SENIOR,
    }  # fmt: skip
    merged = School.objects.get(status=SchoolStatus.MERGED)
    assert merged.successor.stage == Stage.PRIMARY and merged.closed_on == datetime.date(2019, 8, 31)
    assert not merged.students.exists()
    event = SchoolEvent.objects.get()
    assert list(event.sources.all()) == [merged] and list(event.results.all()) == [merged.successor]
    assert EduGroup.objects.get().lead_school.stage == Stage.SENIOR
    assert SchoolClass.objects.filter(head_teacher__isnull=True).count() == 0
    assert all(
        c.head_teacher.school_id == c.school_id for c in SchoolClass.objects.select_related("head_teacher")
    )
    assert (
        SchoolClass.objects.filter(students__isnull=False).distinct().count() == SchoolClass.objects.count()
    )
    # the school year around today, its terms and holidays, and the two years before it
    plan = democalendar.school_year_of(timezone.localdate())
    year = SchoolYear.objects.get(is_current=True)
    assert (year.start_year, year.start_date, year.end_date) == (plan.start_year, plan.start, plan.end)
    terms = Term.objects.filter(school_year=year).order_by("number")
    assert [(t.start_date, t.end_date) for t in terms] == [(t.start, t.end) for t in plan.terms]
    assert SchoolYear.objects.count() == 3 and Term.objects.count() == 6
    autumn = next(h for h in plan.holidays if h.name.startswith("国庆"))
    national_day = CalendarDay.objects.get(date=datetime.date(plan.start_year, 10, 3))
    assert national_day.kind == CalendarDay.Kind.HOLIDAY and national_day.name.startswith("国庆")
    for day in autumn.makeups:
        assert CalendarDay.objects.get(date=day).kind == CalendarDay.Kind.MAKEUP
    spring = next(h for h in plan.holidays if h.name == "春节")
    written = CalendarDay.objects.filter(name="春节", date__gt=plan.start).values_list("date", flat=True)
    assert list(written) == spring.days and len(spring.days) in (8, 9)
    assert User.objects.filter(username__in=services.DEMO_USERNAMES).count() == len(services.DEMO_USERNAMES)
    assert "xiaoxue_clerk" in out and settings.DEMO_PASSWORD in out and "http://127.0.0.1:8000/" in out
    # Seed data is not logged row by row: one note on the district. (The admissions demo runs the
    # bureau's own acts — opening stages, drawing lotteries, allocating — which log themselves.)
    registry = ChangeRecord.objects.filter(content_type__app_label__in=["org", "people", "accounts"])
    assert registry.count() == 1
    assert "演示数据" in registry.get().after["说明"]
    assert ChangeRecord.objects.count() < 50


def test_it_gives_every_student_a_valid_id_that_agrees_with_birth_date_gender_and_grade():
    build()
    year = democalendar.school_year_of(timezone.localdate()).start_year
    students = Student.objects.select_related("school_class")
    for s in students:
        if s.id_type == IdType.RESIDENT:
            assert idcodes.validate_resident_id(s.id_number) == s.id_number
            idcodes.check_id_agrees(s.id_number, s.birth_date, s.gender)
            assert s.student_no == "G" + s.id_number
            assert (s.hukou_type == HukouType.OTHER_PROVINCE) == s.is_migrant
            assert s.hukou_region == s.id_number[:6]
        idcodes.validate_student_number(s.student_no)
        first, last = generators.birth_window(year, s.school_class.grade)
        assert first.replace(year=first.year - 1) <= s.birth_date <= last, (
            s.birth_date,
            s.school_class.grade,
        )
    assert students.filter(hukou_type=HukouType.LOCAL).count() > students.count() / 3
    for s in Staff.objects.all():
        idcodes.validate_resident_id(s.id_number)
        idcodes.check_id_agrees(s.id_number, s.birth_date, s.gender)
    for phone in Guardian.objects.values_list("phone", flat=True):
        assert len(phone) == 11 and phone.startswith("1")


def test_it_gives_the_same_data_for_the_same_seed_and_different_data_for_another():
    build()
    first = fingerprint()
    build("--force")
    assert fingerprint() == first
    build("--force", "--seed", "7")
    assert fingerprint() != first


def test_it_refuses_a_database_with_data_unless_forced():
    build()
    records = ChangeRecord.objects.count()
    with pytest.raises(CommandError, match="--force"):
        build()
    clerk = User.objects.create(username="someone", role=Role.SCHOOL_CLERK, org=School.objects.first())
    build("--force")
    assert not User.objects.filter(pk=clerk.pk).exists()  # school users go with their schools
    assert School.objects.count() == 6
    assert ChangeRecord.objects.count() == 2 * records  # the audit log is kept


def test_it_does_nothing_with_if_empty_when_schools_exist():
    build()
    before = fingerprint()
    assert build("--if-empty") == ""
    assert fingerprint() == before


def test_it_builds_with_if_empty_on_an_empty_database():
    build("--if-empty")
    assert School.objects.count() == 6


def test_it_grants_departments_modules_that_exist():
    build()
    jijiao = Department.objects.get(name="基教科")
    assert {"students", "staff"} <= set(jijiao.modules)
    assert Department.objects.count() == len(services.DEPARTMENTS)
    for dept in Department.objects.all():
        assert set(dept.modules) <= set(MODULES)


def test_demo_users_log_in_and_see_only_their_scope(client):
    build()
    clerk = User.objects.get(username="xiaoxue_clerk")
    assert client.login(username="xiaoxue_clerk", password=settings.DEMO_PASSWORD)
    own = Student.objects.filter(school=clerk.org)
    assert set(Student.objects.for_user(clerk)) == set(own)
    response = client.get(reverse("people:student_list"))
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.count == own.count() > 0
    assert {s.school_id for s in page} == {clerk.org_id}
    other = School.objects.get(code=User.objects.get(username="chuzhong_clerk").org.code)
    response = client.get(reverse("people:student_list"), {"school": other.code})
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 0
    stranger = Student.objects.filter(school=other).first()
    assert client.get(reverse("people:student_detail", args=[stranger.pk])).status_code == 404

    assert client.login(username="jijiao", password=settings.DEMO_PASSWORD)
    response = client.get(reverse("people:student_list"), {"school": other.code})
    assert response.context["page_obj"].paginator.count == other.students.count() > 0


def on(day):
    moment = datetime.datetime.combine(day, datetime.time(10), timezone.get_default_timezone())
    return time_machine.travel(moment, tick=False)


def test_if_empty_rebuilds_an_untouched_demo_of_an_earlier_day_for_today():
    with on(datetime.date(2026, 10, 20)):
        build("--seed", "7")
    with on(datetime.date(2026, 12, 8)):
        out = build("--if-empty")
        assert "按今天重新生成（种子 7，规模 small）" in out
        assert services.stale_demo(datetime.date(2026, 12, 8)) is None
    assert SchoolYear.objects.get(is_current=True).start_year == 2026
    assert ClassReport.objects.latest("date").date == datetime.date(2026, 12, 7)
    assert School.objects.count() == 6


def test_if_empty_keeps_a_demo_that_someone_has_changed():
    with on(datetime.date(2026, 10, 20)):
        build()
        assert ClassReport.objects.latest("date").date == datetime.date(2026, 10, 19)
    with on(datetime.date(2026, 10, 21)):
        school = School.objects.first()
        ChangeRecord.objects.bulk_create(
            [changelog.record(ChangeAction.UPDATE, school, before={"phone": ""}, after={"phone": "021-1"})]
        )
    before = fingerprint()
    with on(datetime.date(2026, 12, 8)):
        assert services.stale_demo(datetime.date(2026, 12, 8)) is None
        assert build("--if-empty") == ""
    assert fingerprint() == before and ClassReport.objects.latest("date").date == datetime.date(2026, 10, 19)


def test_it_refuses_a_day_its_calendar_does_not_cover():
    with on(datetime.date(2045, 3, 1)), pytest.raises(CommandError, match="2020–2040"):
        build()
    assert not School.objects.exists()
