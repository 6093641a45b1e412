import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from edubureau.accounts.models import User
from edubureau.health import demo, queries, services
from edubureau.health.models import (
    ALERT_TRANSITIONS,
    Alert,
    AlertStatus,
    ClassReport,
    SchoolDayRollup,
    SickCase,
    StaffHealthReport,
)
from edubureau.people.calendar import school_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo():
    call_command("demo", "--scale", "small", "--seed", "2020", stdout=io.StringIO(), stderr=io.StringIO())


def test_it_writes_a_term_of_class_reports_and_their_rollups(small_demo):
    days, _terms = demo.report_days(timezone.localdate())
    assert len(days) >= demo.MIN_TERM_DAYS and days[-1] < timezone.localdate()
    assert list(ClassReport.objects.values_list("date", flat=True).distinct().order_by("date")) == days
    assert ClassReport.objects.count() > 150 and SickCase.objects.count() > 50
    this_year = SchoolDayRollup.objects.filter(date__gte=days[0])
    assert this_year.values("date").distinct().count() == len(days)
    assert StaffHealthReport.objects.exists()
    totals = ClassReport.objects.aggregate(sick=Sum("sick"), expected=Sum("expected"))
    rolled = this_year.aggregate(sick=Sum("sick"), expected=Sum("expected"), cases=Sum("cases"))
    assert (rolled["sick"], rolled["expected"]) == (totals["sick"], totals["expected"])
    assert rolled["cases"] == SickCase.objects.count() == totals["sick"]
    # every report is one the service would accept: counts add up
    for r in ClassReport.objects.all()[:300]:
        assert r.present + r.sick + r.personal == r.expected and r.cases.count() == r.sick


def stored_input(report: ClassReport) -> services.ClassReportInput:
    """A stored report as the service's input, as the report page would hand it over."""
    cases = [
        services.CaseInput(person=c.student_id, symptoms=c.symptom_names, other_symptoms=c.other_symptoms,
                           onset=c.onset, seen_doctor=c.seen_doctor, diagnosis=c.diagnosis,
                           expected_return=c.expected_return)
        for c in report.cases.order_by("id")
    ]  # fmt: skip
    return services.ClassReportInput(
        school_class=report.school_class, date=report.date, session=report.session, expected=report.expected,
        present=report.present, sick=report.sick, personal=report.personal, cases=cases,
    )  # fmt: skip


def test_the_demo_writes_only_reports_the_validator_accepts(small_demo):
    """The demo bulk-inserts a term of reports (the service would take minutes); held to the one
    validator here, on every report with cases and a sample of the others."""
    reports = ClassReport.objects.select_related("school_class__school").order_by("pk")
    sample = list(reports.filter(sick__gt=0)) + list(reports.filter(sick=0)[:100])
    today = timezone.localdate()
    for report in sample:
        clean = services.validate_class_report(stored_input(report), today=today)
        assert sorted(clean.student_ids.values()) == sorted(report.cases.values_list("student_id", flat=True))


def test_it_injects_clusters_the_rules_catch(small_demo):
    primary = User.objects.get(username="xiaoxue_admin").org
    junior = User.objects.get(username="chuzhong_admin").org
    assert Alert.objects.filter(school=primary, rule_code="class-gi").exists()
    assert Alert.objects.filter(school=junior, rule_code="school-varicella").exists()
    assert Alert.objects.filter(kind="statistical").exists()
    for alert in Alert.objects.filter(kind="rule"):
        assert alert.evidence.values("student").distinct().count() == alert.cases


def test_evaluating_a_demo_day_again_adds_no_alert(small_demo):
    before = Alert.objects.count()
    for alert in Alert.objects.filter(kind="rule")[:5]:
        services.evaluate_rules(alert.school_id, alert.last_date)
    assert Alert.objects.count() == before


def test_the_demo_users_for_health_exist(small_demo):
    assert User.objects.filter(username__in=["xiaoxue_banzhuren", "xiaoxue_xiaoyi"]).count() == 2


def test_wipe_empties_the_health_tables(small_demo):
    demo.wipe()
    assert (
        not ClassReport.objects.exists()
        and not Alert.objects.exists()
        and not SchoolDayRollup.objects.exists()
    )


def test_it_is_deterministic(small_demo):
    def rows():
        return list(
            SickCase.objects.order_by("pk").values_list("student__id_number", "date", "symptoms")[:300]
        )

    first = rows()
    call_command(
        "demo", "--scale", "small", "--seed", "2020", "--force", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert rows() == first


def test_it_writes_rollups_only_for_the_same_days_a_year_earlier(small_demo, client):
    days, _terms = demo.report_days(timezone.localdate())
    first, last = queries.same_day_last_year(days[0]), queries.same_day_last_year(days[-1])
    earlier = SchoolDayRollup.objects.filter(date__range=(first, last))
    assert set(earlier.values_list("date", flat=True)) == set(school_days(first, last))
    assert not ClassReport.objects.filter(date__lte=last).exists()
    for r in earlier[:200]:
        assert r.present + r.sick + r.personal == r.expected > 0
        assert r.classes_on_time + r.classes_late == r.classes_reported == r.classes_expected
    # the pages read rollups without reports behind them: last year's trend, and a day of it (whose
    # classes, of last year, the demo does not have: nothing expected, nothing to chase)
    assert client.login(username="leader", password=settings.DEMO_PASSWORD)
    trends = client.get(reverse("health:trends"), {"start": first.isoformat(), "end": last.isoformat()})
    assert trends.status_code == 200
    assert len(trends.context["trend_chart"]["xAxis"]["data"]) == len(school_days(first, last))
    assert trends.context["symptom_chart"]["series"][0]["data"]
    day = client.get(reverse("health:day"), {"date": school_days(first, last)[-1].isoformat()})
    assert day.status_code == 200 and day.context["result"].school_day and not day.context["missing_total"]


def test_every_alert_went_through_the_workflow_in_the_past(small_demo):
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(0)))
    for alert in Alert.objects.prefetch_related("events"):
        events = sorted(alert.events.all(), key=lambda e: e.at)
        assert events[0].from_status == "" and events[0].to_status == AlertStatus.NEW
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in ALERT_TRANSITIONS[AlertStatus(before.to_status)]
        assert events[-1].to_status == alert.status and events[-1].at == alert.updated_at < midnight
        assert alert.created_at == events[0].at and (alert.closed_at is not None) == (
            alert.status in (AlertStatus.CLOSED, AlertStatus.FALSE_ALARM)
        )  # fmt: skip
