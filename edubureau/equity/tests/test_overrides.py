"""Overrides: only the bureau sets one, always with a reason; it replaces the computed value and is
shown as an override on the school page; schools see their own, never another school's."""

import datetime

import pytest
from django.urls import reverse

from edubureau.equity import services
from edubureau.equity.models import IndicatorOverride, ReportStatus
from edubureau.people.models import SchoolClass, Student

pytestmark = pytest.mark.django_db


def data(school, school_year, **changes):
    base = {"school": school.pk, "school_year": school_year.pk, "part": "小学", "indicator": "i5", "value": "8.1",
            "reason": "借用区体育中心场地，协议已备案"}  # fmt: skip
    return {**base, **changes}


@pytest.fixture
def pupils(school_a, school_year, make_report):
    make_report(school_a, status=ReportStatus.CONFIRMED, sports_area="100")
    school_class = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=2, class_no=1)
    Student.objects.bulk_create(
        Student(name=f"学生{i}", gender="男", birth_date=datetime.date(2018, 1, 1), school=school_a, school_class=school_class)
        for i in range(50)
    )  # fmt: skip


def test_the_bureau_sets_an_override_that_replaces_the_value(login, inspector, school_a, school_year, pupils):
    client = login(inspector)
    assert (
        client.post(reverse("equity:override_add"), data(school_a, school_year, reason=" ")).status_code
        == 200
    )
    assert not IndicatorOverride.objects.exists()
    response = client.post(reverse("equity:override_add"), data(school_a, school_year))
    override = IndicatorOverride.objects.get()
    assert response["Location"] == reverse("equity:override_detail", args=[override.pk])
    part = next(p for p in services.evaluate_year(school_year).parts if p.code == school_a.code)
    assert part.assessment.values["i5"] == pytest.approx(8.1) and part.overrides[
        "i5"
    ].computed == pytest.approx(2.0)
    page = client.get(reverse("equity:school", args=[school_a.pk])).content.decode()
    assert "借用区体育中心场地，协议已备案" in page and "bg-purple-lt" in page
    # the same school, part and indicator again: refused on the add page, changed on the edit page
    again = client.post(reverse("equity:override_add"), data(school_a, school_year, value="9"))
    assert "已有调整" in again.content.decode()
    client.post(reverse("equity:override_edit", args=[override.pk]), data(school_a, school_year, value="9"))
    assert IndicatorOverride.objects.get().value == 9


def test_it_refuses_a_part_the_school_does_not_have(login, inspector, school_a, school_year):
    response = login(inspector).post(reverse("equity:override_add"), data(school_a, school_year, part="初中"))
    assert "没有初中学段" in response.content.decode() and not IndicatorOverride.objects.exists()


def test_schools_cannot_set_overrides_and_see_only_their_own(
    login, inspector, school_a, school_b, school_a_admin, school_year
):
    login(inspector).post(reverse("equity:override_add"), data(school_b, school_year, reason="乙校专用说明"))
    client = login(school_a_admin)
    assert client.post(reverse("equity:override_add"), data(school_a, school_year)).status_code == 403
    assert "乙校专用说明" not in client.get(reverse("equity:override_list")).content.decode()
    override = IndicatorOverride.objects.get()
    assert client.get(reverse("equity:override_detail", args=[override.pk])).status_code == 404
    assert client.post(reverse("equity:override_delete", args=[override.pk])).status_code in (403, 404)
    assert IndicatorOverride.objects.count() == 1
