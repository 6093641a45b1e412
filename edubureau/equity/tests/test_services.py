"""The indicators from the registries: students by 学段, teachers by education/honour/subject, confirmed
resource reports, the mixed-school split, overrides, what-if and the exchange plan."""

import datetime
from decimal import Decimal

import pytest

from edubureau.equity import services
from edubureau.equity.indicators import INCOMPLETE, JUNIOR, OK, PRIMARY
from edubureau.equity.models import IndicatorOverride, ReportStatus, ResourceReport
from edubureau.equity.optimiser import Limits
from edubureau.equity.whatif import AddResource, Move
from edubureau.org.models import School, Stage
from edubureau.people.models import (
    Posting,
    PostType,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffStatus,
    Student,
    StudentStatus,
)

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(2015, 3, 1)


def add_students(school, year, grade, n, status=StudentStatus.STUDYING):
    klass = SchoolClass.objects.create(
        school=school,
        school_year=year,
        grade=grade,
        class_no=SchoolClass.objects.filter(school=school).count() + 1,
    )
    Student.objects.bulk_create(
        Student(
            name=f"学生{k}", gender="男", birth_date=BIRTH, school=school, school_class=klass, status=status
        )
        for k in range(n)
    )


def add_staff(
    school,
    n,
    education="本科",
    honours="",
    subjects="语文",
    post_type=PostType.TEACHER,
    status=StaffStatus.ACTIVE,
):
    Staff.objects.bulk_create(
        Staff(
            name=f"教师{k}",
            gender="女",
            birth_date=datetime.date(1985, 1, 1),
            school=school,
            education=education,
            honours=honours,
            subjects=subjects,
            post_type=post_type,
            status=status,
        )
        for k in range(n)
    )


def report(school, year, status=ReportStatus.CONFIRMED, **values):
    return ResourceReport.objects.create(school=school, school_year=year, status=status, **values)


@pytest.fixture
def world(district, school_year):
    def school(code, stage, name):
        return School.objects.create(district=district, code=code, name=name, stage=stage)

    p1 = school("3100000001", Stage.PRIMARY, "第一小学")
    add_students(p1, school_year, 1, 120)
    add_students(p1, school_year, 5, 80)
    add_students(p1, school_year, 3, 15, status=StudentStatus.TRANSFERRED)  # not 在读: not counted
    add_staff(p1, 8)
    add_staff(p1, 2, education="专科")
    add_staff(p1, 1, education="高中及以下")
    add_staff(p1, 2, honours="区级骨干、优秀班主任")
    add_staff(p1, 1, subjects="体育")
    add_staff(p1, 1, subjects="音乐、语文", education="高中及以下")
    add_staff(p1, 1, honours="市级骨干", post_type=PostType.ADMIN)  # not 专任教师
    add_staff(p1, 3, status=StaffStatus.RETIRED)
    report(
        p1,
        school_year,
        building_area=Decimal("1000"),
        sports_area=Decimal("1600"),
        equipment_value=Decimal("500000"),
        multimedia_classrooms=5,
    )

    n9 = school("3100000002", Stage.NINE_YEAR, "九年一贯制学校")
    add_students(n9, school_year, 3, 100)
    add_students(n9, school_year, 7, 100)
    add_staff(n9, 8)
    add_staff(n9, 2, education="专科")
    report(
        n9,
        school_year,
        building_area=Decimal("2100"),
        sports_area=Decimal("2100"),
        equipment_value=Decimal("210000"),
        multimedia_classrooms=21,
    )

    j1 = school("3100000003", Stage.JUNIOR, "第一初中")
    add_students(j1, school_year, 8, 100)
    add_staff(j1, 6)
    add_staff(j1, 1, honours="市级骨干")
    add_staff(j1, 1, subjects="美术")
    report(j1, school_year, status=ReportStatus.SUBMITTED, building_area=Decimal("900"))

    tiny = school("3100000004", Stage.PRIMARY, "某教学点")
    add_students(tiny, school_year, 2, 30)
    special = school("3100000005", Stage.SPECIAL, "特殊教育学校")
    add_students(special, school_year, 4, 60)
    return {"p1": p1, "n9": n9, "j1": j1, "tiny": tiny, "special": special, "year": school_year}


