"""The class daily report page: counts, one row per sick student, 零报告, resubmission, errors."""

import pytest
from django.urls import reverse

from edubureau.health.models import ClassReport, ClassReportVersion, SickCase

from .conftest import SCHOOL_DAY

URL = reverse("health:report_new")
pytestmark = pytest.mark.django_db


def pick(school_class, day=SCHOOL_DAY, session="晨检"):
    return {"school_class": school_class.pk, "date": day.isoformat(), "session": session}


def form_data(
    school_class, students, *, expected=12, present=None, personal=0, action="submit", **case_extra
):
    present = expected - len(students) - personal if present is None else present
    data = {**pick(school_class), "expected": expected, "present": present, "sick": len(students),
            "personal": personal, "rows": len(students), "action": action}  # fmt: skip
    for i, student in enumerate(students):
        data.update({
            f"case-{i}-person": student.pk, f"case-{i}-symptoms": ["发热", "咳嗽"], f"case-{i}-onset": SCHOOL_DAY.isoformat(),
            f"case-{i}-diagnosis": "流行性感冒", f"case-{i}-expected_return": "2025-11-20",
        })  # fmt: skip
        data.update({f"case-{i}-{k}": v for k, v in case_extra.items()})
    return data


def test_it_offers_only_the_users_own_classes(login, school_a_clerk, health_class_a, health_class_b):
    response = login(school_a_clerk).get(URL)
    choices = list(response.context["pick"].fields["school_class"].queryset)
    assert choices == [health_class_a]


def test_it_prefills_the_counts_with_the_class_size(login, school_a_clerk, health_class_a, pupils_a):
    response = login(school_a_clerk).get(URL, pick(health_class_a))
    assert response.context["counts"].initial["expected"] == 12
    assert 'name="action" value="zero"' in response.content.decode()


def test_it_submits_a_report_with_two_sick_students(login, school_a_clerk, health_class_a, pupils_a):
    client = login(school_a_clerk)
    response = client.post(URL, form_data(health_class_a, pupils_a[:2]))
    report = ClassReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert (report.expected, report.present, report.sick, report.version) == (12, 10, 2, 1)
    assert report.submitted_by == school_a_clerk and report.late  # the day is long past
    cases = SickCase.objects.order_by("student__pk")
    assert [c.student for c in cases] == pupils_a[:2]
    assert cases[0].symptom_names == ["发热", "咳嗽"] and cases[0].diagnosis == "流行性感冒"


def test_a_resubmission_replaces_the_report_and_keeps_the_earlier_version(
    login, school_a_clerk, health_class_a, pupils_a
):
    client = login(school_a_clerk)
    client.post(URL, form_data(health_class_a, pupils_a[:2]))
    response = client.post(URL, form_data(health_class_a, [pupils_a[0], pupils_a[2]], personal=1))
    report = ClassReport.objects.get()
    assert response.status_code == 302
    assert (report.version, report.personal) == (2, 1)
    assert set(SickCase.objects.values_list("student", flat=True)) == {pupils_a[0].pk, pupils_a[2].pk}
    earlier = ClassReportVersion.objects.get()
    assert earlier.version == 1 and earlier.replaced_by == school_a_clerk
    detail = client.get(report.get_absolute_url())
    assert [v.version for v, _payload, _cases in detail.context["versions"]] == [1]
    form_page = client.get(URL, pick(health_class_a)).content.decode()
    assert 'id="existing-report"' in form_page


def test_it_submits_an_explicit_zero_report(login, school_a_clerk, health_class_a, pupils_a):
    data = {**pick(health_class_a), "expected": 12, "action": "zero"}
    assert login(school_a_clerk).post(URL, data).status_code == 302
    report = ClassReport.objects.get()
    assert (report.expected, report.present, report.sick, report.zero_report) == (12, 12, 0, True)


def test_it_sets_the_case_rows_to_the_number_sick_keeping_what_was_typed(
    login, school_a_clerk, health_class_a, pupils_a
):
    data = form_data(health_class_a, pupils_a[:1], action="refresh")
    data["sick"] = 3
    response = login(school_a_clerk).post(URL, data)
    assert response.status_code == 200 and len(response.context["cases"]) == 3
    assert response.context["cases"][0].initial["person"] == str(pupils_a[0].pk)
    assert pupils_a[5].name in response.content.decode()  # the head teacher picks pupils by name
    assert not ClassReport.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"present": 13}, "实到 13 大于应到 12"),
        ({"personal": 5, "present": 9}, "超过缺课人数"),
        ({"case-0-expected_return": "2025-11-10"}, "早于发病日期"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(
    login, school_a_clerk, health_class_a, pupils_a, change, message
):
    data = form_data(health_class_a, pupils_a[:2])
    data.update(change)
    response = login(school_a_clerk).post(URL, data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["errors"])
    assert not ClassReport.objects.exists() and not SickCase.objects.exists()


def test_it_refuses_the_same_student_twice(login, school_a_clerk, health_class_a, pupils_a):
    response = login(school_a_clerk).post(URL, form_data(health_class_a, [pupils_a[0], pupils_a[0]]))
    assert response.status_code == 400
    assert any("登记了两次" in e for e in response.context["errors"])
    assert not ClassReport.objects.exists()


def test_it_refuses_a_student_of_another_class(login, school_a_clerk, health_class_a, pupils_a, pupils_b):
    data = form_data(health_class_a, pupils_a[:1])
    data["case-0-person"] = pupils_b[0].pk  # not offered: the form refuses the choice
    response = login(school_a_clerk).post(URL, data)
    assert response.status_code == 400 and response.context["cases"][0].errors["person"]
    assert not ClassReport.objects.exists()


def test_school_b_cannot_report_for_school_a(login, school_b_admin, health_class_a, pupils_a):
    response = login(school_b_admin).post(URL, form_data(health_class_a, pupils_a[:1]))
    assert response.status_code == 400 and response.context["pick"].errors["school_class"]
    assert not ClassReport.objects.exists()


def test_a_leader_may_not_report(login, leader, health_class_a):
    assert login(leader).get(URL).status_code == 403
