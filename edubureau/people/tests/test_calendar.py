import datetime

import pytest
from django.urls import reverse

from edubureau.people import calendar
from edubureau.people.models import CalendarDay, SchoolYear, Term

D = datetime.date


@pytest.fixture
def terms(school_year):
    Term.objects.create(school_year=school_year, number=1, start_date=D(2025, 9, 1), end_date=D(2026, 1, 23))
    Term.objects.create(school_year=school_year, number=2, start_date=D(2026, 2, 23), end_date=D(2026, 6, 30))
    CalendarDay.objects.create(date=D(2025, 10, 1), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=D(2025, 10, 2), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=D(2025, 9, 28), kind="makeup", name="国庆调休")  # a Sunday
    CalendarDay.objects.create(
        date=D(2026, 2, 14), kind="makeup", name="春节调休"
    )  # a Saturday in the vacation


def test_it_counts_weekdays_inside_terms(terms):
    assert calendar.is_school_day(D(2025, 9, 1))  # Monday, first day of term
    assert not calendar.is_school_day(D(2025, 9, 6))  # Saturday
    assert not calendar.is_school_day(D(2025, 8, 29))  # Friday before term
    assert not calendar.is_school_day(D(2026, 2, 2))  # Monday in the winter vacation


def test_it_skips_holidays_and_adds_make_up_days(terms):
    assert not calendar.is_school_day(D(2025, 10, 1))
    assert calendar.is_school_day(D(2025, 9, 28))
    assert not calendar.is_school_day(D(2026, 2, 14))  # make-up day outside a term is ignored


def test_it_lists_school_days_in_a_range(terms, django_assert_num_queries):
    with django_assert_num_queries(2):
        days = calendar.school_days(D(2025, 9, 27), D(2025, 10, 5))
    assert days == [D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 3)]
    assert calendar.school_days(D(2025, 10, 5), D(2025, 10, 1)) == []
    assert len(calendar.school_days(D(2025, 9, 1), D(2025, 9, 30))) == 23  # 22 weekdays + 1 make-up


def test_it_shows_a_school_year_with_terms_and_days(login, actors, terms, school_year):
    response = login(actors["school_a_clerk"]).get(reverse("people:schoolyear_detail", args=[school_year.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "国庆调休" in page and "春节调休" in page
    assert [n for _t, n in response.context["terms"]][0] == len(
        calendar.school_days(D(2025, 9, 1), D(2026, 1, 23))
    )


@pytest.mark.parametrize("name", ["people:schoolyear_list", "people:calendarday_list"])
def test_it_lists_the_calendar_to_school_users(login, actors, terms, name):
    assert login(actors["school_b_admin"]).get(reverse(name)).status_code == 200


def test_it_lets_only_district_users_edit_the_calendar(login, actors, school_year):
    client = login(actors["school_a_admin"])
    assert client.get(reverse("people:schoolyear_edit", args=[school_year.pk])).status_code == 403
    assert (
        client.post(reverse("people:calendarday_add"), {"date": "2025-10-03", "kind": "holiday"}).status_code
        == 403
    )
    response = login(actors["department"]).post(
        reverse("people:calendarday_add"), {"date": "2025-10-03", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302 and CalendarDay.objects.get().name == "国庆节"


def test_it_refuses_a_make_up_day_on_a_weekday(login, actors):
    response = login(actors["admin"]).post(
        reverse("people:calendarday_add"), {"date": "2025-10-03", "kind": "makeup"}
    )
    assert response.context["form"].errors["kind"] == ["2025-10-03 是工作日，调休上课日应为周六或周日。"]


def test_it_makes_a_new_school_year_current_and_clears_the_old_one(login, actors, school_year):
    data = {"start_year": 2026, "start_date": "2026-09-01", "end_date": "2027-08-31", "is_current": "on"}
    response = login(actors["admin"]).post(reverse("people:schoolyear_add"), data)
    assert response.status_code == 302
    assert list(SchoolYear.objects.filter(is_current=True).values_list("start_year", flat=True)) == [2026]


def test_it_keeps_terms_inside_their_year_and_apart(login, actors, school_year, terms):
    client = login(actors["admin"])
    data = {"school_year": school_year.pk, "number": 2, "start_date": "2026-01-20", "end_date": "2026-09-30"}
    errors = client.post(reverse("people:term_add"), data).context["form"].non_field_errors()
    assert "学期应在2025-2026学年之内（2025-09-01 至 2026-08-31）。" in errors
    assert any(e.startswith("与2025-2026学年第一学期") for e in errors)
