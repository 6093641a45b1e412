"""Pupils and staff of one demo unit, as rows (field → value dicts) that services.build_demo
inserts with executemany: model instances and Django's insert compiler would cost more than all
the rest of the build.

Distributions are rough but shaped like a Shanghai district's: teachers' 职称 follow years of
service, 骨干 concentrate in the lead schools of education groups, 随迁子女 come with an
外省市 户籍, and every ID number is valid and agrees with the birth date and gender.
"""

from __future__ import annotations

import datetime
import random

from edubureau.core import demodata as gen
from edubureau.people.models import HukouType, IdType, StaffStatus, StudentStatus

from .district import UnitPlan, subjects_for

ETHNICITIES = gen.weighted("汉族980 回族4 满族3 土家族3 苗族2 壮族2 蒙古族2 朝鲜族1 彝族1 布依族1 侗族1")
RELATIONS = gen.weighted("父亲52 母亲42 祖父1 祖母2 外祖父1 外祖母2")
PERMITS = ("810000", "820000", "830000")


def segment_start(stage: str, grade: int) -> int:
    """The grade at which a pupil entered this school (a nine-year school takes them at 一年级)."""
    if grade <= 0:
        return -3 if grade == -3 else -2
    if grade >= 10:
        return 10
    if grade >= 6 and stage not in ("九年一贯制", "特殊教育", "十二年一贯制"):
        return 6
    return 1


class Students:
    def __init__(self, rng: random.Random, ids: gen.IdNumbers, school_year: int):
        """`school_year`: the start year of the current school year (2026 for 2026–2027)."""
        self.rng = rng
        self.ids = ids
        self.school_year = school_year

    def pupil(self, unit: UnitPlan, school_id: int, class_id: int, grade: int) -> tuple[dict, dict]:
        """A pupil and their guardian (whose student_id is filled in once the pupil has an id)."""
        rng = self.rng
        male = rng.random() < 0.52
        gender = "男" if male else "女"
        first, last = gen.birth_window(self.school_year, grade)
        if rng.random() < 0.02:  # started late or repeated a year
            first, last = first.replace(year=first.year - 1), last.replace(year=last.year - 1)
        born = gen.birth_date_between(rng, first, last)
        family = gen.surname(rng)
        r = rng.random()
        if r < 0.003:
            id_type, region, hukou_type = IdType.HMT_PERMIT.value, "", HukouType.HMT.value
            id_number = self.ids.permit(rng.choice(PERMITS), born, male)
        elif r < 0.005:
            id_type, region, hukou_type = IdType.PASSPORT.value, "", HukouType.FOREIGN.value
            id_number = self.ids.passport()
        else:
            id_type = IdType.RESIDENT.value
            region, hukou_type = gen.hukou(rng, unit.migrant_share)
            id_number = self.ids.resident(region, born, male)
        if id_type == IdType.RESIDENT:
            student_no = "G" + id_number
        else:  # no 居民身份证: a J number built like an ID on the school's region
            student_no = "J" + self.ids.resident(gen.LOCAL_REGION, born, male)
        enrolled = datetime.date(self.school_year - (grade - segment_start(unit.stage, grade)), 9, 1)
        if unit.opened_on and enrolled < unit.opened_on:
            enrolled = unit.opened_on  # moved in when the new school opened
        town = unit.town if rng.random() < 0.8 else rng.choice(gen.TOWNS)[0]
        student = {
            "name": gen.person_name(rng, gender, born.year, family),
            "gender": gender,
            "birth_date": born,
            "id_type": id_type,
            "id_number": id_number,
            "no_id_reason": "",
            "student_no": student_no,
            "ethnicity": rng.choices(ETHNICITIES[0], cum_weights=ETHNICITIES[1])[0],
            "hukou_region": region,
            "hukou_type": hukou_type,
            "address": gen.home_address(rng, town),
            "is_migrant": hukou_type == HukouType.OTHER_PROVINCE,
            "school_id": school_id,
            "school_class_id": class_id,
            "status": StudentStatus.STUDYING.value,
            "enrolled_on": enrolled,
        }
        relation = rng.choices(RELATIONS[0], cum_weights=RELATIONS[1])[0]
        grand = relation.startswith(("祖", "外"))
        parent_year = born.year - rng.randint(24, 40) - (rng.randint(22, 30) if grand else 0)
        g_gender = "男" if relation in ("父亲", "祖父", "外祖父") else "女"
        guardian = {
            "student_id": None,
            "name": gen.person_name(
                rng, g_gender, parent_year, family if relation in ("父亲", "祖父", "祖母") else None
            ),
            "relation": relation,
            "phone": gen.mobile(rng),
        }
        return student, guardian


# Share of women by 学段 among teachers, and by post elsewhere.
FEMALE_TEACHERS = {"幼儿园": 0.97, "小学": 0.8, "九年一贯制": 0.72, "初中": 0.65, "特殊教育": 0.8}
FEMALE_POSTS = {"管理": 0.45, "教辅": 0.65, "工勤": 0.5, "校医": 0.8}
SUPPORT_PLACES = [
    ("云南省红河哈尼族彝族自治州金平县", "沪滇协作支教"),
    ("云南省普洱市澜沧县", "沪滇协作支教"),
    ("新疆维吾尔自治区喀什地区泽普县", "援疆支教"),
    ("新疆维吾尔自治区喀什地区叶城县", "援疆支教"),
    ("西藏自治区日喀则市江孜县", "援藏支教"),
    ("青海省果洛藏族自治州玛沁县", "援青支教"),
    ("贵州省遵义市务川县", "沪遵协作支教"),
]


