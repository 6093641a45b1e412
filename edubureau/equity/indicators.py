"""The seven resource indicators of 优质均衡 per school and 学段, and the pass rule (no Django).

Source: 《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号), see docs/equity.md. A school (or the
primary / junior part of a mixed school) passes when at least 6 of the 7 indicators reach the standard
of its 学段 and every remaining one is at least 85 % of it.

Nothing here guesses: an indicator whose inputs are missing is reported as missing (value None), and
a part without students gets no indicator at all, with a status saying why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

# 学段 keys are the Chinese values the models use (org.Stage, equity.Part), so settings pass through.
PRIMARY, JUNIOR, SENIOR = "小学", "初中", "高中"
NINE_YEAR, COMPLETE, TWELVE_YEAR = "九年一贯制", "完全中学", "十二年一贯制"
COMPULSORY_STAGES = (PRIMARY, JUNIOR)
STAGE_LABELS = {PRIMARY: "小学", JUNIOR: "初中", SENIOR: "高中"}

INDICATORS = ("i1", "i2", "i3", "i4", "i5", "i6", "i7")
INDICATOR_LABELS = {
    "i1": "每百名学生拥有高于规定学历教师数",
    "i2": "每百名学生拥有县级以上骨干教师数",
    "i3": "每百名学生拥有体育、艺术专任教师数",
    "i4": "生均教学及辅助用房面积",
    "i5": "生均体育运动场馆面积",
    "i6": "生均教学仪器设备值",
    "i7": "每百名学生拥有网络多媒体教室数",
}
INDICATOR_UNITS = {"i1": "人", "i2": "人", "i3": "人", "i4": "m²", "i5": "m²", "i6": "元", "i7": "间"}

# Which input each indicator divides by the students, and the factor (per 100 students or per student).
INPUT_OF = {
    "i1": ("qualified_teachers", 100),
    "i2": ("backbone_teachers", 100),
    "i3": ("pe_art_teachers", 100),
    "i4": ("building_area", 1),
    "i5": ("sports_area", 1),
    "i6": ("equipment_value", 1),
    "i7": ("multimedia_rooms", 100),
}
INPUT_LABELS = {
    "students": "在校学生数",
    "qualified_teachers": "高于规定学历教师数",
    "backbone_teachers": "县级以上骨干教师数",
    "pe_art_teachers": "体育、艺术专任教师数",
    "building_area": "教学及辅助用房面积",
    "sports_area": "体育运动场馆面积",
    "equipment_value": "教学仪器设备值",
    "multimedia_rooms": "网络多媒体教室数",
}
TEACHER_INPUTS = ("qualified_teachers", "backbone_teachers", "pe_art_teachers")
RESOURCE_INPUTS = ("building_area", "sports_area", "equipment_value", "multimedia_rooms")

STANDARDS = {
    PRIMARY: {"i1": 4.2, "i2": 1.0, "i3": 0.9, "i4": 4.5, "i5": 7.5, "i6": 2000.0, "i7": 2.3},
    JUNIOR: {"i1": 5.3, "i2": 1.0, "i3": 0.9, "i4": 5.8, "i5": 10.2, "i6": 2500.0, "i7": 2.4},
}
CV_THRESHOLDS = {PRIMARY: 0.50, JUNIOR: 0.45}

# Conventional student weights for splitting mixed schools by 学段 (primary : junior : senior).
SPLIT_WEIGHTS = {
    NINE_YEAR: {PRIMARY: 1.0, JUNIOR: 1.1},
    COMPLETE: {JUNIOR: 1.0, SENIOR: 1.2},
    TWELVE_YEAR: {PRIMARY: 1.0, JUNIOR: 1.1, SENIOR: 1.32},
}

# A value "reaches" the standard within this relative tolerance, so 4.2 computed as 4.19999… counts.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Settings:
    """The rules the bureau may adjust (the 85 % clause is quoted differently between provinces)."""

    standards: dict = field(default_factory=lambda: STANDARDS)
    cv_thresholds: dict = field(default_factory=lambda: CV_THRESHOLDS)
    split_weights: dict = field(default_factory=lambda: SPLIT_WEIGHTS)
    min_reached: int = 6
    floor_share: float = 0.85


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class SchoolInputs:
    """The inputs of one school part (a school in one compulsory 学段). None means "not known"."""

    code: str
    stage: str
    students: float | None
    qualified_teachers: float | None = None
    backbone_teachers: float | None = None
    pe_art_teachers: float | None = None
    building_area: float | None = None
    sports_area: float | None = None
    equipment_value: float | None = None
    multimedia_rooms: float | None = None
    name: str = ""

    def with_changes(self, **changes) -> SchoolInputs:
        return replace(self, **changes)


@dataclass(frozen=True)
class Shortfall:
    indicator: str
    value: float
    standard: float

    @property
    def ratio(self) -> float:
        return self.value / self.standard

    @property
    def gap(self) -> float:
        return self.standard - self.value


OK, INCOMPLETE, NO_STUDENTS, INVALID = "ok", "incomplete", "no_students", "invalid"


@dataclass(frozen=True)
class Assessment:
    """One school part against its standards.

    status: ok (all seven known), incomplete (some missing: `missing` says which inputs; `passed` is
    None because 6-of-7 cannot be decided), no_students (no indicator computed), invalid (negative or
    non-numeric inputs: `problems` says which).
    """

    code: str
    stage: str
    students: float | None
    values: dict[str, float | None]
    status: str
    reached: int
    passed: bool | None
    shortfalls: tuple[Shortfall, ...] = ()
    missing: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    name: str = ""

    @property
    def complete(self) -> bool:
        return self.status == OK


def _number(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError
    return float(value)


def check_inputs(inputs: SchoolInputs) -> tuple[list[str], list[str]]:
    """(missing input names, problems in Chinese) of one school part."""
    missing, problems = [], []
    for name in ("students", *TEACHER_INPUTS, *RESOURCE_INPUTS):
        try:
            value = _number(getattr(inputs, name))
        except TypeError:
            problems.append(f"{INPUT_LABELS[name]}不是有效数字：{getattr(inputs, name)!r}")
            continue
        if value is None:
            missing.append(name)
        elif value < 0:
            problems.append(f"{INPUT_LABELS[name]}不能为负数：{value:g}")
    if inputs.stage not in COMPULSORY_STAGES:
        problems.append(f"学段应为小学或初中：{inputs.stage!r}")
    return missing, problems


def compute_values(inputs: SchoolInputs) -> tuple[dict[str, float | None], str, list[str], list[str]]:
    """The seven values from the inputs: (values, status, missing inputs, problems)."""
    missing, problems = check_inputs(inputs)
    empty = dict.fromkeys(INDICATORS)
    if problems:
        return empty, INVALID, missing, problems
    if "students" in missing or not inputs.students:
        return empty, NO_STUDENTS, ["students"], [f"{INPUT_LABELS['students']}为空或为 0，无法计算任何指标"]
    values: dict[str, float | None] = {}
    for key, (name, factor) in INPUT_OF.items():
        amount = getattr(inputs, name)
        values[key] = None if amount is None else factor * amount / inputs.students
    return values, (INCOMPLETE if missing else OK), missing, []


def reaches(value: float, standard: float, share: float = 1.0) -> bool:
    return value >= share * standard * (1 - TOLERANCE)


def assess_values(
    code: str,
    stage: str,
    students: float | None,
    values: dict[str, float | None],
    settings: Settings = DEFAULT_SETTINGS,
    *,
    status: str = OK,
    missing: tuple[str, ...] = (),
    problems: tuple[str, ...] = (),
    name: str = "",
) -> Assessment:
    """Count the reached standards and apply the 6-of-7 / 85 % rule to known values."""
    standards = settings.standards[stage]
    known = {k: v for k, v in values.items() if v is not None}
    reached = sum(reaches(v, standards[k]) for k, v in known.items())
    shortfalls = tuple(
        Shortfall(k, v, standards[k]) for k, v in known.items() if not reaches(v, standards[k])
    )
    if status == OK and len(known) < len(INDICATORS):
        status = INCOMPLETE
        missing = tuple(k for k in INDICATORS if values.get(k) is None)
    if status == OK:
        passed = pass_rule(reached, shortfalls, settings)
    elif status == INCOMPLETE and not pass_rule(reached + len(INDICATORS) - len(known), shortfalls, settings):
        passed = False  # fails whatever the missing values turn out to be
    else:
        passed = None
    return Assessment(
        code,
        stage,
        students,
        dict(values),
        status,
        reached,
        passed,
        shortfalls,
        tuple(missing),
        tuple(problems),
        name,
    )


def pass_rule(reached: int, shortfalls, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """At least `min_reached` of 7 reach the standard and every other one reaches `floor_share` of it."""
    return reached >= settings.min_reached and all(
        reaches(s.value, s.standard, settings.floor_share) for s in shortfalls
    )


def assess(inputs: SchoolInputs, settings: Settings = DEFAULT_SETTINGS) -> Assessment:
    values, status, missing, problems = compute_values(inputs)
    return assess_values(
        inputs.code,
        inputs.stage,
        inputs.students,
        values,
        settings,
        status=status,
        missing=tuple(missing),
        problems=tuple(problems),
        name=inputs.name,
    )


def split_shares(kind: str, students: dict[str, float], weights: dict | None = None) -> dict[str, float]:
    """Each 学段's share of a mixed school's shared resources: weight·students / Σ weight·students.

    kind is 九年一贯制, 完全中学 or 十二年一贯制; students maps 小学/初中/高中 to counts; weights
    default to the conventional 1 : 1.1 (: 1.32) and 1 : 1.2. A 学段 without students gets share 0;
    a school without any students gets no shares.
    """
    weights = (weights or SPLIT_WEIGHTS)[kind]
    unknown = set(students) - set(weights)
    if unknown:
        raise ValueError(f"{kind} 学校没有学段 {', '.join(sorted(unknown))}")
    weighted = {stage: weights[stage] * (students.get(stage) or 0) for stage in weights}
    total = sum(weighted.values())
    if total <= 0:
        return {}
    return {stage: amount / total for stage, amount in weighted.items()}


def split_school(
    kind: str,
    code: str,
    students: dict[str, float],
    shared: dict[str, float | None],
    qualified_by_stage: dict[str, float | None] | None = None,
    name: str = "",
    weights: dict | None = None,
) -> list[SchoolInputs]:
    """The compulsory parts of a mixed school, each with its share of the shared inputs.

    `shared` holds whole-school teacher counts and resources; `qualified_by_stage` the whole-school
    count of teachers above the required education *as each 学段 defines it* (专科+ for primary,
    本科+ for junior), because the same staff counts differently in each part. Senior parts take their
    share but are not returned (they are not compulsory education).
    """
    weights = weights or SPLIT_WEIGHTS
    shares = split_shares(kind, students, weights)
    parts = []
    for stage in weights[kind]:
        # A part without students (a nine-year school still opening its junior grades) is not a part
        # yet; a school without any students keeps its parts, so their status says what is missing.
        if stage not in COMPULSORY_STAGES or (shares and not students.get(stage)):
            continue
        share = shares.get(stage, 0.0)
        scaled = {k: (None if v is None else v * share) for k, v in shared.items()}
        if qualified_by_stage is not None:
            qualified = qualified_by_stage.get(stage)
            scaled["qualified_teachers"] = None if qualified is None else qualified * share
        parts.append(
            SchoolInputs(code=code, stage=stage, students=students.get(stage) or 0, name=name, **scaled)
        )
    return parts
