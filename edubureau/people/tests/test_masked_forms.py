"""Edit forms of people show stored ID numbers, 学籍号, addresses and phones masked (core.masking.
MaskedFormMixin): left as shown they keep the stored value, typed anew they replace it, and no error
message repeats a stored value. tests/test_masking_matrix.py walks every form of the project."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from edubureau.core import idcodes
from edubureau.core.masking import MaskedFormMixin
from edubureau.core.models import AccessRecord
from edubureau.people.forms import StudentForm
from edubureau.people.models import Guardian, IdType

from .test_student_guardians import page_data


class EchoingForm(MaskedFormMixin, forms.ModelForm):
    """A form whose checks quote the phone, as a careless message would."""

    class Meta:
        model = Guardian
        fields = ["name", "relation", "phone"]

    def clean(self):
        cleaned = super().clean()
        self.add_error("name", f"电话 {cleaned.get('phone')} 已登记在其他学生名下")
        raise ValidationError(f"请核对电话 {cleaned.get('phone')}")


@pytest.fixture
def father(student_a):
    return student_a.guardians.get()


def test_it_shows_the_masked_value_and_keeps_the_stored_one(father):
    form = EchoingForm(instance=father)
    html = str(form["phone"])
    assert "13912345678" not in html and 'placeholder="139****5678"' in html and 'value="' not in html
    for posted in ("", "139****5678", " 139****5678 "):
        form = EchoingForm({"name": "张大明", "relation": "父亲", "phone": posted}, instance=father)
        form.is_valid()
        assert form.cleaned_data["phone"] == "13912345678" and form.kept == {"phone"}


def test_it_takes_a_typed_value_and_validates_it(actors, student_a):
    form = StudentForm(
        {**page_data_of(student_a), "address": "上海市闵行区新路 1 号", "student_no": "J123"},
        instance=student_a, user=actors["school_a_clerk"],
    )  # fmt: skip
    assert not form.is_valid()
    assert form.cleaned_data["address"] == "上海市闵行区新路 1 号"
    assert form.errors["student_no"] == ["长度应为 19 位（实际 4 位）。"]
    assert form.kept == {"id_number"}


def test_it_never_repeats_a_stored_value_in_an_error(father):
    form = EchoingForm({"name": "张大明", "relation": "父亲", "phone": ""}, instance=father)
    assert not form.is_valid()
    text = str(form.errors)
    assert "13912345678" not in text and "139****5678" in text
    unmasked = EchoingForm(
        {"name": "张大明", "relation": "父亲", "phone": ""}, instance=father, unmasked=True
    )
    assert not unmasked.is_valid() and "13912345678" not in str(unmasked["phone"])  # nothing kept: empty
    typed = EchoingForm({"name": "张大明", "relation": "父亲", "phone": "13700001111"}, instance=father)
    assert not typed.is_valid() and "13700001111" in str(typed.errors)  # what the user typed may be repeated


def page_data_of(student):
    """The student form as a masked page posts it: sensitive inputs empty."""
    return {
        "name": student.name, "gender": student.gender, "birth_date": student.birth_date.isoformat(),
        "id_type": student.id_type, "id_number": "", "student_no": "", "ethnicity": "汉族", "hukou_type": "本区",
        "address": "",
    }  # fmt: skip


def test_it_clears_a_masked_id_number_when_the_type_becomes_no_id(login, actors, student_a):
    student_a.student_no = ""
    student_a.save()
    url = reverse("people:student_edit", args=[student_a.pk])
    client = login(actors["school_a_clerk"])
    data = page_data(client.get(url))
    assert data.get("id_number", "") == ""
    data.update({"id_type": IdType.NONE, "no_id_reason": "户籍未落实"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    student_a.refresh_from_db()
    assert (student_a.id_type, student_a.id_number, student_a.no_id_reason) == (IdType.NONE, "", "户籍未落实")


def test_it_rerenders_a_failed_edit_without_the_stored_values(login, actors, student_a):
    url = reverse("people:student_edit", args=[student_a.pk])
    client = login(actors["school_a_clerk"])
    data = page_data(client.get(url))
    data["gender"] = "女"  # disagrees with the ID number, which stays masked
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "性别与身份证号不一致" in page
    for value in (student_a.id_number, student_a.student_no, student_a.address, "13912345678"):
        assert value not in page
    assert idcodes.mask_id(student_a.id_number) in page  # as the placeholder


def test_it_offers_the_unmask_action_only_to_who_may_unmask(login, actors, student_a, staff_a):
    for actor, offered in (("admin", True), ("school_a_admin", True), ("school_a_clerk", False)):
        page = login(actors[actor]).get(reverse("people:student_edit", args=[student_a.pk])).content.decode()
        assert ('href="?unmask=1"' in page) == offered, actor
    page = login(actors["admin"]).get(reverse("people:student_add")).content.decode()
    assert 'href="?unmask=1"' not in page  # nothing stored, nothing to unmask


def test_it_unmasks_guardian_phones_with_the_student_and_logs_once(login, actors, student_a):
    url = reverse("people:student_edit", args=[student_a.pk])
    response = login(actors["school_a_admin"]).get(url, {"unmask": "1"})
    page = response.content.decode()
    assert student_a.id_number in page and 'value="13912345678"' in page
    assert 'href="?"' in page  # back to masked
    record = AccessRecord.objects.get()
    assert (record.kind, record.unmasked, record.user) == ("unmask", True, actors["school_a_admin"])
    assert record.what.startswith("编辑学生：张小明") and url in record.what
