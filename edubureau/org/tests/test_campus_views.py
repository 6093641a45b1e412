from edubureau.core.models import ChangeRecord
from edubureau.org.models import Campus


def test_it_adds_a_campus_from_the_school_page_and_logs_it(login, admin_user, school_a):
    response = login(admin_user).post(
        f"/org/schools/{school_a.pk}/campuses/add/",
        {"name": "东校区", "address": "莘庄镇莘东路 5 号", "is_main": "on"},
    )
    campus = Campus.objects.get()
    assert response.status_code == 302 and response.url == f"/org/schools/{school_a.pk}/#campuses"
    assert (campus.school, campus.name, campus.is_main) == (school_a, "东校区", True)
    record = ChangeRecord.objects.get(object_id=str(campus.pk), action="create")
    assert record.user == admin_user and record.after["name"] == "东校区"


def test_it_refuses_a_second_main_campus_or_a_repeated_name(login, admin_user, school_a):
    Campus.objects.create(school=school_a, name="本部", is_main=True)
    client = login(admin_user)
    response = client.post(f"/org/schools/{school_a.pk}/campuses/add/", {"name": "本部", "is_main": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "校区名称不能重复" in errors["name"][0] and "已有主校区“本部”" in errors["is_main"][0]
    assert Campus.objects.count() == 1


def test_it_deletes_a_campus_and_logs_it(login, admin_user, school_a):
    campus = Campus.objects.create(school=school_a, name="西校区", address="七宝镇")
    response = login(admin_user).post(f"/org/campuses/{campus.pk}/delete/")
    assert response.status_code == 302 and response.url == f"/org/schools/{school_a.pk}/"
    assert not Campus.objects.exists()
    record = ChangeRecord.objects.get(action="delete")
    assert record.object_id == str(campus.pk) and record.before["name"] == "西校区"


def test_it_keeps_school_users_to_their_rights(login, school_a_admin, school_b_admin, school_a):
    campus = Campus.objects.create(school=school_a, name="西校区")
    client = login(school_a_admin)
    # a school admin may correct a campus but not add or remove one
    assert (
        client.post(
            f"/org/campuses/{campus.pk}/edit/", {"name": "西校区", "address": "七宝镇 1 号"}
        ).status_code
        == 302
    )
    campus.refresh_from_db()
    assert campus.address == "七宝镇 1 号"
    assert client.post(f"/org/schools/{school_a.pk}/campuses/add/", {"name": "北校区"}).status_code == 403
    assert client.post(f"/org/campuses/{campus.pk}/delete/").status_code == 403
    other = login(school_b_admin)
    assert other.get(f"/org/campuses/{campus.pk}/edit/").status_code == 404
    assert Campus.objects.count() == 1
