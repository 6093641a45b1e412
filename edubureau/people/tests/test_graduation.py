"""毕业: preview the count, confirm, and the students are 毕业 with a StatusChange and a change record each."""

import pytest
from django.urls import reverse

from edubureau.core.models import ChangeRecord
from edubureau.people.models import SchoolClass, StatusChange, Student

from .conftest import make_student

URL = reverse("people:graduate")


@pytest.fixture
def sixth_graders(school_a, school_year):
    six = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=6, class_no=1)
    five = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=5, class_no=1)
    studying = [make_student(school_a, six) for _ in range(3)]
    suspended = make_student(school_a, six, status="休学")
    younger = make_student(school_a, five)
    return studying, suspended, younger


def form(school, school_year, **extra):
    return {
        "school_year": school_year.pk,
        "school": school.pk,
        "grades": ["6"],
        "date": "2026-06-30",
        **extra,
    }


@pytest.mark.parametrize("who", ["admin", "school_a_admin"])
def test_it_previews_then_graduates_the_studying_students(
    login, actors, who, school_a, school_year, sixth_graders
):
    studying, suspended, younger = sixth_graders
    client = login(actors[who])
    assert URL in client.get(reverse("people:student_list")).content.decode()

    preview = client.post(URL, form(school_a, school_year))
    assert preview.status_code == 200 and preview.context["preview"] == 3
    page = preview.content.decode()
    assert '<input type="hidden" name="grades" value="6">' in page and 'name="confirm" value="1"' in page
    assert "将为 3 名在读学生办理毕业" in page
    assert not Student.objects.filter(status="毕业").exists()

    response = client.post(URL, form(school_a, school_year, confirm="1"), follow=True)
    assert "已办理毕业" in response.content.decode() and "共 3 名学生" in response.content.decode()
    assert set(Student.objects.filter(status="毕业")) == set(studying)
    assert Student.objects.get(pk=suspended.pk).status == "休学"
    assert Student.objects.get(pk=younger.pk).status == "在读"
    changes = StatusChange.objects.filter(kind="毕业")
    assert {c.student_id for c in changes} == {s.pk for s in studying}
    assert {str(c.date) for c in changes} == {"2026-06-30"}
    assert (
        ChangeRecord.objects.filter(action="update", after={"status": "毕业"}, user=actors[who]).count() == 3
    )


def test_it_refuses_a_school_out_of_scope(login, actors, school_b, school_year, class_b):
    student = make_student(
        school_b, SchoolClass.objects.create(school=school_b, school_year=school_year, grade=6, class_no=1)
    )
    response = login(actors["school_a_admin"]).post(URL, form(school_b, school_year, confirm="1"))
    assert response.status_code == 200 and "不在您的管理范围内" in response.content.decode()
    assert Student.objects.get(pk=student.pk).status == "在读"
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("who", ["school_a_clerk", "leader"])
def test_it_refuses_graduation_to_users_without_the_right(
    login, actors, who, school_a, school_year, sixth_graders
):
    client = login(actors[who])
    assert URL not in client.get(reverse("people:student_list")).content.decode()
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(school_a, school_year, confirm="1")).status_code == 403
    assert not Student.objects.filter(status="毕业").exists()


def test_it_says_when_nobody_would_graduate(login, actors, school_a, school_year, sixth_graders):
    client = login(actors["school_a_admin"])
    response = client.post(URL, form(school_a, school_year, grades=["1"], confirm="1"))
    assert response.status_code == 200 and "没有在读学生" in response.content.decode()
    assert not StatusChange.objects.exists()
