"""What submissions remember (calendar, settings, rules, class registry) follows every change at once:
saved or deleted rows renew the shared stamp through signals, the import pipeline's bulk writes
through core.caching.written. (Several server processes: test_caches_across_workers.)"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from edubureau.core.importing import update_rows
from edubureau.health import services
from edubureau.health.models import ClassReport, ClusterRule, ReportingSettings
from edubureau.health.services import ReportError, submit_class_report
from edubureau.org.models import School, SchoolStatus
from edubureau.people.models import CalendarDay, Term

from .conftest import SCHOOL_DAY, make_pupil, report

ON_TIME = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def _refused(payload) -> list[str]:
    with pytest.raises(ReportError) as err:
        submit_class_report(payload, now=ON_TIME)
    return err.value.messages


def test_a_holiday_declared_after_the_calendar_was_remembered_refuses_reports(
    health_class_a, health_class_a2
):
    submit_class_report(report(health_class_a), now=ON_TIME)  # remembers the day as a school day
    CalendarDay.objects.create(date=SCHOOL_DAY, kind=CalendarDay.Kind.HOLIDAY, name="停课")
    assert any("不是上课日" in m for m in _refused(report(health_class_a2)))


def test_a_term_shortened_after_the_calendar_was_remembered_refuses_reports(health_class_a, health_class_a2):
    submit_class_report(report(health_class_a), now=ON_TIME)
    term = Term.objects.get(number=1)
    term.end_date = SCHOOL_DAY - datetime.timedelta(days=1)
    term.save()
    assert any("不是上课日" in m for m in _refused(report(health_class_a2)))


def test_a_threshold_lowered_after_the_rules_were_remembered_applies_to_the_next_report(
    school_a, health_class_a, health_class_a2
):
    two = [make_pupil(school_a, health_class_a) for _ in range(2)]
    assert submit_class_report(report(health_class_a, cases=two), now=ON_TIME).alerts == []
    rule = ClusterRule.objects.get(code="class-fever")
    rule.day_threshold = 2
    rule.save()
    other = [make_pupil(school_a, health_class_a2) for _ in range(2)]
    alerts = submit_class_report(report(health_class_a2, cases=other), now=ON_TIME).alerts
    assert [a.rule_code for a in alerts] == ["class-fever"]


def test_a_settings_change_applies_to_the_next_report(health_class_a, health_class_a2):
    submit_class_report(report(health_class_a), now=ON_TIME)
    settings = ReportingSettings.get()
    settings.morning_deadline = datetime.time(8, 0)
    settings.save()
    submit_class_report(report(health_class_a2), now=ON_TIME)
    assert ClassReport.objects.get(school_class=health_class_a2).late is True


def test_a_school_closed_by_an_import_refuses_reports_at_once(school_a, health_class_a, health_class_a2):
    submit_class_report(report(health_class_a), now=ON_TIME)  # remembers the registry, school A open
    update_rows(School, ["status"], [(SchoolStatus.CLOSED, school_a.pk)])  # as the import pipeline writes
    assert any("不接收日报" in m for m in _refused(report(health_class_a2)))


def test_a_submission_reads_the_shared_stamp_once(health_class_a, django_assert_num_queries):
    def uses():
        with services._MEMORY.pinned():  # as submit_class_report
            services.reporting_settings()
            services.current_classes()
            services.active_rules()
            services._is_school_day(SCHOOL_DAY)

    uses()
    with django_assert_num_queries(1) as queries:  # then only the stamp
        uses()
    assert "edubureau_cache" in queries.captured_queries[0]["sql"]
