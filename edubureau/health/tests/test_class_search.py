"""The report picker's class search (issue 13): a district has thousands of classes, so the 填报班级日报 page
finds the class by school, grade and class number instead of listing them all; only the user's classes."""

import pytest
from django.urls import reverse

from conftest import make_user
from edubureau.accounts.roles import Role
from edubureau.health import queries
from edubureau.people.models import SchoolClass

from .actors import health_officer_fixture  # noqa: F401  (the health_officer fixture)
from .conftest import SCHOOL_DAY, make_teacher

SEARCH = reverse("health:class_search")
PAGE = reverse("health:report_new")
pytestmark = pytest.mark.django_db


def found(client, text) -> str:
    response = client.get(SEARCH, {"class_q": text})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def more_classes(school_a, school_b, calendar):
    """School A: 一年级（1）(2) and 三年级（1）; school B: 三年级（1）."""
    return {
        key: SchoolClass.objects.create(school=school, school_year=calendar, grade=grade, class_no=no)
        for key, school, grade, no in [
            ("a11", school_a, 1, 1), ("a12", school_a, 1, 2), ("a31", school_a, 3, 1), ("b31", school_b, 3, 1),
        ]
    }  # fmt: skip


@pytest.fixture
def head_teacher(school_a, health_class_a):
    teacher = make_teacher(school_a, name="孙老师")
    health_class_a.head_teacher = teacher
    health_class_a.save()
    return make_user("banzhuren", Role.HEAD_TEACHER, org=school_a, staff=teacher)


def test_it_finds_a_class_by_school_grade_and_number(login, health_officer, health_class_a, more_classes):
    client = login(health_officer)
    for text in ["实验小学 三年级 2班", "实验 3 2", "实验小学 三年级（2）班", "2131000001 3年级 (2)"]:
        page = found(client, text)
        assert f'value="{health_class_a.pk}"' in page and page.count('class="list-group-item') == 1, text
    both = found(client, "三年级（1）班")
    assert f'value="{more_classes["a31"].pk}"' in both and f'value="{more_classes["b31"].pk}"' in both
    assert "实验小学 三年级（1）班" in both and "七宝小学 三年级（1）班" in both
    assert 'id="no-class-found"' in found(client, "没有这所学校")


def test_school_a_never_finds_school_b_classes(
    login, school_a_clerk, health_class_a, health_class_b, more_classes
):
    client = login(school_a_clerk)
    page = found(client, "")
    assert f'value="{health_class_a.pk}"' in page and f'value="{more_classes["a11"].pk}"' in page
    for other in (health_class_b, more_classes["b31"]):
        assert f'value="{other.pk}"' not in page
    assert 'id="no-class-found"' in found(client, "七宝")
    assert f'value="{health_class_b.pk}"' not in found(client, "三年级")


def test_a_head_teacher_finds_only_their_class(
    login, head_teacher, health_class_a, health_class_a2, more_classes
):
    client = login(head_teacher)
    page = found(client, "")
    assert page.count('class="list-group-item') == 1 and f'value="{health_class_a.pk}"' in page
    # 3(3) is a class of their school, not theirs
    assert 'id="no-class-found"' in found(client, "三年级（3）班")


def test_a_head_teacher_with_one_class_has_it_chosen(login, head_teacher, health_class_a, health_class_a2):
    page = login(head_teacher).get(PAGE)
    assert page.context["pick"].initial["school_class"] == health_class_a.pk
    html = page.content.decode()
    assert f'name="school_class" value="{health_class_a.pk}"' in html and 'id="chosen-class"' in html


def test_the_page_lists_no_class_and_a_link_still_opens_one(
    login, health_officer, health_class_a, more_classes
):
    client = login(health_officer)
    page = client.get(PAGE).content.decode()
    for school_class in (health_class_a, *more_classes.values()):
        assert f'<option value="{school_class.pk}"' not in page and f'value="{school_class.pk}"' not in page
    assert 'id="class-search"' in page and f'hx-get="{SEARCH}"' in page
    opened = client.get(PAGE, {"school_class": health_class_a.pk, "date": SCHOOL_DAY.isoformat()})
    assert opened.context["school_class"] == health_class_a and 'id="report-form"' in opened.content.decode()


def test_the_search_works_without_javascript(login, school_a_clerk, health_class_a, more_classes):
    page = login(school_a_clerk).get(PAGE, {"class_q": "一年级", "school_class": ""}).content.decode()
    assert f'value="{more_classes["a11"].pk}"' in page and f'value="{more_classes["a12"].pk}"' in page
    assert 'id="report-form"' not in page


def test_a_class_outside_the_scope_is_refused(login, school_a_clerk, health_class_a, health_class_b):
    response = login(school_a_clerk).get(
        PAGE, {"school_class": health_class_b.pk, "date": SCHOOL_DAY.isoformat()}
    )
    assert (
        response.context["pick"].errors["school_class"]
        and 'id="report-form"' not in response.content.decode()
    )


def test_it_is_for_users_who_report(login, leader, health_class_a):
    assert login(leader).get(SEARCH, {"class_q": "实验"}).status_code == 403


def test_the_query_understands_grade_words_and_numbers(health_officer, health_class_a, more_classes):
    def pks(text):
        return {c.pk for c in queries.search_classes(health_officer, text)}

    assert pks("一年级") == {more_classes["a11"].pk, more_classes["a12"].pk}
    assert pks("实验小学 1 2") == {more_classes["a12"].pk}
    assert pks("七宝 三年级") == {more_classes["b31"].pk}
    assert pks("（2）班") == {health_class_a.pk, more_classes["a12"].pk}
