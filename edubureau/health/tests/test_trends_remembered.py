"""趋势分析 remembers the symptom and diagnosis sums of days before today (issue 13: decoding a term of
rollups took half the page's time); a late report or a correction for such a day renews them, and today's
reports are always counted afresh."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from edubureau.health.services import submit_class_report

from .actors import health_officer_fixture  # noqa: F401  (the health_officer fixture)
from .conftest import SCHOOL_DAY, case, report

SHANGHAI = ZoneInfo("Asia/Shanghai")
RANGE = {"start": "2025-11-10", "end": "2025-11-21"}
pytestmark = pytest.mark.django_db


def mix(client, params=RANGE) -> tuple[dict, dict]:
    response = client.get(reverse("health:trends"), params)
    symptoms, diagnoses = response.context["symptom_chart"], response.context["diagnosis_chart"]

    def pairs(chart):
        return dict(zip(chart["yAxis"]["data"], chart["series"][0]["data"], strict=True))

    return pairs(symptoms), pairs(diagnoses)


def flu(pupils, day=SCHOOL_DAY):
    return [case(p, day, diagnosis="流行性感冒", symptoms=("发热", "咳嗽")) for p in pupils]


def test_a_correction_of_an_earlier_day_shows_at_once(login, health_officer, health_class_a, pupils_a):
    on_time = datetime.datetime(2025, 11, 17, 8, 50, tzinfo=SHANGHAI)
    submit_class_report(report(health_class_a, expected=12, cases=flu(pupils_a[:2])), now=on_time)
    client = login(health_officer)
    symptoms, diagnoses = mix(client)
    assert symptoms["发热"] == 2 and diagnoses["流行性感冒"] == 2
    assert mix(client)[0]["发热"] == 2  # remembered: the same
    # days later (today is long after the term), a correction adds a third pupil
    submit_class_report(report(health_class_a, expected=12, cases=flu(pupils_a[:3])))
    symptoms, diagnoses = mix(client)
    assert symptoms["发热"] == 3 and diagnoses["流行性感冒"] == 3


def test_todays_reports_are_counted_afresh(
    login, health_officer, health_class_a, health_class_a2, pupils_a, pupils_a2, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 11, 18, 8, 30, tzinfo=SHANGHAI), tick=False)
    submit_class_report(report(health_class_a, SCHOOL_DAY, expected=12, cases=flu(pupils_a[:1])))
    client = login(health_officer)
    assert mix(client)[0]["发热"] == 1  # the 17th: a day before today, remembered
    today = SCHOOL_DAY + datetime.timedelta(days=1)
    submit_class_report(report(health_class_a2, today, expected=12, cases=flu(pupils_a2[:2], today)))
    symptoms, diagnoses = mix(client)
    assert symptoms["发热"] == 3 and diagnoses["流行性感冒"] == 3
    only_today = mix(client, {"start": today.isoformat(), "end": today.isoformat()})[0]
    assert only_today["发热"] == 2
