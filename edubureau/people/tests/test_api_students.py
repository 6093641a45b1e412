"""/api/people/students/: scope per actor, masking, validation, 409 on duplicates, change log, 学籍异动."""

import pytest

from edubureau.core.api import ScopedRelatedFieldMixin
from edubureau.core.models import AccessRecord, ChangeRecord
from edubureau.core.tests.apitools import client_for, make_class, make_student, resident_id
from edubureau.people.models import Enrollment, Guardian, StatusChange, Student, StudentStatus

URL = "/api/people/students/"


@pytest.fixture
def student_a(school_a):
    return make_student(school_a, 1, name="张小明", student_no="G" + resident_id(1))


@pytest.fixture
def student_b(school_b):
    return make_student(school_b, 2, name="李小红")


def new_student(school_code="2131000001", seq=5, **extra):
    return {
        "name": "王小华", "gender": "男", "birth_date": "2016-03-01", "id_type": "居民身份证",
        "id_number": resident_id(seq), "school": school_code, **extra,
    }  # fmt: skip


VISIBLE = {
    "admin": 2,
    "leader": 2,
    "department": 2,
    "school_a_admin": 1,
    "school_a_clerk": 1,
    "school_b_admin": 1,
}


@pytest.mark.parametrize("actor, count", VISIBLE.items())
def test_it_lists_only_the_students_in_scope(actors, actor, count, student_a, student_b):
    response = client_for(actors[actor]).get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == count
    names = {row["name"] for row in response.json()["results"]}
    if actor.startswith("school_a"):
        assert names == {"张小明"}
    if actor == "school_b_admin":
        assert names == {"李小红"}


def test_it_refuses_anonymous_requests(db, student_a):
    assert client_for(None).get(URL).status_code == 401
    assert client_for(None).post(URL, new_student(), format="json").status_code == 401
    assert not Student.objects.filter(name="王小华").exists()


def test_it_hides_other_schools_students(actors, student_a, student_b):
    client = client_for(actors["school_a_admin"])
    assert client.get(f"{URL}{student_b.pk}/").status_code == 404
    assert client.patch(f"{URL}{student_b.pk}/", {"name": "改"}, format="json").status_code == 404
    assert client.delete(f"{URL}{student_b.pk}/").status_code == 404
    assert client.get(f"{URL}{student_a.pk}/").status_code == 200
    student_b.refresh_from_db()
    assert student_b.name == "李小红"


CREATE = {
    "admin": 201,
    "leader": 403,
    "department": 201,
    "school_a_admin": 201,
    "school_a_clerk": 201,
    "school_b_admin": 400,
}


@pytest.mark.parametrize("actor, status", CREATE.items())
def test_it_creates_students_in_schools_the_actor_may_write(
    actors, actor, status, school_a, school_b, school_year
):
    response = client_for(actors[actor]).post(URL, new_student(), format="json")
    assert response.status_code == status, response.content
    assert Student.objects.filter(name="王小华").exists() == (status == 201)
    if status == 400:  # school A is outside school B's scope: named as such, in Chinese
        assert response.json() == {"school": ["学校标识码 2131000001 不存在或不在您的管理范围内。"]}


UPDATE = {
    "admin": 200,
    "leader": 403,
    "department": 200,
    "school_a_admin": 200,
    "school_a_clerk": 200,
    "school_b_admin": 404,
}


@pytest.mark.parametrize("actor, status", UPDATE.items())
def test_it_updates_students_in_scope(actors, actor, status, student_a):
    response = client_for(actors[actor]).patch(f"{URL}{student_a.pk}/", {"ethnicity": "回族"}, format="json")
    assert response.status_code == status
    student_a.refresh_from_db()
    assert (student_a.ethnicity == "回族") == (status == 200)


DELETE = {
    "admin": 204,
    "leader": 403,
    "department": 204,
    "school_a_admin": 204,
    "school_a_clerk": 403,
    "school_b_admin": 404,
}


