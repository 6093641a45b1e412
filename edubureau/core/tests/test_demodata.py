import datetime
import random

from edubureau.core import demodata as generators
from edubureau.core import idcodes
from edubureau.core.idcodes import validate_uscc
from edubureau.demo import district


def test_it_puts_shanghai_first_graders_in_the_right_birth_window():
    assert generators.birth_window(2025, 1) == (datetime.date(2018, 9, 1), datetime.date(2019, 8, 31))
    assert generators.birth_window(2025, -3) == (datetime.date(2022, 9, 1), datetime.date(2023, 8, 31))
    assert generators.birth_window(2025, 12) == (datetime.date(2007, 9, 1), datetime.date(2008, 8, 31))


def test_it_hands_out_unique_valid_id_numbers():
    ids = generators.IdNumbers(random.Random(1))
    born = datetime.date(2015, 3, 3)
    numbers = [ids.resident("310112", born, male=bool(k % 2)) for k in range(150)]
    assert len(set(numbers)) == 150
    for k, number in enumerate(numbers):
        idcodes.check_id_agrees(idcodes.validate_resident_id(number), born, "男" if k % 2 else "女")
    permit = ids.permit("810000", born, True)
    assert idcodes.validate_hk_macao_taiwan_residence_permit(permit) == permit


def test_it_makes_plausible_names_and_addresses():
    rng = random.Random(3)
    names = [generators.person_name(rng, "女", 2015) for _ in range(500)]
    assert all(2 <= len(n) <= 4 for n in names)
    assert len(set(names)) > 400
    assert all(n[1] != n[2] for n in names if len(n) == 3)
    address = generators.home_address(rng, "航华")
    assert address.startswith("上海市闵行区七宝镇航")
    assert idcodes.mask_address(address) == "上海市闵行区七宝镇****"


def test_it_plans_a_district_at_the_scale_of_minhang():
    plan = district.full_plan(random.Random(2020))
    units = plan.units
    assert len(units) == 402
    schools = [u for u in units if u.stage not in ("幼儿园", "其他单位") and u.status == "办学中"]
    assert len(schools) == 149
    assert sum(u.stage == "幼儿园" for u in units) == 170
    assert len(plan.zones) == 14 and 4 <= len(plan.groups) <= 6
    pupils = sum(c.size for u in units for c in u.classes)
    assert 155_000 <= pupils <= 175_000
    teachers = sum(u.staff.get("专任教师", 0) for u in units)
    assert 13_000 <= teachers <= 15_000
    assert 37_000 <= sum(sum(u.staff.values()) for u in units) <= 43_000
    assert len({u.code for u in units}) == 402 and len({u.name for u in units}) == 402
    for u in units:
        assert idcodes.validate_school_code(u.code)[:2] == district.CATEGORY[u.stage]
        assert not validate_uscc(u.credit_code)[1]
    sizes = [c.size for u in units if u.stage in ("小学", "初中") for c in u.classes]
    assert sum(40 <= s <= 50 for s in sizes) / len(sizes) > 0.8
    assert 0 < sum(s > 55 for s in sizes) < len(sizes) * 0.03
