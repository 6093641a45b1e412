"""/api/people/ classes, staff and school years: scope per actor, validation, 409, masking."""

import pytest

from edubureau.core.models import AccessRecord, ChangeRecord
from edubureau.core.tests.apitools import client_for, make_class, make_staff
from edubureau.people.models import SchoolClass, Staff

CLASSES, STAFF, YEARS = "/api/people/classes/", "/api/people/staff/", "/api/people/school-years/"
ACTORS = ("admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin")


def expect(admin, leader, department, school_a_admin, school_a_clerk, school_b_admin):
    return list(
        zip(ACTORS, (admin, leader, department, school_a_admin, school_a_clerk, school_b_admin), strict=True)
    )


@pytest.fixture
def classes(school_a, school_b, school_year):
    return make_class(school_a, school_year, class_no=1), make_class(school_b, school_year, class_no=1)


@pytest.fixture
def staff(school_a, school_b):
    return make_staff(school_a, 1, name="周老师"), make_staff(school_b, 2, name="吴老师")


# ---------------------------------------------------------------- classes


@pytest.mark.parametrize("actor, count", expect(2, 2, 2, 1, 1, 1))
def test_it_lists_the_classes_in_scope(actors, classes, actor, count):
    response = client_for(actors[actor]).get(CLASSES)
    assert response.json()["count"] == count
    if count == 1:
        school = "2131000002" if actor == "school_b_admin" else "2131000001"
        assert response.json()["results"][0]["school"] == school


@pytest.mark.parametrize("actor, status", expect(201, 403, 201, 201, 403, 400))
def test_it_creates_classes_for_actors_allowed_to(actors, school_a, school_year, actor, status):
    data = {"school": "2131000001", "grade": "四年级", "class_no": 3, "capacity": 45}
    response = client_for(actors[actor]).post(CLASSES, data, format="json")
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert (body["grade"], body["school_year"], body["name"]) == (4, 2025, "四年级（3）班")
        assert ChangeRecord.objects.get(action="create").user == actors[actor]
    assert SchoolClass.objects.exists() == (status == 201)


@pytest.mark.parametrize("actor, status", expect(200, 403, 200, 200, 403, 404))
def test_it_updates_classes_in_scope(actors, classes, actor, status):
    response = client_for(actors[actor]).patch(f"{CLASSES}{classes[0].pk}/", {"capacity": 50}, format="json")
    assert response.status_code == status
    classes[0].refresh_from_db()
    assert (classes[0].capacity == 50) == (status == 200)


@pytest.mark.parametrize("actor, status", expect(204, 403, 204, 204, 403, 404))
def test_it_deletes_classes_in_scope(actors, classes, actor, status):
    response = client_for(actors[actor]).delete(f"{CLASSES}{classes[0].pk}/")
    assert response.status_code == status
    assert SchoolClass.objects.filter(pk=classes[0].pk).exists() == (status != 204)


def test_it_answers_409_for_a_class_that_exists(actors, classes):
    data = {"school": "2131000001", "school_year": 2025, "grade": 3, "class_no": 1}
    response = client_for(actors["school_a_admin"]).post(CLASSES, data, format="json")
    assert response.status_code == 409
    assert response.json()["existing"] == f"http://testserver{CLASSES}{classes[0].pk}/"
    assert SchoolClass.objects.count() == 2


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"grade": 8}, {"grade": ["闵行区实验小学的学段为小学，没有八年级。"]}),
        (
            {"grade": "初三"},
            {"grade": ["年级“初三”无效：请填写 1–12（一年级…高三）或 托班/小班/中班/大班（-3…0）。"]},
        ),
        ({"school_year": 2030}, {"school_year": ["没有 2030 学年，请填写已建立学年的起始年份（如 2025）。"]}),
        ({"school": "2131000009"}, {"school": ["学校标识码 2131000009 不存在或不在您的管理范围内。"]}),
    ],
)
def test_it_explains_invalid_classes_in_chinese(actors, school_a, school_year, change, errors):
    data = {"school": "2131000001", "grade": 3, "class_no": 1, **change}
    response = client_for(actors["admin"]).post(CLASSES, data, format="json")
    assert response.status_code == 400
    assert response.json() == errors


