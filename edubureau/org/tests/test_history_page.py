import datetime

from edubureau.core.models import ChangeRecord
from edubureau.org.models import SchoolEvent, SchoolStatus


def test_it_merges_from_the_school_page(login, department_user, school_a, school_b):
    client = login(department_user)
    assert client.get(f"/org/schools/{school_b.pk}/history/").status_code == 200
    response = client.post(
        f"/org/schools/{school_b.pk}/history/",
        {"action": "merge", "into": school_a.pk, "date": "2025-08-31", "description": "闵教〔2025〕12号"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/org/schools/{school_b.pk}/"
    assert "已将闵行区七宝小学并入闵行区实验小学" in response.content.decode()
    school_b.refresh_from_db()
    assert (school_b.status, school_b.successor, school_b.closed_on) == (
        SchoolStatus.MERGED, school_a, datetime.date(2025, 8, 31)
    )  # fmt: skip
    assert ChangeRecord.objects.filter(
        user=department_user, object_id=str(school_b.pk), source="web"
    ).exists()


def test_it_shows_the_refusal_of_a_service_on_the_form(login, admin_user, school_a, school_b):
    school_a.opened_on = datetime.date(2026, 1, 1)
    school_a.save()
    response = login(admin_user).post(
        f"/org/schools/{school_b.pk}/history/", {"action": "merge", "into": school_a.pk, "date": "2025-08-31"}
    )
    assert response.status_code == 400
    assert (
        "合并日期 2025-08-31 早于“闵行区实验小学”（2131000001）的开办日期 2026-01-01"
        in response.content.decode()
    )
    assert not SchoolEvent.objects.exists()


def test_it_moves_and_renames_from_the_page(login, admin_user, school_a):
    client = login(admin_user)
    url = f"/org/schools/{school_a.pk}/history/"
    client.post(url, {"action": "move", "address": "莘庄镇都市路 100 号", "date": "2025-09-01"})
    client.post(
        url, {"action": "rename", "name": "闵行区实验小学总校", "short_name": "", "date": "2025-09-02"}
    )
    school_a.refresh_from_db()
    assert (school_a.address, school_a.name, school_a.short_name) == (
        "莘庄镇都市路 100 号",
        "闵行区实验小学总校",
        "实验小学",
    )
    assert [e.kind for e in SchoolEvent.objects.order_by("date")] == ["迁址", "更名"]


def test_it_is_only_for_district_level_org_users(login, school_a_admin, leader, school_a, school_b):
    client = login(school_a_admin)
    assert client.get(f"/org/schools/{school_a.pk}/history/").status_code == 403
    post = {"action": "close", "date": "2025-08-31"}
    assert client.post(f"/org/schools/{school_a.pk}/history/", post).status_code == 403
    assert client.get(f"/org/schools/{school_b.pk}/history/").status_code == 404  # out of scope
    assert login(leader).post(f"/org/schools/{school_a.pk}/history/", post).status_code == 403
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.OPEN
    assert "学校沿革" not in login(school_a_admin).get(f"/org/schools/{school_a.pk}/").content.decode()
