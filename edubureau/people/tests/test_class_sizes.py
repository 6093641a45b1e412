"""The 班额 filter of the class list (page and API) and its badges: classes of 44, 46, 51 and 56
在读 students, counted from the students themselves."""

import re

import pytest
from django.urls import reverse

from edubureau.core.tests.apitools import client_for
from edubureau.people.models import SchoolClass, Student

from .conftest import make_student, read_xlsx


def fill(school_class, studying, **others):
    """studying 在读 students plus others (status -> how many), in one insert."""
    rows = [("在读", studying), *others.items()]
    Student.objects.bulk_create(
        Student(name="学生", gender="男", birth_date="2018-03-05", school=school_class.school,
                school_class=school_class, status=status)
        for status, n in rows for _ in range(n)
    )  # fmt: skip


@pytest.fixture
def sized(school_a, school_b, school_year):
    """School A: 44 (+3 休学, room for 40), 46, 51, 56 (room for 60); school B: 56 (no capacity)."""
    classes = {}
    for class_no, (size, capacity) in enumerate([(44, 40), (46, 45), (51, None), (56, 60)], start=1):
        classes[size] = SchoolClass.objects.create(
            school=school_a, school_year=school_year, grade=2, class_no=class_no, capacity=capacity
        )
        fill(classes[size], size)
    fill(classes[44], 0, 休学=3)
    classes["b56"] = SchoolClass.objects.create(school=school_b, school_year=school_year, grade=2, class_no=1)
    fill(classes["b56"], 56)
    return classes


@pytest.mark.parametrize(
    "size, expected",
    [
        ("", [44, 46, 51, 56, "b56"]),
        ("over45", [46, 51, 56, "b56"]),
        ("over50", [51, 56, "b56"]),
        ("over55", [56, "b56"]),
        ("over_capacity", [44, 46]),
    ],
)
def test_it_filters_classes_by_size(login, actors, sized, size, expected):
    rows = login(actors["admin"]).get(reverse("people:class_list"), {"size": size}).context["rows"]
    assert {obj.pk for obj, _ in rows} == {sized[key].pk for key in expected}


def test_it_filters_sizes_within_the_users_scope(login, actors, sized):
    rows = (
        login(actors["school_b_admin"]).get(reverse("people:class_list"), {"size": "over55"}).context["rows"]
    )
    assert [obj.pk for obj, _ in rows] == [sized["b56"].pk]


def test_it_exports_only_the_filtered_classes(login, actors, sized):
    rows = read_xlsx(login(actors["admin"]).get(reverse("people:class_export"), {"size": "over50"}))
    assert sorted(row[5] for row in rows[1:]) == [51, 56, 56]


def row_html(page, school_class):
    """The <tr> of that class in the list page."""
    return next(tr for tr in re.split(r"<tr>", page) if school_class.get_absolute_url() + '"' in tr)


def test_it_marks_classes_over_45_over_55_and_over_capacity(login, actors, sized):
    page = login(actors["admin"]).get(reverse("people:class_list")).content.decode()
    badges = {
        key: re.findall(r'<span class="badge [^"]*">([^<]+)</span>', row_html(page, c))
        for key, c in sized.items()
    }
    assert badges == {
        44: ["超出教室容量"],
        46: ["超过45人", "超出教室容量"],
        51: ["超过45人"],
        56: ["大班额"],
        "b56": ["大班额"],
    }
    assert 'class="badge bg-red-lt text-danger">大班额' in row_html(page, sized[56])
    assert 'class="badge bg-yellow-lt text-warning">超过45人' in row_html(page, sized[51])


def test_it_lists_classes_in_a_fixed_number_of_queries(
    login, actors, sized, school_a, school_year, django_assert_max_num_queries
):
    """Session, user, count, page, the bell's unread count (+ the session's savepoint and save):
    however many classes."""
    client = login(actors["admin"])
    with django_assert_max_num_queries(8):
        client.get(reverse("people:class_list"), {"size": "over45"})
    for class_no in range(1, 21):
        c = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=3, class_no=class_no)
        make_student(school_a, c)
        fill(c, 50)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people:class_list"), {"size": "over45"})
    assert len(response.context["rows"]) == 24 and "超过45人" in response.content.decode()


@pytest.mark.parametrize(
    "size, expected",
    [("over45", 4), ("over50", 3), ("over55", 2), ("over_capacity", 2)],
)
def test_it_filters_api_classes_by_size(actors, sized, size, expected):
    response = client_for(actors["admin"]).get("/api/people/classes/", {"size": size})
    assert response.status_code == 200 and response.json()["count"] == expected


def test_it_refuses_an_unknown_size_in_the_api(actors, sized):
    response = client_for(actors["admin"]).get("/api/people/classes/", {"size": "gt55"})
    assert response.status_code == 400 and "size" in response.json()
