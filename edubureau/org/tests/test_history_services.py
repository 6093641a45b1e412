import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from edubureau.core.models import ChangeRecord
from edubureau.org import services
from edubureau.org.models import School, SchoolEvent, SchoolStatus, Stage

D = datetime.date(2025, 8, 31)


@pytest.fixture
def school_c(district):
    return School.objects.create(
        district=district, code="2131000003", name="闵行区颛桥小学", stage=Stage.PRIMARY
    )


def records(obj):
    ct = ContentType.objects.get_for_model(obj.__class__)
    return ChangeRecord.objects.filter(content_type=ct, object_id=str(obj.pk))


def test_it_merges_schools_and_keeps_them_queryable(school_a, school_b, school_c):
    outcome = services.merge_schools(
        [school_b, school_c], into=school_a, date=D, description="闵教〔2025〕12号"
    )
    for school in (school_b, school_c):
        school.refresh_from_db()
        assert (school.status, school.closed_on, school.successor) == (SchoolStatus.MERGED, D, school_a)
        assert school.final_successor == school_a
        assert records(school).get().after == {
            "status": "已合并",
            "closed_on": "2025-08-31",
            "successor_id": school_a.pk,
        }
    event = outcome.event
    assert (event.kind, event.date, event.description) == ("合并", D, "闵教〔2025〕12号")
    assert set(event.sources.all()) == {school_b, school_c} and list(event.results.all()) == [school_a]
    assert records(event).get().after["sources"] == ["2131000002", "2131000003"]
    # merged schools still exist for the years they ran, and are gone after
    assert set(School.objects.existing_in(2025)) == {school_a, school_b, school_c}
    assert set(School.objects.existing_in(2026)) == {school_a}
    assert set(school_a.predecessors.all()) == {school_b, school_c}


def test_it_counts_but_does_not_move_open_students_and_staff(school_a, school_b, school_year):
    from edubureau.people.models import Staff, Student

    Student.objects.create(name="张三", gender="M", birth_date=datetime.date(2016, 3, 1), school=school_b)
    Student.objects.create(
        name="李四", gender="F", birth_date=datetime.date(2016, 5, 1), school=school_b, status="毕业"
    )
    Staff.objects.create(name="王老师", gender="F", birth_date=datetime.date(1985, 1, 1), school=school_b)
    outcome = services.merge_schools([school_b], into=school_a, date=D)
    assert (outcome.open_students, outcome.open_staff) == (1, 1)
    assert "在籍学生 1 人" in outcome.leftover_message()
    assert Student.objects.filter(school=school_b).count() == 2


def test_it_refuses_merging_a_school_into_itself(school_a, school_b):
    with pytest.raises(ValidationError, match="不能把“闵行区实验小学”（2131000001）合并到它自身"):
        services.merge_schools([school_a, school_b], into=school_a, date=D)
    school_b.refresh_from_db()
    assert school_b.status == SchoolStatus.OPEN
    assert not SchoolEvent.objects.exists() and not ChangeRecord.objects.exists()


def test_it_refuses_merging_into_a_closed_school(school_a, school_b, school_c):
    services.close_school(school_a, D, successor=school_c)
    with pytest.raises(ValidationError) as e:
        services.merge_schools([school_b], into=school_a, date=datetime.date(2025, 9, 1))
    message = e.value.messages[0]
    assert "不能并入“闵行区实验小学”" in message and "已撤销" in message
    assert "闵行区颛桥小学" in message  # it points to the school that carries on
    school_b.refresh_from_db()
    assert school_b.status == SchoolStatus.OPEN


def test_it_refuses_merging_a_school_twice_or_before_it_opened(school_a, school_b, school_c):
    services.merge_schools([school_b], into=school_a, date=D)
    with pytest.raises(ValidationError, match="不能再次合并"):
        services.merge_schools([school_b], into=school_c, date=D)
    school_c.opened_on = datetime.date(2026, 1, 1)
    school_c.save()
    with pytest.raises(ValidationError, match="早于“闵行区颛桥小学”（2131000003）的开办日期 2026-01-01"):
        services.merge_schools([school_c], into=school_a, date=D)
    with pytest.raises(ValidationError, match="请至少选择一所"):
        services.merge_schools([], into=school_a, date=D)