def test_it_refuses_a_head_teacher_of_another_school(actors, classes, staff):
    response = client_for(actors["admin"]).patch(
        f"{CLASSES}{classes[0].pk}/", {"head_teacher": staff[1].pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"head_teacher": ["吴老师不是闵行区实验小学的教职工。"]}


def test_it_filters_classes_by_school_code_and_year(actors, classes):
    client = client_for(actors["admin"])
    assert [r["id"] for r in client.get(CLASSES, {"school": "2131000002"}).json()["results"]] == [
        classes[1].pk
    ]
    assert client.get(CLASSES, {"school_year": 2024}).json()["count"] == 0


# ---------------------------------------------------------------- staff


@pytest.mark.parametrize("actor, count", expect(2, 2, 2, 1, 1, 1))
def test_it_lists_the_staff_in_scope(actors, staff, actor, count):
    assert client_for(actors[actor]).get(STAFF).json()["count"] == count


@pytest.mark.parametrize("actor, status", expect(201, 403, 201, 201, 403, 400))
def test_it_creates_staff_for_actors_allowed_to(actors, school_a, actor, status):
    data = {"name": "郑老师", "gender": "女", "birth_date": "1990-01-02", "id_number": "310112199001020025",
            "school": "2131000001", "title": "一级", "post_type": "专任教师"}  # fmt: skip
    response = client_for(actors[actor]).post(STAFF, data, format="json")
    assert response.status_code == status, response.content
    assert Staff.objects.filter(name="郑老师").exists() == (status == 201)


@pytest.mark.parametrize("actor, status", expect(200, 403, 200, 200, 403, 404))
def test_it_updates_staff_in_scope(actors, staff, actor, status):
    response = client_for(actors[actor]).patch(f"{STAFF}{staff[0].pk}/", {"title": "高级"}, format="json")
    assert response.status_code == status
    staff[0].refresh_from_db()
    assert (staff[0].title == "高级") == (status == 200)


@pytest.mark.parametrize("actor, status", expect(204, 403, 204, 204, 403, 404))
def test_it_deletes_staff_in_scope(actors, staff, actor, status):
    response = client_for(actors[actor]).delete(f"{STAFF}{staff[0].pk}/")
    assert response.status_code == status
    assert Staff.objects.filter(pk=staff[0].pk).exists() == (status != 204)


def test_it_masks_staff_phone_and_id_unless_unmasked(actors, staff):
    client = client_for(actors["admin"])
    row = client.get(f"{STAFF}{staff[0].pk}/").json()
    assert (row["phone"], row["id_number"]) == (
        "138****5678",
        staff[0].id_number[:4] + "**********" + staff[0].id_number[-4:],
    )
    row = client.get(f"{STAFF}{staff[0].pk}/", {"unmask": "1"}).json()
    assert (row["phone"], row["id_number"]) == ("13812345678", staff[0].id_number)
    assert AccessRecord.objects.get().what.startswith("教职工")


def test_it_validates_staff_id_numbers_like_the_forms(actors, staff):
    response = client_for(actors["admin"]).patch(
        f"{STAFF}{staff[0].pk}/", {"birth_date": "1985-05-07"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"birth_date": ["出生日期与身份证号不一致（证件为 1985-05-06）。"]}


def test_it_answers_409_for_staff_already_employed(actors, staff):
    data = {
        "name": "周老师",
        "gender": "女",
        "birth_date": "1985-05-06",
        "id_number": staff[0].id_number,
        "school": "2131000001",
    }
    response = client_for(actors["admin"]).post(STAFF, data, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["existing"].endswith(f"{STAFF}{staff[0].pk}/")


# ---------------------------------------------------------------- school years


@pytest.mark.parametrize("actor", ACTORS)
def test_it_lists_school_years_read_only(actors, school_year, actor):
    client = client_for(actors[actor])
    rows = client.get(YEARS).json()["results"]
    assert [(r["start_year"], r["name"], r["is_current"]) for r in rows] == [(2025, "2025-2026学年", True)]
    assert client.post(YEARS, {"start_year": 2026}, format="json").status_code in (403, 405)
    assert client.delete(f"{YEARS}{school_year.pk}/").status_code in (403, 405)


def test_it_refuses_school_years_to_anonymous(school_year):
    assert client_for(None).get(YEARS).status_code == 401
