"""Seed data for test_caches_across_workers, run inside `edubureau shell -c` against the database the
server will use: a current school year whose term covers today, school A with 40 classes and school B
with 10 (two pupils each), an administrator with an API token and a web session. Prints one JSON line
with what the test needs."""

import datetime
import json

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from edubureau.accounts.models import User
from edubureau.accounts.roles import Role
from edubureau.core import idcodes
from edubureau.health.models import ClusterRule, ReportingSettings
from edubureau.org.models import District, School, Stage
from edubureau.people.models import SchoolClass, SchoolYear, Student, Term

CLASSES = {"2131000001": 40, "2131000002": 10}


def main() -> None:
    today = timezone.localdate()
    day = today - datetime.timedelta(days=max(0, today.weekday() - 4))  # today, or the Friday before
    year = SchoolYear.objects.create(
        start_year=day.year, start_date=day - datetime.timedelta(days=60),
        end_date=day + datetime.timedelta(days=300), is_current=True,
    )  # fmt: skip
    Term.objects.create(
        school_year=year, number=1, start_date=day - datetime.timedelta(days=30),
        end_date=day + datetime.timedelta(days=30),
    )  # fmt: skip
    district = District.objects.create(code="310112", name="闵行区")
    schools = [
        School.objects.create(district=district, code=code, name=f"测试学校{n}", stage=Stage.PRIMARY)
        for n, code in enumerate(CLASSES, 1)
    ]
    classes = SchoolClass.objects.bulk_create(
        [
            SchoolClass(school=school, school_year=year, grade=1 + n // 10, class_no=1 + n % 10)
            for school in schools
            for n in range(CLASSES[school.code])
        ]
    )
    birth = datetime.date(2017, 1, 1)
    pupils = Student.objects.bulk_create(
        [
            Student(
                name=f"学生{2 * i + k}",
                gender="男",
                birth_date=birth + datetime.timedelta(days=2 * i + k),
                id_number=idcodes.make_resident_id(
                    "310112", birth + datetime.timedelta(days=2 * i + k), 11, True
                ),
                school_id=c.school_id,
                school_class=c,
            )  # fmt: skip
            for i, c in enumerate(classes)
            for k in range(2)
        ]
    )
    admin = User(username="admin", display_name="admin", role=Role.ADMIN)
    admin.apply_role_defaults()
    admin.set_unusable_password()
    admin.save()
    token = Token.objects.create(user=admin)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    by_class: dict[int, list[str]] = {}
    for pupil in pupils:
        by_class.setdefault(pupil.school_class_id, []).append(pupil.id_number)
    code_of = {s.pk: s.code for s in schools}
    settings = ReportingSettings.get()
    rules = [
        {"id": r.pk, "code": r.code, "window_days": r.window_days, "threshold": r.threshold,
         "day_threshold": r.day_threshold, "report_within_hours": r.report_within_hours, "active": r.active}
        for r in ClusterRule.objects.all()
    ]  # fmt: skip
    print(
        json.dumps(
            {
                "day": day.isoformat(),
                "token": token.key,
                "session": client.cookies["sessionid"].value,
                "school_ids": {s.code: s.pk for s in schools},
                "classes": [
                    {
                        "school": code_of[c.school_id],
                        "grade": c.grade,
                        "class_no": c.class_no,
                        "pupils": by_class[c.pk],
                    }
                    for c in classes
                ],
                "settings": {
                    "morning_deadline": settings.morning_deadline.strftime("%H:%M"),
                    "noon_deadline": settings.noon_deadline.strftime("%H:%M"),
                    "cdc_report_hours": settings.cdc_report_hours,
                    "max_cases_per_report": settings.max_cases_per_report,
                },
                "rules": rules,
            },
            ensure_ascii=False,
        )
    )
