import datetime

from django.urls import reverse
from django.utils import timezone

from edubureau.people.models import StatusChange


def post(client, student, **data):
    data.setdefault("date", timezone.localdate().isoformat())
    return client.post(reverse("people:student_status", args=[student.pk]), data)


def test_it_shows_the_status_form_to_users_who_may_change(login, actors, student_a):
    url = reverse("people:student_detail", args=[student_a.pk])
    assert login(actors["school_a_clerk"]).get(url).context["status_form"] is not None
    assert login(actors["leader"]).get(url).context["status_form"] is None


def test_it_changes_class_from_the_student_page(login, actors, student_a, class_a2):
    response = post(
        login(actors["school_a_clerk"]), student_a, action="change_class", to_class=class_a2.pk, reason="调整"
    )
    assert response.status_code == 302 and response.url == student_a.get_absolute_url()
    student_a.refresh_from_db()
    assert student_a.school_class == class_a2
    assert StatusChange.objects.get(student=student_a).kind == "调班"


def test_it_transfers_to_another_school_and_leaves_the_clerks_scope(login, actors, student_a, school_b):
    response = post(
        login(actors["school_a_clerk"]), student_a, action="transfer", to_school=school_b.pk, reason="搬家"
    )
    assert response.status_code == 302 and response.url == reverse("people:student_list")
    student_a.refresh_from_db()
    assert student_a.school == school_b and student_a.school_class is None


def test_it_says_what_to_fix_when_a_rule_refuses(login, actors, student_a):
    client = login(actors["school_a_admin"])
    response = post(client, student_a, action="resume")
    assert response.status_code == 200
    assert "学籍状态为“在读”，只有休学的学生可以办理。" in response.content.decode()
    response = post(client, student_a, action="suspend")
    assert response.context["form"].errors["reason"] == ["请填写原因。"]
    response = post(client, student_a, action="change_class")
    assert response.context["form"].errors["to_class"] == ["请选择新班级。"]


def test_it_does_not_offer_another_schools_classes(login, actors, student_a, class_b):
    response = post(login(actors["school_a_admin"]), student_a, action="change_class", to_class=class_b.pk)
    assert "to_class" in response.context["form"].errors
    assert not StatusChange.objects.exists()


def test_it_refuses_far_future_dates(login, actors, student_a):
    later = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = post(login(actors["school_a_admin"]), student_a, action="suspend", reason="病休", date=later)
    assert response.context["form"].errors["date"] == ["异动日期不能晚于一个月以后。"]


def test_it_hides_the_status_change_from_school_b_and_view_only_users(login, actors, student_a):
    assert post(login(actors["school_b_admin"]), student_a, action="suspend", reason="x").status_code == 404
    assert post(login(actors["leader"]), student_a, action="suspend", reason="x").status_code == 403
    assert not StatusChange.objects.exists()


def test_it_lists_class_options_for_the_chosen_school(login, actors, class_a, class_a2, class_b, school_a):
    client = login(actors["school_a_admin"])
    page = client.get(reverse("people:class_options"), {"school": school_a.pk}).content.decode()
    assert f'value="{class_a.pk}"' in page and f'value="{class_a2.pk}"' in page
    page = client.get(reverse("people:class_options"), {"school": class_b.school_id}).content.decode()
    assert f'value="{class_b.pk}"' not in page  # not in the user's scope
