"""The pieces of core.importing: header mapping, cell parsers, set-wise lookups, id allocation."""

import datetime

import pytest
from django.db import transaction

from edubureau.core import importing
from edubureau.core.importing import Column, ImportFailed, Invalid, map_headers
from edubureau.org.models import School, Stage

COLUMNS = [Column("学校标识码", "school", True), Column("姓名", "name", True), Column("备注", "note")]


def test_it_maps_headers_despite_spaces_and_required_markers():
    mapping, unknown = map_headers([" *学校标识码 ", "姓名＊", "", "其他"], COLUMNS, "学生")
    assert mapping == {"school": 0, "name": 1} and unknown == ["其他"]


def test_it_refuses_a_header_given_twice():
    with pytest.raises(ImportFailed, match="表头“姓名”出现了两次（B 列和 C 列）"):
        map_headers(["学校标识码", "姓名", "姓名"], COLUMNS, "学生")


def test_it_names_missing_columns_and_an_unknown_layout():
    with pytest.raises(ImportFailed, match="缺少必填列：姓名"):
        map_headers(["学校标识码", "备注"], COLUMNS, "学生")
    with pytest.raises(ImportFailed, match="无法识别表头"):
        map_headers(["a", "b"], COLUMNS, "学生")


@pytest.mark.parametrize("text", ["2015-09-01", "2015/9/1", "2015.09.01", "2015年9月1日", "20150901", "２０１５-０９-０１"])
def test_it_reads_the_usual_ways_of_writing_a_date(text):
    assert importing.date_value(text) == datetime.date(2015, 9, 1)


@pytest.mark.parametrize("text, message", [("2020-02-30", "日期 2020-02-30 不存在"), ("明天", "日期格式应为 YYYY-MM-DD")])
def test_it_explains_bad_dates(text, message):
    with pytest.raises(Invalid, match=message):
        importing.date_value(text)


def test_it_parses_choices_numbers_and_flags():
    assert importing.choice(["男", "女"], {"男性": "男"})("男性") == "男"
    with pytest.raises(Invalid, match="“M”不是有效值，应为：男、女"):
        importing.choice(["男", "女"])("M")
    assert importing.integer(1, 99)("３") == 3
    with pytest.raises(Invalid, match="应为 1–99 的整数"):
        importing.integer(1, 99)("3.5")
    assert importing.yes_no("是") is True and importing.yes_no("n") is False
    assert importing.phone("13812345678") == "13812345678" and importing.phone("021-6412 3456") == "021-6412 3456"
    with pytest.raises(Invalid, match="电话号码格式不正确"):
        importing.phone("12-34")


@pytest.mark.django_db
def test_it_finds_rows_by_key_the_same_way_with_few_or_many_keys(district, monkeypatch):
    for n in range(1, 8):
        School.objects.create(district=district, code=f"21310000{n:02d}", name=f"第{n}小学", stage=Stage.PRIMARY)
    wanted = ["2131000002", "2131000005", "2131009999"]
    few = importing.lookup(School.objects, ["code", "name"], code=wanted)
    monkeypatch.setattr(importing, "IN_LIMIT", 1)
    many = importing.lookup(School.objects, ["code", "name"], code=wanted)
    assert sorted(few) == sorted(many) == [("2131000002", "第2小学"), ("2131000005", "第5小学")]


@pytest.mark.django_db(transaction=True)
def test_it_never_hands_out_the_id_of_a_deleted_row(district):
    schools = [School.objects.create(district=district, code=f"213100001{n}", name="x", stage=Stage.PRIMARY) for n in range(3)]
    top = schools[-1].pk
    schools[-1].delete()
    with transaction.atomic():
        assert importing.allocate_ids(School, 2) == [top + 1, top + 2]
