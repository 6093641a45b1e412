"""One rule, one place: the student page, the API and the import call the same functions (people.identity,
people.services), so the same input leaves the same rows and change records, and the same bad input
gets the same message, on every surface."""

import pytest
from django.urls import reverse

from edubureau.core.models import ChangeRecord
from edubureau.core.tests.apitools import client_for
from edubureau.core.tests.importtools import refused, student_row, table, write_xlsx
from edubureau.demo import population
from edubureau.people.models import Ethnicity, Guardian, GuardianRelation, StatusChange

from .conftest import make_student
from .test_student_guardians import page_data
from .test_student_pages import VALID_ID, form_data

API = "/api/people/students/"


@pytest.fixture
def twins(school_a, class_a):
    """Two students of school A, each with the same father: one edited on the page, one over the API."""
    students = [make_student(school_a, class_a, name=name) for name in ("页面生", "接口生")]
    for student in students:
        Guardian.objects.create(student=student, name="张大明", relation="父亲", phone="13912345678")
    return students


def post_page(client, student, rows):
    """The edit page as the browser posts it (unmasked), with the guardian rows changed to `rows`."""
    url = reverse("people:student_edit", args=[student.pk]) + "?unmask=1"
    data = page_data(client.get(url))
    for i, row in enumerate(rows):
        data.update({f"guardians-{i}-{name}": value for name, value in row.items()})
    return client.post(url, data)


def guardian_changes(student):
    """The change records of the student's guardians, as (action, before, after) without ids."""
    ids = [str(pk) for pk in student.guardians.values_list("pk", flat=True)]
    records = ChangeRecord.objects.filter(content_type__model="guardian", object_id__in=ids).order_by("pk")
    plain = lambda values: {k: v for k, v in (values or {}).items() if k != "student_id"}  # noqa: E731
    return [(r.action, plain(r.before), plain(r.after)) for r in records]


def test_the_page_and_the_api_write_guardians_alike(login, unmasking_admin, twins):
    on_page, over_api = twins
    father = {"name": "张大明", "relation": "父亲", "phone": "021-64123456"}
    mother = {"name": "王丽", "relation": "母亲", "phone": "13700001111"}
    assert post_page(login(unmasking_admin), on_page, [father, mother]).status_code == 302
    api_father = {"id": over_api.guardians.get().pk, **father}
    response = client_for(unmasking_admin).patch(
        f"{API}{over_api.pk}/", {"guardians": [api_father, mother]}, format="json"
    )
    assert response.status_code == 200, response.content

    def rows(student):
        return list(student.guardians.order_by("pk").values_list("name", "relation", "phone"))

    assert (
        rows(on_page)
        == rows(over_api)
        == [("张大明", "父亲", "021-64123456"), ("王丽", "母亲", "13700001111")]
    )
    assert guardian_changes(on_page) == guardian_changes(over_api)
    assert [action for action, *_ in guardian_changes(on_page)] == ["update", "create"]


@pytest.mark.parametrize(
    "row, field, message",
    [
        ({"name": "王丽", "relation": "", "phone": ""}, "relation", "请填写王丽与学生的关系（如父亲、母亲）。"),
        ({"name": "王丽", "relation": "母亲", "phone": "1391234"}, "phone",
         "联系电话“1391234”格式不正确：请填写 11 位手机号（如 13812345678）或带区号的固定电话（如 021-64123456）。"),
    ],
)  # fmt: skip
def test_the_page_and_the_api_refuse_a_bad_guardian_in_the_same_words(
    login, unmasking_admin, twins, row, field, message
):
    on_page, over_api = twins
    father = {"name": "张大明", "relation": "父亲", "phone": "13912345678"}
    response = post_page(login(unmasking_admin), on_page, [father, row])
    assert response.status_code == 200
    assert response.context["form"].guardians.errors[1] == {field: [message]}
    response = client_for(unmasking_admin).patch(
        f"{API}{over_api.pk}/", {"guardians": [father, row]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"guardians": [{}, {field: [message]}]}
    assert Guardian.objects.filter(name="王丽").count() == 0


def test_the_page_the_api_and_the_import_refuse_a_bad_id_number_in_the_same_words(
    login, unmasking_admin, school_a, classes, tmp_path, settings
):
    settings.VAR_DIR = tmp_path / "var"
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    message = f"校验位错误（应为 {VALID_ID[17]}）。"
    page = login(unmasking_admin).post(
        reverse("people:student_add"), form_data(school_a, classes[0], id_number=wrong, student_no="")
    )
    assert [str(e) for e in page.context["form"].errors["id_number"]] == [message]
    data = {
        "name": "陈一鸣",
        "gender": "男",
        "birth_date": "2018-03-05",
        "id_number": wrong,
        "school": school_a.code,
    }
    assert client_for(unmasking_admin).post(API, data, format="json").json() == {"id_number": [message]}
    output = refused(
        "students", write_xlsx(tmp_path / "s.xlsx", table([student_row(id_number=wrong, 学籍号="")]))
    )
    assert f"第 2 行，证件号码：{message.removesuffix('。')}" in output


def test_every_surface_refuses_an_ethnic_group_outside_the_list(
    login, unmasking_admin, school_a, classes, tmp_path, settings
):
    settings.VAR_DIR = tmp_path / "var"
    page = login(unmasking_admin).post(
        reverse("people:student_add"), form_data(school_a, classes[0], ethnicity="火星族")
    )
    assert "ethnicity" in page.context["form"].errors
    data = {
        "name": "陈一鸣",
        "gender": "男",
        "birth_date": "2018-03-05",
        "id_number": VALID_ID,
        "school": school_a.code,
    }
    assert (
        "ethnicity"
        in client_for(unmasking_admin).post(API, {**data, "ethnicity": "火星族"}, format="json").json()
    )
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([student_row(民族="火星族")])))
    assert "第 2 行，民族：“火星族”不是有效值" in output
    assert (
        client_for(unmasking_admin).post(API, {**data, "ethnicity": "蒙古族"}, format="json").status_code
        == 201
    )


def test_the_import_refuses_a_guardian_relation_outside_the_list(classes, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    output = refused("students", write_xlsx(tmp_path / "s.xlsx", table([student_row(监护人关系="爸爸")])))
    assert "第 2 行，监护人关系：“爸爸”不是有效值，应为：" + "、".join(GuardianRelation.values) in output


def test_the_demo_writes_only_listed_ethnic_groups_and_relations():
    assert set(population.ETHNICITIES[0]) <= set(Ethnicity.values)
    assert set(population.RELATIONS[0]) <= set(GuardianRelation.values)


def test_the_page_and_the_api_record_a_class_change_alike(
    login, unmasking_admin, school_a, class_a, class_a2
):
    on_page, over_api = (make_student(school_a, class_a, name=name) for name in ("页面生", "接口生"))
    url = reverse("people:student_status", args=[on_page.pk])
    page = login(unmasking_admin).post(
        url, {"action": "change_class", "to_class": class_a2.pk, "date": "2025-10-08", "reason": "分班调整"}
    )
    assert page.status_code == 302
    patch = {"school_class": class_a2.pk, "change_date": "2025-10-08", "change_reason": "分班调整"}
    assert client_for(unmasking_admin).patch(f"{API}{over_api.pk}/", patch, format="json").status_code == 200
    fields = ("kind", "date", "from_class", "to_class", "from_status", "to_status", "reason")
    changes = [
        list(StatusChange.objects.filter(student=s).exclude(kind="入学").values_list(*fields))
        for s in (on_page, over_api)
    ]
    assert changes[0] == changes[1] and changes[0][0][0] == "调班"
