import datetime
from zoneinfo import ZoneInfo

import pytest

from edubureau.core.models import ChangeRecord
from edubureau.health import services
from edubureau.health.models import Alert, ClassReport, ClassReportVersion, SchoolDayRollup, SickCase
from edubureau.health.services import OutOfScope, ReportError, submit_class_report
from edubureau.org.models import SchoolStatus
from edubureau.people.models import SchoolClass, SchoolYear

from .conftest import SCHOOL_DAY, case, make_pupil, report

SHANGHAI = ZoneInfo("Asia/Shanghai")
ON_TIME = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=SHANGHAI)
AFTER_DEADLINE = datetime.datetime(2025, 11, 17, 10, 15, tzinfo=SHANGHAI)

pytestmark = pytest.mark.django_db


def test_it_stores_a_report_with_its_cases(health_class_a, pupils_a):
    result = submit_class_report(report(health_class_a, cases=pupils_a[:2], personal=1), now=ON_TIME)
    assert result.status == "created"
    stored = ClassReport.objects.get()
    assert (stored.expected, stored.present, stored.sick, stored.personal, stored.late) == (
        40,
        37,
        2,
        1,
        False,
    )
    assert sorted(SickCase.objects.values_list("student_id", flat=True)) == sorted(p.pk for p in pupils_a[:2])
    assert SickCase.objects.first().symptom_names == ["发热", "咳嗽"]
    assert ChangeRecord.objects.filter(object_repr__contains="三年级").count() == 1


def test_it_marks_a_report_after_the_deadline_late(health_class_a):
    submit_class_report(report(health_class_a), now=AFTER_DEADLINE)
    assert ClassReport.objects.get().late is True
    assert SchoolDayRollup.objects.get().classes_late == 1


def test_it_records_a_report_without_absences_as_a_zero_report(health_class_a):
    submit_class_report(report(health_class_a, expected=38), now=ON_TIME)
    assert ClassReport.objects.get().zero_report is True


def test_an_identical_resubmission_changes_nothing(health_class_a, pupils_a):
    payload = report(health_class_a, cases=pupils_a[:2])
    first = submit_class_report(payload, now=ON_TIME)
    again = submit_class_report(payload, now=AFTER_DEADLINE)
    assert again.status == "unchanged"
    stored = ClassReport.objects.get()
    assert (stored.version, stored.late, stored.submitted_at) == (1, False, first.report.submitted_at)
    assert ClassReportVersion.objects.count() == 0
    assert SickCase.objects.count() == 2


def test_a_different_resubmission_replaces_and_keeps_the_earlier_version(
    health_class_a, pupils_a, school_a_clerk
):
    submit_class_report(report(health_class_a, cases=pupils_a[:2]), now=ON_TIME, user=school_a_clerk)
    kept_id = SickCase.objects.get(student=pupils_a[0]).pk
    result = submit_class_report(report(health_class_a, cases=[pupils_a[0], pupils_a[3]]), now=AFTER_DEADLINE)
    assert result.status == "replaced"
    stored = ClassReport.objects.get()
    assert (stored.version, stored.late) == (2, True)
    assert sorted(SickCase.objects.values_list("student_id", flat=True)) == sorted(
        [pupils_a[0].pk, pupils_a[3].pk]
    )
    assert SickCase.objects.get(student=pupils_a[0]).pk == kept_id  # evidence links survive a correction
    version = ClassReportVersion.objects.get()
    assert version.version == 1 and version.submitted_by == school_a_clerk
    assert [c["student_id_no"] for c in version.payload["cases"]] == [p.id_number for p in pupils_a[:2]]


def test_it_keeps_the_rollup_of_the_school_day_up_to_date(
    health_class_a, health_class_a2, pupils_a, pupils_a2
):
    submit_class_report(report(health_class_a, cases=pupils_a[:2]), now=ON_TIME)
    submit_class_report(
        report(health_class_a2, expected=30, personal=2, cases=pupils_a2[:1]), now=AFTER_DEADLINE
    )
    rollup = SchoolDayRollup.objects.get()
    assert (
        rollup.classes_expected,
        rollup.classes_reported,
        rollup.classes_on_time,
        rollup.classes_late,
    ) == (2, 2, 1, 1)
    assert (rollup.expected, rollup.sick, rollup.personal, rollup.cases) == (70, 3, 2, 3)
    assert rollup.symptom_counts == {"发热": 3, "咳嗽": 3}
    submit_class_report(report(health_class_a, cases=pupils_a[:1]), now=ON_TIME)
    rollup.refresh_from_db()
    assert (rollup.sick, rollup.cases, rollup.symptom_counts["发热"]) == (2, 2, 2)