def test_it_computes_a_primary_school_from_the_registries_and_its_confirmed_report(world):
    result = services.evaluate_year()
    p1 = result.part("3100000001", PRIMARY)
    assert p1.inputs.students == 200
    # 专科 and above count for 小学: 8 本科 + 2 专科 + 2 骨干 (本科) + 1 体育 (本科) = 13
    assert p1.assessment.values == pytest.approx(
        {"i1": 6.5, "i2": 1.0, "i3": 1.0, "i4": 5.0, "i5": 8.0, "i6": 2500.0, "i7": 2.5}
    )
    assert p1.assessment.status == OK and p1.assessment.passed is True
    assert p1.sources["i1"] == services.SOURCE_REGISTRY and p1.sources["i4"] == services.SOURCE_REPORT


def test_it_splits_a_nine_year_school_by_the_conventional_ratio(world):
    result = services.evaluate_year()
    primary, junior = result.part("3100000002", PRIMARY), result.part("3100000002", JUNIOR)
    share = 100 / (100 + 1.1 * 100)
    assert primary.share == pytest.approx(share) and junior.share == pytest.approx(1 - share)
    assert primary.inputs.building_area == pytest.approx(2100 * share)
    assert primary.assessment.values["i4"] == pytest.approx(2100 * share / 100)
    # 小学 counts 专科 and above (10 teachers), 初中 only 本科 and above (8), each × its share
    assert primary.inputs.qualified_teachers == pytest.approx(10 * share)
    assert junior.inputs.qualified_teachers == pytest.approx(8 * (1 - share))


def test_it_says_what_is_missing_when_the_report_is_not_confirmed(world):
    j1 = services.evaluate_year().part("3100000003", JUNIOR)
    assert j1.assessment.status == INCOMPLETE and j1.assessment.passed is None
    assert j1.assessment.values["i4"] is None and j1.assessment.values["i1"] == pytest.approx(8.0)
    assert j1.sources["i4"] == services.SOURCE_MISSING
    assert any("尚未确认" in note for note in j1.notes)


def test_it_leaves_out_special_schools_and_small_teaching_sites_saying_why(world):
    result = services.evaluate_year()
    codes = {p.code for p in result.parts}
    assert "3100000005" not in codes and "3100000004" not in codes
    assert result.excluded == [("3100000004", "某教学点", "在校学生 30 人，少于 50 人，不参加评估")]


def test_it_computes_the_cv_per_stage_and_lists_schools_without_data(world):
    result = services.evaluate_year()
    primary = result.cvs[PRIMARY].indicators
    assert primary["i1"].schools == ("3100000001", "3100000002")
    junior = result.cvs[JUNIOR].indicators
    assert junior["i4"].excluded == ("3100000003",) and junior["i4"].schools == ("3100000002",)
    assert result.top_contributors(PRIMARY, "i1")[0][0].code in {"3100000001", "3100000002"}


def test_it_uses_report_corrections_and_overrides_and_flags_them(world):
    ResourceReport.objects.filter(school=world["p1"]).update(
        pe_art_teachers=4, correction_note="新教师未入库"
    )
    IndicatorOverride.objects.create(
        school=world["p1"],
        school_year=world["year"],
        part="小学",
        indicator="i2",
        value=Decimal("1.5"),
        reason="市级认定",
    )
    p1 = services.evaluate_year().part("3100000001", PRIMARY)
    assert p1.assessment.values["i3"] == pytest.approx(2.0) and p1.sources["i3"] == services.SOURCE_CORRECTION
    assert p1.assessment.values["i2"] == pytest.approx(1.5) and p1.sources["i2"] == services.SOURCE_OVERRIDE
    assert p1.overrides["i2"].computed == pytest.approx(1.0) and p1.overrides["i2"].reason == "市级认定"
    assert p1.inputs.backbone_teachers == pytest.approx(3.0)  # what-if and the optimiser start from it


