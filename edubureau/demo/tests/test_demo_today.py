"""`edubureau demo` builds the school year around the day it runs: built with the clock stopped on a
spring school day, in the summer holidays and on a winter school day, the health, admissions and
work-plan pages have live data for that day."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from edubureau.admissions.models import Campaign, StageKind
from edubureau.core import democalendar
from edubureau.health.models import Alert, AlertStatus, ClassReport
from edubureau.people.calendar import is_school_day
from edubureau.people.models import SchoolYear
from edubureau.workplan.models import Milestone, Plan, Task

pytestmark = pytest.mark.django_db
D = datetime.date

# day → (the school year, the campaign shown with the stage open that day or None, its state)
DAYS = {
    D(2026, 3, 10): (2025, 2026, StageKind.REGISTRATION),
    D(2026, 7, 20): (2025, 2026, StageKind.RESULTS),
    D(2026, 12, 8): (2026, 2027, None),  # 2026 finished with its results, 2027 prepared
}


@pytest.fixture(params=sorted(DAYS), ids=str)
def today(request, client):
    """The small demo built on the day, the clock stopped at 10:00 that day, the leader logged in."""
    day = request.param
    moment = datetime.datetime.combine(day, datetime.time(10), timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        call_command("demo", scale="small", seed=1, verbosity=0)
        assert client.login(username="leader", password=settings.DEMO_PASSWORD)
        yield day


def last_school_day(today):
    day = today - datetime.timedelta(days=1)
    while not is_school_day(day):
        day -= datetime.timedelta(days=1)
    return day


def test_the_calendar_covers_today(today):
    year = SchoolYear.objects.get(is_current=True)
    assert year.start_year == DAYS[today][0] and year.start_date <= today <= year.end_date
    plan = democalendar.school_year_of(today)
    assert [t.start_date for t in year.terms.order_by("number")] == [t.start for t in plan.terms]


def test_the_health_pages_show_the_last_school_day(today, client):
    day = last_school_day(today)
    response = client.get(reverse("health:day"), {"date": day.isoformat()})
    assert response.status_code == 200
    assert b"not-school-day" not in response.content
    result = response.context["result"]
    assert 0 < result.district.reported < result.district.expected  # one school has not reported
    assert ClassReport.objects.filter(date__gte=today).count() == 0  # nothing from today on
    if today.month != 7:  # in term: the latest reports are yesterday's
        assert day == today - datetime.timedelta(days=1) or today.weekday() in (0, 6)
    trends = client.get(reverse("health:trends"))
    assert trends.status_code == 200 and trends.context["end"] == day


def test_the_alerts_are_in_several_states_and_the_old_ones_closed(today, client):
    response = client.get(reverse("health:alert_list"))
    assert response.status_code == 200
    shown = {a.status for a in response.context["page_obj"]}
    assert len(shown) >= 2 and AlertStatus.CLOSED in shown
    old = Alert.objects.filter(last_date__lt=today - datetime.timedelta(days=40))
    assert not old.filter(status__in=[AlertStatus.NEW, AlertStatus.VERIFIED]).exists()
    assert not Alert.objects.filter(updated_at__gte=timezone.now()).exists()
    # the injected clusters are recent: within three weeks of the last day reported
    gi = Alert.objects.get(rule_code="class-gi", school__code=_school_of("xiaoxue_admin"))
    assert (last_school_day(today) - gi.last_date).days <= 21


def _school_of(username):
    from edubureau.accounts.models import User

    return User.objects.get(username=username).org.code


def test_the_admissions_campaign_is_in_the_stage_of_the_month(today, client):
    _year, campaign_year, stage = DAYS[today]
    campaign = Campaign.objects.get(year=campaign_year)
    response = client.get(campaign.get_absolute_url())
    assert response.status_code == 200
    stages = {s.kind: s for s in response.context["stages"]}
    if stage:
        assert [k for k, s in stages.items() if s.is_open] == [stage]
        assert "进行中" in response.content.decode()
        assert response.context["n_applications"] > 0
    else:  # next year's campaign: the plan ready, no stage begun; this year's: finished
        assert all(s.status == "未开始" for s in stages.values())
        assert response.context["places"] > 0 and response.context["n_applications"] == 0
        done = client.get(Campaign.objects.get(year=campaign_year - 1).get_absolute_url())
        assert all(s.status == "已结束" for s in done.context["stages"])
        assert done.context["n_applications"] > 0 and done.context["draws"]
    for s in Campaign.objects.get(year=today.year).stages.exclude(opened_at=None):
        assert s.opened_at < timezone.now() and (s.closed_at is None or s.closed_at < timezone.now())


def test_the_work_plan_has_milestones_behind_and_ahead(today, client):
    plan = Plan.objects.get(year=today.year)
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert len(dict(response.context["status_counts"])) >= 2  # tasks in mixed states
    milestones = Milestone.objects.filter(task__plan=plan)
    assert milestones.filter(due_date__lt=today).exists() and milestones.filter(due_date__gt=today).exists()
    task = Task.objects.filter(milestones__due_date__lt=today).filter(milestones__due_date__gt=today).first()
    page = client.get(task.get_absolute_url()).content.decode()
    assert all(f"{m.due_date:%Y-%m-%d}" in page for m in task.milestones.all())
