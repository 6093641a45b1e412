import datetime

import pytest

from edubureau.core.models import AccessRecord
from edubureau.core.testing import read_xlsx
from edubureau.org.models import School, SchoolStatus, Stage, Zone


@pytest.fixture
def registry(district, school_a, school_b):
    """A and B (primary, open), a junior school in a zone, and a kindergarten merged in 2020."""
    zone = Zone.objects.create(district=district, name="莘庄学区")
    junior = School.objects.create(
        district=district,
        code="3131000003",
        name="闵行区莘庄中学",
        stage=Stage.JUNIOR,
        zone=zone,
        principal="王立",
    )
    merged = School.objects.create(
        district=district, code="1131000004", name="闵行区春申幼儿园", stage=Stage.KINDERGARTEN,
        status=SchoolStatus.MERGED, opened_on=datetime.date(2001, 9, 1), closed_on=datetime.date(2020, 8, 31),
        successor=school_a,
    )  # fmt: skip
    return {"zone": zone, "junior": junior, "merged": merged}


def names(response):
    return [obj.name for obj, _cells in response.context["rows"]]


def test_it_lists_all_statuses_by_default(login, admin_user, registry):
    response = login(admin_user).get("/org/schools/")
    assert response.status_code == 200
    assert set(names(response)) == {"闵行区实验小学", "闵行区七宝小学", "闵行区莘庄中学", "闵行区春申幼儿园"}


def test_it_searches_by_name_code_and_principal(login, admin_user, registry):
    client = login(admin_user)
    assert names(client.get("/org/schools/", {"q": "七宝"})) == ["闵行区七宝小学"]
    assert names(client.get("/org/schools/", {"q": "3131000003"})) == ["闵行区莘庄中学"]
    assert names(client.get("/org/schools/", {"q": "王立"})) == ["闵行区莘庄中学"]


def test_it_filters_by_stage_zone_and_status(login, admin_user, registry):
    client = login(admin_user)
    assert names(client.get("/org/schools/", {"stage": "初中"})) == ["闵行区莘庄中学"]
    assert names(client.get("/org/schools/", {"zone": registry["zone"].pk})) == ["闵行区莘庄中学"]
    assert names(client.get("/org/schools/", {"status": "已合并"})) == ["闵行区春申幼儿园"]
    assert len(names(client.get("/org/schools/", {"status": "办学中"}))) == 3


def test_it_filters_by_year_of_existence(login, admin_user, registry):
    client = login(admin_user)
    # merged on 2020-08-31: it existed in 2020, not in 2021
    assert "闵行区春申幼儿园" in names(client.get("/org/schools/", {"existing_in": "2020"}))
    assert "闵行区春申幼儿园" not in names(client.get("/org/schools/", {"existing_in": "2021"}))
    assert len(names(client.get("/org/schools/", {"existing_in": "2021"}))) == 3


def test_it_sorts_by_allowed_columns_only(login, admin_user, registry):
    client = login(admin_user)
    codes = [obj.code for obj, _ in client.get("/org/schools/", {"sort": "-code"}).context["rows"]]
    assert codes == sorted(codes, reverse=True)
    # an unknown sort key is ignored (default ordering by code), not passed to order_by
    codes = [obj.code for obj, _ in client.get("/org/schools/", {"sort": "phone"}).context["rows"]]
    assert codes == sorted(codes)


def test_it_paginates(login, admin_user, district):
    School.objects.bulk_create(
        School(district=district, code=f"21310{i:05d}", name=f"测试小学{i:02d}", stage=Stage.PRIMARY)
        for i in range(60)
    )
    client = login(admin_user)
    first = client.get("/org/schools/")
    assert len(first.context["rows"]) == 50
    assert first.context["page_obj"].paginator.count == 60
    assert len(client.get("/org/schools/", {"page": 2}).context["rows"]) == 10


def test_it_exports_the_filtered_list_as_xlsx(login, admin_user, registry):
    response = login(admin_user).get("/org/schools/export/", {"status": "办学中", "sort": "code"})
    assert response.status_code == 200
    rows = read_xlsx(response)
    assert rows[0][:3] == ["学校标识码", "学校名称", "学段"]
    assert [r[1] for r in rows[1:]] == ["闵行区实验小学", "闵行区七宝小学", "闵行区莘庄中学"]
    assert rows[3][4] == "莘庄学区"
    assert AccessRecord.objects.filter(kind=AccessRecord.Kind.EXPORT, user=admin_user, rows=3).exists()


def test_it_shows_school_b_only_its_own_school(login, school_b_admin, registry):
    client = login(school_b_admin)
    assert names(client.get("/org/schools/")) == ["闵行区七宝小学"]
    rows = read_xlsx(client.get("/org/schools/export/"))
    assert [r[1] for r in rows[1:]] == ["闵行区七宝小学"]


def test_it_refuses_export_to_a_user_without_export_right(login, school_a_clerk, registry):
    assert login(school_a_clerk).get("/org/schools/export/").status_code == 403


def test_it_logs_an_export_with_its_filters_in_words(login, admin_user, school_a):
    from edubureau.core.models import AccessRecord

    login(admin_user).get("/org/schools/export/", {"stage": "小学", "q": "实验"})
    record = AccessRecord.objects.get(kind=AccessRecord.Kind.EXPORT)
    assert record.what == "学校：搜索=实验；学段=小学" and record.rows == 1