@pytest.mark.parametrize("actor, status", DELETE.items())
def test_it_deletes_students_only_for_actors_with_delete(actors, actor, status, student_a):
    Guardian.objects.create(student=student_a, name="张大明", relation="父亲", phone="13900001111")
    response = client_for(actors[actor]).delete(f"{URL}{student_a.pk}/")
    assert response.status_code == status
    assert Student.objects.filter(pk=student_a.pk).exists() == (status != 204)
    if status == 204:  # the student and the guardians that went with it are in the change log
        deleted = ChangeRecord.objects.filter(action="delete", user=actors[actor])
        assert sorted(r.object_repr for r in deleted) == ["张大明（父亲）", "张小明"]
    if status == 403:
        assert response.json() == {"detail": "您没有删除该数据的权限。"}


def test_it_refuses_moving_a_student_to_another_school(actors, student_a, school_b):
    response = client_for(actors["school_a_admin"]).patch(
        f"{URL}{student_a.pk}/", {"school": school_b.code}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"school": ["学校标识码 2131000002 不存在或不在您的管理范围内。"]}
    student_a.refresh_from_db()
    assert student_a.school_id != school_b.pk
    assert not ChangeRecord.objects.exists()


def test_it_rolls_back_a_write_that_leaves_the_scope(actors, student_a, school_b, monkeypatch):
    # Defence in depth: even if a related field offered a school outside the scope, the re-check
    # after saving refuses the write and rolls back everything it did (student, 异动, change log).
    monkeypatch.setattr(
        ScopedRelatedFieldMixin,
        "get_queryset",
        lambda self: super(ScopedRelatedFieldMixin, self).get_queryset(),
    )
    response = client_for(actors["school_a_admin"]).patch(
        f"{URL}{student_a.pk}/", {"school": school_b.code, "name": "改名"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "不能把数据改到您的管理范围之外。"}
    student_a.refresh_from_db()
    assert (student_a.school.code, student_a.name) == ("2131000001", "张小明")
    assert not ChangeRecord.objects.exists() and not StatusChange.objects.exists()


def test_it_lets_the_bureau_transfer_a_student_as_a_status_change(actors, student_a, school_b, school_year):
    response = client_for(actors["admin"]).patch(
        f"{URL}{student_a.pk}/", {"school": school_b.code, "change_reason": "随父母迁居"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["school"] == school_b.code
    kinds = list(StatusChange.objects.filter(student=student_a).values_list("kind", "reason"))
    assert sorted(kinds) == [("转入", "随父母迁居"), ("转出", "随父母迁居")]


def test_it_masks_sensitive_fields_by_default(actors, student_a):
    Guardian.objects.create(student=student_a, name="张大明", relation="父亲", phone="13900001111")
    row = client_for(actors["school_a_admin"]).get(f"{URL}{student_a.pk}/").json()
    assert row["id_number"] == student_a.id_number[:4] + "**********" + student_a.id_number[-4:]
    assert row["student_no"] != student_a.student_no and row["student_no"].endswith(student_a.student_no[-4:])
    assert row["address"] == "上海市闵行区莘庄镇****"
    assert row["guardians"][0]["phone"] == "139****1111"
    assert not AccessRecord.objects.exists()


def test_it_unmasks_for_users_allowed_to_and_logs_it(actors, student_a):
    Guardian.objects.create(student=student_a, name="张大明", relation="父亲", phone="13900001111")
    rows = client_for(actors["school_a_admin"]).get(URL, {"unmask": 1}).json()["results"]
    assert rows[0]["id_number"] == student_a.id_number
    assert rows[0]["student_no"] == student_a.student_no
    assert rows[0]["guardians"][0]["phone"] == "13900001111"
    record = AccessRecord.objects.get()
    assert (record.user, record.kind, record.rows) == (actors["school_a_admin"], "unmask", 1)


def test_it_keeps_masking_for_users_without_the_permission(actors, student_a):
    row = client_for(actors["school_a_clerk"]).get(f"{URL}{student_a.pk}/", {"unmask": 1}).json()
    assert "*" in row["id_number"]
    assert not AccessRecord.objects.exists()


def test_it_takes_a_masked_value_sent_back_as_unchanged(actors, student_a):
    client = client_for(actors["school_a_clerk"])
    row = client.get(f"{URL}{student_a.pk}/").json()
    row.update(name="张晓明")
    response = client.put(f"{URL}{student_a.pk}/", row, format="json")
    assert response.status_code == 200, response.content
    student_a.refresh_from_db()
    assert student_a.name == "张晓明"
    assert student_a.id_number == resident_id(1) and student_a.address.endswith("501 室")


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"id_number": resident_id(5)[:-1] + ("0" if resident_id(5)[-1] != "0" else "1")},
         {"id_number": [f"校验位错误（应为 {resident_id(5)[-1]}）。"]}),
        ({"id_number": "31011220160301"}, {"id_number": ["长度应为 18 位（实际 14 位）。"]}),
        ({"birth_date": "2016-03-02"}, {"birth_date": ["出生日期与身份证号不一致（证件为 2016-03-01）。"]}),
        ({"gender": "女"}, {"gender": ["性别与身份证号不一致（证件为 男）。"]}),
        ({"id_type": "无证件", "id_number": ""}, {"no_id_reason": ["证件类型为“无证件”时须填写无证件原因。"]}),
        ({"id_type": "无证件", "no_id_reason": "户籍未落实"}, {"id_number": ["证件类型为“无证件”时证件号码应留空。"]}),
        ({"grade": 3, "class_no": 9}, {"class_no": ["闵行区实验小学在2025-2026学年没有三年级（9）班，请先建班或核对年级、班号。"]}),
        ({"grade": 3}, {"class_no": ["年级和班号须同时填写。"]}),
        ({"hukou_region": "990000"}, {"hukou_region": ["行政区划代码 990000 无效（省级代码 99 不存在）。"]}),
        ({"gender": "X"}, {"gender": ["“X” 不是合法选项。"]}),
    ],
)  # fmt: skip
def test_it_explains_invalid_input_in_chinese(actors, school_a, school_year, change, errors):
    response = client_for(actors["school_a_admin"]).post(URL, new_student(**change), format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Student.objects.exists() and not ChangeRecord.objects.exists()


def test_it_answers_409_instead_of_creating_a_duplicate(actors, student_a):
    data = new_student(seq=1)  # the same ID number as student_a
    response = client_for(actors["school_a_clerk"]).post(URL, data, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["existing"] == f"http://testserver{URL}{student_a.pk}/"
    assert "已存在" in body["detail"] and body["existing"] in body["detail"]
    assert Student.objects.count() == 1


def test_it_answers_409_without_a_link_when_the_duplicate_is_out_of_scope(actors, student_a, school_b):
    response = client_for(actors["school_b_admin"]).post(
        URL, new_student(school_b.code, seq=1), format="json"
    )
    assert response.status_code == 409
    assert "existing" not in response.json()
    # Only that the number cannot be used and whom to ask, not that (or where) the pupil is registered.
    assert response.json()["detail"] == (
        "该证件号码不能用于新建学生。请核对证件号码；如确认无误，请联系区教育局学籍管理部门。"
    )
    assert Student.objects.count() == 1


def test_it_logs_writes_with_the_token_user(actors, school_a, school_year):
    user = actors["school_a_clerk"]
    response = client_for(user).post(URL, new_student(), format="json")
    student = Student.objects.get(pk=response.json()["id"])
    record = ChangeRecord.objects.get(object_id=str(student.pk), content_type__model="student")
    assert (record.action, record.user, record.user_name, record.source) == ("create", user, "a_clerk", "api")
    assert record.after["id_number"] == student.id_number
    # 入学 goes through people.services: a status change and the year's enrolment
    assert StatusChange.objects.get(student=student).kind == "入学"
    assert Enrollment.objects.get(student=student).school_year == school_year


def test_it_finds_the_class_by_grade_and_class_number(actors, school_a, school_year):
    school_class = make_class(school_a, school_year, grade=3, class_no=2)
    response = client_for(actors["school_a_admin"]).post(
        URL, new_student(grade="三年级", class_no=2, school_year=2025), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["school_class"], body["grade"], body["class_no"], body["school_year"]) == (
        school_class.pk,
        3,
        2,
        2025,
    )
    assert body["class_name"] == "三年级（2）班"


def test_it_refuses_a_class_of_another_school(actors, school_a, school_b, school_year):
    other = make_class(school_b, school_year)
    response = client_for(actors["admin"]).post(URL, new_student(school_class=other.pk), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "school_class": ["三年级（1）班不属于闵行区实验小学，请选择闵行区实验小学的班级。"]
    }


def test_it_changes_class_and_status_through_status_changes(actors, student_a, school_a, school_year):
    one, two = make_class(school_a, school_year, class_no=1), make_class(school_a, school_year, class_no=2)
    Student.objects.filter(pk=student_a.pk).update(school_class=one)
    client = client_for(actors["school_a_admin"])
    assert (
        client.patch(f"{URL}{student_a.pk}/", {"class_no": 2, "grade": 3}, format="json").status_code == 200
    )
    assert client.patch(f"{URL}{student_a.pk}/", {"status": "休学"}, format="json").status_code == 200
    student_a.refresh_from_db()
    assert (student_a.school_class, student_a.status) == (two, StudentStatus.SUSPENDED)
    assert sorted(StatusChange.objects.values_list("kind", flat=True)) == ["休学", "调班"]
    response = client.patch(f"{URL}{student_a.pk}/", {"status": "毕业"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"status": ["学籍状态不能从“休学”直接改为“毕业”。"]}


def test_it_writes_guardians_nested_and_idempotently(actors, student_a):
    client = client_for(actors["school_a_admin"])
    guardians = [
        {"name": "张大明", "relation": "父亲", "phone": "13900001111"},
        {"name": "刘芳", "relation": "母亲"},
    ]
    url = f"{URL}{student_a.pk}/"
    assert client.patch(url, {"guardians": guardians}, format="json").status_code == 200
    first = ChangeRecord.objects.count()
    assert first == 2
    body = client.patch(url, {"guardians": guardians}, format="json").json()
    assert ChangeRecord.objects.count() == first  # the same list again changes nothing
    assert [g["name"] for g in body["guardians"]] == ["张大明", "刘芳"]
    # read back (masked), drop the mother, change nothing else
    response = client.patch(url, {"guardians": body["guardians"][:1]}, format="json")
    assert response.status_code == 200
    assert list(student_a.guardians.values_list("name", "phone")) == [("张大明", "13900001111")]


def test_it_changes_nothing_when_the_same_put_is_sent_twice(actors, student_a, school_a, school_year):
    school_class = make_class(school_a, school_year)
    client = client_for(actors["school_a_admin"])
    data = {**new_student(seq=1), "name": "张晓明", "school_class": school_class.pk,
            "guardians": [{"name": "张大明", "relation": "父亲", "phone": "13900001111"}]}  # fmt: skip
    first = client.put(f"{URL}{student_a.pk}/", data, format="json")
    assert first.status_code == 200, first.content
    records, changes = ChangeRecord.objects.count(), StatusChange.objects.count()
    assert (records, changes) == (5, 1)  # student, guardian, 调班 and the year's enrolment
    second = client.put(f"{URL}{student_a.pk}/", data, format="json")
    assert second.json() == first.json()
    assert (ChangeRecord.objects.count(), StatusChange.objects.count()) == (records, changes)


def test_it_lists_students_in_a_constant_number_of_queries(
    actors, school_a, school_year, django_assert_max_num_queries
):
    school_class = make_class(school_a, school_year)
    for seq in range(1, 21):
        student = make_student(school_a, seq, school_class=school_class)
        Guardian.objects.create(student=student, name="家长", relation="母亲", phone="13900001111")
    client = client_for(actors["school_a_admin"])
    with django_assert_max_num_queries(8):
        assert len(client.get(URL).json()["results"]) == 20


def test_it_filters_by_school_code(actors, student_a, student_b):
    rows = client_for(actors["admin"]).get(URL, {"school": "2131000002"}).json()["results"]
    assert [r["name"] for r in rows] == ["李小红"]
