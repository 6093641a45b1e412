"""The plan of the demo district: which units exist, their classes and staff numbers.

Pure data built from a random.Random, written to the database by services.build_demo. The full
plan follows 闵行's 2020 figures (about 402 units, 149 中小学 in 14 学区, 170 kindergartens,
163,000 pupils, 14,000 teachers among 40,000 staff); the small plan is six schools for tests.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from edubureau.core import demodata as gen
from edubureau.core.idcodes import uscc_check_char

DISTRICT = ("310112", "闵行区")
PROVINCE = "31"

# 学校标识码 category by 学段; a nine-year school carries its registered category (初中).
CATEGORY = {
    "幼儿园": "11", "小学": "21", "初中": "31", "九年一贯制": "31", "完全中学": "34",
    "高中": "34", "十二年一贯制": "34", "中职": "36", "特殊教育": "51", "其他单位": "91",
}  # fmt: skip

# Neighbourhood names per 学区 used to name schools (e.g. 平阳 → 上海市闵行区平阳小学).
PLACES = {
    "莘庄": "莘庄 莘城 莘松 莘光 春申 报春 康城 罗阳 莘东",
    "七宝": "七宝 明强 文来 汇贤 宝虹 九星 沪星 新镇",
    "航华": "航华 航北 航东 华坪 万科",
    "古美": "古美 平南 平阳 田园 景谷 万源 梅园 古龙",
    "江川": "江川 碧江 鹤北 汽轮 电机 东川 兰坪 紫竹",
    "虹桥": "虹桥 龙柏 虹星 上虹 虹梅 虹井 红松",
    "梅陇": "梅陇 曹行 华东 朱行 许泾 行南 莲花",
    "吴泾": "吴泾 塘湾 永德 通海 宝秀",
    "马桥": "马桥 旗忠 同心 友爱 俞塘 元江",
    "浦江": "浦江 杜行 陈行 召稼楼 鲁汇 江月 汇南 联航",
    "颛桥": "颛桥 北桥 光华 银都 金都 中沟 安宁",
    "华漕": "华漕 纪王 诸翟 许浦 金丰",
    "新虹": "新虹 爱博 申长 申滨",
    "浦锦": "浦锦 浦秀 浦航 浦驰 浦涛",
}
PLACES = {zone: names.split() for zone, names in PLACES.items()}
ZONES = list(PLACES)
# Bigger towns get more schools (rough 2020 populations).
ZONE_WEIGHTS = [12, 12, 5, 8, 7, 8, 9, 5, 6, 11, 8, 5, 4, 5]

# Class sizes. 小学 standard 45, 初中 50; above that is 超标准, above 55 is 大班额.
SIZE_BANDS = {
    "primary": ((40, 45), (46, 54), (56, 59)),
    "junior": ((45, 50), (51, 55), (56, 60)),
}
KG_SIZES = {-3: (15, 20), -2: (25, 30), -1: (28, 32), 0: (30, 35)}

# Teachers per class (Shanghai staffing norms, rounded), and the share of each other post.
TEACHERS_PER_CLASS = {
    "幼儿园": 2.5, "小学": 3.1, "初中": 4.0, "九年一贯制": 3.5, "完全中学": 4.3,
    "高中": 4.6, "中职": 4.0, "特殊教育": 4.5,
}  # fmt: skip
OTHER_POSTS = (("管理", 0.15), ("教辅", 0.55), ("工勤", 1.15))

SUBJECTS = {
    "小学": "语文 数学 英语 体育与健身 音乐 美术 自然 道德与法治 信息科技 劳动技术",
    "初中": "语文 数学 英语 物理 化学 历史 地理 生命科学 道德与法治 体育与健身 音乐 美术 信息科技",
    "高中": "语文 数学 英语 物理 化学 生物 历史 地理 思想政治 体育与健身 艺术 信息科技",
    "中职": "语文 数学 英语 计算机应用 机电技术 会计 旅游服务 护理",
    "特殊教育": "生活语文 生活数学 康复训练 唱游与律动 绘画与手工",
    "幼儿园": "学前教育",
}
SUBJECTS = {stage: names.split() for stage, names in SUBJECTS.items()}
SUBJECT_STAGE = {"九年一贯制": "初中", "完全中学": "高中", "十二年一贯制": "高中"}


@dataclass
class ClassPlan:
    grade: int
    class_no: int
    size: int
    campus: int | None = None  # index into UnitPlan.campuses


@dataclass
class UnitPlan:
    code: str
    name: str
    short_name: str
    stage: str
    zone: str | None = None
    town: str = "莘庄"
    nature: str = "公办"
    inclusive: bool = False
    rank: str = ""
    credit_code: str = ""
    address: str = ""
    phone: str = ""
    principal: str = ""
    status: str = "办学中"
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    successor: int | None = None  # index into Plan.units
    group: str | None = None
    campuses: list[tuple[str, str, bool]] = field(default_factory=list)
    classes: list[ClassPlan] = field(default_factory=list)
    staff: dict[str, int] = field(default_factory=dict)
    migrant_share: float = 0.3


@dataclass
class EventPlan:
    kind: str
    date: datetime.date
    description: str
    sources: list[int]
    results: list[int]


@dataclass
class Plan:
    units: list[UnitPlan] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    groups: list[tuple[str, int, datetime.date]] = field(default_factory=list)  # name, lead index, founded
    events: list[EventPlan] = field(default_factory=list)
    primary_demo: int = 0  # the schools whose admin and clerk are demo users
    junior_demo: int = 0


class _Names:
    """Unique school names and codes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.names: set[str] = set()
        self.serials = iter(rng.sample(range(1000, 9999), 2000))

    def code(self, stage: str) -> str:
        # Real serials cluster by district: 闵行's look like 2131009xxx, 1131012xxx …
        return f"{CATEGORY[stage]}{PROVINCE}0{self.rng.choice('0123')}{next(self.serials)}"

    def school(self, zone: str, kinds: list[str], prefix="上海市闵行区") -> tuple[str, str]:
        for attempt in range(200):
            place = self.rng.choice(
                PLACES[zone] if attempt < 100 else [p for ps in PLACES.values() for p in ps]
            )
            tag = self.rng.choice(["", "", "", "第一", "第二", "第三", "实验", "中心", "外国语", "新"])
            if tag == "新" and len(place) > 2:
                tag = ""
            short = f"{place}{tag}{self.rng.choice(kinds)}"
            if short not in self.names:
                self.names.add(short)
                return prefix + short, short
        raise RuntimeError("学校名称用完")

    def fixed(self, name: str, short: str) -> tuple[str, str]:
        self.names.add(short)
        self.names.add(name.removeprefix("上海市闵行区"))
        return name, short


