import datetime

import pytest
from django.urls import reverse

from edubureau.core import idcodes
from edubureau.core.models import AccessRecord, ChangeRecord
from edubureau.people.models import STUDENT_ID_REFUSED, Enrollment, StatusChange, Student

from .conftest import make_student, read_xlsx

BIRTH = datetime.date(2018, 3, 5)
VALID_ID = idcodes.make_resident_id("310112", BIRTH, 7, True)


def form_data(school, school_class, **overrides):
    data = {
        "name": "陈一鸣", "gender": "男", "birth_date": BIRTH.isoformat(), "id_type": "居民身份证",
        "id_number": VALID_ID, "student_no": "G" + VALID_ID, "ethnicity": "汉族", "hukou_type": "本区",
        "hukou_region": "310112", "address": "上海市闵行区莘庄镇莘松路 1 号", "school": school.pk,
        "school_class": school_class.pk, "enrolled_on": "2024-09-01",
    }  # fmt: skip
    data.update(overrides)
    return data


def errors(response):
    return {name: [str(e) for e in errs] for name, errs in response.context["form"].errors.items()}


@pytest.mark.parametrize(
    "who", ["admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin"]
)
def test_it_lists_students_within_scope(login, actors, who, student_a, student_b):
    response = login(actors[who]).get(reverse("people:student_list"))
    assert response.status_code == 200
    names = {obj.name for obj, _cells in response.context["rows"]}
    expected = {"admin": {"张小明", "李小红"}, "leader": {"张小明", "李小红"}, "department": {"张小明", "李小红"},
                "school_a_admin": {"张小明"}, "school_a_clerk": {"张小明"}, "school_b_admin": {"李小红"}}[who]  # fmt: skip
    assert names == expected


def test_it_masks_id_numbers_on_the_list_unless_asked(login, actors, student_a):
    client = login(actors["admin"])
    page = client.get(reverse("people:student_list")).content.decode()
    assert student_a.id_number not in page
    assert idcodes.mask_id(student_a.id_number) in page
    page = client.get(reverse("people:student_list") + "?unmask=1").content.decode()
    assert student_a.id_number in page
    assert AccessRecord.objects.filter(kind="unmask", user=actors["admin"]).exists()


def test_it_filters_students_by_school_code_and_grade(login, actors, student_a, student_b, school_b):
    client = login(actors["admin"])
    rows = client.get(reverse("people:student_list"), {"school": school_b.code}).context["rows"]
    assert [obj.name for obj, _ in rows] == ["李小红"]
    rows = client.get(reverse("people:student_list"), {"grade": "2"}).context["rows"]
    assert rows == []


def test_it_lists_students_in_a_fixed_number_of_queries(login, actors, school_a, class_a, class_a2,
                                                       django_assert_max_num_queries):  # fmt: skip
    client = login(actors["admin"])
    for n in range(60):
        make_student(school_a, class_a if n % 2 else class_a2)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("people:student_list"), {"school": school_a.code})
    assert len(response.context["rows"]) == 50


def test_it_shows_a_student_with_guardians_masked(login, actors, student_a):
    page = (
        login(actors["school_a_clerk"])
        .get(reverse("people:student_detail", args=[student_a.pk]))
        .content.decode()
    )
    assert "张**" in page  # the guardian's name
    assert "139****5678" in page
    assert "13912345678" not in page
    assert student_a.id_number not in page


def test_it_shows_full_guardian_data_to_an_unmasking_admin(login, actors, student_a):
    url = reverse("people:student_detail", args=[student_a.pk]) + "?unmask=1"
    page = login(actors["school_a_admin"]).get(url).content.decode()
    assert "13912345678" in page and "张大明" in page and student_a.id_number in page


@pytest.mark.parametrize("name", ["people:student_detail", "people:student_edit", "people:student_status"])
def test_it_hides_school_as_students_from_school_b(login, actors, student_a, name):
    assert login(actors["school_b_admin"]).get(reverse(name, args=[student_a.pk])).status_code == 404


