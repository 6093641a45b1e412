"""消息中心 pages and API: the bell's count and dropdown, the list (search, filters, pages), opening a
message marks it read, mark all read, the channels per kind; nobody reaches another user's message."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from edubureau.notifications import views
from edubureau.notifications.models import Kind, Notification, NotificationPreference
from edubureau.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(school_a_admin):
    for n in range(12):
        notify(
            [school_a_admin],
            Kind.NEW_ALERT,
            f"新预警：实验小学 第{n}号",
            f"{n} 例",
            f"/health/alerts/{n}/",
            f"alert:{n}",
        )
    notify([school_a_admin], Kind.IMPORT_FINISHED, "导入完成：学生.xlsx", "新增 2", "", "import:1:done")
    return Notification.objects.filter(recipient=school_a_admin)


@pytest.fixture
def others(school_b_admin):
    notify([school_b_admin], Kind.NEW_ALERT, "新预警：七宝小学", "", "/health/alerts/99/", "alert:99")
    return Notification.objects.get(recipient=school_b_admin)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_bell_shows_the_unread_count_on_every_page(login, school_a_admin, inbox):
    client = login(school_a_admin)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'id="notification-bell"' in page and 'data-count="13"' in page
    counted = [q["sql"] for q in queries if 'FROM "notifications_notification"' in q["sql"]]
    assert len(counted) == 1 and "COUNT" in counted[0]  # the bell costs one COUNT
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'data-count="13"' in badge and ">13<" in badge


def test_the_dropdown_lists_the_latest_eight(login, school_a_admin, inbox, others):
    page = (
        login(school_a_admin)
        .get(reverse("notifications:menu"), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert page.count('class="list-group-item list-group-item-action notification-entry unread"') == 8
    assert "导入完成：学生.xlsx" in page and "七宝小学" not in page
    assert reverse("notifications:list") in page and 'hx-swap-oob="true"' in page


def test_the_list_searches_filters_and_pages(login, school_a_admin, inbox, others, monkeypatch):
    monkeypatch.setattr(views.NotificationListView, "paginate_by", 10)
    client = login(school_a_admin)
    page = client.get(reverse("notifications:list"))
    assert page.context["page_obj"].paginator.count == 13 and len(page.context["page_obj"]) == 10
    assert "七宝小学" not in page.content.decode()
    assert client.get(reverse("notifications:list"), {"q": "第3号"}).context["page_obj"].paginator.count == 1
    by_kind = client.get(reverse("notifications:list"), {"kind": Kind.IMPORT_FINISHED}).context["page_obj"]
    assert [n.title for n in by_kind] == ["导入完成：学生.xlsx"]
    Notification.objects.filter(key="alert:0").update(read_at="2025-11-17T10:00+08:00")
    assert client.get(reverse("notifications:list"), {"unread": "0"}).context["page_obj"].paginator.count == 1
    assert (
        client.get(reverse("notifications:list"), {"unread": "1"}).context["page_obj"].paginator.count == 12
    )
    second = client.get(reverse("notifications:list"), {"page": 2}).context["page_obj"]
    assert len(second) == 3


def test_opening_a_message_marks_it_read_and_goes_to_its_page(login, school_a_admin, inbox):
    client = login(school_a_admin)
    note = inbox.get(key="alert:3")
    response = client.get(note.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == "/health/alerts/3/"
    note.refresh_from_db()
    assert note.read_at is not None
    plain = inbox.get(kind=Kind.IMPORT_FINISHED)
    page = client.get(plain.get_absolute_url())
    assert page.status_code == 200 and "新增 2" in page.content.decode()


def test_nobody_opens_another_users_message(login, school_a_admin, others):
    assert login(school_a_admin).get(others.get_absolute_url()).status_code == 404
    client = api(school_a_admin)
    assert client.get(reverse("notifications-api:notification-detail", args=[others.pk])).status_code == 404
    assert client.post(reverse("notifications-api:notification-read", args=[others.pk])).status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_it_marks_all_read(login, school_a_admin, inbox, others):
    client = login(school_a_admin)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not inbox.filter(read_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.read_at is None  # only one's own
    menu = client.post(reverse("notifications:read_all"), headers={"HX-Request": "true"}).content.decode()
    assert 'data-count="0"' in menu


def test_the_api_lists_only_ones_own_messages_and_marks_one_read(school_a_admin, inbox, others):
    client = api(school_a_admin)
    listed = client.get(reverse("notifications-api:notification-list"), {"unread": "1", "limit": 5}).json()
    assert listed["count"] == 13 and len(listed["results"]) == 5
    assert "七宝小学" not in str(listed)
    first = listed["results"][0]
    assert first["kind_label"] == "导入完成" and first["is_read"] is False
    response = client.post(reverse("notifications-api:notification-read", args=[first["id"]]))
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.get(reverse("notifications-api:notification-list"), {"unread": "1"}).json()["count"] == 12
    assert client.get("/api/notifications/abc/").status_code == 404
    assert APIClient().get(reverse("notifications-api:notification-list")).status_code in (401, 403)


def test_it_keeps_each_users_channels_per_kind(login, school_a_admin):
    client = login(school_a_admin)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "新预警" in page and "导入完成" in page and "尚未填写邮箱" in page
    response = client.post(reverse("notifications:preferences"), {"new_alert_email": "on", "new_alert_sms": "on",
                                                                   "import_finished_email": "on"})  # fmt: skip
    assert response.status_code == 302
    assert sorted(NotificationPreference.objects.values_list("kind", "email", "sms")) == [
        ("import_finished", True, False), ("new_alert", True, True),
    ]  # fmt: skip
    client.post(reverse("notifications:preferences"), {"new_alert_sms": "on"})
    assert list(NotificationPreference.objects.values_list("kind", "email", "sms")) == [
        ("new_alert", False, True)
    ]


def test_the_menu_has_a_message_centre_entry(login, school_b_admin):
    page = login(school_b_admin).get(reverse("notifications:list")).content.decode()
    assert f'href="{reverse("notifications:list")}"' in page and "消息中心" in page
