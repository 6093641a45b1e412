import datetime

from edubureau.core.models import ChangeRecord
from edubureau.org import services
from edubureau.org.models import School, Zone


def school_data(school, **changes):
    data = {
        "district": school.district_id, "code": school.code, "name": school.name, "short_name": school.short_name,
        "stage": school.stage, "nature": school.nature, "rank": school.rank, "credit_code": school.credit_code,
        "zone": school.zone_id or "", "group": school.group_id or "", "address": school.address,
        "principal": school.principal, "phone": school.phone, "status": school.status,
        "opened_on": school.opened_on or "", "closed_on": school.closed_on or "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_it_lets_the_admin_add_a_school(login, admin_user, district):
    data = school_data(
        School(district=district, code="3131000009", name="闵行区新虹中学", stage="初中", status="办学中")
    )
    response = login(admin_user).post("/org/schools/add/", data)
    school = School.objects.get(code="3131000009")
    assert response.status_code == 302 and response.url == f"/org/schools/{school.pk}/"
    assert ChangeRecord.objects.filter(object_id=str(school.pk), action="create", user=admin_user).exists()


def test_it_refuses_a_wrong_school_code_in_chinese(login, admin_user, district):
    data = school_data(School(district=district, code="21310", name="某小学", stage="小学", status="办学中"))
    response = login(admin_user).post("/org/schools/add/", data)
    assert response.status_code == 200
    assert "学校标识码" in response.content.decode()
    assert response.context["form"].errors["code"]
    assert not School.objects.filter(name="某小学").exists()


def test_it_gives_school_b_404_on_school_a(login, school_b_admin, school_a):
    client = login(school_b_admin)
    assert client.get(f"/org/schools/{school_a.pk}/").status_code == 404
    assert client.get(f"/org/schools/{school_a.pk}/edit/").status_code == 404
    assert (
        client.post(f"/org/schools/{school_a.pk}/edit/", school_data(school_a, phone="1")).status_code == 404
    )
    school_a.refresh_from_db()
    assert school_a.phone == ""


def test_it_lets_a_school_admin_correct_their_own_school(login, school_a_admin, school_a):
    response = login(school_a_admin).post(
        f"/org/schools/{school_a.pk}/edit/", school_data(school_a, principal="李华", phone="021-64000000")
    )
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert (school_a.principal, school_a.phone) == ("李华", "021-64000000")
    record = ChangeRecord.objects.get(object_id=str(school_a.pk), action="update")
    assert record.user == school_a_admin and record.after == {"principal": "李华", "phone": "021-64000000"}


def test_it_keeps_registry_fields_out_of_a_school_admins_reach(
    login, school_a_admin, school_a, school_b, district
):
    zone = Zone.objects.create(district=district, name="七宝学区")
    response = login(school_a_admin).post(
        f"/org/schools/{school_a.pk}/edit/",
        school_data(
            school_a, code=school_b.code, name="改名小学", status="已撤销", zone=zone.pk, principal="李华"
        ),
    )
    assert response.status_code == 302
    school_a.refresh_from_db()
    # code, name, status and zone are the bureau's: the posted values are ignored, the rest is saved
    assert (school_a.code, school_a.name, school_a.status, school_a.zone) == (
        "2131000001",
        "闵行区实验小学",
        "办学中",
        None,
    )
    assert school_a.principal == "李华"
    assert School.objects.for_user(school_a_admin).get() == school_a


def test_it_forbids_school_admins_to_create_schools(login, school_a_admin, district):
    client = login(school_a_admin)
    assert client.get("/org/schools/add/").status_code == 403
    data = school_data(
        School(district=district, code="2131000077", name="新学校", stage="小学", status="办学中")
    )
    assert client.post("/org/schools/add/", data).status_code == 403
    assert not School.objects.filter(code="2131000077").exists()


def test_it_forbids_a_clerk_to_edit(login, school_a_clerk, school_a):
    client = login(school_a_clerk)
    assert client.get(f"/org/schools/{school_a.pk}/").status_code == 200
    assert client.get(f"/org/schools/{school_a.pk}/edit/").status_code == 403
    assert (
        client.post(f"/org/schools/{school_a.pk}/edit/", school_data(school_a, phone="1")).status_code == 403
    )
    school_a.refresh_from_db()
    assert school_a.phone == ""


def test_it_shows_the_detail_page_with_links_and_history(login, admin_user, school_a, school_b, school_year):
    from edubureau.people.models import SchoolClass, Student

    services.close_school(school_b, datetime.date(2025, 8, 31), successor=school_a)
    SchoolClass.objects.create(school=school_a, school_year=school_year, grade=1, class_no=1)
    Student.objects.create(name="张三", gender="M", birth_date=datetime.date(2018, 3, 1), school=school_a)
    Student.objects.create(
        name="李四", gender="F", birth_date=datetime.date(2014, 3, 1), school=school_a, status="毕业"
    )
    response = login(admin_user).get(f"/org/schools/{school_a.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/org/schools/{school_b.pk}/"' in html  # the predecessor
    assert "撤销" in html
    assert response.context["counts"] == {"classes": 1, "students": 1, "staff": 0}
    assert 'href="/people/students/?school=2131000001"' in html
    assert 'href="/people/staff/?school=2131000001"' in html
    assert response.context["can_history"] is True


def test_it_shows_stored_dates_in_the_date_pickers_so_a_save_keeps_them(login, admin_user, school_a):
    # The browser's date input accepts only YYYY-MM-DD; the Chinese locale's 2019/09/01 showed as
    # empty and was saved as empty, silently erasing the opening date.
    school_a.opened_on = datetime.date(2019, 9, 1)
    school_a.save()
    page = login(admin_user).get(f"/org/schools/{school_a.pk}/edit/").content.decode()
    assert 'name="opened_on" value="2019-09-01"' in page
    history = login(admin_user).get(f"/org/schools/{school_a.pk}/history/").content.decode()
    assert f'name="date" value="{datetime.date.today():%Y-%m-%d}"' in history
