"""The 班主任's and the 校医's home: today's own report one tap away, whether it is in; a warning first
when today is not a school day, naming the next one."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from edubureau.health.services import submit_class_report

from .conftest import NOW, ON_TIME, report

pytestmark = pytest.mark.django_db


def test_a_class_teacher_gets_the_own_class_report_in_one_tap(login, head_teacher, health_class_a, pupils_a,
                                                              health_class_a2, on_school_day):  # fmt: skip
    client = login(head_teacher)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "dashboard/class.html"
    (card,) = response.context["cards"]
    assert card.school_class == health_class_a and card.report is None
    assert "未提交" in response.content.decode() and "not-school-day" not in response.content.decode()
    form = client.get(card.url)
    assert form.status_code == 200
    assert form.context["school_class"] == health_class_a and form.context["day"] == on_school_day


def test_it_says_when_the_report_is_in(login, head_teacher, health_class_a, pupils_a, on_school_day):
    submit_class_report(report(health_class_a, expected=12), now=ON_TIME, user=head_teacher)
    response = login(head_teacher).get(reverse("home"))
    (card,) = response.context["cards"]
    assert card.report is not None
    assert "已提交 08:50" in response.content.decode()


def test_it_warns_first_on_a_day_without_school(login, head_teacher, health_class_a):
    saturday = NOW + datetime.timedelta(days=5)
    with time_machine.travel(saturday, tick=False):
        response = login(head_teacher).get(reverse("home"))
    page = response.content.decode()
    assert response.context["school_day"] is False
    assert response.context["next_school_day"] == datetime.date(2025, 11, 24)
    assert "不是上学日" in page and "2025-11-24" in page
    assert page.index("not-school-day") < page.index("own-class-report")


def test_a_school_doctor_opens_the_schools_day(login, school_doctor, school_a, health_class_a, health_class_a2,
                                               pupils_a, on_school_day):  # fmt: skip
    submit_class_report(report(health_class_a, expected=12), now=ON_TIME)
    client = login(school_doctor)
    response = client.get(reverse("home"))
    assert response.context["doctor"] is True
    assert (response.context["district"].reported, response.context["district"].expected) == (1, 2)
    assert [row["school_class"] for row in response.context["missing"]] == [health_class_a2]
    school_day = client.get(response.context["school_url"])
    assert school_day.status_code == 200 and school_day.context["school"] == school_a
    assert client.get(response.context["staff_url"]).status_code == 200
