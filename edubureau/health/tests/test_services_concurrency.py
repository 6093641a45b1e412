"""Concurrent submissions of one school's classes: one alert per cluster, nothing lost.

Needs a database with row locks and real concurrent transactions (PostgreSQL); SQLite
serialises writers anyway, so the test is skipped there.
"""

import datetime
import importlib
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from edubureau.health.models import Alert, ClassReport, SchoolDayRollup, SickCase
from edubureau.health.services import submit_class_report
from edubureau.people.models import SchoolClass

from .conftest import SCHOOL_DAY, case, make_pupil, report

ON_TIME = datetime.datetime(2025, 11, 17, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")


@pytest.fixture
def seeded_rules(transactional_db):
    """The migration's rules: a transactional test starts from an empty (flushed) database.

    (serialized_rollback would restore them too, but collides with content types that an earlier
    transactional test's flush re-created.)"""
    from django.apps import apps

    importlib.import_module("edubureau.health.migrations.0002_seed_rules").seed(apps, None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_one_school_raise_one_school_alert(seeded_rules, school_a, calendar):
    payloads = []
    for n in range(6):
        school_class = SchoolClass.objects.create(
            school=school_a, school_year=calendar, grade=4, class_no=n + 1
        )
        pupils = [make_pupil(school_a, school_class) for _ in range(2)]
        payloads.append(report(school_class, cases=[case(p, symptoms=["发热", "咽痛"]) for p in pupils]))
    barrier = threading.Barrier(len(payloads))
    errors = []

    def submit(payload):
        try:
            barrier.wait()
            submit_class_report(payload, now=ON_TIME)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ClassReport.objects.count() == 6 and SickCase.objects.count() == 12
    rollup = SchoolDayRollup.objects.get(school=school_a, date=SCHOOL_DAY)
    assert (rollup.classes_reported, rollup.sick) == (6, 12)
    (alert,) = Alert.objects.filter(rule_code="school-ili")
    assert alert.cases == 12 and alert.evidence.count() == 12
