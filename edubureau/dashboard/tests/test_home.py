"""The registry overview (师生库概览, the former home page): counts and charts within the user's scope."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from edubureau.dashboard.figures import class_figures
from edubureau.org.models import Nature, School, Stage
from edubureau.people.models import SchoolClass, SchoolYear, Staff, Student

BIRTH = datetime.date(2017, 1, 1)


def student(school, school_class, status="在读"):
    return Student(
        name="学生", gender="男", birth_date=BIRTH, school=school, school_class=school_class, status=status
    )


@pytest.fixture
def district_data(district, school_year, school_a, school_b):
    """School A: classes of 44, 46, 51 and 56 在读 students (+ 2 休学 in the last); school B: one of 30.
    Last year's class of 60 must not count. Plus a private kindergarten and staff of known titles."""
    School.objects.create(
        district=district,
        code="1131000003",
        name="民办幼儿园",
        stage=Stage.KINDERGARTEN,
        nature=Nature.PRIVATE,
    )
    last_year = SchoolYear.objects.create(
        start_year=2024, start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31)
    )
    rows = []
    for class_no, (grade, size) in enumerate([(1, 44), (2, 46), (3, 51), (4, 56)], start=1):
        c = SchoolClass.objects.create(
            school=school_a, school_year=school_year, grade=grade, class_no=class_no
        )
        rows += [student(school_a, c) for _ in range(size)]
    rows += [student(school_a, c, "休学") for _ in range(2)]
    b = SchoolClass.objects.create(school=school_b, school_year=school_year, grade=1, class_no=1)
    rows += [student(school_b, b) for _ in range(30)]
    old = SchoolClass.objects.create(school=school_a, school_year=last_year, grade=1, class_no=1)
    rows += [student(school_a, old, "毕业") for _ in range(60)]
    Student.objects.bulk_create(rows)
    for school, title in [(school_a, "高级"), (school_a, "一级"), (school_a, "一级"), (school_b, "二级")]:
        Staff.objects.create(
            name="老师", gender="女", birth_date=BIRTH.replace(year=1980), school=school, title=title
        )
    Staff.objects.create(
        name="退休老师",
        gender="女",
        birth_date=BIRTH.replace(year=1960),
        school=school_a,
        title="高级",
        status="退休",
    )


def chart(page, chart_id):
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_it_shows_district_figures_to_the_admin(login, actors, district_data):
    response = login(actors["admin"]).get(reverse("dashboard:registry"))
    figs = response.context["figures"]
    assert figs["schools"] == {
        "total": 3,
        "by_stage": [("幼儿园", 1), ("小学", 2)],
        "by_nature": [("公办", 2), ("民办", 1)],
    }
    assert figs["students"]["total"] == 44 + 46 + 51 + 56 + 30
    assert figs["students"]["by_grade"] == [("一年级", 74), ("二年级", 46), ("三年级", 51), ("四年级", 56)]
    assert figs["staff"] == {"total": 4, "by_title": [("高级", 1), ("一级", 2), ("二级", 1)]}
    assert {k: figs["classes"][k] for k in ("total", "over_45", "over_50", "over_55")} == {
        "total": 5,
        "over_45": 3,
        "over_50": 2,
        "over_55": 1,
    }
    page = response.content.decode()
    sizes = chart(page, "chart-class-sizes")
    assert sizes["series"][0]["data"] == [2, 1, 1, 1]
    assert 'data-chart="chart-class-sizes"' in page
    assert 'id="figure-over-55">1<' in page


def test_it_limits_figures_to_a_schools_scope(login, actors, district_data):
    figs = login(actors["school_b_admin"]).get(reverse("dashboard:registry")).context["figures"]
    assert figs["schools"]["total"] == 1
    assert figs["students"]["total"] == 30
    assert figs["staff"]["total"] == 1
    assert (figs["classes"]["total"], figs["classes"]["over_45"]) == (1, 0)


def test_it_counts_class_sizes_in_one_query(actors, district_data, django_assert_num_queries):
    year = SchoolYear.current()
    with django_assert_num_queries(1):
        bands = class_figures(actors["admin"], year)
    assert bands["over_50"] == 2


def test_it_shows_only_the_modules_a_department_has(login, actors, district_data, department_user):
    department_user.department.grants = {"students": ["view", "change"]}
    department_user.department.save()
    response = login(department_user).get(reverse("dashboard:registry"))
    assert set(response.context["figures"]) == {"students"}
    assert [cid for cid, _ in response.context["charts"]] == ["chart-students-grade"]
    labels = [label for label, _url in response.context["links"]]
    assert "学生学籍" in labels and "教职工" not in labels and "重复数据" in labels


def test_it_offers_school_users_no_district_links(login, actors, district_data):
    labels = [
        label
        for label, _url in login(actors["school_a_clerk"]).get(reverse("dashboard:registry")).context["links"]
    ]
    assert "新增学生" in labels and "重复数据" not in labels


def test_it_sends_anonymous_users_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/login/" in response.url


def class_links(page):
    """The class-size figures' links: element id -> href."""
    return {id_: href for href, id_ in re.findall(r'href="([^"]+)" id="(link-over-\d+)"', page)}


def test_it_links_class_sizes_to_the_filtered_class_list(login, actors, district_data):
    page = login(actors["admin"]).get(reverse("dashboard:registry")).content.decode()
    url = reverse("people:class_list")
    assert class_links(page) == {
        "link-over-45": f"{url}?school_year=2025&amp;size=over45",
        "link-over-50": f"{url}?school_year=2025&amp;size=over50",
        "link-over-55": f"{url}?school_year=2025&amp;size=over55",
    }
    assert f'href="{url}?school_year=2025"' in page


@pytest.mark.parametrize(
    "who, over", [("admin", [4, 2, 1]), ("school_a_admin", [3, 2, 1]), ("school_b_admin", [1, 0, 0])]
)
def test_it_lists_as_many_classes_as_the_figures_say(
    login, actors, district_data, school_b, school_year, who, over
):
    """Following a link shows the classes the figure counted, within the user's scope: school B
    gets a class of 47 that only the admin and school B's own admin see."""
    b47 = SchoolClass.objects.create(school=school_b, school_year=school_year, grade=2, class_no=1)
    Student.objects.bulk_create(student(school_b, b47) for _ in range(47))
    client = login(actors[who])
    figs = client.get(reverse("dashboard:registry")).context["figures"]["classes"]
    for n, expected in zip((45, 50, 55), over, strict=True):
        assert figs[f"over_{n}"] == expected
        rows = client.get(figs["urls"][f"over_{n}"]).context["rows"]
        assert len(rows) == expected
        assert all(obj.n_students > n and obj.school_year == school_year for obj, _ in rows)
        if who != "admin":
            assert {obj.school for obj, _ in rows} <= {actors[who].org}