def test_it_counts_a_teacher_on_exchange_where_they_work(world):
    teacher = Staff.objects.filter(school=world["p1"], honours__contains="区级骨干").first()
    Posting.objects.create(
        staff=teacher, kind=Posting.Kind.EXCHANGE, to_school=world["n9"], start_date=datetime.date(2025, 9, 1)
    )
    Posting.objects.create(  # over before the year: no effect
        staff=teacher,
        kind=Posting.Kind.EXCHANGE,
        to_school=world["j1"],
        start_date=datetime.date(2023, 9, 1),
        end_date=datetime.date(2024, 8, 31),
    )
    result = services.evaluate_year()
    assert result.part("3100000001", PRIMARY).inputs.backbone_teachers == 1
    share = 100 / 210
    assert result.part("3100000002", PRIMARY).inputs.backbone_teachers == pytest.approx(share)
    assert result.part("3100000002", PRIMARY).inputs.qualified_teachers == pytest.approx(11 * share)
    assert result.part("3100000003", JUNIOR).inputs.backbone_teachers == 1


def test_it_uses_the_year_s_enrollments_for_an_earlier_year(world):
    past = SchoolYear.objects.create(
        start_year=2024, start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31)
    )
    result = services.evaluate_year(2024)
    assert result.year == past
    p1 = result.part("3100000001", PRIMARY)
    assert p1.assessment.status == "no_students"  # no 学年编班 in 2024, and no report: nothing invented


def test_it_refuses_an_unknown_year(world):
    with pytest.raises(services.ServiceError, match="没有该学年"):
        services.evaluate_year(1999)


def test_it_runs_a_what_if_without_saving_anything(world):
    result = services.what_if_year(
        None,
        [
            Move("backbone", "3100000001", "3100000002", 1, PRIMARY),
            AddResource("3100000002", "building_area", 100, JUNIOR),
        ],
    )
    before, after = result.before.part("3100000001", PRIMARY), result.after.part("3100000001", PRIMARY)
    assert before.assessment.values["i2"] == pytest.approx(1.0) and after.assessment.values[
        "i2"
    ] == pytest.approx(0.5)
    assert result.after.cvs[PRIMARY].indicators["i2"].cv < result.before.cvs[PRIMARY].indicators["i2"].cv
    assert {p.code for p, _ in result.changed()} == {"3100000001", "3100000002"}
    assert Staff.objects.filter(school=world["p1"], honours__contains="区级骨干").count() == 2


def test_it_explains_an_impossible_what_if(world):
    with pytest.raises(services.ServiceError, match="多个学段"):
        services.what_if_year(None, [Move("backbone", "3100000002", "3100000001", 1)])


def test_it_proposes_exchanges_that_the_what_if_confirms(world):
    add_staff(world["p1"], 10, honours="区级骨干")  # 12 骨干 for 200 students, none in the nine-year school
    add_staff(world["p1"], 2, subjects="美术")
    exchange = services.propose_exchanges(None, PRIMARY, Limits(backbone_share_out=0.5))
    plan = exchange.plan
    assert plan.status == "feasible" and plan.moves, (plan.messages, plan.gaps)
    check = services.what_if_year(None, plan.moves)
    for key in ("i1", "i2", "i3"):
        assert check.after.cvs[PRIMARY].indicators[key].cv <= 0.5
    payload = services.plan_as_dict(exchange)
    assert payload["moves"][0]["from_name"] == "第一小学" and payload["status"] == "feasible"


def test_it_gathers_with_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        services.evaluate_year()


def test_it_gives_the_cv_history_oldest_first(world):
    SchoolYear.objects.create(
        start_year=2024, start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31)
    )
    history = services.cv_history()
    assert [year.start_year for year, _ in history] == [2024, 2025]
    assert history[0][1][PRIMARY].indicators["i1"].cv is None  # no students that year: nothing computed
    now = services.evaluate_year().cvs[PRIMARY].indicators["i1"].cv
    assert history[1][1][PRIMARY].indicators["i1"].cv == pytest.approx(now)
