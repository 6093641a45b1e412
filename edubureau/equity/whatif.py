"""What-if: apply hypothetical changes to the inputs and compare every indicator and CV (no Django).

Changes are moves of teachers of one kind between two school parts of the same 学段, and additions of
area, equipment or classrooms at a school part. The teacher kinds say which counts a moved teacher
changes: exchanged teachers are assumed to hold the education the 学段 requires (a 骨干 or PE/art
teacher sent on 交流轮岗 practically always does), so moving one also moves one qualified teacher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edubureau.equity.cv import StageCVs, stage_cvs
from edubureau.equity.indicators import (
    COMPULSORY_STAGES,
    DEFAULT_SETTINGS,
    INPUT_LABELS,
    RESOURCE_INPUTS,
    STAGE_LABELS,
    Assessment,
    SchoolInputs,
    Settings,
    assess,
)

KINDS = ("backbone", "qualified", "pe_art")
KIND_LABELS = {"backbone": "骨干教师", "qualified": "高于规定学历教师", "pe_art": "体育、艺术教师"}
KIND_EFFECTS = {
    "backbone": ("backbone_teachers", "qualified_teachers"),
    "qualified": ("qualified_teachers",),
    "pe_art": ("pe_art_teachers", "qualified_teachers"),
}


class WhatIfError(ValueError):
    pass


@dataclass(frozen=True)
class Move:
    kind: str
    source: str
    target: str
    count: int = 1
    stage: str | None = None


@dataclass(frozen=True)
class AddResource:
    code: str
    input: str  # one of RESOURCE_INPUTS
    amount: float
    stage: str | None = None


@dataclass(frozen=True)
class Evaluation:
    assessments: list[Assessment]
    cvs: dict[str, StageCVs] = field(default_factory=dict)

    def by_key(self) -> dict[tuple[str, str], Assessment]:
        return {(a.code, a.stage): a for a in self.assessments}

    @property
    def passing(self) -> int:
        return sum(1 for a in self.assessments if a.passed)


def evaluate(parts: list[SchoolInputs], settings: Settings = DEFAULT_SETTINGS) -> Evaluation:
    assessments = [assess(p, settings) for p in parts]
    stages = [s for s in COMPULSORY_STAGES if any(a.stage == s for a in assessments)]
    return Evaluation(assessments, {s: stage_cvs(assessments, s, settings) for s in stages})


def pool(part: SchoolInputs, kind: str) -> float:
    """How many teachers of a kind a part can give. Qualified-only teachers are those left after the
    骨干 and PE/art teachers (who also count as qualified) are set aside."""
    if kind == "backbone":
        return part.backbone_teachers or 0
    if kind == "pe_art":
        return part.pe_art_teachers or 0
    rest = (part.qualified_teachers or 0) - (part.backbone_teachers or 0) - (part.pe_art_teachers or 0)
    return max(0.0, rest)


def _find(index: dict, code: str, stage: str | None) -> tuple[str, str]:
    stages = index.get(code)
    if not stages:
        raise WhatIfError(f"没有找到学校 {code}")
    if stage is None:
        if len(stages) > 1:
            raise WhatIfError(f"学校 {code} 有多个学段，请指明小学或初中")
        return code, stages[0]
    if stage not in stages:
        raise WhatIfError(f"学校 {code} 没有{STAGE_LABELS.get(stage, stage)}学段")
    return code, stage


def apply(parts: list[SchoolInputs], changes) -> list[SchoolInputs]:
    """New inputs with the changes applied in order; the originals are left untouched."""
    current = {(p.code, p.stage): p for p in parts}
    index: dict[str, list[str]] = {}
    for code, stage in current:
        index.setdefault(code, []).append(stage)
    for change in changes:
        if isinstance(change, Move):
            _apply_move(current, index, change)
        elif isinstance(change, AddResource):
            _apply_resource(current, index, change)
        else:
            raise WhatIfError(f"未知的变更：{change!r}")
    return list(current.values())


def _apply_move(current: dict, index: dict, move: Move) -> None:
    if move.kind not in KINDS:
        raise WhatIfError(f"教师类别应为 {'、'.join(KIND_LABELS.values())} 之一：{move.kind!r}")
    if not isinstance(move.count, int) or move.count <= 0:
        raise WhatIfError(f"调动人数应为正整数：{move.count!r}")
    source = _find(index, move.source, move.stage)
    target = _find(index, move.target, move.stage or source[1])
    if source == target:
        raise WhatIfError(f"调出与调入是同一所学校：{move.source}")
    if source[1] != target[1]:
        raise WhatIfError("只能在同一学段的学校之间调动教师")
    giver, taker = current[source], current[target]
    for part in (giver, taker):
        unknown = [INPUT_LABELS[name] for name in KIND_EFFECTS[move.kind] if getattr(part, name) is None]
        if unknown:
            raise WhatIfError(f"学校 {part.code} 缺少{'、'.join(unknown)}，无法模拟调动")
    available = pool(giver, move.kind)
    if move.count > available + 1e-9:
        raise WhatIfError(
            f"学校 {giver.code} 只有 {available:g} 名{KIND_LABELS[move.kind]}可调出，不能调出 {move.count} 名"
        )
    current[source] = giver.with_changes(
        **{n: getattr(giver, n) - move.count for n in KIND_EFFECTS[move.kind]}
    )
    current[target] = taker.with_changes(
        **{n: getattr(taker, n) + move.count for n in KIND_EFFECTS[move.kind]}
    )


def _apply_resource(current: dict, index: dict, change: AddResource) -> None:
    if change.input not in RESOURCE_INPUTS:
        raise WhatIfError(f"只能增加 {'、'.join(INPUT_LABELS[n] for n in RESOURCE_INPUTS)}：{change.input!r}")
    key = _find(index, change.code, change.stage)
    part = current[key]
    before = getattr(part, change.input)
    if before is None:
        raise WhatIfError(f"学校 {change.code} 缺少{INPUT_LABELS[change.input]}，无法模拟增加")
    if before + change.amount < 0:
        raise WhatIfError(f"学校 {change.code} 的{INPUT_LABELS[change.input]}减少后将为负数")
    current[key] = part.with_changes(**{change.input: before + change.amount})


@dataclass(frozen=True)
class WhatIf:
    before: Evaluation
    after: Evaluation

    def changed_schools(self) -> list[tuple[Assessment, Assessment]]:
        after = self.after.by_key()
        return [
            (a, after[(a.code, a.stage)])
            for a in self.before.assessments
            if a.values != after[(a.code, a.stage)].values
        ]


def what_if(parts: list[SchoolInputs], changes, settings: Settings = DEFAULT_SETTINGS) -> WhatIf:
    return WhatIf(evaluate(parts, settings), evaluate(apply(parts, changes), settings))