class StaffMaker:
    def __init__(self, rng: random.Random, ids: gen.IdNumbers, school_year: int):
        self.rng = rng
        self.ids = ids
        self.school_year = school_year

    def principal(self) -> tuple[str, int, str]:
        """(gender, birth year, name) of a unit head, decided before the unit row is written."""
        gender = "男" if self.rng.random() < 0.55 else "女"
        shift = self.school_year - 2025
        year = self.rng.randint(1966 + shift, 1982 + shift)
        return gender, year, gen.person_name(self.rng, gender, year)

    def member(self, unit: UnitPlan, school_id: int, post: str, lead_school: bool, head=None) -> dict:
        rng = self.rng
        if head:
            gender, year, name = head
        else:
            share = FEMALE_TEACHERS.get(unit.stage, 0.55) if post == "专任教师" else FEMALE_POSTS[post]
            gender = "女" if rng.random() < share else "男"
            # Born 1966–2003 for the 2025 school year: the range moves with the year.
            shift = self.school_year - 2025
            year = int(rng.triangular(1966 + shift, 2003 + shift, 1986 + shift))
            name = gen.person_name(rng, gender, year)
        born = gen.birth_date_between(rng, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        r = rng.random()
        if r < 0.45:
            region = gen.LOCAL_REGION
        elif r < 0.7:
            region = rng.choice(gen.CITY_REGIONS)
        else:
            region = rng.choices(gen.OTHER_REGIONS[0], cum_weights=gen.OTHER_REGIONS[1])[0]
        hire_year = min(self.school_year, year + 22 + rng.randint(0, 4))
        service = self.school_year - hire_year
        private = unit.nature == "民办"
        return {
            "name": name,
            "gender": gender,
            "birth_date": born,
            "id_type": IdType.RESIDENT.value,
            "id_number": self.ids.resident(region, born, gender == "男"),
            "school_id": school_id,
            "post_type": post,
            "subjects": self._subjects(unit, post),
            "title": self._title(post, service, unit.stage),
            "education": self._education(post, year, unit.stage),
            "honours": self._honours(post, service, lead_school, bool(head)),
            "employment": self._employment(post, private),
            "hire_date": datetime.date(hire_year, 8, rng.choice((1, 15, 25))),
            "phone": gen.mobile(rng),
            "status": StaffStatus.ACTIVE.value,
        }

    def _subjects(self, unit, post):
        if post != "专任教师":
            return ""
        pool = subjects_for(unit.stage)
        if len(pool) > 1 and self.rng.random() < 0.1:
            return "、".join(self.rng.sample(pool, 2))
        return self.rng.choice(pool)

    def _title(self, post, service, stage):
        rng = self.rng
        if post in ("工勤",) or (post == "校医" and rng.random() < 0.5):
            return "未定级"
        r = rng.random()
        if service < 1:
            return "未定级"
        if service < 5:
            return "二级" if r < 0.8 else "未定级"
        if service < 13:
            return "一级" if r < 0.7 else "二级"
        senior = 0.35 if service < 26 else 0.55
        if stage == "幼儿园":
            senior /= 2
        if service >= 26 and r < 0.02:
            return "正高级"
        return "高级" if r < senior else ("一级" if r < 0.95 else "二级")

    def _education(self, post, year, stage):
        r = self.rng.random()
        if post == "工勤":
            return "高中及以下" if r < 0.6 else ("专科" if r < 0.9 else "本科")
        if year >= 1990:
            steps = ((0.005, "博士研究生"), (0.26, "硕士研究生"), (0.975, "本科"))
        else:
            steps = ((0.002, "博士研究生"), (0.08, "硕士研究生"), (0.88, "本科"))
        if stage == "幼儿园":
            steps = ((0.0, "博士研究生"), (0.04, "硕士研究生"), (0.8, "本科"))
        return next((label for cut, label in steps if r < cut), "专科")

    def _honours(self, post, service, lead_school, is_head):
        rng = self.rng
        if is_head:
            return "特级校长" if lead_school and rng.random() < 0.5 else ""
        if post != "专任教师" or service < 8:
            return ""
        boost = 3.0 if lead_school else 1.0
        honours = []
        r = rng.random()
        if r < 0.0009 * boost:
            honours.append("特级教师")
        elif r < 0.004 * boost:
            honours.append("市级骨干")
        elif r < 0.016 * boost:
            honours.append("区学科带头人")
        elif r < 0.07 * boost:
            honours.append("区级骨干")
        return "、".join(honours)

    def _employment(self, post, private):
        r = self.rng.random()
        if private:
            return "聘用"
        if post == "工勤":
            return "聘用" if r < 0.6 else ("雇员制" if r < 0.8 else "事业编制")
        return "事业编制" if r < 0.85 else ("聘用" if r < 0.95 else "雇员制")

    def support_place(self):
        return self.rng.choice(SUPPORT_PLACES)