def test_a_noon_check_gives_the_class_numbers_of_the_day(health_class_a, pupils_a):
    submit_class_report(report(health_class_a, cases=pupils_a[:1]), now=ON_TIME)
    submit_class_report(report(health_class_a, cases=pupils_a[:3], session="午检"), now=ON_TIME)
    assert ClassReport.objects.count() == 2
    rollup = SchoolDayRollup.objects.get()
    assert (rollup.classes_reported, rollup.sick, rollup.cases) == (1, 3, 3)
    # a corrected morning check does not take the day back from the noon check
    submit_class_report(report(health_class_a, cases=pupils_a[:2]), now=ON_TIME)
    rollup.refresh_from_db()
    assert rollup.sick == 3


def refused(payload, **kwargs) -> list[str]:
    with pytest.raises(ReportError) as err:
        submit_class_report(payload, now=ON_TIME, **kwargs)
    assert ClassReport.objects.count() == 0 and SickCase.objects.count() == 0
    return err.value.messages


def test_it_refuses_a_future_date(health_class_a):
    (message,) = refused(report(health_class_a, datetime.date(2025, 11, 18)))
    assert "2025-11-18" in message and "之后" in message


def test_it_refuses_a_day_without_school(health_class_a):
    assert "不是上课日" in refused(report(health_class_a, datetime.date(2025, 11, 15)))[0]  # a Saturday
    assert "不是上课日" in refused(report(health_class_a, datetime.date(2025, 10, 1)))[0]  # 国庆节


def test_it_accepts_a_make_up_saturday(health_class_a):
    submit_class_report(report(health_class_a, datetime.date(2025, 9, 28)), now=ON_TIME)
    assert ClassReport.objects.count() == 1


def test_it_refuses_more_present_than_expected(health_class_a):
    (message,) = refused(report(health_class_a, expected=40, present=41))
    assert "实到 41 大于应到 40" in message


def test_it_refuses_more_absences_than_absent_pupils(health_class_a, pupils_a):
    (message,) = refused(report(health_class_a, expected=40, present=39, personal=1, cases=pupils_a[:1]))
    assert "超过缺课人数" in message and "1" in message


def test_it_refuses_a_student_of_another_class(health_class_a, health_class_a2, pupils_a2):
    messages = refused(report(health_class_a, cases=pupils_a2[:1]))
    assert pupils_a2[0].id_number in messages[0] and "不是" in messages[0]


def test_it_refuses_an_unknown_student(health_class_a):
    payload = report(
        health_class_a,
        cases=[{"student_id_no": "310112201701011234", "symptoms": ["发热"], "onset": "2025-11-17"}],
    )
    # The same words as for a pupil of another class: the report does not say whether such a pupil exists.
    assert refused(payload)[0] == f"证件号 310112201701011234 不是{health_class_a}的在读学生，请核对证件号码。"


def test_it_refuses_the_same_student_twice(health_class_a, pupils_a):
    messages = refused(report(health_class_a, cases=[pupils_a[0], pupils_a[0]]))
    assert any("两次" in m and pupils_a[0].id_number in m for m in messages)


def test_it_refuses_a_class_of_another_school(health_class_a, health_class_b, school_a_clerk):
    with pytest.raises(OutOfScope):
        submit_class_report(report(health_class_b), user=school_a_clerk, now=ON_TIME)
    assert ClassReport.objects.count() == 0


def test_it_refuses_a_class_the_school_does_not_have(health_class_a):
    payload = report(health_class_a) | {"class_no": 9}
    assert "没有三年级（9）班" in refused(payload)[0]


def test_it_refuses_unknown_symptoms(health_class_a, pupils_a):
    payload = report(health_class_a, cases=[case(pupils_a[0], symptoms=["发热", "咳血"])])
    assert "“咳血”不在症状表中" in refused(payload)[0]


def test_it_refuses_an_expected_return_before_onset(health_class_a, pupils_a):
    payload = report(health_class_a, cases=[case(pupils_a[0], expected_return="2025-11-10")])
    assert "预计返校日期 2025-11-10 早于发病日期 2025-11-17" in refused(payload)[0]


def test_it_refuses_malformed_and_oversized_payloads(health_class_a, pupils_a):
    assert refused(["not", "an", "object"]) == ["日报应为一个 JSON 对象。"]
    assert "应到“forty”无效" in refused(report(health_class_a) | {"expected": "forty"})[0]
    assert "不是有效日期" in refused(report(health_class_a) | {"date": "20251117"})[0]
    too_many = report(health_class_a, expected=400, cases=[case(pupils_a[0])] * 121)
    assert any("上限" in m for m in refused(too_many))


def test_it_lists_every_problem_at_once(health_class_a, pupils_a):
    payload = report(
        health_class_a, present=41, cases=[case(pupils_a[0], symptoms=["咳血"]), case(pupils_a[1], onset="x")]
    )
    assert len(refused(payload)) >= 3


def test_it_keeps_the_stored_report_when_a_resubmission_is_refused(health_class_a, pupils_a):
    submit_class_report(report(health_class_a, cases=pupils_a[:2]), now=ON_TIME)
    with pytest.raises(ReportError):
        submit_class_report(report(health_class_a, cases=[case(pupils_a[0], symptoms=["咳血"])]), now=ON_TIME)
    assert ClassReport.objects.get().version == 1 and SickCase.objects.count() == 2