def test_it_adds_a_student_with_enrolment_and_log(login, actors, school_a, class_a):
    response = login(actors["school_a_clerk"]).post(
        reverse("people:student_add"), form_data(school_a, class_a)
    )
    student = Student.objects.get(name="陈一鸣")
    assert response.status_code == 302 and response.url == student.get_absolute_url()
    assert student.id_number == VALID_ID and student.school_class == class_a
    assert StatusChange.objects.get(student=student).kind == "入学"
    assert Enrollment.objects.get(student=student).school_class == class_a
    assert ChangeRecord.objects.filter(
        object_id=str(student.pk), action="create", user=actors["school_a_clerk"]
    ).exists()


def test_it_refuses_a_bad_check_digit(login, actors, school_a, class_a):
    bad = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    response = login(actors["admin"]).post(
        reverse("people:student_add"), form_data(school_a, class_a, id_number=bad, student_no="")
    )
    assert response.status_code == 200
    assert errors(response)["id_number"] == [f"校验位错误（应为 {VALID_ID[17]}）。"]
    assert not Student.objects.exists()


def test_it_refuses_a_birth_date_or_gender_that_disagrees_with_the_id(login, actors, school_a, class_a):
    data = form_data(school_a, class_a, birth_date="2018-03-06", gender="女")
    response = login(actors["admin"]).post(reverse("people:student_add"), data)
    found = errors(response)
    assert found["birth_date"] == ["出生日期与身份证号不一致（证件为 2018-03-05）。"]
    assert found["gender"] == ["性别与身份证号不一致（证件为 男）。"]


def test_it_asks_for_a_reason_when_there_is_no_id(login, actors, school_a, class_a):
    data = form_data(school_a, class_a, id_type="无证件", id_number="", student_no="")
    response = login(actors["admin"]).post(reverse("people:student_add"), data)
    assert errors(response)["no_id_reason"] == ["证件类型为“无证件”时须填写无证件原因。"]
    data["no_id_reason"] = "出生在境外，户籍未办理"
    assert login(actors["admin"]).post(reverse("people:student_add"), data).status_code == 302


def test_it_checks_the_student_number_against_the_id(login, actors, school_a, class_a):
    other = idcodes.make_resident_id("310112", BIRTH, 9, True)
    response = login(actors["admin"]).post(
        reverse("people:student_add"), form_data(school_a, class_a, student_no="G" + other)
    )
    assert errors(response)["student_no"] == ["学籍号 G 后的 18 位应与身份证号一致。"]


def test_it_converts_an_old_15_digit_number_only_when_asked(login, actors, school_a, class_a):
    old = "310112900305071"  # 15 digits, born 1990-03-05
    data = form_data(school_a, class_a, id_number=old, birth_date="1990-03-05", student_no="")
    response = login(actors["admin"]).post(reverse("people:student_add"), data)
    assert errors(response)["id_number"] == ["这是 15 位旧身份证号，请填写 18 位号码。"]
    data["convert_15"] = "on"
    assert login(actors["admin"]).post(reverse("people:student_add"), data).status_code == 302
    assert Student.objects.get().id_number == idcodes.validate_resident_id(old, allow_15=True)


def test_it_refuses_a_second_student_with_the_same_id_as_a_form_error(
    login, actors, student_a, school_b, class_b
):
    data = form_data(school_b, class_b, id_number=student_a.id_number, student_no="",
                     birth_date=student_a.birth_date.isoformat())  # fmt: skip
    response = login(actors["school_b_admin"]).post(reverse("people:student_add"), data)
    assert response.status_code == 200
    # School A's pupil is outside B's scope: the form does not say that (or where) the pupil is registered.
    assert errors(response)["id_number"] == [STUDENT_ID_REFUSED]
    response = login(actors["admin"]).post(reverse("people:student_add"), data)
    assert errors(response)["id_number"][0].startswith("该证件号码已有学籍，同一学生不能重复注册。")
    assert Student.objects.count() == 1


