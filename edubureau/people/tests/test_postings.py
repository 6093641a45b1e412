"""交流轮岗 / 支教 / 挂职: the staff page's add/edit/delete, the list page and /api/people/postings/."""

import datetime

import pytest
from django.urls import reverse

from edubureau.core import changelog
from edubureau.core.models import ChangeRecord
from edubureau.core.tests.apitools import client_for
from edubureau.people.models import Posting

from .conftest import read_xlsx

POSTINGS = "/api/people/postings/"


def posting_data(**overrides):
    data = {"kind": "支教", "to_school": "", "place": "云南省普洱市", "start_date": "2025-09-01", "end_date": "2026-07-15", "note": ""}  # fmt: skip
    data.update(overrides)
    return data


def add_url(staff):
    return reverse("people:posting_add") + f"?staff={staff.pk}"


@pytest.mark.parametrize("who", ["admin", "school_a_admin"])
def test_it_adds_edits_and_deletes_a_posting_with_change_records(login, actors, who, staff_a, school_b):
    client = login(actors[who])
    page = client.get(staff_a.get_absolute_url()).content.decode()
    assert add_url(staff_a) in page  # the staff page offers the add button

    response = client.post(add_url(staff_a), posting_data(kind="交流轮岗", to_school=school_b.pk, place=""))
    assert response.status_code == 302 and response.url == staff_a.get_absolute_url()
    posting = Posting.objects.get(staff=staff_a)
    assert (posting.kind, posting.to_school, posting.end_date) == (
        "交流轮岗",
        school_b,
        datetime.date(2026, 7, 15),
    )
    assert "闵行区七宝小学" in client.get(staff_a.get_absolute_url()).content.decode()

    edit = reverse("people:posting_edit", args=[posting.pk])
    response = client.post(edit, posting_data(kind="交流轮岗", to_school=school_b.pk, note="语文骨干"))
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.note == "语文骨干"

    response = client.post(reverse("people:posting_delete", args=[posting.pk]))
    assert response.status_code == 302 and response.url == staff_a.get_absolute_url()
    assert not Posting.objects.exists()
    actions = [r.action for r in ChangeRecord.objects.filter(object_id=str(posting.pk)).order_by("pk")]
    assert actions == ["create", "update", "delete"]
    assert ChangeRecord.objects.filter(object_id=str(posting.pk), user=actors[who]).count() == 3


def test_it_hides_school_as_postings_from_school_b(login, actors, staff_a):
    posting = Posting.objects.create(
        staff=staff_a, kind="支教", place="云南", start_date=datetime.date(2025, 9, 1)
    )
    client = login(actors["school_b_admin"])
    assert client.get(add_url(staff_a)).status_code == 404
    assert client.post(add_url(staff_a), posting_data()).status_code == 404
    for name in ("people:posting_edit", "people:posting_delete"):
        assert client.get(reverse(name, args=[posting.pk])).status_code == 404
        assert client.post(reverse(name, args=[posting.pk]), posting_data(note="改")).status_code == 404
    assert Posting.objects.get().note == "" and Posting.objects.count() == 1
    listed = client.get(reverse("people:posting_list")).content.decode()
    assert "王老师" not in listed


def test_it_refuses_posting_changes_to_a_clerk(login, actors, staff_a):
    posting = Posting.objects.create(
        staff=staff_a, kind="支教", place="云南", start_date=datetime.date(2025, 9, 1)
    )
    client = login(actors["school_a_clerk"])
    page = client.get(staff_a.get_absolute_url()).content.decode()
    assert (
        reverse("people:posting_add") not in page
        and reverse("people:posting_edit", args=[posting.pk]) not in page
    )
    assert client.get(add_url(staff_a)).status_code == 403
    assert client.post(add_url(staff_a), posting_data()).status_code == 403
    assert client.post(reverse("people:posting_edit", args=[posting.pk]), posting_data()).status_code == 403
    assert client.post(reverse("people:posting_delete", args=[posting.pk])).status_code == 403
    assert Posting.objects.count() == 1


