"""班额监测 (issue 13): the classes above their standard are a list like every other (search, filter, sort,
50 a page) and its .xlsx export holds every class the list keeps, not only the page shown."""

import datetime
import re

import pytest
from django.urls import reverse

from edubureau.core.testing import read_xlsx
from edubureau.equity import classsizes
from edubureau.people.models import SchoolClass, Student

pytestmark = pytest.mark.django_db
PAGE = reverse("equity:class_sizes")
EXPORT = reverse("equity:class_size_export")


@pytest.fixture
def crowded(school_a, school_b, school_year):
    """School A: 55 classes of 46–60 pupils (all above the 小学 standard of 45), one of 40; school B: three
    classes of 50, 58 and 66. Returns the classes above the standard, by school."""
    sizes = {(school_a, g, no): 46 + (g * 11 + no) % 15 for g in range(1, 6) for no in range(1, 12)}
    sizes[(school_a, 1, 12)] = 40
    sizes |= {(school_b, 3, 1): 50, (school_b, 3, 2): 58, (school_b, 3, 3): 66}
    classes = {
        key: SchoolClass.objects.create(school=key[0], school_year=school_year, grade=key[1], class_no=key[2])
        for key in sizes
    }
    birth = datetime.date(2017, 1, 1)
    Student.objects.bulk_create(
        Student(name=f"学生{c.pk}-{i}", gender="男", birth_date=birth, school=c.school, school_class=c)
        for key, c in classes.items() for i in range(sizes[key])
    )  # fmt: skip
    over = {key: c for key, c in classes.items() if sizes[key] > 45}
    return {
        "a": [c.pk for (school, *_k), c in over.items() if school == school_a],
        "b": [c.pk for (school, *_k), c in over.items() if school == school_b],
    }


def listed(response) -> list[int]:
    """The class ids of the table's rows, in order."""
    table = response.content.decode().split('id="class-table"')[1].split("</table>")[0]
    return [int(pk) for pk in re.findall(r'href="/people/classes/(\d+)/"', table)]


def test_it_pages_the_classes_fifty_at_a_time(login, admin_user, crowded):
    client = login(admin_user)
    every = crowded["a"] + crowded["b"]
    first, second = client.get(PAGE), client.get(PAGE, {"page": 2})
    assert len(listed(first)) == 50 and len(listed(second)) == len(every) - 50 == 8
    assert sorted(listed(first) + listed(second)) == sorted(every)
    assert "共 58 条" in first.content.decode() or "58 in total" in first.content.decode()
    assert 'id="n-over">58<' in first.content.decode()  # the figures count every class, not the page's


def test_the_export_has_every_row_of_the_list(login, admin_user, crowded):
    client = login(admin_user)
    rows = read_xlsx(client.get(EXPORT))
    assert rows[0] == ["学校", "班级", "学生数", "标准班额", "类别"]
    assert len(rows) == 1 + 58
    assert rows[1][:5] == ["七宝小学", "三年级（3）班", 66, 45, "超大班额"]  # biggest first, as the page
    only_b = read_xlsx(client.get(EXPORT, {"q": "七宝"}))
    assert [r[1] for r in only_b[1:]] == ["三年级（3）班", "三年级（2）班", "三年级（1）班"]


def test_it_searches_filters_and_sorts(login, admin_user, crowded):
    client = login(admin_user)
    assert sorted(listed(client.get(PAGE, {"q": "七宝小学"}))) == sorted(crowded["b"])
    assert sorted(listed(client.get(PAGE, {"q": "闵行区七宝"}))) == sorted(crowded["b"])  # the full name too
    large = client.get(PAGE, {"band": "large"})
    expected = [c.pk for c in classsizes.narrow(classsizes.report(large.context["year"]).rows, band="large")]
    assert listed(large) == expected and expected
    assert all(56 <= r.size <= 65 for r in large.context["page_obj"])
    smallest = client.get(PAGE, {"sort": "size"}).context["page_obj"]
    assert [r.size for r in smallest] == sorted(r.size for r in smallest) and smallest[0].size == 46
    third = client.get(PAGE, {"grade": 3, "q": "七宝"})
    assert len(listed(third)) == 3


def test_a_school_sees_and_exports_only_its_own_classes(login, school_b_admin, crowded):
    client = login(school_b_admin)
    page = client.get(PAGE)
    assert sorted(listed(page)) == sorted(crowded["b"]) and 'id="n-over">3<' in page.content.decode()
    assert len(read_xlsx(client.get(EXPORT))) == 1 + 3
