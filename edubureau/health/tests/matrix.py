"""The scope-matrix hook (tests/test_scope_matrix.py): school A's and school B's objects of every health
model the pages and the API use, with strings only the owning school (and the bureau) may see."""

import datetime

from django.utils import timezone

from edubureau.org.models import School
from edubureau.people.models import SchoolClass, Staff, Student

from ..models import (
    Alert,
    AlertEvent,
    AlertStatus,
    ClassReport,
    ClassReportVersion,
    ClusterRule,
    SchoolDayRollup,
    SickCase,
    StaffHealthReport,
    StaffSickCase,
)

DAY = datetime.date(2025, 11, 17)  # a Monday inside the matrix's term


def _seed_school(objects: dict, head: str) -> tuple[dict, set]:
    school, school_class, student, staff = (
        objects[School], objects[SchoolClass], objects[Student], objects[Staff]
    )  # fmt: skip
    now = timezone.now()
    report = ClassReport.objects.create(
        school=school, school_class=school_class, date=DAY, expected=40, present=38, sick=1, personal=1,
        version=2, payload_hash="matrix", submitted_at=now,
    )  # fmt: skip
    earlier = {
        "school": school.code, "grade": school_class.grade, "class_no": school_class.class_no,
        "date": DAY.isoformat(), "expected": 40, "present": 39, "sick": 1, "personal": 0,
        "cases": [{"student_id_no": student.id_number, "symptoms": ["发热"], "onset": DAY.isoformat()}],
    }  # fmt: skip
    version = ClassReportVersion.objects.create(
        report=report, version=1, payload=earlier, submitted_at=now, replaced_at=now
    )
    case = SickCase.objects.create(
        report=report, school=school, school_class=school_class, student=student, date=DAY, symptoms=0b1001,
        other_symptoms=f"{head}症状备注", onset=DAY, diagnosis="水痘", expected_return=DAY + datetime.timedelta(days=7),
    )  # fmt: skip
    staff_report = StaffHealthReport.objects.create(
        school=school, date=DAY, staff_total=10, on_duty=9, sick=1, payload_hash="matrix", submitted_at=now
    )
    staff_case = StaffSickCase.objects.create(
        report=staff_report, school=school, staff=staff, date=DAY, symptoms=1, onset=DAY
    )
    rollup = SchoolDayRollup.objects.create(
        school=school, date=DAY, stage=school.stage, classes_expected=1, classes_reported=1, classes_on_time=1,
        expected=40, present=38, sick=1, personal=1, cases=1, symptom_counts={"发热": 1}, diagnosis_counts={"水痘": 1},
    )  # fmt: skip
    rule = ClusterRule.objects.get(code="school-varicella")
    alert = Alert.objects.create(
        kind=Alert.Kind.RULE, rule=rule, rule_code=rule.code, level=rule.level, school=school, first_date=DAY,
        last_date=DAY, cases=1, status=AlertStatus.NEW, created_at=now, updated_at=now,
    )  # fmt: skip
    alert.evidence.add(case)
    event = AlertEvent.objects.create(
        alert=alert, at=now, to_status=AlertStatus.NEW, note=f"{head}水痘处置通报"
    )
    objects = {
        ClassReport: report, ClassReportVersion: version, SickCase: case, StaffHealthReport: staff_report,
        StaffSickCase: staff_case, SchoolDayRollup: rollup, Alert: alert, AlertEvent: event,
    }  # fmt: skip
    return objects, {f"{head}症状备注", f"{head}水痘处置通报"}


def seed(data, actors) -> None:
    for side, secrets, head in ((data.a, data.secrets_a, "甲校"), (data.b, data.secrets_b, "乙校")):
        objects, strings = _seed_school(side, head)
        side.update(objects)
        secrets |= strings
