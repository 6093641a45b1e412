import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from edubureau.accounts.models import Department
from edubureau.core import changelog, context
from edubureau.core.models import AccessRecord, ChangeAction, ChangeRecord
from edubureau.people.models import Gender, Student

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def student_changes(school_a, admin_user):
    """A student created by the admin on the web, then edited from the console in another request."""
    with context.acting(admin_user, source="web", remote_addr="10.1.2.3") as web:
        student = changelog.create(
            Student(name="审计测试生", gender=Gender.FEMALE, birth_date=datetime.date(1949, 12, 31),
                    id_number=ID_NUMBER, address="上海市闵行区莘庄镇莘建路 100 弄 8 号 301 室", school=school_a)
        )  # fmt: skip
    with context.acting(None, source="cli") as cli:
        before = changelog.snapshot(student)
        student.name = "审计测试生改"
        student.address = "上海市闵行区七宝镇七莘路 200 弄 1 号"
        changelog.update(student, before)
    created = ChangeRecord.objects.get(request_id=web.request_id)
    updated = ChangeRecord.objects.get(request_id=cli.request_id)
    return student, created, updated


def test_it_lists_and_filters_changes(login, admin_user, student_changes, school_a):
    student, created, updated = student_changes
    client = login(admin_user)
    url = reverse("core:change_list")
    response = client.get(url)
    assert response.status_code == 200 and "审计测试生" in response.text
    assert list(response.context["page_obj"]) == [updated, created]

    def listed(**params):
        return list(client.get(url, params).context["page_obj"])

    assert listed(user="admin") == [created]
    assert listed(action=ChangeAction.UPDATE) == [updated]
    assert listed(source="cli") == [updated]
    assert listed(model="people.student") == [updated, created]
    assert listed(request_id=str(created.request_id)) == [created]
    assert listed(object=str(student.pk)) == [updated, created]
    assert listed(q="测试生改") == [updated]
    today = created.time.astimezone(datetime.UTC).date()
    assert listed(
        since=str(today - datetime.timedelta(days=1)), until=str(today + datetime.timedelta(days=1))
    ) == [updated, created]
    assert listed(since=str(today + datetime.timedelta(days=2))) == []


def test_it_shows_before_and_after_with_personal_data_masked(login, admin_user, student_changes):
    _, created, updated = student_changes
    client = login(admin_user)
    response = client.get(reverse("core:change_detail", args=[updated.pk]))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["rows"]}
    assert (rows["name"]["before"], rows["name"]["after"]) == ("审计测试生", "审计测试生改")
    assert rows["name"]["label"] == "姓名"
    assert "莘建路" not in response.text and "七莘路" not in response.text
    assert rows["address"]["sensitive"]

    response = client.get(reverse("core:change_detail", args=[created.pk]))
    assert ID_NUMBER not in response.text and "1101**********002X" in response.text
    assert "10.1.2.3" in response.text and "闵行区实验小学" in response.text  # the school id shown by name


def test_it_unmasks_on_request_for_users_allowed_to_and_logs_it(login, admin_user, leader, student_changes):
    _, created, _ = student_changes
    url = reverse("core:change_detail", args=[created.pk])
    response = login(admin_user).get(url, {"unmask": "1"})
    assert ID_NUMBER in response.text
    access = AccessRecord.objects.get()
    assert (
        access.kind == AccessRecord.Kind.UNMASK and access.user == admin_user and "审计测试生" in access.what
    )

    response = login(leader).get(url, {"unmask": "1"})  # a leader reads everything but may not unmask
    assert response.status_code == 200 and ID_NUMBER not in response.text
    assert AccessRecord.objects.count() == 1


