"""Guardians (监护人) on the student add/edit page: an inline formset saved with the student."""

from django.urls import reverse

from edubureau.core.models import ChangeRecord
from edubureau.people.models import Guardian, Student

from .test_student_pages import form_data


def page_data(response):
    """What the browser would post back unchanged: every field of the form and its guardian rows."""
    form = response.context["form"]
    forms = [form, form.guardians.management_form, *form.guardians.forms]
    data = {}
    for f in forms:
        for field in f:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else str(value)
    return data


def guardian_records(action):
    return ChangeRecord.objects.filter(content_type__model="guardian", action=action)


def test_it_adds_guardians_with_a_new_student(login, actors, school_a, class_a):
    data = form_data(school_a, class_a, **{
        "guardians-TOTAL_FORMS": "2", "guardians-INITIAL_FORMS": "0",
        "guardians-0-name": "陈建国", "guardians-0-relation": "父亲", "guardians-0-phone": "139 1234 5678",
        "guardians-1-name": "", "guardians-1-relation": "", "guardians-1-phone": "",
    })  # fmt: skip
    client = login(actors["school_a_admin"])
    page = client.get(reverse("people:student_add"))
    assert len(page.context["form"].guardians.forms) == 2
    response = client.post(reverse("people:student_add"), data)
    assert response.status_code == 302
    student = Student.objects.get(name="陈一鸣")
    assert [(g.name, g.relation, g.phone) for g in student.guardians.all()] == [
        ("陈建国", "父亲", "13912345678")
    ]
    assert guardian_records("create").count() == 1


def test_it_edits_adds_and_deletes_guardians_on_the_edit_page(login, unmasking_admin, student_a):
    url = reverse("people:student_edit", args=[student_a.pk]) + "?unmask=1"
    client = login(unmasking_admin)
    page = client.get(url)
    assert len(page.context["form"].guardians.forms) == 2  # the father and one empty row
    data = page_data(page)
    assert data["guardians-0-phone"] == "13912345678"  # may unmask and asked to: the real number to edit
    data.update(
        {"guardians-0-phone": "021-64123456", "guardians-1-name": "王丽", "guardians-1-relation": "母亲"}
    )
    assert client.post(url, data).status_code == 302
    father = Guardian.objects.get(name="张大明")
    assert father.phone == "021-64123456"
    assert Guardian.objects.filter(student=student_a, name="王丽", relation="母亲").exists()
    update = guardian_records("update").get()
    assert update.before == {"phone": "13912345678"} and update.after == {"phone": "021-64123456"}
    assert guardian_records("create").count() == 1

    data = page_data(client.get(url))
    data["guardians-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(student_a.guardians.values_list("name", flat=True)) == ["王丽"]
    assert guardian_records("delete").get().object_id == str(father.pk)


def test_it_refuses_a_bad_phone_or_a_missing_relation_in_chinese(login, unmasking_admin, student_a):
    url = reverse("people:student_edit", args=[student_a.pk])
    client = login(unmasking_admin)
    data = page_data(client.get(url))
    data.update({"guardians-0-phone": "1391234", "guardians-1-name": "王丽"})
    response = client.post(url, data)
    assert response.status_code == 200
    rows = response.context["form"].guardians.errors
    assert "格式不正确" in rows[0]["phone"][0] and "021-64123456" in rows[0]["phone"][0]
    assert rows[1]["relation"] == ["请填写王丽与学生的关系（如父亲、母亲）。"]
    assert "格式不正确" in response.content.decode()
    assert Guardian.objects.get(name="张大明").phone == "13912345678"
    assert not Guardian.objects.filter(name="王丽").exists()


def test_it_keeps_the_stored_phone_when_a_masked_user_leaves_it_empty(login, actors, student_a):
    user = actors["school_a_admin"]
    user.can_unmask = False
    user.save()
    url = reverse("people:student_edit", args=[student_a.pk])
    client = login(user)
    page = client.get(url)
    html = page.content.decode()
    assert "13912345678" not in html
    assert 'placeholder="139****5678"' in html and "留空表示不修改" in html
    data = page_data(page)
    assert data["guardians-0-phone"] == ""  # the input is empty, not the masked value
    data["guardians-0-relation"] = "其他亲属"
    assert client.post(url, data).status_code == 302
    father = Guardian.objects.get(name="张大明")
    assert (father.relation, father.phone) == ("其他亲属", "13912345678")
    assert guardian_records("update").get().after == {"relation": "其他亲属"}


def test_it_gives_other_schools_a_404_on_the_edit_page(login, actors, student_a):
    url = reverse("people:student_edit", args=[student_a.pk])
    client = login(actors["school_b_admin"])
    assert client.get(url).status_code == 404
    data = {
        "name": "改名",
        "guardians-TOTAL_FORMS": "1",
        "guardians-INITIAL_FORMS": "0",
        "guardians-0-name": "某人",
    }
    assert client.post(url, data).status_code == 404
    assert not Guardian.objects.filter(name="某人").exists()
