import pytest

from edubureau.core.models import ChangeRecord
from edubureau.core.testing import read_xlsx
from edubureau.org.models import District, EduGroup, School, SchoolStatus, Stage, Zone


@pytest.fixture
def zone(district, school_a):
    zone = Zone.objects.create(district=district, name="莘庄学区", description="莘庄镇")
    school_a.zone = zone
    school_a.save()
    return zone


@pytest.fixture
def group(district, school_a, school_b):
    group = EduGroup.objects.create(district=district, name="实验小学教育集团", lead_school=school_a)
    School.objects.filter(pk__in=[school_a.pk, school_b.pk]).update(group=group)
    return group


def test_it_lists_searches_and_exports_zones(login, admin_user, zone, district, school_b):
    Zone.objects.create(district=district, name="七宝学区")
    School.objects.create(district=district, code="2131000005", name="已合并小学", stage=Stage.PRIMARY, zone=zone,
                          status=SchoolStatus.MERGED)  # fmt: skip
    client = login(admin_user)
    response = client.get("/org/zones/", {"sort": "-school_count"})
    assert [(z.name, z.school_count) for z, _ in response.context["rows"]] == [
        ("莘庄学区", 1),
        ("七宝学区", 0),
    ]
    assert [z.name for z, _ in client.get("/org/zones/", {"q": "七宝"}).context["rows"]] == ["七宝学区"]
    assert [z.name for z, _ in client.get("/org/zones/", {"school": "2131000001"}).context["rows"]] == [
        "莘庄学区"
    ]
    rows = read_xlsx(client.get("/org/zones/export/", {"sort": "name"}))
    assert rows[0] == ["学区名称", "区县", "办学中学校数", "说明"]
    assert sorted(r[0] for r in rows[1:]) == ["七宝学区", "莘庄学区"]


def test_it_shows_a_zone_with_its_schools(login, admin_user, zone, school_a):
    response = login(admin_user).get(f"/org/zones/{zone.pk}/")
    assert response.status_code == 200
    assert response.context["schools"] == [(school_a, True)]
    assert f'href="/org/schools/{school_a.pk}/"' in response.content.decode()


def test_it_adds_a_zone_with_members_and_logs_each_move(
    login, admin_user, district, zone, school_a, school_b
):
    response = login(admin_user).post(
        "/org/zones/add/",
        {"district": district.pk, "name": "七宝学区", "members": [school_a.pk, school_b.pk]},
    )
    new = Zone.objects.get(name="七宝学区")
    assert response.status_code == 302 and response.url == f"/org/zones/{new.pk}/"
    assert set(new.schools.all()) == {school_a, school_b}
    assert not zone.schools.exists()  # A left its old zone
    moved = ChangeRecord.objects.filter(content_type__model="school", action="update")
    assert {(r.object_id, r.after["zone_id"]) for r in moved} == {
        (str(school_a.pk), new.pk),
        (str(school_b.pk), new.pk),
    }


def test_it_removes_unselected_members_when_editing_a_zone(login, admin_user, district, zone, school_a):
    login(admin_user).post(
        f"/org/zones/{zone.pk}/edit/", {"district": district.pk, "name": "莘庄学区", "members": []}
    )
    school_a.refresh_from_db()
    assert school_a.zone is None
    assert ChangeRecord.objects.get(content_type__model="school", object_id=str(school_a.pk)).before == {
        "zone_id": zone.pk
    }


def test_it_lets_schools_see_but_not_change_zones_and_groups(
    login, school_a_admin, school_b_admin, zone, group
):
    client = login(school_a_admin)
    assert client.get(f"/org/zones/{zone.pk}/").status_code == 200
    assert client.get(f"/org/zones/{zone.pk}/edit/").status_code == 403
    assert client.get("/org/zones/add/").status_code == 403
    assert client.get(f"/org/groups/{group.pk}/edit/").status_code == 403
    # B is not in the zone: the zone is out of its scope
    assert login(school_b_admin).get(f"/org/zones/{zone.pk}/").status_code == 404
    assert login(school_b_admin).get("/org/zones/").context["rows"] == []


def test_it_shows_a_group_with_lead_and_members_but_links_only_visible_ones(
    login, school_b_admin, group, school_a, school_b
):
    response = login(school_b_admin).get(f"/org/groups/{group.pk}/")
    assert response.status_code == 200
    assert response.context["lead"] == (school_a, False)
    assert response.context["schools"] == [(school_a, False), (school_b, True)]
    html = response.content.decode()
    assert "闵行区实验小学" in html and f'href="/org/schools/{school_a.pk}/"' not in html


def test_it_lists_and_exports_groups(login, admin_user, group):
    client = login(admin_user)
    response = client.get("/org/groups/", {"q": "实验小学"})
    assert [(g.name, g.school_count) for g, _ in response.context["rows"]] == [("实验小学教育集团", 2)]
    rows = read_xlsx(client.get("/org/groups/export/"))
    assert rows[1][:3] == ["实验小学教育集团", "闵行区实验小学", 2]


def test_it_makes_the_lead_school_a_member(login, admin_user, district, school_a, school_b):
    login(admin_user).post(
        "/org/groups/add/",
        {
            "district": district.pk,
            "name": "七宝教育集团",
            "lead_school": school_b.pk,
            "members": [school_a.pk],
        },
    )
    group = EduGroup.objects.get(name="七宝教育集团")
    assert group.lead_school == school_b
    assert set(group.schools.all()) == {school_a, school_b}
    assert ChangeRecord.objects.filter(object_id=str(group.pk), content_type__model="edugroup").exists()


def test_it_lets_only_the_admin_edit_the_district(login, admin_user, department_user, district):
    assert login(department_user).get(f"/org/districts/{district.pk}/").status_code == 200
    assert (
        login(department_user)
        .post(f"/org/districts/{district.pk}/edit/", {"code": "310112", "name": "X"})
        .status_code
        == 403
    )
    response = login(admin_user).post(
        f"/org/districts/{district.pk}/edit/", {"code": "310112", "name": "上海市闵行区"}
    )
    assert response.status_code == 302
    assert District.objects.get().name == "上海市闵行区"
    assert ChangeRecord.objects.get(content_type__model="district").after == {"name": "上海市闵行区"}
