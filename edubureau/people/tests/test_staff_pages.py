import datetime

import pytest
from django.urls import reverse

from edubureau.core import idcodes
from edubureau.people.models import Posting, Staff

from .conftest import read_xlsx

BIRTH = datetime.date(1988, 9, 12)
STAFF_ID = idcodes.make_resident_id("310112", BIRTH, 3, True)


def form_data(school, **overrides):
    data = {
        "name": "周老师", "gender": "男", "birth_date": BIRTH.isoformat(), "id_type": "居民身份证", "id_number": STAFF_ID,
        "school": school.pk, "post_type": "专任教师", "subjects": "语文、书法", "title": "一级", "education": "本科",
        "honours": ["区级骨干", "市级骨干"], "employment": "事业编制", "phone": "13700001111", "status": "在职",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "who", ["admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin"]
)
def test_it_lists_staff_within_scope(login, actors, who, staff_a, staff_b):
    response = login(actors[who]).get(reverse("people:staff_list"))
    names = {obj.name for obj, _ in response.context["rows"]}
    assert names == {
        "school_b_admin": {"赵老师"},
        "school_a_admin": {"王老师"},
        "school_a_clerk": {"王老师"},
    }.get(who, {"王老师", "赵老师"})
    assert "13812345678" not in response.content.decode()


def test_it_shows_honours_and_postings(login, actors, staff_a, school_b):
    Posting.objects.create(
        staff=staff_a, kind="交流轮岗", to_school=school_b, start_date=datetime.date(2025, 9, 1)
    )
    Posting.objects.create(
        staff=staff_a, kind="支教", place="云南省普洱市", start_date=datetime.date(2024, 9, 1)
    )
    page = (
        login(actors["school_a_clerk"])
        .get(reverse("people:staff_detail", args=[staff_a.pk]))
        .content.decode()
    )
    assert "区级骨干" in page and "交流轮岗" in page and "闵行区七宝小学" in page and "云南省普洱市" in page
    assert "138****5678" in page and staff_a.id_number not in page


@pytest.mark.parametrize("name", ["people:staff_detail", "people:staff_edit"])
def test_it_hides_school_as_staff_from_school_b(login, actors, staff_a, name):
    assert login(actors["school_b_admin"]).get(reverse(name, args=[staff_a.pk])).status_code == 404


def test_it_refuses_staff_edits_to_a_clerk(login, actors, staff_a, school_a):
    client = login(actors["school_a_clerk"])
    assert client.get(reverse("people:staff_edit", args=[staff_a.pk])).status_code == 403
    assert client.post(reverse("people:staff_add"), form_data(school_a)).status_code == 403


def test_it_adds_staff_with_honours(login, actors, school_a):
    response = login(actors["school_a_admin"]).post(reverse("people:staff_add"), form_data(school_a))
    staff = Staff.objects.get(name="周老师")
    assert response.status_code == 302
    assert staff.honour_list == ["区级骨干", "市级骨干"] and staff.id_number == STAFF_ID


def test_it_validates_staff_id_numbers(login, actors, school_a, staff_a):
    client = login(actors["school_a_admin"])
    response = client.post(reverse("people:staff_add"), form_data(school_a, gender="女"))
    assert response.context["form"].errors["gender"] == ["性别与身份证号不一致（证件为 男）。"]
    response = client.post(reverse("people:staff_add"), form_data(school_a, id_number=staff_a.id_number,
                                                                  birth_date="1985-06-01", gender="女"))  # fmt: skip
    assert response.context["form"].errors["id_number"][0].startswith("该证件号码的教职工已在册")


def test_it_exports_staff_with_masked_phones_for_a_leader(login, actors, staff_a):
    rows = read_xlsx(login(actors["leader"]).get(reverse("people:staff_export")))
    header = rows[0]
    assert rows[1][header.index("联系电话")] == "138****5678"
    assert rows[1][header.index("证件号码")] == idcodes.mask_id(staff_a.id_number)