def test_it_lists_access_records(login, admin_user, leader):
    AccessRecord.objects.create(
        user=admin_user, user_name="admin", kind=AccessRecord.Kind.EXPORT, what="学生：school=1", rows=12
    )
    AccessRecord.objects.create(
        user=leader, user_name="leader", kind=AccessRecord.Kind.UNMASK, what="学生列表", rows=3, unmasked=True
    )
    client = login(leader)
    url = reverse("core:access_list")
    response = client.get(url)
    assert response.status_code == 200 and "学生：school=1" in response.text and "学生列表" in response.text
    assert [r.user_name for r in client.get(url, {"kind": "export"}).context["page_obj"]] == ["admin"]
    assert [r.user_name for r in client.get(url, {"user": "LEADER"}).context["page_obj"]] == ["leader"]


@pytest.mark.parametrize("actor", ["department", "school_a_admin", "school_a_clerk", "school_b_admin"])
def test_it_shows_the_audit_log_only_to_holders_of_the_audit_module(login, actors, student_changes, actor):
    _, created, _ = student_changes
    client = login(actors[actor])
    for url in (
        reverse("core:change_list"),
        reverse("core:change_detail", args=[created.pk]),
        reverse("core:access_list"),
    ):
        assert client.get(url).status_code == 403


def test_it_shows_the_audit_log_to_a_department_granted_it(login, department_user, student_changes):
    Department.objects.filter(pk=department_user.department_id).update(grants={"audit": ["view", "export"]})
    department_user.refresh_from_db()
    assert login(department_user).get(reverse("core:change_list")).status_code == 200


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("core:change_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_offers_no_way_to_edit_or_delete_records(login, admin_user, student_changes):
    _, created, _ = student_changes
    client = login(admin_user)
    urls = [
        reverse("core:change_list"),
        reverse("core:change_detail", args=[created.pk]),
        reverse("core:access_list"),
    ]
    for url in urls:
        assert client.post(url, {"before": "{}"}).status_code == 405
        assert client.put(url, "{}", content_type="application/json").status_code == 405
        assert client.patch(url, "{}", content_type="application/json").status_code == 405
        assert client.delete(url).status_code == 405
    created.refresh_from_db()
    assert created.after["name"] == "审计测试生" and ChangeRecord.objects.count() == 2


def test_it_refuses_to_change_or_delete_a_record_in_code(student_changes):
    _, created, _ = student_changes
    created.object_repr = "篡改"
    with pytest.raises(PermissionDenied, match="变更记录不可修改"):
        created.save()
    with pytest.raises(PermissionDenied, match="变更记录不可删除"):
        created.delete()
    created.refresh_from_db()
    assert created.object_repr == "审计测试生"


def test_it_names_changed_fields_by_their_labels_on_object_pages(login, admin_user, school_a):
    from edubureau.core import changelog

    before = changelog.snapshot(school_a)
    school_a.principal = "新校长"
    school_a.save()
    record = changelog.log_update(school_a, before)
    assert record.changed_field_labels == ["校长"]
    page = login(admin_user).get(f"/org/schools/{school_a.pk}/").content.decode()
    assert "<div>校长</div>" in page and "principal" not in page


def test_it_shows_structured_values_in_words_not_as_python(login, admin_user):
    with context.acting(admin_user, source="web"):
        department = changelog.create(Department(name="审计科", grants={"students": ["view", "change"]}))
    record = ChangeRecord.objects.get(object_id=str(department.pk), content_type__model="department")
    response = login(admin_user).get(reverse("core:change_detail", args=[record.pk]))
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["grants"]["after"] == "学生学籍（查看、修改）"
    assert "{&#x27;" not in response.text and "[&#x27;" not in response.text
    assert ">grants<" not in response.text  # the field's label, not its code


def test_it_says_json_values_without_a_repr():
    from edubureau.core.audit_views import plain_text

    assert plain_text(["户口簿", "出生医学证明"]) == "户口簿、出生医学证明"
    assert plain_text({"甲": [1, 2], "乙": True}) == "甲：1、2；乙：是"
    assert plain_text([]) == "—"
