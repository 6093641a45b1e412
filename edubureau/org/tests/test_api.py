"""/api/org/: schools, zones, groups and campuses for every actor."""

import pytest

from edubureau.core.models import ChangeRecord
from edubureau.core.tests.apitools import client_for, make_student
from edubureau.org.models import Campus, EduGroup, School, Zone

SCHOOLS, ZONES, GROUPS, CAMPUSES = (
    "/api/org/schools/",
    "/api/org/zones/",
    "/api/org/groups/",
    "/api/org/campuses/",
)
ACTORS = ("admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin")


def expect(*values):
    return list(zip(ACTORS, values, strict=True))


@pytest.fixture
def zone(district, school_a, school_b):
    zone = Zone.objects.create(district=district, name="莘庄学区")
    School.objects.filter(pk__in=[school_a.pk, school_b.pk]).update(zone=zone)
    return zone


@pytest.fixture
def campus(school_a):
    return Campus.objects.create(school=school_a, name="东校区", is_main=True)


NEW_SCHOOL = {"code": "3131000003", "name": "闵行区莘松中学", "stage": "初中"}


# ---------------------------------------------------------------- schools


@pytest.mark.parametrize(
    "actor, codes",
    expect(*[["2131000001", "2131000002"]] * 3, ["2131000001"], ["2131000001"], ["2131000002"]),
)
def test_it_lists_the_schools_in_scope(actors, school_a, school_b, actor, codes):
    response = client_for(actors[actor]).get(SCHOOLS)
    assert [row["code"] for row in response.json()["results"]] == codes


def test_it_hides_other_schools(actors, school_a, school_b):
    client = client_for(actors["school_a_admin"])
    assert client.get(f"{SCHOOLS}{school_b.pk}/").status_code == 404
    assert client.patch(f"{SCHOOLS}{school_b.pk}/", {"phone": "1"}, format="json").status_code == 404
    assert client.get(f"{SCHOOLS}{school_a.pk}/").json()["code"] == "2131000001"


def test_it_finds_a_school_by_code(actors, school_a, school_b):
    rows = client_for(actors["leader"]).get(SCHOOLS, {"code": "2131000002"}).json()["results"]
    assert [(r["id"], r["name"]) for r in rows] == [(school_b.pk, "闵行区七宝小学")]


@pytest.mark.parametrize("actor, status", expect(201, 403, 201, 403, 403, 403))
def test_it_creates_schools_for_bureau_users_only(actors, district, actor, status):
    response = client_for(actors[actor]).post(SCHOOLS, NEW_SCHOOL, format="json")
    assert response.status_code == status
    assert School.objects.filter(code="3131000003").exists() == (status == 201)
    if status == 201:  # the only district is the default
        assert response.json()["district"] == "310112"
        record = ChangeRecord.objects.get()
        assert (record.action, record.user, record.source) == ("create", actors[actor], "api")


@pytest.mark.parametrize("actor, status", expect(200, 403, 200, 200, 403, 404))
def test_it_lets_a_school_correct_its_own_contact_details(actors, school_a, actor, status):
    response = client_for(actors[actor]).patch(
        f"{SCHOOLS}{school_a.pk}/", {"phone": "021-64000000"}, format="json"
    )
    assert response.status_code == status
    school_a.refresh_from_db()
    assert (school_a.phone == "021-64000000") == (status == 200)


def test_it_keeps_registry_fields_for_the_bureau(actors, school_a):
    client = client_for(actors["school_a_admin"])
    response = client.patch(f"{SCHOOLS}{school_a.pk}/", {"name": "新校名", "stage": "初中"}, format="json")
    assert response.status_code == 400
    message = "由教育局维护，学校用户不能修改；如需修改请联系区教育局。"
    assert response.json() == {"name": [message], "stage": [message]}
    # the same values sent back (a PUT of the record as read) are fine
    row = client.get(f"{SCHOOLS}{school_a.pk}/").json()
    assert (
        client.put(f"{SCHOOLS}{school_a.pk}/", {**row, "principal": "陈校长"}, format="json").status_code
        == 200
    )
    school_a.refresh_from_db()
    assert (school_a.name, school_a.principal) == ("闵行区实验小学", "陈校长")