def test_it_splits_a_school_and_closes_it(school_a):
    outcome = services.split_school(
        school_a,
        [{"code": "2131000011", "name": "实验小学东校"}, {"code": "2131000012", "name": "实验小学西校"}],
        D,
    )
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.CLOSED and school_a.closed_on == D and school_a.successor is None
    east, west = outcome.schools
    assert (east.stage, east.opened_on, east.status, east.district) == (
        Stage.PRIMARY,
        D,
        "办学中",
        school_a.district,
    )
    assert outcome.event.kind == "分立" and set(outcome.event.results.all()) == {east, west}
    assert records(east).get().action == "create"


def test_it_splits_a_school_that_carries_on(school_a):
    outcome = services.split_school(
        school_a, [{"code": "2131000011", "name": "实验小学分校"}], D, close_source=False
    )
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.OPEN
    assert set(outcome.event.results.all()) == {school_a, outcome.schools[0]}


def test_it_refuses_a_split_with_a_taken_code_and_writes_nothing(school_a, school_b):
    with pytest.raises(ValidationError, match="第 2 所新学校（乙校）：学校标识码"):
        services.split_school(
            school_a, [{"code": "2131000011", "name": "甲校"}, {"code": school_b.code, "name": "乙校"}], D
        )
    assert not School.objects.filter(code="2131000011").exists()
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.OPEN


def test_it_moves_a_school(school_a):
    school_a.address = "莘庄镇莘建路 1 号"
    school_a.save()
    event = services.move_school(school_a, "莘庄镇都市路 100 号", D)
    school_a.refresh_from_db()
    assert school_a.address == "莘庄镇都市路 100 号"
    assert event.kind == "迁址" and event.description == "由莘庄镇莘建路 1 号迁至莘庄镇都市路 100 号"
    assert records(school_a).get().before == {"address": "莘庄镇莘建路 1 号"}
    with pytest.raises(ValidationError, match="新地址与现地址相同"):
        services.move_school(school_a, "莘庄镇都市路 100 号", D)


def test_it_renames_a_school(school_a):
    event = services.rename_school(school_a, "闵行区实验小学（集团）", D, short_name="实小集团")
    school_a.refresh_from_db()
    assert (school_a.name, school_a.short_name) == ("闵行区实验小学（集团）", "实小集团")
    assert event.kind == "更名" and "闵行区实验小学更名为" in event.description
    with pytest.raises(ValidationError, match="请填写新校名"):
        services.rename_school(school_a, " ", D)


def test_it_closes_a_school_with_a_successor(school_a, school_b):
    outcome = services.close_school(school_a, D, successor=school_b)
    school_a.refresh_from_db()
    assert (school_a.status, school_a.successor) == (SchoolStatus.CLOSED, school_b)
    assert list(outcome.event.results.all()) == [school_b]
    with pytest.raises(ValidationError, match="不能撤销"):
        services.close_school(school_a, D)
    with pytest.raises(ValidationError, match="不能作为自己的继承学校"):
        services.close_school(school_b, D, successor=school_b)


def test_it_opens_new_and_planned_schools(district):
    new = School(district=district, code="1131000020", name="闵行区新幼儿园", stage=Stage.KINDERGARTEN)
    outcome = services.open_school(new, D)
    assert new.pk and new.status == "办学中" and new.opened_on == D
    assert outcome.event.kind == "新建" and list(outcome.event.results.all()) == [new]
    planned = School.objects.create(
        district=district,
        code="1131000021",
        name="筹建幼儿园",
        stage=Stage.KINDERGARTEN,
        status=SchoolStatus.PLANNED,
    )
    services.open_school(planned, D)
    planned.refresh_from_db()
    assert planned.status == SchoolStatus.OPEN
    with pytest.raises(ValidationError, match="只有筹建中的学校可以开办"):
        services.open_school(planned, D)