def test_it_offers_only_the_users_schools(login, actors, school_a, school_b):
    response = login(actors["school_a_clerk"]).get(reverse("people:student_add"))
    assert list(response.context["form"].fields["school"].queryset) == [school_a]


def test_it_edits_a_student_and_logs_the_change(login, actors, student_a):
    data = {f: getattr(student_a, f) for f in ("name", "gender", "id_type", "id_number", "student_no", "ethnicity",
                                               "hukou_type", "hukou_region", "address")}  # fmt: skip
    data.update(birth_date=student_a.birth_date.isoformat(), ethnicity="回族")
    response = login(actors["school_a_clerk"]).post(reverse("people:student_edit", args=[student_a.pk]), data)
    assert response.status_code == 302
    student_a.refresh_from_db()
    assert student_a.ethnicity == "回族"
    record = ChangeRecord.objects.get(object_id=str(student_a.pk), action="update")
    assert record.before == {"ethnicity": "汉族"} and record.after == {"ethnicity": "回族"}


def test_it_lets_school_admins_but_not_clerks_delete(login, actors, student_a):
    url = reverse("people:student_delete", args=[student_a.pk])
    assert login(actors["school_a_clerk"]).post(url).status_code == 403
    assert login(actors["school_b_admin"]).post(url).status_code == 404
    assert login(actors["school_a_admin"]).post(url).status_code == 302
    assert not Student.objects.exists()
    assert ChangeRecord.objects.filter(object_id=str(student_a.pk), action="delete").exists()
    # the guardian deleted with the student is in the audit log too
    assert ChangeRecord.objects.filter(action="delete", object_repr__startswith="张大明").exists()


def test_it_exports_masked_ids_to_a_user_who_may_not_unmask(login, actors, student_a, student_b):
    response = login(actors["leader"]).get(reverse("people:student_export"))
    assert response.status_code == 200
    rows = read_xlsx(response)
    header, data = rows[0], rows[1:]
    col = header.index("证件号码")
    assert sorted(r[col] for r in data) == sorted(
        idcodes.mask_id(s.id_number) for s in (student_a, student_b)
    )
    assert all(student_a.id_number not in str(cell) for r in data for cell in r)


def test_it_exports_full_ids_to_a_user_who_may_unmask(login, actors, student_a, student_b):
    rows = read_xlsx(login(actors["school_a_admin"]).get(reverse("people:student_export")))
    header = rows[0]
    assert [r[header.index("证件号码")] for r in rows[1:]] == [student_a.id_number]
    assert [r[header.index("学籍号")] for r in rows[1:]] == [student_a.student_no]
    assert AccessRecord.objects.filter(kind="export", unmasked=True, user=actors["school_a_admin"]).exists()


def test_it_refuses_export_to_a_clerk(login, actors, student_a):
    assert login(actors["school_a_clerk"]).get(reverse("people:student_export")).status_code == 403


def test_it_turns_a_racing_duplicate_into_a_form_error(
    login, actors, student_a, school_b, class_b, monkeypatch
):
    # Another user saved the same ID number between our checks and our insert: the database refuses.
    from edubureau.people.forms import StudentForm

    monkeypatch.setattr(StudentForm, "check_unique_number", lambda *args: None)
    monkeypatch.setattr(Student, "validate_constraints", lambda *args, **kwargs: None)
    data = form_data(school_b, class_b, id_number=student_a.id_number, student_no="",
                     birth_date=student_a.birth_date.isoformat())  # fmt: skip
    response = login(actors["school_b_admin"]).post(reverse("people:student_add"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "保存失败：证件号码或学籍号与已有记录重复（可能刚被他人登记）。请核对后重试。"
    ]
    assert Student.objects.count() == 1