# The department owns the school registry but was granted add and change, not delete.
@pytest.mark.parametrize("actor, status", expect(204, 403, 403, 403, 403, 403))
def test_it_deletes_schools_for_those_granted_delete_only(actors, district, actor, status):
    school = School.objects.create(district=district, **NEW_SCHOOL)
    response = client_for(actors[actor]).delete(f"{SCHOOLS}{school.pk}/")
    assert response.status_code == status
    assert School.objects.filter(pk=school.pk).exists() == (status != 204)


def test_it_refuses_to_delete_a_school_that_has_students(actors, school_a):
    make_student(school_a)
    response = client_for(actors["admin"]).delete(f"{SCHOOLS}{school_a.pk}/")
    assert response.status_code == 409
    assert response.json() == {"detail": "“闵行区实验小学”仍被其他数据引用，不能删除。请先处理相关数据。"}
    assert School.objects.filter(pk=school_a.pk).exists()
    assert not ChangeRecord.objects.exists()


def test_it_answers_409_for_a_school_code_that_exists(actors, school_a):
    response = client_for(actors["admin"]).post(SCHOOLS, {**NEW_SCHOOL, "code": school_a.code}, format="json")
    assert response.status_code == 409
    assert response.json()["existing"] == f"http://testserver{SCHOOLS}{school_a.pk}/"


