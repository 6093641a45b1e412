"""The 学籍异动 form on the student page: no preselected action, sensible transfer schools, 调班
within the grade."""

from django.urls import reverse
from django.utils import timezone

from edubureau.org.models import School, SchoolStatus, Stage
from edubureau.people.models import SchoolClass


def status_form(client, student):
    return client.get(reverse("people:student_detail", args=[student.pk])).context["status_form"]


def test_it_preselects_no_action_and_requires_one(login, actors, student_a):
    client = login(actors["school_a_admin"])
    form = status_form(client, student_a)
    assert form["action"].value() is None
    assert form.fields["action"].choices[0] == ("", "请选择")
    response = client.post(
        reverse("people:student_status", args=[student_a.pk]), {"date": timezone.localdate().isoformat()}
    )
    assert response.context["form"].errors["action"] == ["请选择异动类型。"]


def test_it_offers_only_open_schools_of_the_students_stage_to_transfer_to(
    login, actors, district, student_a, school_b
):
    junior = School.objects.create(
        district=district, code="2131000003", name="闵行区初级中学", stage=Stage.JUNIOR
    )
    nine = School.objects.create(
        district=district, code="2131000004", name="闵行区九年一贯制学校", stage=Stage.NINE_YEAR
    )
    School.objects.create(
        district=district,
        code="2131000005",
        name="闵行区已撤销小学",
        stage=Stage.PRIMARY,
        status=SchoolStatus.CLOSED,
    )
    choices = set(status_form(login(actors["school_a_admin"]), student_a).fields["to_school"].queryset)
    assert choices == {school_b, nine}  # grade 1: not the junior school, not the own school
    response = login(actors["school_a_admin"]).post(
        reverse("people:student_status", args=[student_a.pk]),
        {"action": "transfer", "to_school": junior.pk, "date": timezone.localdate().isoformat()},
    )
    assert "开设该学生年级" in response.context["form"].errors["to_school"][0]


def test_it_refuses_a_class_change_to_another_grade(login, actors, student_a, school_a, school_year):
    grade_two = SchoolClass.objects.create(school=school_a, school_year=school_year, grade=2, class_no=1)
    response = login(actors["school_a_admin"]).post(
        reverse("people:student_status", args=[student_a.pk]),
        {"action": "change_class", "to_class": grade_two.pk, "date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["to_class"]
    assert "调班不改变年级" in message and "留级" in message and "升级" in message
    student_a.refresh_from_db()
    assert student_a.school_class.grade == 1


def test_it_titles_the_history_card_apart_from_the_form(login, actors, student_a, class_a2):
    client = login(actors["school_a_admin"])
    client.post(
        reverse("people:student_status", args=[student_a.pk]),
        {"action": "change_class", "to_class": class_a2.pk, "date": timezone.localdate().isoformat()},
    )
    html = client.get(reverse("people:student_detail", args=[student_a.pk])).content.decode()
    assert '<h3 class="card-title">异动记录</h3>' in html
    assert '<td class="text-nowrap">调班</td>' in html