def credit_code(rng: random.Random, private: bool) -> str:
    """统一社会信用代码: 12 = 机构编制·事业单位, 52 = 民政·民办非企业单位; 310112; 9 chars; check."""
    body = ("52" if private else "12") + DISTRICT[0] + "".join(rng.choice("0123456789") for _ in range(8))
    body += rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
    return body + uscc_check_char(body)


def _size(rng: random.Random, band: str) -> int:
    normal, above, huge = SIZE_BANDS[band]
    r = rng.random()
    if r < 0.012:
        return rng.randint(*huge)
    if r < 0.10:
        return rng.randint(*above)
    return rng.randint(*normal)


def _grades(rng, unit: UnitPlan, grades, per_grade: tuple[int, int], sizer) -> None:
    base = rng.randint(*per_grade)
    for grade in grades:
        for no in range(1, max(1, base + rng.choice((-1, 0, 0, 0, 1))) + 1):
            unit.classes.append(ClassPlan(grade, no, sizer(grade)))


def _fill_classes(rng: random.Random, unit: UnitPlan) -> None:
    primary = lambda g: _size(rng, "primary")  # noqa: E731
    junior = lambda g: _size(rng, "junior")  # noqa: E731
    senior = lambda g: rng.randint(40, 48)  # noqa: E731
    stage = unit.stage
    if stage == "小学":
        _grades(rng, unit, range(1, 6), (2, 5), primary)
    elif stage == "初中":
        _grades(rng, unit, range(6, 10), (2, 5), junior)
    elif stage == "九年一贯制":
        _grades(rng, unit, range(1, 6), (2, 4), primary)
        _grades(rng, unit, range(6, 10), (2, 4), junior)
    elif stage == "完全中学":
        _grades(rng, unit, range(6, 10), (2, 4), junior)
        _grades(rng, unit, range(10, 13), (3, 5), senior)
    elif stage == "高中":
        _grades(rng, unit, range(10, 13), (4, 7), senior)
    elif stage == "中职":
        _grades(rng, unit, range(10, 13), (8, 12), lambda g: rng.randint(30, 40))
    elif stage == "特殊教育":
        _grades(rng, unit, range(1, 10), (1, 2), lambda g: rng.randint(8, 12))
    elif stage == "幼儿园":
        grades = range(-3, 1) if rng.random() < 0.3 else range(-2, 1)
        _grades(rng, unit, grades, (2, 3), lambda g: rng.randint(*KG_SIZES[g]))
        for c in unit.classes:  # 托班 are small: one or two per kindergarten
            if c.grade == -3 and c.class_no > 2:
                c.size = 0
        unit.classes = [c for c in unit.classes if c.size]
    if len(unit.campuses) > 1:
        # The branch campus takes the youngest grades.
        cut = sorted({c.grade for c in unit.classes})[len({c.grade for c in unit.classes}) // 2]
        for c in unit.classes:
            c.campus = 1 if c.grade < cut else 0


def _fill_staff(rng: random.Random, unit: UnitPlan) -> None:
    n_classes = len(unit.classes)
    teachers = max(n_classes + 2, round(n_classes * TEACHERS_PER_CLASS[unit.stage] * rng.uniform(0.9, 1.1)))
    unit.staff = {"专任教师": teachers}
    for post, share in OTHER_POSTS:
        unit.staff[post] = max(2 if post == "管理" else 1, round(teachers * share * rng.uniform(0.85, 1.15)))
    unit.staff["校医"] = 1 + (teachers > 80) + (teachers > 160)


def subjects_for(stage: str) -> list[str]:
    return SUBJECTS.get(SUBJECT_STAGE.get(stage, stage), SUBJECTS["小学"])


# ---- the full district -------------------------------------------------------------------------

FULL_SCHOOLS = [("小学", 57), ("初中", 33), ("九年一贯制", 27), ("完全中学", 10), ("高中", 19)]
KINDS = {
    "小学": ["小学"],
    "初中": ["中学", "初级中学"],
    "九年一贯制": ["学校", "实验学校"],
    "完全中学": ["中学"],
    "高中": ["高级中学", "中学"],
    "幼儿园": ["幼儿园"],
}
INSTITUTIONS = [
    ("上海市闵行区教育学院", "区教育学院", {"管理": 25, "教辅": 110, "工勤": 20}),
    ("上海市闵行区少年宫", "区少年宫", {"专任教师": 40, "管理": 8, "教辅": 10, "工勤": 12}),
    ("上海市闵行区青少年活动中心", "区青少年活动中心", {"专任教师": 30, "管理": 8, "教辅": 8, "工勤": 10}),
    ("上海市闵行区青少年科技指导站", "区科技指导站", {"专任教师": 15, "管理": 4, "教辅": 6}),
    ("上海市闵行区青少年业余体育学校", "区少体校", {"专任教师": 45, "管理": 6, "教辅": 8, "工勤": 15}),
    ("上海市闵行区学生社区实践指导站", "区实践指导站", {"管理": 4, "教辅": 8}),
    ("上海市闵行区教育考试中心", "区考试中心", {"管理": 6, "教辅": 12}),
    ("上海市闵行区教育信息中心", "区教育信息中心", {"管理": 5, "教辅": 20}),
    ("上海市闵行区教育后勤服务中心", "区后勤服务中心", {"管理": 8, "教辅": 10, "工勤": 30}),
    ("上海市闵行区教育基建管理中心", "区基建管理中心", {"管理": 6, "教辅": 12}),
    ("上海市闵行区教育财务管理中心", "区财务管理中心", {"管理": 5, "教辅": 25}),
    ("上海市闵行区教育人才服务中心", "区人才服务中心", {"管理": 4, "教辅": 10}),
    ("上海市闵行区学生体质健康监测中心", "区体质监测中心", {"管理": 3, "教辅": 8, "校医": 4}),
    ("上海市闵行区未成年人心理健康辅导中心", "区心理辅导中心", {"专任教师": 6, "管理": 3, "教辅": 5}),
    ("上海市闵行区家庭教育指导中心", "区家教指导中心", {"管理": 3, "教辅": 6}),
    ("上海市闵行区早期教育指导中心", "区早教指导中心", {"专任教师": 10, "管理": 3, "教辅": 4}),
    ("上海市闵行区社区学院", "区社区学院", {"专任教师": 20, "管理": 8, "教辅": 10, "工勤": 6}),
    ("上海市闵行区业余大学", "区业余大学", {"专任教师": 35, "管理": 10, "教辅": 12, "工勤": 8}),
]
TRAINING_FIELDS = "艺术 外语 体育 科技 书画 舞蹈 音乐 围棋 编程 语言 文化".split()
TRAINING_BRANDS = "启明 育才 星辰 博雅 新航 启航 立人 明德 思源 乐学 晨光 知行 远航 弘毅 卓越 青苗 小树 彩虹 蓝天 阳光".split()
UNITS_TOTAL = 402
KINDERGARTENS = 170


def full_plan(rng: random.Random) -> Plan:
    plan = Plan(zones=ZONES)
    names = _Names(rng)
    # Names the history below uses are reserved before any school is named at random.
    names.names.update(["江川第二小学", "鹤北小学", "汽轮小学", "塘湾小学"])

    def zone_pick():
        return rng.choices(ZONES, weights=ZONE_WEIGHTS)[0]

    def school(stage, zone, name=None, **kw):
        name, short = name or names.school(zone, KINDS[stage])
        unit = UnitPlan(code=names.code(stage), name=name, short_name=short, stage=stage, zone=zone, **kw)
        unit.town = zone
        unit.address = gen.unit_address(rng, zone)
        unit.phone = gen.office_phone(rng)
        unit.credit_code = credit_code(rng, unit.nature == "民办")
        # 随迁子女 are commoner in the outer towns than in 古美/江川/新虹 and in 民办 schools.
        unit.migrant_share = {"古美": 0.15, "江川": 0.2, "新虹": 0.2}.get(zone, 0.32)
        plan.units.append(unit)
        return len(plan.units) - 1

    # Every zone has at least two primary schools and a junior school; the rest by weight.
    stages = []
    for stage, n in FULL_SCHOOLS:
        stages += [stage] * n
    for zone in ZONES:
        for stage in ("小学", "小学", "初中"):
            stages.remove(stage)
            school(stage, zone)
    for stage in stages:
        school(stage, zone_pick())
    for unit in plan.units:
        if unit.stage in ("小学", "初中", "九年一贯制") and rng.random() < 0.08:
            unit.nature = "民办"
            unit.credit_code = credit_code(rng, True)
            unit.migrant_share = 0.12
        if unit.stage in ("高中", "完全中学"):
            unit.rank = rng.choices(["市实验性示范性高中", "区实验性示范性高中", ""], weights=[3, 4, 5])[0]
        if rng.random() < 0.15:
            unit.campuses = [
                ("本部", unit.address, True),
                (f"{rng.choice(gen.TOWN_ROADS[unit.zone])}校区", gen.unit_address(rng, unit.zone), False),
            ]
    school("中职", "马桥", name=names.fixed("上海市闵行区中等职业技术学校", "闵行中职校"))
    school("特殊教育", "莘庄", name=names.fixed("上海市闵行区启智学校", "启智学校"))

    # History: two primary schools merged into one in 2019, one closed in 2021, one renamed, one new.
    merged = school("小学", "江川", name=names.fixed("上海市闵行区江川第二小学", "江川二小"))
    plan.units[merged].opened_on = datetime.date(2019, 9, 1)
    olds = [school("小学", "江川", name=names.fixed(n, s)) for n, s in
            [("上海市闵行区鹤北小学", "鹤北小学"), ("上海市闵行区汽轮小学", "汽轮小学")]]  # fmt: skip
    for i in olds:
        _history(plan.units[i], "已合并", datetime.date(1958, 9, 1), datetime.date(2019, 8, 31), merged)
    plan.events.append(
        EventPlan("合并", datetime.date(2019, 9, 1), "鹤北小学、汽轮小学合并组建江川第二小学", olds, [merged])
    )
    receiver = next(i for i, u in enumerate(plan.units) if u.zone == "吴泾" and u.stage == "小学")
    closed = school("小学", "吴泾", name=names.fixed("上海市闵行区塘湾小学", "塘湾小学"))
    _history(plan.units[closed], "已撤销", datetime.date(1965, 9, 1), datetime.date(2021, 8, 31), receiver)
    plan.events.append(EventPlan("撤销", datetime.date(2021, 8, 31), "生源减少撤销建制，在校学生并入"
                                 f"{plan.units[receiver].short_name}", [closed], [receiver]))  # fmt: skip
    new = next(i for i, u in enumerate(plan.units) if u.zone == "浦锦" and u.stage == "小学")
    plan.units[new].opened_on = datetime.date(2023, 9, 1)
    plan.events.append(EventPlan("新建", datetime.date(2023, 9, 1), "浦锦街道新建学校开学", [], [new]))
    renamed = next(i for i, u in enumerate(plan.units) if u.stage == "初中" and u.zone == "虹桥")
    plan.events.append(EventPlan("更名", datetime.date(2022, 7, 1), f"原虹桥第四中学更名为{plan.units[renamed].short_name}",
                                 [renamed], [renamed]))  # fmt: skip

    # Education groups: a strong lead school (a senior or complete school) and five to eight members.
    leads = [
        i
        for i, u in enumerate(plan.units)
        if u.stage in ("完全中学", "高中", "九年一贯制") and u.status == "办学中"
    ]
    free = [
        i
        for i, u in enumerate(plan.units)
        if u.stage in ("小学", "初中", "九年一贯制") and u.status == "办学中"
    ]
    for lead in rng.sample(leads, 5):
        lead_unit = plan.units[lead]
        name = f"{lead_unit.short_name[:2]}教育集团"
        if any(name == g[0] for g in plan.groups):
            name = f"{lead_unit.short_name}教育集团"
        plan.groups.append((name, lead, datetime.date(rng.randint(2015, 2019), 9, 1)))
        lead_unit.group = name
        near = [
            i
            for i in free
            if plan.units[i].group is None and plan.units[i].zone == lead_unit.zone and i != lead
        ]
        others = [i for i in free if plan.units[i].group is None and i not in near and i != lead]
        for i in (near + rng.sample(others, 8))[: rng.randint(5, 8)]:
            plan.units[i].group = name

    for unit in plan.units:
        if unit.status == "办学中":
            _fill_classes(rng, unit)
            _fill_staff(rng, unit)

    # Kindergartens: two thirds 公办 (all 普惠), the rest 民办, about 40% of those 普惠.
    for k in range(KINDERGARTENS):
        private = k >= 112
        zone = zone_pick()
        if private:
            brand = rng.choice(["双语", "艺术", "蒙特梭利", "爱乐", "星星", "贝贝", "童馨", "启蒙"])
            name, short = names.school(zone, [f"{brand}幼儿园"], prefix="上海市闵行区民办")
        else:
            name, short = names.school(zone, ["幼儿园"])
        i = school("幼儿园", zone, name=(name, short), nature="民办" if private else "公办")
        unit = plan.units[i]
        unit.inclusive = not private or rng.random() < 0.4
        unit.rank = rng.choices(["示范园", "一级园", "二级园"], weights=[5, 40, 55])[0]
        unit.migrant_share = 0.25 if private else 0.35
        _fill_classes(rng, unit)
        _fill_staff(rng, unit)

    # Other units: the bureau's institutions, a 社区学校 per town, and licensed 校外教育机构.
    for name, short, staff in INSTITUTIONS:
        i = school("其他单位", "莘庄", name=names.fixed(name, short))
        plan.units[i].zone = None
        plan.units[i].staff = dict(staff)
    for zone, town, _ in gen.TOWNS:
        if zone != "航华":
            i = school("其他单位", zone, name=names.fixed(f"上海市闵行区{town}社区学校", f"{town}社区学校"))
            plan.units[i].zone = None
            plan.units[i].staff = {"专任教师": rng.randint(3, 6), "管理": 2}
    while len(plan.units) < UNITS_TOTAL:
        zone = zone_pick()
        short = f"{rng.choice(TRAINING_BRANDS)}{rng.choice(TRAINING_FIELDS)}培训学校"
        if short in names.names:
            continue
        i = school("其他单位", zone, name=names.fixed(f"上海市闵行区{short}", short), nature="民办")
        plan.units[i].zone = None

    plan.primary_demo = next(i for i, u in enumerate(plan.units) if u.stage == "小学" and u.nature == "公办")
    plan.junior_demo = next(i for i, u in enumerate(plan.units) if u.stage == "初中" and u.nature == "公办")
    return plan


def _history(unit: UnitPlan, status, opened, closed, successor) -> None:
    unit.status, unit.opened_on, unit.closed_on, unit.successor = status, opened, closed, successor


# ---- the small district (tests, browser tests) -------------------------------------------------


def small_plan(rng: random.Random) -> Plan:
    plan = Plan(zones=["莘庄", "七宝", "古美", "江川"])
    names = _Names(rng)

    def school(stage, zone, name, short, sizes, **kw):
        unit = UnitPlan(code=names.code(stage), name=name, short_name=short, stage=stage, zone=zone, **kw)
        names.fixed(name, short)
        unit.town = zone
        unit.address = gen.unit_address(rng, zone)
        unit.phone = gen.office_phone(rng)
        unit.credit_code = credit_code(rng, False)
        for grade, size in sizes:
            unit.classes.append(ClassPlan(grade, 1 + sum(c.grade == grade for c in unit.classes), size))
        if unit.classes:
            unit.staff = {"专任教师": len(unit.classes) + 6, "管理": 2, "教辅": 1, "工勤": 1, "校医": 1}
        plan.units.append(unit)
        return len(plan.units) - 1

    primary = school("小学", "莘庄", "上海市闵行区莘城实验小学", "莘城实小", [(1, 42), (2, 46)])
    plan.units[primary].campuses = [
        ("本部", plan.units[primary].address, True),
        ("莘松路校区", gen.unit_address(rng, "莘庄"), False),
    ]
    plan.units[primary].classes[0].campus = 1
    plan.units[primary].classes[1].campus = 0
    junior = school("初中", "七宝", "上海市闵行区七宝第二中学", "七宝二中", [(6, 48)])
    school("九年一贯制", "古美", "上海市闵行区古美实验学校", "古美实验", [(6, 56)])
    kg = school("幼儿园", "莘庄", "上海市闵行区莘城幼儿园", "莘城幼儿园", [(-2, 25), (0, 30)])
    plan.units[kg].inclusive, plan.units[kg].rank = True, "一级园"
    plan.units[kg].staff = {"专任教师": 5, "管理": 1, "教辅": 1, "工勤": 1}
    senior = school(
        "高中", "江川", "上海市闵行区江川高级中学", "江川高中", [(10, 45)], rank="区实验性示范性高中"
    )
    old = school("小学", "莘庄", "上海市闵行区莘庄第三小学", "莘庄三小", [])
    _history(plan.units[old], "已合并", datetime.date(1960, 9, 1), datetime.date(2019, 8, 31), primary)
    plan.units[primary].opened_on = datetime.date(2019, 9, 1)
    plan.events.append(
        EventPlan("合并", datetime.date(2019, 9, 1), "莘庄第三小学并入莘城实验小学", [old], [primary])
    )
    plan.groups.append(("江川教育集团", senior, datetime.date(2018, 9, 1)))
    plan.units[senior].group = plan.units[junior].group = "江川教育集团"
    plan.primary_demo, plan.junior_demo = primary, junior
    return plan