@pytest.mark.parametrize(
    "change, errors",
    [
        ({"code": "2131"}, {"code": ["学校标识码：长度应为 10 位（实际 4 位）"]}),
        ({"code": "2931000003"}, {"code": ["学校标识码：学校类别代码 29 不存在"]}),
        ({"credit_code": "91350100M000100Y4!"}, {"credit_code": ["统一社会信用代码：含非法字符 '!'"]}),
        ({"stage": "大学"}, {"stage": ["“大学” 不是合法选项。"]}),
        ({"opened_on": "2020-02-30"}, {"opened_on": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]}),
        (
            {"opened_on": "2020-09-01", "closed_on": "2019-09-01"},
            {"non_field_errors": ["停办日期不能早于开办日期。"]},
        ),
    ],
)
def test_it_explains_invalid_schools_in_chinese(actors, district, change, errors):
    response = client_for(actors["admin"]).post(SCHOOLS, {**NEW_SCHOOL, **change}, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not School.objects.filter(name=NEW_SCHOOL["name"]).exists()


# ---------------------------------------------------------------- zones and groups


@pytest.mark.parametrize(
    "actor, schools",
    expect(*[["2131000001", "2131000002"]] * 3, ["2131000001"], ["2131000001"], ["2131000002"]),
)
def test_it_shows_a_zone_with_only_the_schools_in_scope(actors, zone, actor, schools):
    rows = client_for(actors[actor]).get(ZONES).json()["results"]
    assert [(r["name"], r["schools"]) for r in rows] == [("莘庄学区", schools)]


@pytest.mark.parametrize("actor, status", expect(200, 403, 200, 403, 403, 403))
def test_it_lets_only_bureau_users_change_zones(actors, zone, actor, status):
    response = client_for(actors[actor]).patch(f"{ZONES}{zone.pk}/", {"description": "改"}, format="json")
    assert response.status_code == status
    zone.refresh_from_db()
    assert (zone.description == "改") == (status == 200)


def test_it_logs_the_schools_a_deleted_zone_leaves(actors, zone, school_a, school_b):
    assert client_for(actors["admin"]).delete(f"{ZONES}{zone.pk}/").status_code == 204
    school_a.refresh_from_db()
    assert school_a.zone is None
    updates = ChangeRecord.objects.filter(action="update").order_by("object_repr")
    assert [(r.object_repr, r.before, r.after) for r in updates] == [
        ("闵行区七宝小学", {"zone_id": zone.pk}, {"zone_id": None}),
        ("闵行区实验小学", {"zone_id": zone.pk}, {"zone_id": None}),
    ]


def test_it_creates_groups_with_a_lead_school_by_code(actors, school_a):
    data = {"name": "实验教育集团", "lead_school": "2131000001", "founded_on": "2019-09-01"}
    response = client_for(actors["department"]).post(GROUPS, data, format="json")
    assert response.status_code == 201, response.content
    assert EduGroup.objects.get().lead_school == school_a
    again = client_for(actors["department"]).post(GROUPS, data, format="json")
    assert again.status_code == 409
    assert client_for(actors["school_a_admin"]).post(GROUPS, {"name": "x"}, format="json").status_code == 403


def test_it_hides_groups_of_other_schools(actors, district, school_a, school_b):
    group = EduGroup.objects.create(district=district, name="七宝教育集团", lead_school=school_b)
    school_b.group = group
    school_b.save()
    assert client_for(actors["school_a_admin"]).get(GROUPS).json()["count"] == 0
    assert client_for(actors["school_a_admin"]).get(f"{GROUPS}{group.pk}/").status_code == 404
    assert client_for(actors["school_b_admin"]).get(f"{GROUPS}{group.pk}/").json()["schools"] == [
        "2131000002"
    ]


# ---------------------------------------------------------------- campuses


@pytest.mark.parametrize("actor, count", expect(1, 1, 1, 1, 1, 0))
def test_it_lists_campuses_in_scope(actors, campus, actor, count):
    assert client_for(actors[actor]).get(CAMPUSES, {"school": "2131000001"}).json()["count"] == count


@pytest.mark.parametrize("actor, status", expect(201, 403, 201, 403, 403, 403))
def test_it_creates_campuses_for_actors_allowed_to(actors, school_a, actor, status):
    response = client_for(actors[actor]).post(
        CAMPUSES, {"school": "2131000001", "name": "西校区"}, format="json"
    )
    assert response.status_code == status
    assert Campus.objects.filter(name="西校区").exists() == (status == 201)


@pytest.mark.parametrize("actor, status", expect(200, 403, 200, 200, 403, 404))
def test_it_updates_campuses_in_scope(actors, campus, actor, status):
    response = client_for(actors[actor]).patch(
        f"{CAMPUSES}{campus.pk}/", {"address": "莘庄镇1号"}, format="json"
    )
    assert response.status_code == status


def test_it_refuses_a_second_main_campus(actors, campus):
    data = {"school": "2131000001", "name": "西校区", "is_main": True}
    response = client_for(actors["admin"]).post(CAMPUSES, data, format="json")
    assert response.status_code == 400
    assert response.json() == {"is_main": ["该校已有主校区“东校区”，请先取消它的主校区标记。"]}


def test_it_refuses_a_nul_character_in_a_natural_key(actors, school_a):
    # PostgreSQL cannot compare with a NUL character: a 400, not a server error, on every database.
    response = client_for(actors["admin"]).patch(
        f"{SCHOOLS}{school_a.pk}/", {"district": "31\x000112"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"district": ["无效值。"]}


def test_it_sets_zone_members_by_school_code(actors, zone, school_a, school_b):
    client = client_for(actors["department"])
    response = client.patch(f"{ZONES}{zone.pk}/", {"schools": ["2131000002"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["schools"] == ["2131000002"]
    school_a.refresh_from_db()
    assert school_a.zone is None
    record = ChangeRecord.objects.get(object_repr="闵行区实验小学")
    assert (record.before, record.after, record.user) == (
        {"zone_id": zone.pk},
        {"zone_id": None},
        actors["department"],
    )
    response = client.patch(f"{ZONES}{zone.pk}/", {"schools": ["2131000009"]}, format="json")
    assert response.json() == {"schools": ["学校标识码 2131000009 不存在。"]}


def test_it_makes_the_lead_school_a_member_of_its_group(actors, school_a, school_b):
    data = {"name": "七宝教育集团", "lead_school": "2131000002", "schools": ["2131000001"]}
    response = client_for(actors["admin"]).post(GROUPS, data, format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["schools"]) == ["2131000001", "2131000002"]
    assert set(EduGroup.objects.get().schools.values_list("code", flat=True)) == {"2131000001", "2131000002"}
