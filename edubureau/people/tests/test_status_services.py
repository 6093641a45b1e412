"""学籍异动 services: each change moves the student, adds StatusChange rows and is logged."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from edubureau.core.context import acting
from edubureau.core.models import ChangeRecord
from edubureau.org.models import School, SchoolStatus
from edubureau.people import services
from edubureau.people.models import Enrollment, SchoolClass, StatusChange, Student

from .conftest import make_student

DAY = datetime.date(2026, 3, 2)


def records(obj, action=None):
    rows = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )
    return rows.filter(action=action) if action else rows


def test_it_transfers_a_student_within_the_district(student_a, school_b, class_b, admin_user):
    with acting(admin_user, "web"):
        student = services.transfer_student(student_a, school_b, class_b, DAY, "随父母搬家")
    student.refresh_from_db()
    assert (student.school, student.school_class, student.status) == (school_b, class_b, "在读")
    kinds = list(
        StatusChange.objects.filter(student=student)
        .order_by("id")
        .values_list("kind", "from_school", "to_school")
    )
    assert kinds == [("转出", student_a.school_id, school_b.pk), ("转入", student_a.school_id, school_b.pk)]
    assert Enrollment.objects.get(student=student).school_class == class_b
    update = records(student, "update").get()
    assert update.user == admin_user
    assert update.after == {"school_id": school_b.pk, "school_class_id": class_b.pk}


def test_it_transfers_out_of_the_district(student_a):
    student = services.transfer_student(student_a, None, None, DAY, "迁往外省")
    assert (student.status, student.school_class) == ("转出", None)
    assert StatusChange.objects.get(student=student).kind == "转出"


def test_it_refuses_a_transfer_to_the_same_school_or_a_foreign_class(student_a, school_a, school_b, class_a2):
    with pytest.raises(ValidationError, match="同校换班请办理调班"):
        services.transfer_student(student_a, school_a, class_a2, DAY)
    with pytest.raises(ValidationError, match="不属于"):
        services.transfer_student(student_a, school_b, class_a2, DAY)
    assert not StatusChange.objects.exists()


def test_it_refuses_a_transfer_to_a_closed_school(student_a, school_b):
    School.objects.filter(pk=school_b.pk).update(status=SchoolStatus.CLOSED)
    school_b.refresh_from_db()
    with pytest.raises(ValidationError, match="不能转入"):
        services.transfer_student(student_a, school_b, None, DAY)


def test_it_changes_class_within_the_school(student_a, class_a, class_a2, class_b):
    student = services.change_class(student_a, class_a2, DAY, "分班调整")
    change = StatusChange.objects.get(student=student)
    assert (change.kind, change.from_class, change.to_class) == ("调班", class_a, class_a2)
    with pytest.raises(ValidationError, match="不属于"):
        services.change_class(student, class_b, DAY)


def test_it_suspends_and_resumes(student_a, class_a2):
    services.suspend_student(student_a, DAY, "病休")
    student_a.refresh_from_db()
    assert student_a.status == "休学"
    with pytest.raises(ValidationError, match="只有在读的学生可以办理"):
        services.suspend_student(student_a, DAY, "再次")
    services.resume_student(student_a, DAY + datetime.timedelta(days=200), "康复", to_class=class_a2)
    student_a.refresh_from_db()
    assert (student_a.status, student_a.school_class) == ("在读", class_a2)
    assert list(StatusChange.objects.filter(student=student_a).order_by("id").values_list("kind", "from_status", "to_status")) == [
        ("休学", "在读", "休学"), ("复学", "休学", "在读"),
    ]  # fmt: skip
    assert records(student_a, "update").count() == 2


def test_it_repeats_a_grade_only_downwards(school_a, school_year, class_a):
    grade2 = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=2, class_no=1)
    student = make_student(school_a, class_a)
    with pytest.raises(ValidationError, match="不能高于原年级"):
        services.repeat_grade(student, grade2, DAY)
    senior = make_student(school_a, grade2)
    services.repeat_grade(senior, class_a, DAY, "学业")
    assert StatusChange.objects.get(student=senior).kind == "留级"


def test_it_registers_a_death(student_a):
    services.register_death(student_a, DAY, "意外")
    student_a.refresh_from_db()
    assert student_a.status == "死亡注销"
    with pytest.raises(ValidationError):
        services.transfer_student(student_a, None, None, DAY)


def test_it_graduates_a_set_of_students_with_one_change_each(
    school_a, class_a, django_assert_max_num_queries
):
    students = [make_student(school_a, class_a) for _ in range(30)]
    services.suspend_student(students[0], DAY, "病休")
    with django_assert_max_num_queries(8):
        count = services.graduate_students(Student.objects.filter(school_class=class_a), DAY)
    assert count == 29
    assert Student.objects.filter(status="毕业").count() == 29
    assert StatusChange.objects.filter(kind="毕业").count() == 29
    assert ChangeRecord.objects.filter(action="update", after={"status": "毕业"}).count() == 29
    assert (
        ChangeRecord.objects.filter(content_type__model="statuschange", action="create").count() == 30
    )  # +休学


def test_it_refuses_a_class_change_across_grades_everywhere(student_a, school_a, school_year):
    # The rule lives in the service, so the web form and the API refuse alike.
    grade_two = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=2, class_no=1)
    with pytest.raises(ValidationError, match="调班不改变年级"):
        services.change_class(student_a, grade_two, DAY)
    student_a.refresh_from_db()
    assert student_a.school_class != grade_two and not StatusChange.objects.filter(student=student_a).exists()