def test_it_refuses_an_overlapping_posting_in_chinese(login, actors, staff_a):
    Posting.objects.create(
        staff=staff_a, kind="支教", place="云南省普洱市", start_date=datetime.date(2025, 9, 1)
    )  # open-ended: runs on
    client = login(actors["school_a_admin"])
    response = client.post(
        add_url(staff_a), posting_data(kind="挂职", place="区教育学院", start_date="2026-03-01")
    )
    assert response.status_code == 200
    assert "时间重叠" in response.content.decode() and "云南省普洱市" in response.content.decode()
    assert Posting.objects.count() == 1
    # A posting that ended before the other began is fine.
    response = client.post(add_url(staff_a), posting_data(start_date="2024-09-01", end_date="2025-08-31"))
    assert response.status_code == 302 and Posting.objects.count() == 2


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"start_date": "2026-01-01", "end_date": "2025-12-31"}, "结束日期不能早于开始日期"),
        ({"place": "", "to_school": ""}, "请选择派往单位"),
    ],
)
def test_it_refuses_invalid_postings(login, actors, staff_a, overrides, message):
    response = login(actors["school_a_admin"]).post(add_url(staff_a), posting_data(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Posting.objects.exists()


def test_it_refuses_a_posting_to_the_staffs_own_school(staff_a, school_a):
    posting = Posting(
        staff=staff_a, kind="交流轮岗", to_school=school_a, start_date=datetime.date(2025, 9, 1)
    )
    with pytest.raises(Exception, match="派往单位不能是王老师所在的闵行区实验小学"):
        posting.full_clean()


def test_it_lists_filters_and_exports_postings(login, actors, staff_a, staff_b, school_b, school_a):
    Posting.objects.create(
        staff=staff_a, kind="交流轮岗", to_school=school_b, start_date=datetime.date(2025, 9, 1)
    )
    Posting.objects.create(
        staff=staff_b, kind="支教", place="云南省普洱市", start_date=datetime.date(2023, 9, 1),
        end_date=datetime.date(2024, 7, 1),
    )  # fmt: skip
    client = login(actors["admin"])

    def names(query="", who=client):
        return {o.staff.name for o, _ in who.get(reverse("people:posting_list") + query).context["rows"]}

    assert names("") == {"王老师", "赵老师"}
    assert names("?kind=支教") == {"赵老师"}
    assert names("?school=2131000001") == {"王老师"}
    assert names("?active_on=2024-01-10") == {"赵老师"}
    assert names("?active_on=2026-01-10") == {"王老师"}
    rows = read_xlsx(client.get(reverse("people:posting_export") + "?kind=支教"))
    assert rows[0][:3] == ["姓名", "派出学校", "类型"] and rows[1][0] == "赵老师" and len(rows) == 2
    assert names(who=login(actors["school_a_admin"])) == {"王老师"}


# ---------------------------------------------------------------- API


def test_it_creates_postings_over_the_api_by_natural_keys(actors, staff_a, school_b):
    client = client_for(actors["school_a_admin"])
    data = {"staff_id_number": staff_a.id_number, "kind": "交流轮岗", "to_school": "2131000002", "start_date": "2025-09-01"}  # fmt: skip
    response = client.post(POSTINGS, data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["staff"], body["staff_name"], body["to_school"], body["to_school_name"]) == (
        staff_a.pk, "王老师", "2131000002", "闵行区七宝小学",
    )  # fmt: skip
    posting = Posting.objects.get()
    assert changelog.history(posting).get().action == "create"
    # The same staff member again for the same time: refused with the overlap.
    again = client.post(POSTINGS, {**data, "staff": staff_a.pk, "start_date": "2026-01-01"}, format="json")
    assert again.status_code == 400 and "时间重叠" in str(again.json())


def test_it_keeps_api_postings_in_scope(actors, staff_a, staff_b):
    posting = Posting.objects.create(
        staff=staff_a, kind="支教", place="云南", start_date=datetime.date(2025, 9, 1)
    )
    intruder = client_for(actors["school_b_admin"])
    assert intruder.get(POSTINGS).json()["count"] == 0
    assert intruder.patch(f"{POSTINGS}{posting.pk}/", {"note": "改"}, format="json").status_code == 404
    response = intruder.post(
        POSTINGS, {"staff_id_number": staff_a.id_number, "kind": "支教", "place": "西藏", "start_date": "2026-09-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "staff_id_number" in response.json()
    clerk = client_for(actors["school_a_clerk"])
    assert (
        clerk.post(
            POSTINGS,
            {"staff": staff_a.pk, "kind": "支教", "place": "西藏", "start_date": "2026-09-01"},
            format="json",
        ).status_code
        == 403
    )
    assert Posting.objects.count() == 1
