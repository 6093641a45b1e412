import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from edubureau.accounts.models import User
from edubureau.health import demo, services
from edubureau.health.models import Alert, ClassReport, SchoolDayRollup, SickCase, StaffHealthReport
from edubureau.people.calendar import school_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo():
    call_command("demo", "--scale", "small", "--seed", "2020", stdout=io.StringIO(), stderr=io.StringIO())


def test_it_writes_a_term_of_class_reports_and_their_rollups(small_demo):
    term_days = len(school_days(datetime.date(2025, 9, 1), datetime.date(2026, 1, 23)))
    assert ClassReport.objects.values("date").distinct().count() == term_days
    assert ClassReport.objects.count() > 150 and SickCase.objects.count() > 50
    assert SchoolDayRollup.objects.values("date").distinct().count() == term_days
    assert StaffHealthReport.objects.exists()
    totals = ClassReport.objects.aggregate(sick=Sum("sick"), expected=Sum("expected"))
    rolled = SchoolDayRollup.objects.aggregate(sick=Sum("sick"), expected=Sum("expected"), cases=Sum("cases"))
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