def test_it_raises_one_class_alert_and_updates_it_as_cases_come(health_class_a, pupils_a):
    submit_class_report(report(health_class_a, cases=pupils_a[:3]), now=ON_TIME)
    alert = Alert.objects.get(rule_code="class-fever")
    assert (alert.school_class, alert.cases, alert.level, alert.status) == (
        health_class_a,
        3,
        "class",
        "新建",
    )
    next_day = SCHOOL_DAY + datetime.timedelta(days=1)
    later = datetime.datetime(2025, 11, 18, 8, 0, tzinfo=SHANGHAI)
    submit_class_report(report(health_class_a, next_day, cases=pupils_a[3:5]), now=later)
    assert Alert.objects.filter(rule_code="class-fever").count() == 1
    alert.refresh_from_db()
    assert (alert.cases, alert.first_date, alert.last_date) == (5, SCHOOL_DAY, next_day)
    assert alert.evidence.count() == 5


def test_it_raises_a_school_alert_by_diagnosis(
    school_a, health_class_a, health_class_a2, pupils_a, pupils_a2
):
    chickenpox = lambda p: case(p, symptoms=["发热", "皮疹"], diagnosis="水痘", seen_doctor=True)  # noqa: E731
    submit_class_report(report(health_class_a, cases=[chickenpox(p) for p in pupils_a[:2]]), now=ON_TIME)
    assert not Alert.objects.filter(rule_code="school-varicella").exists()
    submit_class_report(report(health_class_a2, cases=[chickenpox(p) for p in pupils_a2[:3]]), now=ON_TIME)
    alert = Alert.objects.get(rule_code="school-varicella")
    assert (alert.school, alert.school_class, alert.cases) == (school_a, None, 5)


def test_a_student_absent_on_several_days_is_one_case(health_class_a, pupils_a):
    for offset in range(3):
        day = SCHOOL_DAY + datetime.timedelta(days=offset)
        submit_class_report(
            report(health_class_a, day, cases=pupils_a[:2]),
            now=datetime.datetime.combine(day, datetime.time(8), SHANGHAI),
        )
    assert not Alert.objects.filter(rule_code="class-fever").exists()


def test_follow_up_needs_a_certificate_for_a_listed_disease(health_class_a, pupils_a, settings):
    first = SCHOOL_DAY
    for day in [first, first + datetime.timedelta(days=1)]:
        payload = report(health_class_a, day, cases=[case(pupils_a[0], first, diagnosis="水痘")])
        submit_class_report(payload, now=datetime.datetime.combine(day, datetime.time(8), SHANGHAI))
    row = SickCase.objects.order_by("date").last()
    assert list(services.open_cases()) == [row]
    with pytest.raises(ReportError) as err:
        services.record_return(row, datetime.date(2025, 11, 24))
    assert "复课证明" in err.value.messages[0]
    services.record_return(row, datetime.date(2025, 11, 24), certificate=True)
    assert set(SickCase.objects.values_list("closed", "days_missed")) == {(True, 5)}
    assert not services.open_cases().exists()


def test_a_new_pupil_in_the_class_can_be_reported(school_a, health_class_a):
    pupil = make_pupil(school_a, health_class_a)
    submit_class_report(report(health_class_a, cases=[pupil]), now=ON_TIME)
    assert SickCase.objects.get().student == pupil


def test_a_class_added_by_a_bulk_import_is_found_although_the_registry_is_remembered(
    school_a, health_class_a, calendar
):
    submit_class_report(report(health_class_a), now=ON_TIME)  # fills the remembered class list
    added = SchoolClass.objects.bulk_create(
        [SchoolClass(school=school_a, school_year=calendar, grade=4, class_no=1)]
    )
    assert submit_class_report(report(added[0]), now=ON_TIME).status == "created"


def test_a_school_closed_after_its_classes_were_remembered_refuses_reports(
    school_a, health_class_a2, health_class_a
):
    submit_class_report(report(health_class_a2), now=ON_TIME)  # fills the remembered class list
    school_a.status = SchoolStatus.CLOSED
    school_a.save()
    with pytest.raises(ReportError) as err:
        submit_class_report(report(health_class_a), now=ON_TIME)
    assert any("不接收日报" in m for m in err.value.messages)
    assert ClassReport.objects.count() == 1


def test_the_rollup_counts_the_classes_of_the_school_year(
    school_a, health_class_a, health_class_a2, calendar
):
    next_year = SchoolYear.objects.create(
        start_year=2026, start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31)
    )
    SchoolClass.objects.create(school=school_a, school_year=next_year, grade=4, class_no=2)
    submit_class_report(report(health_class_a), now=ON_TIME)
    assert SchoolDayRollup.objects.get().classes_expected == 2
